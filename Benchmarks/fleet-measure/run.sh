#!/bin/bash
# Throughput and delay of the fleet service (BUILD=release or debug), PostgreSQL 15 with durable defaults.
set -u
# Run from anywhere: ROOT is the repository; BUILD the build folder with prognos (default debug).
HERE=$(cd "$(dirname "$0")" && pwd); ROOT=$(cd "$HERE/../.." && pwd); cd "$HERE"
PROGNOS=${FLEET:-$ROOT/.build/${BUILD:-debug}/prognos}
W=/tmp/fleetmeasure/work; rm -rf $W; mkdir -p $W/pg $W/central $W/plant; chmod 777 $W/central $W/plant; chown nobody $W/pg
PGPORT=$((20000 + RANDOM % 10000)); CPORT=$((PGPORT+1)); PPORT=$((PGPORT+2))
runuser -u nobody -- $(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb | tail -1) -D $W/pg/data -U prognos -A trust -E UTF8 --no-instructions > $W/initdb.log 2>&1
runuser -u nobody -- $(command -v postgres || ls /usr/lib/postgresql/*/bin/postgres | tail -1) -D $W/pg/data -p $PGPORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$W/pg > $W/pg.log 2>&1 &
PG=$!
printf "listener $CPORT 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location $W/central/\nmax_queued_messages 1000000\n" > $W/central/c.conf
mosquitto -c $W/central/c.conf > $W/central/log 2>&1 & C=$!
$PROGNOS deploy bridge --plant $ROOT/Plants/demo.yaml --central 127.0.0.1:$CPORT --out $W/bridge.conf
(printf "listener $PPORT 127.0.0.1\nallow_anonymous true\n"; sed "s|^persistence_location.*||" $W/bridge.conf; echo "persistence_location $W/plant/") > $W/plant/p.conf
mosquitto -c $W/plant/p.conf > $W/plant/log 2>&1 & P=$!
sleep 3
URL="postgres://prognos@127.0.0.1:$PGPORT/postgres?sslmode=disable"
$PROGNOS fleet --mqtt 127.0.0.1:$CPORT --db "$URL" --client-id measure > $W/fleet.log 2>&1 & F=$!
sleep 3
q() { psql -h 127.0.0.1 -p $PGPORT -U prognos -d postgres -tAc "$1"; }
# Throughput: 20,000 alarms, 4 publishers straight to the central broker, after a warm-up round of
# as many: a new cluster first creates and zero-fills its WAL segments, which a database that has
# been running recycles (the first 20,000 go in at about half the rate).
for a in 0 1 2 3; do python3 gen.py 5000 riverside warm-$a > $W/warm-$a.txt; python3 gen.py 5000 riverside pump-$a > $W/lines-$a.txt; done
for a in 0 1 2 3; do mosquitto_pub -h 127.0.0.1 -p $CPORT -q 1 -t prognos/riverside/warm-$a/alarm -l < $W/warm-$a.txt & done
while [ "$(q "SELECT count(*) FROM alarm_events WHERE asset LIKE 'warm-%'")" -lt 20000 ]; do sleep 0.5; done
# The end is the last batch's commit time as PostgreSQL recorded it (received_at); polling slowly
# keeps psql's own start-ups (several ms of CPU each) from competing with what is measured.
start=$(date +%s.%N)
for a in 0 1 2 3; do mosquitto_pub -h 127.0.0.1 -p $CPORT -q 1 -t prognos/riverside/pump-$a/alarm -l < $W/lines-$a.txt & done
while [ "$(q "SELECT count(*) FROM alarm_events WHERE asset LIKE 'pump-%'")" -lt 20000 ]; do sleep 0.5; done
end=$(q "SELECT extract(epoch FROM max(received_at)) FROM alarm_events WHERE asset LIKE 'pump-%'")
echo "throughput: 20000 alarms stored in $(echo "$end - $start" | bc) s = $(echo "20000 / ($end - $start)" | bc) msg/s"
# Delay: 200 alarms at 100/s through the plant broker and the bridge.
$ROOT/.venv/bin/python delay.py $PPORT 200
sleep 3
echo "transactions, alarms: $(q "SELECT count(DISTINCT xmin::text), count(*) FROM alarm_events WHERE asset LIKE 'pump-%'")"
q "SELECT count(*), round(percentile_cont(0.5) WITHIN GROUP (ORDER BY d)::numeric, 1), round(percentile_cont(0.99) WITHIN GROUP (ORDER BY d)::numeric, 1), round(max(d)::numeric,1) FROM (SELECT extract(epoch FROM received_at - time) * 1000 AS d FROM alarm_events WHERE asset = 'delay-pump') x"
kill $F; wait $F; kill $P $C; pkill -INT -P $PG; wait 2>/dev/null
grep -E "error|warning" $W/fleet.log | head -5
