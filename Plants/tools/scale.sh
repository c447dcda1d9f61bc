#!/usr/bin/env bash
# A scale run anyone can repeat: a generated plant of ASSETS pumps (12 signals each, 1 Hz) served
# by the simulator over real Modbus TCP and MQTT, `prognos run` storing into SQLite, for MINUTES.
#   make scale ASSETS=1000 MINUTES=60          (release build), or
#   Plants/tools/scale.sh [ASSETS] [MINUTES]
# Every minute: values offered and stored per second, ingest lag, resident memory, the daemon's CPU
# per value, dropped readings. At the end: the same over the whole run (lag p50/p99 of the daemon's
# lag estimate sampled every 5 s), RSS at 10 min and at the end, the database's growth per asset-day.
# CHECK=1 turns it into a behaviour check (exit 1 on any dropped reading or a lag p99 over
# MAX_LAG seconds); `make test` runs the small form: 100 assets, 2 minutes, on the debug build.
# LEARN=0 skips commissioning (the daemon then learns from its first 600 steps and a week of live data).
# COMMISSIONED=FILE starts from a copy of FILE, a database commissioned for the same ASSETS by an
# earlier run (learning 1,000 pumps from a simulated day takes 4-13 min); a run that learns saves
# its database there when FILE does not exist yet.
# ALARMS=N also measures alarm -> subscriber latency under the load: N pumps, spread over the run,
# get a drive-end vibration transmitter that drifts through its alarm and trip levels for 10 s; a
# `mosquitto_sub` on the alarm topics stamps each message it receives (its %U), and the latency is
# that stamp minus the alarm transition's time (the poll time of the reading that decided it). The
# daemon then logs at trace level, and Plants/tools/alarm-stages.py splits that latency into stages
# (reading -> hub -> alarm writer -> writer queue -> commit -> publish -> subscriber).
set -euo pipefail
ASSETS=${1:-${ASSETS:-1000}}
MINUTES=${2:-${MINUTES:-3}}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PROGNOS=${PROGNOS:-$ROOT/.build/release/prognos}
MAX_LAG=${MAX_LAG:-2}
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
python3 "$ROOT/Plants/tools/generate-scale.py" "$ASSETS" "$first_device_port" | sed "s/port: 1883/port: $broker_port/" > "$WORK/plant.yaml"
mosquitto -p "$broker_port" >"$WORK/mosquitto.log" 2>&1 & pids+=($!)
signals=$("$PROGNOS" check "$WORK/plant.yaml" | awk '/^  signals/ {sub(":", "", $2); print $2}')
echo "scale: $ASSETS assets, $signals signals at 1 Hz, $MINUTES min, $PROGNOS"
if [ -n "${COMMISSIONED:-}" ] && [ -f "$COMMISSIONED" ]; then
    cp "$COMMISSIONED" "$WORK/prognos.sqlite"
elif [ "${LEARN:-1}" != 0 ]; then
    "$PROGNOS" learn "$WORK/plant.yaml" --db "$WORK/prognos.sqlite" --from-simulation --days 1 --speed 60 >/dev/null
    [ -z "${COMMISSIONED:-}" ] || sqlite3 "$WORK/prognos.sqlite" "VACUUM INTO '$COMMISSIONED'"
fi
scenario=()
if [ "${ALARMS:-0}" -gt 0 ]; then
    # At 60x, a plant minute is a wall second: 600 mm/s per plant hour crosses 7.1 mm/s within a second.
    python3 - "$ASSETS" "$MINUTES" "$ALARMS" > "$WORK/alarms.yaml" <<'PY'
import sys
assets, minutes, alarms = (int(v) for v in sys.argv[1:])
print("name: alarm-latency\ndescription: drive-end vibration transmitters drifting through their limits\nevents:")
for i in range(alarms):
    wall = 60 + (minutes * 60 - 90) * i / max(1, alarms)
    pump = 1 + (i * 7919) % assets
    print(f"  - {{at: {round(wall * 60)}s, asset: pump-{pump:04d}, sensor: vibration_de, sensor_fault: drift, magnitude: 600, duration: 10m}}")
PY
    scenario=(--scenario "$WORK/alarms.yaml")
    RUN_ARGS="--log-level trace ${RUN_ARGS:-}"
    mosquitto_sub -p "$broker_port" -q 1 -t 'prognos/+/+/alarm' -F '%U %p' >"$WORK/alarms.received" 2>&1 & pids+=($!)
