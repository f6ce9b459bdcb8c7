#!/usr/bin/env bash
# The run benchmark of docs/benchmarks.md and issue 15's targets. It loads ROWS rows x 16 columns
# (10 numeric, 3 string, 1 boolean, a score, a label) over DAYS days into the local PostgreSQL,
# starts a warm Vigil server and reports
#   - speed: `vigil run --wait` over the DAYS x 24 hourly windows, RUNS times (each re-run replaces the
#     profiles), each against `psql \copy (same query) TO /dev/null` of the same rows, and the median ratio;
#   - the server's peak heap (from its GC log, which costs the run nothing);
#   - storage: the live profile bytes (hourly profiles, @day and @month roll-ups) against the source
#     table's size, and the metastore's size on disk (H2 file, or PostgreSQL database before and after VACUUM);
#   - a summary block to paste into docs/benchmarks.md.
#
# Usage: PGUSER=... PGPASSWORD=... bench/run-bench.sh [ROWS] [DAYS] [NAME=VALUE...]
#   ROWS=2000000  DAYS=30   the table and the month (positional, or as NAME=VALUE / environment)
#   RUNS=3                  how many times the month is run (and the COPY timed) after a one-day warm-up
#   SEGMENT=0               1: the version also profiles one segment on the string column s2 (7 values)
#   STORE=h2                h2: the server's embedded metastore; pg: a PostgreSQL metastore in a fresh
#                           database vigil_bench_meta on the same server (login: PGUSER / PGPASSWORD)
#   BENCH_JAVA_OPTS, BENCH_JFR=/path.jfr   extra server JVM options; a JFR dump after the last run
#   BENCH_NAME=vigil_bench  PORT=7171      the database names and the server's port (change both to run
#                           two benchmarks side by side)
# It creates and drops the databases vigil_bench (and vigil_bench_meta) and the role vigil_bench_reader,
# and stops its server, also when it fails.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
positional=()
for arg in "$@"; do
  case "$arg" in
    ROWS=* | DAYS=* | RUNS=* | SEGMENT=* | STORE=*) export "${arg?}" ;;
    *=*) echo "run-bench.sh: unknown setting '$arg' (expected ROWS, DAYS, RUNS, SEGMENT or STORE)" >&2; exit 2 ;;
    *) positional+=("$arg") ;;
  esac
done
rows=${positional[0]:-${ROWS:-2000000}}
days=${positional[1]:-${DAYS:-30}}
runs=${RUNS:-3}
segment=${SEGMENT:-0}
store=${STORE:-h2}
for n in "$rows" "$days" "$runs"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "run-bench.sh: ROWS, DAYS and RUNS must be positive integers, not '$n'" >&2; exit 2; }
done
[[ "$segment" =~ ^[01]$ ]] || { echo "run-bench.sh: SEGMENT must be 0 or 1, not '$segment'" >&2; exit 2; }
[[ "$store" =~ ^(h2|pg)$ ]] || { echo "run-bench.sh: STORE must be h2 or pg, not '$store'" >&2; exit 2; }
if [ "$store" = pg ] && { [ -z "${PGUSER:-}" ] || [ -z "${PGPASSWORD:-}" ]; }; then
  echo "run-bench.sh: STORE=pg needs PGUSER and PGPASSWORD (the server logs into its metastore with them)" >&2
  exit 2
fi

