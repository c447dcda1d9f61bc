#!/usr/bin/env bash
# The world model's detection figures on every data set at once (docs/world-model.md, "How the
# constants were chosen"): TEP at 500, 200 and 100 training rows (FAR / MAR), C-MAPSS FD001 and
# FD002 read as anomalies (FAR / MAR) and the drift scenario (FAR, false alarms per asset-week).
# Extra arguments go to every `prognos eval anomalies`, so that a constant is judged on all six:
#
#   scripts/detection-figures.sh --extrapolation-uncertainty 0
#
# DRIFT and DRIFT_LEVELS name the drift scenario's exports without and with the pumps' tank levels
# (default .build/drift/drift.txt and drift-levels.txt, `make drift-eval` writes them; the second is
# skipped when missing); PROGNOS the binary (default .build/release/prognos). Run from the
# repository root. The drift lines also give the alarms the daemon's rule would raise (on-delay and
# off-delay, `eval anomalies --alarm-on-delay`), beside every run of flagged rows counted as one.
set -euo pipefail
PROGNOS=${PROGNOS:-.build/release/prognos}
DRIFT=${DRIFT:-.build/drift/drift.txt}
DRIFT_LEVELS=${DRIFT_LEVELS:-.build/drift/drift-levels.txt}
T=Data/tep
C=Data/cmapss

figures() {
    python3 -c '
import json, sys
d = json.load(sys.stdin)
week = d.get("false_alarms_per_asset_week")
raised = d.get("raised_false_alarms_per_asset_week")
far, mar, f1 = 100 * d["far"], 100 * d["mar"], d["f1"]
extra = f"  {week:.2f} false alarms per asset-week" if week is not None else ""
extra += f" ({raised:.2f} raised under the daemon rule)" if week is not None and raised is not None else ""
print(f"{sys.argv[1]:<12} FAR {far:5.2f} %  MAR {mar:5.1f} %  F1 {f1:.3f}{extra}")
' "$1"
}

for rows in 500 200 100; do
    nice "$PROGNOS" eval anomalies --dir $T --separator ';' --time-column datetime --label-column anomaly \
        --train-rows $rows --format json "$@" | figures "TEP $rows"
done
for fd in FD001 FD002; do
    nice "$PROGNOS" eval anomalies --cmapss $C/train_$fd.txt.gz --train-rows 30 --format json "$@" | figures "$fd"
done
nice "$PROGNOS" eval anomalies --cmapss "$DRIFT" --train-rows 288 --model-per-unit --rows-per-week 1008 \
    --format json "$@" | figures "drift"
if [ -f "$DRIFT_LEVELS" ]; then
    nice "$PROGNOS" eval anomalies --cmapss "$DRIFT_LEVELS" --train-rows 288 --model-per-unit --rows-per-week 1008 \
        --format json "$@" | figures "drift+levels"
fi
