#!/usr/bin/env bash
# The alarm rate of the healthy demo plant: the simulator serves Plants/demo.yaml with no
# degradation and no scenario; `prognos learn --from-simulation` commissions the models; `prognos
# run` watches DAYS simulated days; the alarms it raised are counted per asset-week, by kind, with
# their messages. Everything runs on free loopback ports in a temporary folder.
#
#   swift build -c release && Plants/tools/healthy-alarm-rate.sh [DAYS] [SPEED]
#
# DAYS defaults to 7 and SPEED (simulated seconds per second) to 3600: a week in under 3 minutes.
# SCENARIO=FILE serves a scenario as well, e.g. the healthy plant whose normal keeps moving:
#   SCENARIO=Plants/scenarios/drift.yaml Plants/tools/healthy-alarm-rate.sh 28
# The daemon steps its models once per wall-clock second, i.e. once per SPEED simulated seconds,
# and learns with the same step. It lives by the simulator's clock (`--clock-speed`, as `prognos
# demo` does), so that what it stores is in simulated time and its model knows how far apart its
# steps are (the baseline adapts at the same pace in time whatever the cadence).
set -euo pipefail
DAYS=${1:-7}
SPEED=${2:-3600}
LEARN_DAYS=${LEARN_DAYS:-60}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PROGNOS=${PROGNOS:-$ROOT/.build/release/prognos}
WORK=$(mktemp -d /tmp/prognos-healthy-XXXXXX)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    [ -n "${KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# The demo plant on free ports (its devices listen on 127.0.0.1:150xx, its broker on 1883).
broker_port=$(free_port)
python3 - "$ROOT/Plants/demo.yaml" "$WORK/plant.yaml" "$broker_port" <<'EOF'
import re, socket, sys
text = open(sys.argv[1]).read()
def port(_):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return f'tcp: "127.0.0.1:{p}"'
text = re.sub(r'tcp: "127\.0\.0\.1:\d+"', port, text).replace("port: 1883", f"port: {sys.argv[3]}")
open(sys.argv[2], "w").write(text)
EOF
mosquitto -p "$broker_port" >"$WORK/mosquitto.log" 2>&1 & pids+=($!)
sleep 0.5

assets=$("$PROGNOS" check "$WORK/plant.yaml" | awk '/assets/ {print $2; exit}' | tr -d ':')
echo "demo plant: $assets assets; learning from $LEARN_DAYS simulated days at speed $SPEED"
"$PROGNOS" learn "$WORK/plant.yaml" --db "$WORK/prognos.sqlite" --from-simulation --days "$LEARN_DAYS" --speed "$SPEED"

scenario=()
[ -z "${SCENARIO:-}" ] || scenario=(--scenario "$SCENARIO")
clock_start=$(( $(date +%s) + 2 ))
"$PROGNOS" simulate "$WORK/plant.yaml" --speed "$SPEED" --clock-start "$clock_start" --step 60s --no-degradation \
    "${scenario[@]}" >"$WORK/simulate.log" 2>&1 & pids+=($!)
sleep 1
"$PROGNOS" run "$WORK/plant.yaml" --db "$WORK/prognos.sqlite" --clock-speed "$SPEED" --clock-start "$clock_start" \
    >"$WORK/run.log" 2>&1 & daemon=$!
pids+=($daemon)
seconds=$(python3 -c "print(int($DAYS * 86400 / $SPEED))")
echo "running the daemon for $DAYS simulated days ($seconds s of wall clock)"
sleep "$seconds"
echo "daemon resident memory after $seconds s: $(awk '/VmRSS/ {print $2, $3}' /proc/$daemon/status), peak $(awk '/VmHWM/ {print $2, $3}' /proc/$daemon/status)"
kill -TERM "$daemon"
wait "$daemon" || true

weeks=$(python3 -c "print($DAYS / 7)")
sqlite3 -header -column "$WORK/prognos.sqlite" <<EOF
.print
.print 'Alarms raised (condition activated) on the healthy plant'
SELECT count(*) AS alarms, $assets AS assets, $weeks AS weeks,
       printf('%.2f', count(*) * 1.0 / ($assets * $weeks)) AS per_asset_week
  FROM alarm_history WHERE cause = 'condition-activated';
.print
SELECT a.kind, count(*) AS raised FROM alarm_history h JOIN alarms a ON a.id = h.alarm_id
 WHERE h.cause = 'condition-activated' GROUP BY a.kind ORDER BY raised DESC;
.print
SELECT datetime(h.time, 'unixepoch') AS time, h.alarm_id, substr(a.message, 1, 110) AS latest_message
  FROM alarm_history h JOIN alarms a ON a.id = h.alarm_id
 WHERE h.cause = 'condition-activated' ORDER BY h.time LIMIT 40;
EOF
echo
echo "readings stored: $(sqlite3 "$WORK/prognos.sqlite" 'SELECT sum(raw_count) FROM series')," \
     "deviation steps scored: $(sqlite3 "$WORK/prognos.sqlite" 'SELECT sum(steps) FROM deviations')," \
     "flagged: $(sqlite3 "$WORK/prognos.sqlite" 'SELECT count(*) FROM deviations WHERE flagged')"
[ -n "${KEEP:-}" ] && echo "kept $WORK"
exit 0