# BENCH_NAME and PORT let two runs share a PostgreSQL server without dropping each other's databases.
db=${BENCH_NAME:-vigil_bench}
[[ "$db" =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "run-bench.sh: BENCH_NAME must be a lower-case SQL name, not '$db'" >&2; exit 2; }
meta_db=${db}_meta
reader=${db}_reader
reader_pw="bench_$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
port=${PORT:-7171}
token="vgl_bench_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
work="$(mktemp -d)"
data_dir="$work/data"
export PGHOST=${PGHOST:-localhost} PGPORT=${PGPORT:-5432}
h2_jar="$HOME/.m2/repository/com/h2database/h2/2.3.232/h2-2.3.232.jar"
start=2026-01-01T00:00:00Z
end=$(date -u -d "2026-01-01 + $days days" +%Y-%m-%dT%H:%M:%SZ)
server_pid=
summary="$work/summary.md"

# Stops the server (SIGTERM: its shutdown hook closes the metastore cleanly), then waits for it to exit.
stop_server() {
  [ -n "$server_pid" ] || return 0
  kill "$server_pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$server_pid" 2>/dev/null || break; sleep 1; done
  kill -9 "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=
}
# Runs on every exit, success or failure: no server, databases or role are left behind.
cleanup() {
  local status=$?
  stop_server
  if [ "$status" != 0 ] && [ -s "$work/server.log" ]; then
    echo "run-bench.sh: failed ($status); the server's log ends with:" >&2
    tail -n 30 "$work/server.log" >&2
  fi
  psql -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "DROP ROLE IF EXISTS $reader" \
    || echo "run-bench.sh: could not drop $db / $reader" >&2
  if [ "$store" = pg ]; then
    psql -q -d postgres -c "DROP DATABASE IF EXISTS $meta_db WITH (FORCE)" \
      || echo "run-bench.sh: could not drop $meta_db" >&2
  fi
  rm -rf "$work"
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
# seconds since a now() reading, to 0.01 s
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1048576 }'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f%%", 100 * a / b }'; }
# the sum of the file sizes in a directory, in bytes
dir_bytes() { find "$1" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'; }
# Records a line for the summary block and prints it.
say() { echo "$*" | tee -a "$summary"; }

echo "== loading $rows rows x 16 columns over $days days into $db"
psql -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "DROP ROLE IF EXISTS $reader" \
  -c "CREATE DATABASE $db"
load_started=$(now)
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
echo "   loaded in $(since "$load_started") s"
# The storage targets are fractions of this: the heap, TOAST and the index on ts.
source_bytes=$(psql -At -d $db -c "SELECT pg_total_relation_size('bench.events')")

# The segment case adds one segment on s2 (7 values): 8 profiles per (window, field) instead of 1.
segments_line=""
if [ "$segment" = 1 ]; then segments_line="  segments: [{field: s2}]"; fi
cat >"$work/bench.yaml" <<YAML
model: {id: bench, name: Benchmark}
version:
  model_version: v1
  model_type: binary
  aggregation_period: hourly
  features: {n1: numeric, n2: numeric, n3: numeric, n4: numeric, n5: numeric, n6: numeric, n7: numeric,
             n8: numeric, n9: numeric, n10: numeric, s1: string, s2: string, s3: string, b1: boolean}
  predictions: {score: numeric}
$segments_line
serving:
  data_source:
    type: postgres-jdbc
    url: jdbc:postgresql://$PGHOST:$PGPORT/$db
    query: SELECT * FROM bench.events
    user: $reader
    password: \${env:VIGIL_BENCH_PW}
  id_column: id
  timestamp_column: ts
  labels: {score: label}
YAML

# The metastore: the server's default H2 file in the data dir, or a fresh PostgreSQL database.
store_env=()
if [ "$store" = pg ]; then
  psql -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE IF EXISTS $meta_db WITH (FORCE)" -c "CREATE DATABASE $meta_db"
  store_env=(VIGIL_STORE_URL="jdbc:postgresql://$PGHOST:$PGPORT/$meta_db" VIGIL_STORE_USER="$PGUSER"
    VIGIL_STORE_PASSWORD="$PGPASSWORD")
fi

echo "== starting a warm server (metastore: $store)"
# Another server on the port would answer the health check and refuse our token.
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "run-bench.sh: port $port is already in use; choose another with PORT=..." >&2
  exit 1
fi
(cd "$here" && ./vigil --version >/dev/null)
env "${store_env[@]}" VIGIL_ADMIN_TOKEN=$token VIGIL_SCHEDULER_TICK=0 \
  VIGIL_JAVA_OPTS="-Xmx4g -Xlog:gc:file=$work/gc.log ${BENCH_JAVA_OPTS:-}" \
  bash "$here/vigil-cli/target/vigil/bin/vigil" server --host 127.0.0.1 --port $port --data-dir "$data_dir" \
  >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 90); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 1
done
if ! curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; then
  echo "run-bench.sh: the server did not start" >&2
  exit 1
fi
export VIGIL_SERVER=http://127.0.0.1:$port VIGIL_TOKEN=$token VIGIL_BENCH_PW=$reader_pw
vigil() { bash "$here/vigil-cli/target/vigil/bin/vigil" "$@"; }
vigil apply -f "$work/bench.yaml" >/dev/null
# Warm-up: Spark's session and JIT, on the first day only.
vigil run --model bench --version v1 --from $start --to 2026-01-02T00:00:00Z --wait >/dev/null 2>"$work/run.err" \
  || { tr '\r' '\n' <"$work/run.err" | tail -n 5 >&2; exit 1; }

