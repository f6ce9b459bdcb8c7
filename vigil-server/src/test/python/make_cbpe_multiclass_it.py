#!/usr/bin/python3
"""Rows and expected values for MulticlassCbpeIT, from vigil-stats' multiclass CBPE case
(vigil-stats/src/test/python/make_cbpe_multiclass_expected.py: scikit-learn isotonic fits one class against the
rest, the formulas of docs/decisions/0027, sklearn's realized metrics). Debian's /usr/bin/python3; no computation of
its own beyond laying the rows out in time.

training.csv.gz: the case's 20,000 reference rows (actuals known), on 2026-01-04.
serving.csv.gz: the case's windows 0..5, one an hour from 2026-01-05T00:00Z; the actuals of hours 3..5 are NULL
(not arrived), so those hours have only estimates.
expected.json: per hour, the case's estimated values and std, and the realized metrics of hours 0..2.

Run from this directory:  /usr/bin/python3 make_cbpe_multiclass_it.py
"""
import csv
import gzip
import io
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
CASE = os.path.join(HERE, "..", "..", "..", "..", "vigil-stats", "src", "test", "resources", "cbpe")
OUT = os.path.join(HERE, "..", "resources", "cbpe")
HOURS = 6
LABELED_HOURS = 3


def write(name, rows):
    with open(os.path.join(OUT, name), "wb") as raw, \
            gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as zipped, \
            io.TextIOWrapper(zipped, encoding="utf-8", newline="\n") as out:
        out.write("id,ts,probs,klass,actual\n")
        for row in rows:
            out.write(",".join(row) + "\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    with gzip.open(os.path.join(CASE, "multiclass-rows.csv.gz"), "rt", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    classes = ["a", "b", "c", "d"]

    def line(i, ts, r, labeled):
        probs = "{" + ", ".join('""%s"": %s' % (k, r[k]) for k in classes) + "}"
        return [str(i), ts, '"' + probs + '"', r["predicted"], r["actual"] if labeled else "\\N"]

    training = [r for r in rows if r["set"] == "reference"]
    write("training.csv.gz", [line(i, "2026-01-04T%02d:%02d:%02dZ" % (i * 24 // len(training), i % 60, i % 59), r, True)
                              for i, r in enumerate(training)])
    serving = []
    for h in range(HOURS):
        window = [r for r in rows if r["set"] == "window" and int(r["window"]) == h]
        for j, r in enumerate(window):
            seconds = j * 3600 // len(window)
            serving.append(line(100_000 + h * 10_000 + j, "2026-01-05T%02d:%02d:%02dZ" % (h, seconds // 60, seconds % 60),
                                r, h < LABELED_HOURS))
    write("serving.csv.gz", serving)
    with open(os.path.join(CASE, "multiclass.json")) as f:
        case = json.load(f)
    expected = []
    for w in case["windows"]:
        if w["set"] == "window" and w["window"] < HOURS:
            expected.append({"window_start": "2026-01-05T%02d:00:00Z" % w["window"], "estimated": w["estimated"],
                             "realized": w["realized"] if w["window"] < LABELED_HOURS else None})
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump({"start": "2026-01-05T00:00:00Z", "hours": HOURS, "labeled_hours": LABELED_HOURS,
                   "windows": expected}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
