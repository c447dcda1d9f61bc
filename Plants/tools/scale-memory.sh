#!/usr/bin/env bash
# Resident memory of `prognos run` for a generated plant of N pumps served by the simulator:
#   swift build -c release && Plants/tools/scale-memory.sh [N] [MINUTES]
# By default the models are commissioned first (`prognos learn --from-simulation`, 1 simulated day at speed 60)
# so the daemon scores from its first step; the simulator serves at speed 60. VmRSS and VmHWM of the
# daemon are printed every minute.
set -euo pipefail
N=${1:-1000}
MINUTES=${2:-3}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PROGNOS=${PROGNOS:-$ROOT/.build/release/prognos}
WORK=$(mktemp -d /tmp/prognos-scale-XXXXXX)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    [ -n "${KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
broker_port=$(free_port)
first_device_port=$(( 20000 + RANDOM % 20000 ))
python3 "$ROOT/Plants/tools/generate-scale.py" "$N" "$first_device_port" | sed "s/port: 1883/port: $broker_port/" > "$WORK/plant.yaml"
mosquitto -p "$broker_port" >"$WORK/mosquitto.log" 2>&1 & pids+=($!)
"$PROGNOS" check "$WORK/plant.yaml" | head -4
# LEARN=0 skips commissioning (the daemon then learns from its first 600 steps of live data).
[ "${LEARN:-1}" = 0 ] || "$PROGNOS" learn "$WORK/plant.yaml" --db "$WORK/prognos.sqlite" --from-simulation --days 1 --speed 60
"$PROGNOS" simulate "$WORK/plant.yaml" --speed 60 --no-degradation >"$WORK/simulate.log" 2>&1 & pids+=($!)
sleep 2
"$PROGNOS" run "$WORK/plant.yaml" --db "$WORK/prognos.sqlite" >"$WORK/run.log" 2>&1 & daemon=$!
pids+=($daemon)
for minute in $(seq 1 "$MINUTES"); do
    sleep 60
    echo "after $minute min: VmRSS $(awk '/VmRSS/ {print $2, $3}' /proc/$daemon/status), VmHWM $(awk '/VmHWM/ {print $2, $3}' /proc/$daemon/status)," \
         "CPU $(ps -o times= -p $daemon) s"
done
"$PROGNOS" status --db "$WORK/prognos.sqlite"