# Speed: the same month RUNS times. Each re-run replaces every window's profiles (and their roll-ups), as a
# production backfill would; each is followed by the COPY of the same rows, so that both see the same machine.
# The peak heap is read from the GC log ("GC(12) Pause Young ... 612M->80M(1024M) 5.1ms"): the peak is the
# largest "before", the live set the largest "after" (what the run really holds).
run_times=() copy_times=() ratios=() peaks=() lives=()
for i in $(seq 1 "$runs"); do
  gc_lines_before=$(wc -l <"$work/gc.log")
  echo "== run $i of $runs: vigil run over $days days of hourly windows$([ "$segment" = 1 ] && echo ', segment s2')"
  run_started=$(now)
  # its progress line goes to a file: shown only if the run fails
  if ! vigil run --model bench --version v1 --from $start --to "$end" --wait --format json >"$work/run.json" \
    2>"$work/run.err"; then
    tr '\r' '\n' <"$work/run.err" | tail -n 5 >&2
    exit 1
  fi
  run_times+=("$(since "$run_started")")
  tail -n +$((gc_lines_before + 1)) "$work/gc.log" | grep -oE '[0-9]+M->[0-9]+M' >"$work/gc.pairs" || true
  peaks+=("$(cut -d- -f1 "$work/gc.pairs" | tr -d M | sort -n | tail -n 1)")
  lives+=("$(cut -d'>' -f2 "$work/gc.pairs" | tr -d M | sort -n | tail -n 1)")
  copy_started=$(now)
  PGPASSWORD=$reader_pw psql -q -U $reader -d $db \
    -c "\\copy (SELECT * FROM (SELECT * FROM bench.events) AS vigil_src WHERE ts >= '$start' AND ts < '$end') TO '/dev/null'"
  copy_times+=("$(since "$copy_started")")
  ratios+=("$(awk -v r="${run_times[-1]}" -v c="${copy_times[-1]}" 'BEGIN { printf "%.2f", r / c }')")
  echo "   vigil run ${run_times[-1]} s, psql \\copy ${copy_times[-1]} s, ratio ${ratios[-1]}," \
    "peak heap ${peaks[-1]:-0} MB"
done
if [ -n "${BENCH_JFR:-}" ]; then jcmd "$server_pid" JFR.dump filename="$BENCH_JFR" >/dev/null; fi
read_rows=$(python3 -c "import json; print(json.load(open('$work/run.json'))[0]['rows_read'])")
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { printf "%.2f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Storage. Live profile bytes: the length of every stored profile blob (the bytes a profile encodes to,
# before any compression by the store), split by what it is. Roll-ups are stored under the dataset
# names <dataset>@day and <dataset>@month (vigil-query Rollups); the rest are the hourly profiles,
# including each window's dataset-level record (field ''). One "kind|count|bytes" row each; the SQL is
# the same for H2 and PostgreSQL.
profile_sql="SELECT kind || '|' || COUNT(*) || '|' || SUM(len) AS r FROM (
  SELECT CASE WHEN dataset LIKE '%@day' THEN 'day' WHEN dataset LIKE '%@month' THEN 'month' ELSE 'hourly' END AS kind,
         OCTET_LENGTH(profile) AS len FROM profiles) p GROUP BY kind ORDER BY COUNT(*) DESC"