fi
"$PROGNOS" simulate "$WORK/plant.yaml" --speed 60 --no-degradation "${scenario[@]}" >"$WORK/simulate.log" 2>&1 & pids+=($!)
sleep 2
"$PROGNOS" run "$WORK/plant.yaml" --db "$WORK/prognos.sqlite" ${RUN_ARGS:-} >"$WORK/run.log" 2>&1 & daemon=$!
pids+=($daemon)
ticks=$(getconf CLK_TCK)
cpu_seconds() { awk -v t="$ticks" '{print ($14 + $15) / t}' /proc/$daemon/stat; }
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' /proc/$daemon/status; }
field() { python3 -c "import json,sys; d=json.load(sys.stdin)['daemon'] or {}; v=d.get('$1'); print('' if v is None else v)"; }
status_json() { "$PROGNOS" status --db "$WORK/prognos.sqlite" --format json; }
lags="$WORK/lags"; : > "$lags"
started=$(date +%s.%N); cpu0=$(cpu_seconds); ingested0=0; rss10=""; mark=$started
# Sleeps until $2 seconds after $1 on the wall clock: the samples keep pace with the clock however
# long the status calls take (under load, fixed 5 s sleeps made a "minute" last 1.5).
sleep_until() { sleep "$(awk -v t="$1" -v d="$2" -v now="$(date +%s.%N)" 'BEGIN { l = t + d - now; print (l > 0 ? l : 0) }')"; }
for minute in $(seq 1 "$MINUTES"); do
    for sample in $(seq 1 12); do
        sleep_until "$started" $(( (minute - 1) * 60 + sample * 5 ))
        status_json | field ingest_lag_s >> "$lags" || true
    done
    json=$(status_json)
    ingested=$(echo "$json" | field readings_ingested); dropped=$(echo "$json" | field readings_dropped)
    lag=$(echo "$json" | field ingest_lag_s); cpu=$(cpu_seconds); rss=$(rss_mb); now=$(date +%s.%N)
    span=$(python3 -c "print($now - $mark)"); mark=$now
    [ "$minute" = 10 ] && rss10=$rss
    echo "after $minute min: offered $signals/s, stored $(python3 -c "print(round((${ingested:-0} - $ingested0) / $span))")/s," \
         "lag $(python3 -c "print(f'{${lag:-0}:.3f}')") s, RSS $rss MB, CPU $(python3 -c "print(f'{($cpu - $cpu0) / $span:.2f}')") core," \
         "$(python3 -c "print(f'{($cpu - $cpu0) * 1e6 / max(1, ${ingested:-0} - $ingested0):.1f}')") µs CPU per value, dropped ${dropped:-?}"
    ingested0=${ingested:-0}; cpu0=$cpu
done
elapsed=$(python3 -c "import time; print(time.time() - $started)")
json=$(status_json)
ingested=$(echo "$json" | field readings_ingested); dropped=$(echo "$json" | field readings_dropped)
cpu_total=$(cpu_seconds)
database_bytes=$(echo "$json" | python3 -c "import json,sys; print(json.load(sys.stdin)['database_bytes'])")
read -r p50 p99 <<< "$(python3 - "$lags" <<'PY'
import sys
values = sorted(float(v) for v in open(sys.argv[1]).read().split() if v)
pick = lambda q: values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")
print(f"{pick(0.5):.3f} {pick(0.99):.3f}")
PY
)"
echo "whole run: offered $signals values/s, stored $(python3 -c "print(round(${ingested:-0} / $elapsed))")/s," \
     "ingest lag p50 $p50 s, p99 $p99 s, dropped ${dropped:-?}, RSS ${rss10:-—} MB at 10 min and $(rss_mb) MB at the end," \
     "CPU $(python3 -c "print(f'{$cpu_total / $elapsed:.2f}')") core ($(python3 -c "print(f'{$cpu_total * 1e6 / max(1, ${ingested:-0}):.1f}')") µs per value)," \
     "database growth $(python3 -c "print(round($database_bytes / $ASSETS / $elapsed * 86400))") bytes per asset-day at this rate"
if [ "${ALARMS:-0}" -gt 0 ]; then
    python3 - "$WORK/alarms.received" <<'PY'
import json, sys
latencies = []
for line in open(sys.argv[1]):
    stamp, _, payload = line.partition(" ")
    try:
        event = json.loads(payload)["event_id"]
    except (ValueError, KeyError):
        continue
    decided_ms = int(event.split("@")[1].split("/")[0])
    latencies.append(float(stamp) - decided_ms / 1000)
latencies.sort()
pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000
if latencies:
    print(f"alarms: {len(latencies)} transitions received, reading -> subscriber p50 {pick(0.5):.1f} ms,"
          f" p99 {pick(0.99):.1f} ms, max {latencies[-1] * 1000:.1f} ms")
else:
    print("alarms: none received")
PY
    python3 "$ROOT/Plants/tools/alarm-stages.py" "$WORK/run.log" "$WORK/alarms.received" || true
fi
"$PROGNOS" status --db "$WORK/prognos.sqlite"
if [ "${CHECK:-0}" = 1 ]; then
    ok=$(python3 -c "print(int(${dropped:-1} == 0 and $p99 <= $MAX_LAG and ${ingested:-0} > 0))")
    [ "$ok" = 1 ] || { echo "scale check failed: dropped ${dropped:-?}, lag p99 $p99 s (at most $MAX_LAG), stored ${ingested:-0}"; tail -20 "$WORK/run.log"; exit 1; }
    echo "scale check: ok (nothing dropped, lag p99 $p99 s ≤ $MAX_LAG s)"
fi
