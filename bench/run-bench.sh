#!/usr/bin/env bash
# The run benchmark of docs/benchmarks.md: loads ROWS rows x 16 columns (10 numeric, 3 string,
# 1 boolean, a score, a label) into the local PostgreSQL, starts a warm Vigil server, and reports
#   - `vigil run --wait` time over the rows, rows/s and the server's peak heap;
#   - the time `psql \copy (same query) TO /dev/null` takes for the same rows, and the ratio.
# Usage: PGUSER=... PGPASSWORD=... bench/run-bench.sh [ROWS] [DAYS]   (defaults 2000000 rows over 30 days)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rows=${1:-2000000}
days=${2:-30}
db=vigil_bench
reader=vigil_bench_reader
reader_pw="bench_$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
port=7171
token="vgl_bench_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
work="$(mktemp -d)"
export PGHOST=${PGHOST:-localhost}
start=2026-01-01T00:00:00Z
end=$(date -u -d "2026-01-01 + $days days" +%Y-%m-%dT%H:%M:%SZ)

echo "== loading $rows rows x 16 columns over $days days into $db"
psql -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "DROP ROLE IF EXISTS $reader" \
  -c "CREATE DATABASE $db"
load_started=$(date +%s.%N)
psql -q -v ON_ERROR_STOP=1 -d $db <<SQL
CREATE SCHEMA bench;
CREATE TABLE bench.events AS
SELECT g AS id,
       timestamptz '$start' + (g::double precision / $rows) * interval '$days days' AS ts,
       random() * 100 AS n1, random() * 10 AS n2, random() AS n3, random() * 1000 AS n4, g % 97 AS n5,
       sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS n6, random() * random() AS n7,
       (g % 13) * 1.5 AS n8, random() * 50 - 25 AS n9, ln(1 + random() * 100) AS n10,
       'c' || (g % 20) AS s1, 'r' || (g % 7) AS s2, md5((g % 500)::text) AS s3,
       g % 3 = 0 AS b1, random() AS score, random() < 0.3 AS label
FROM generate_series(1, $rows) g;
CREATE INDEX ON bench.events (ts);
ANALYZE bench.events;
CREATE USER $reader WITH PASSWORD '$reader_pw';
GRANT CONNECT ON DATABASE $db TO $reader;
GRANT USAGE ON SCHEMA bench TO $reader;
GRANT SELECT ON bench.events TO $reader;
SQL
echo "   loaded in $(echo "$(date +%s.%N) - $load_started" | bc) s"

cat > "$work/bench.yaml" <<YAML
model: {id: bench, name: Benchmark}
version:
  model_version: v1
  model_type: binary
  aggregation_period: hourly
  features: {n1: numeric, n2: numeric, n3: numeric, n4: numeric, n5: numeric, n6: numeric, n7: numeric,
             n8: numeric, n9: numeric, n10: numeric, s1: string, s2: string, s3: string, b1: boolean}
  predictions: {score: numeric}
serving:
  data_source:
    type: postgres-jdbc
    url: jdbc:postgresql://$PGHOST:5432/$db
    query: SELECT * FROM bench.events
    user: $reader
    password: \${env:VIGIL_BENCH_PW}
  id_column: id
  timestamp_column: ts
  labels: {score: label}
YAML

echo "== starting a warm server"
(cd "$here" && ./vigil --version >/dev/null)
VIGIL_ADMIN_TOKEN=$token VIGIL_SCHEDULER_TICK=0 VIGIL_JAVA_OPTS="-Xmx4g -Xlog:gc:file=$work/gc.log ${BENCH_JAVA_OPTS:-}" \
  bash "$here/vigil-cli/target/vigil/bin/vigil" server --port $port --data-dir "$work/data" >"$work/server.log" 2>&1 &
server_pid=$!
trap 'kill $server_pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 1; done
export VIGIL_SERVER=http://127.0.0.1:$port VIGIL_TOKEN=$token VIGIL_BENCH_PW=$reader_pw
vigil() { bash "$here/vigil-cli/target/vigil/bin/vigil" "$@"; }
vigil apply -f "$work/bench.yaml" >/dev/null
# Warm-up: Spark's session and JIT, on the first day only.
vigil run --model bench --version v1 --from $start --to 2026-01-02T00:00:00Z --wait >/dev/null 2>&1

java_pid=$(pgrep -f "dev.vigil.cli.VigilCli server --port $port" | head -n 1)
# the peak is read from the GC log (heap before each collection), which costs nothing
gc_lines_before=$(wc -l <"$work/gc.log")

echo "== vigil run over $rows rows"
run_started=$(date +%s.%N)
vigil run --model bench --version v1 --from $start --to "$end" --wait --format json >"$work/run.json"
run_seconds=$(echo "$(date +%s.%N) - $run_started" | bc)
# "GC(12) Pause Young (Normal) (G1 Evacuation Pause) 612M->80M(1024M) 5.1ms": the peak is the largest "before"
# and the live set is the largest "after" (what the run really holds).
tail -n +$((gc_lines_before + 1)) "$work/gc.log" | grep -oE '[0-9]+M->[0-9]+M' >"$work/gc.pairs" || true
peak=$(cut -d- -f1 "$work/gc.pairs" | tr -d M | sort -n | tail -n 1)
live=$(cut -d'>' -f2 "$work/gc.pairs" | tr -d M | sort -n | tail -n 1)
if [ -n "${BENCH_JFR:-}" ]; then jcmd "$java_pid" JFR.dump filename="$BENCH_JFR" >/dev/null; fi

echo "== psql \\copy of the same rows"
copy_started=$(date +%s.%N)
PGPASSWORD=$reader_pw psql -q -U $reader -d $db \
  -c "\\copy (SELECT * FROM (SELECT * FROM bench.events) AS vigil_src WHERE ts >= '$start' AND ts < '$end') TO '/dev/null'"
copy_seconds=$(echo "$(date +%s.%N) - $copy_started" | bc)

read_rows=$(python3 -c "import json; print(json.load(open('$work/run.json'))[0]['rows_read'])")
echo
echo "rows read:        $read_rows"
echo "vigil run:        ${run_seconds} s  ($(echo "$read_rows / $run_seconds" | bc) rows/s)"
echo "psql \\copy:       ${copy_seconds} s"
echo "ratio:            $(echo "scale=2; $run_seconds / $copy_seconds" | bc)"
echo "peak heap (used): ${peak:-0} MB  (largest live set after a GC: ${live:-0} MB)"
psql -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "DROP ROLE IF EXISTS $reader"