metastore_lines=()
if [ "$store" = pg ]; then
  psql -At -v ON_ERROR_STOP=1 -d $meta_db -c "$profile_sql" >"$work/profiles.txt"
  meta_runs=$(psql -At -d $meta_db -c "SELECT pg_database_size('$meta_db')")
  # Whether autovacuum had already cleaned up behind the re-runs: its last run on the profiles table (and the
  # dead rows left), as the statistics collector saw them right after the runs.
  autovac=$(psql -At -F ', ' -d $meta_db -c "SELECT 'last autovacuum ' || COALESCE(to_char(last_autovacuum AT TIME ZONE 'UTC',
    'HH24:MI:SS') || ' UTC', 'never'), 'autovacuum count ' || autovacuum_count, 'dead rows ' || n_dead_tup,
    'live rows ' || n_live_tup FROM pg_stat_user_tables WHERE relname = 'profiles'")
  # A manual VACUUM (not FULL) does what autovacuum would: it frees dead rows for reuse, and returns only
  # empty pages at the end of a file to the OS. Only the metastore's own tables: the
  # shared catalogs are the superuser's.
  vacuum_started=$(now)
  tables=$(psql -At -d $meta_db -c "SELECT string_agg(quote_ident(schemaname) || '.' || quote_ident(relname), ', ')
    FROM pg_stat_user_tables")
  psql -q -v ON_ERROR_STOP=1 -d $meta_db -c "VACUUM $tables"
  vacuum_seconds=$(since "$vacuum_started")
  meta_vacuumed=$(psql -At -d $meta_db -c "SELECT pg_database_size('$meta_db')")
  metastore_lines+=("metastore (PostgreSQL $meta_db) after the runs: $(mb "$meta_runs") ($(pct "$meta_runs" "$source_bytes") of the source); profiles: $autovac")
  metastore_lines+=("metastore after a manual VACUUM (${vacuum_seconds} s): $(mb "$meta_vacuumed") ($(pct "$meta_vacuumed" "$source_bytes") of the source)")
else
  # H2: the file as the running server leaves it after the runs, then after the server closed it (H2 compacts
  # for a moment on close). The server holds the file open, so it is read after it stopped, with H2's Shell.
  meta_runs=$(dir_bytes "$data_dir")
  mv_runs=$(stat -c %s "$data_dir/metastore.mv.db")
  stop_server
  meta_closed=$(dir_bytes "$data_dir")
  h2_url="jdbc:h2:file:$data_dir/metastore;AUTO_SERVER=FALSE"
  # the user and the empty password of Metastore.openDefault
  java -cp "$h2_jar" org.h2.tools.Shell -url "$h2_url" -user vigil -password '' -sql "$profile_sql" \
    | grep -E '^[a-z]+\|[0-9]+\|[0-9]+$' >"$work/profiles.txt"
  # What a full compaction would reclaim: SHUTDOWN COMPACT rewrites the file with the live data only.
  compact_started=$(now)
  java -cp "$h2_jar" org.h2.tools.Shell -url "$h2_url" -user vigil -password '' -sql "SHUTDOWN COMPACT" >/dev/null
  compact_seconds=$(since "$compact_started")
  meta_compacted=$(dir_bytes "$data_dir")
  metastore_lines+=("metastore (H2 data dir) after the runs: $(mb "$meta_runs") ($(pct "$meta_runs" "$source_bytes") of the source; metastore.mv.db $(mb "$mv_runs"))")
  metastore_lines+=("metastore after the server closed it: $(mb "$meta_closed") ($(pct "$meta_closed" "$source_bytes"))")
  metastore_lines+=("metastore after SHUTDOWN COMPACT (${compact_seconds} s): $(mb "$meta_compacted") ($(pct "$meta_compacted" "$source_bytes"))")
fi
stop_server

# The summary block: everything above, in lines that paste into docs/benchmarks.md.
commit=$(git -C "$here" rev-parse --short HEAD)
[ -z "$(git -C "$here" status --porcelain --untracked-files=no)" ] || commit="$commit (with local changes)"
ram=$(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo)
pg_version=$(psql -At -d postgres -c "SHOW server_version" | cut -d" " -f1)
echo
echo "== summary (for docs/benchmarks.md)"
say "run-bench.sh: $rows rows x 16 columns over $days days ($((days * 24)) hourly windows)," \
  "$([ "$segment" = 1 ] && echo 'one segment field s2 (7 values)' || echo 'no segment'), $store metastore, $runs runs after a one-day warm-up"
say "machine: $(nproc) cores, $ram RAM, PostgreSQL $pg_version on the same host, commit $commit, $(date -u +%Y-%m-%d)"
say ""
say "| run | \`vigil run\` | COPY | ratio | peak heap | live set |"
say "|---|---|---|---|---|---|"
for i in $(seq 0 $((runs - 1))); do
  say "| $((i + 1)) | ${run_times[$i]} s | ${copy_times[$i]} s | ${ratios[$i]} | ${peaks[$i]:-0} MB | ${lives[$i]:-0} MB |"
done
say "| median | $(median "${run_times[@]}") s | $(median "${copy_times[@]}") s | $(median "${ratios[@]}") | | |"
say ""
say "rows read per run: $read_rows ($(awk -v n="$read_rows" -v t="$(median "${run_times[@]}")" 'BEGIN { printf "%d", n / t }') rows/s at the median)"
say "source table bench.events: $(mb "$source_bytes") (pg_total_relation_size, with its index)"
total_bytes=0 total_count=0
while IFS='|' read -r kind count bytes; do
  total_bytes=$((total_bytes + bytes)) total_count=$((total_count + count))
  say "live profile bytes, $kind: $(mb "$bytes") in $count profiles, $(awk -v b="$bytes" -v n="$count" 'BEGIN { printf "%.1f KB", b / n / 1024 }') on average ($(pct "$bytes" "$source_bytes") of the source)"
done <"$work/profiles.txt"
say "live profile bytes, total: $(mb "$total_bytes") in $total_count profiles ($(pct "$total_bytes" "$source_bytes") of the source)"
for line in "${metastore_lines[@]}"; do say "$line"; done
