#!/usr/bin/env bash
# The alarm-load figures of the demo plant (`make alarm-load`, release build):
#  1. a simulated month of the healthy plant (Plants/scenarios/healthy.yaml): the simulator and the
#     daemon run at SPEED× against a mosquitto of our own on free loopback ports, after `prognos
#     learn --from-simulation`; then `prognos alarms --report --speed SPEED` on the daemon's database;
#  2. the faulty demo scenario (Plants/scenarios/demo.yaml) through `prognos demo --report`, whose
#     report says whether each injected machine fault alarmed, then the same alarm-load report.
# Everything it starts it stops; its files go to OUT (default alarm-load/).
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${BIN:-.build/release/prognos}
SPEED=${SPEED:-1800}      # simulated seconds per second: one model step every 30 simulated minutes
DAYS=${DAYS:-30}          # simulated days of the healthy run
LEARN_DAYS=${LEARN_DAYS:-14}
OUT=${OUT:-alarm-load}
mkdir -p "$OUT/healthy"
OUT=$(cd "$OUT" && pwd)
H="$OUT/healthy"
rm -f "$H"/prognos.sqlite*

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

# The demo plant with its Modbus devices and broker on free loopback ports.
broker_port=$(free_port)
cp Plants/demo.yaml "$H/plant.yaml"
for old in $(grep -o '127\.0\.0\.1:150[0-9][0-9]' Plants/demo.yaml | sort -u); do
  sed -i "s/$old\"/127.0.0.1:$(free_port)\"/" "$H/plant.yaml"
done
sed -i "s/port: 1883/port: $broker_port/" "$H/plant.yaml"
printf 'listener %s 127.0.0.1\nallow_anonymous true\n' "$broker_port" > "$H/mosquitto.conf"
mosquitto -c "$H/mosquitto.conf" > "$H/mosquitto.log" 2>&1 & pids+=($!)
sleep 0.5

echo "== healthy month: learning $LEARN_DAYS simulated days at ${SPEED}×"
"$BIN" learn "$H/plant.yaml" --db "$H/prognos.sqlite" --from-simulation --speed "$SPEED" --days "$LEARN_DAYS"
wall=$(python3 -c "print(round($DAYS * 86400 / $SPEED))")
echo "== healthy month: $DAYS simulated days at ${SPEED}× = $wall s"
"$BIN" simulate "$H/plant.yaml" --speed "$SPEED" --step 10s --scenario Plants/scenarios/healthy.yaml \
  --truth "$H/truth.csv" > "$H/simulate.log" 2>&1 & pids+=($!)
sleep 1
"$BIN" run "$H/plant.yaml" --db "$H/prognos.sqlite" > "$H/daemon.log" 2>&1 & daemon=$!
pids+=($daemon)
sleep "$wall"
kill -TERM "$daemon"; wait "$daemon" || true
"$BIN" alarms --db "$H/prognos.sqlite" --report --speed "$SPEED" | tee "$H/report.txt"
"$BIN" alarms --db "$H/prognos.sqlite" --report --speed "$SPEED" --format json > "$H/report.json"
cleanup; pids=()

echo "== faulty demo scenario (Plants/scenarios/demo.yaml, 8 simulated hours at 600×)"
mkdir -p "$OUT/faulty"
"$BIN" demo --report --folder "$OUT/faulty" | tee "$OUT/faulty/demo-report.txt"
"$BIN" alarms --db "$OUT/faulty/prognos.sqlite" --report --speed 600 | tee "$OUT/faulty/report.txt"
