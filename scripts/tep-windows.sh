#!/usr/bin/env bash
# Tennessee Eastman detection with the training window moved: for each offset k, every file with
# its first k rows dropped, then fitted on the next --train-rows rows and scored on the rest
# (docs/world-model.md, "TEP at 100 and 200 training rows"). All 21 files share their first 500
# rows, so the README's TEP figure at a given row count is one training window, not 21; this
# prints FAR / MAR pooled over the files for each window, so that a detection option is judged on
# several windows instead of the one the README quotes:
#
#   scripts/tep-windows.sh 200 --calibration-folds 10
#
# First argument: the training rows (default 200); the rest go to every `prognos eval anomalies`.
# OFFSETS: the offsets k (default 0 50 100 150 200 250 300; at 500 rows use "0 50 100", as the
# files have 660 normal rows). PROGNOS: the binary (default .build/release/prognos). Run from the
# repository root; the shifted copies go to .build/tep-windows.
set -euo pipefail
PROGNOS=${PROGNOS:-.build/release/prognos}
ROWS=${1:-200}
shift || true
OFFSETS=${OFFSETS:-0 50 100 150 200 250 300}
OUT=.build/tep-windows
for k in $OFFSETS; do
    mkdir -p "$OUT/k$k"
    for f in Data/tep/fault*.csv.gz; do
        target="$OUT/k$k/$(basename "$f" .gz)"
        [ -f "$target" ] || gzip -dc "$f" | awk -v k="$k" 'NR == 1 || NR > k + 1' >"$target"
    done
    nice "$PROGNOS" eval anomalies --dir "$OUT/k$k" --separator ';' --time-column datetime --label-column anomaly \
        --train-rows "$ROWS" --format json "$@" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print("rows %s offset %-4s FAR %5.2f %%  MAR %5.1f %%" % (sys.argv[1], sys.argv[2], 100 * d["far"], 100 * d["mar"]))
' "$ROWS" "$k"
done
