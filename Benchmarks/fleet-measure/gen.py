import json, sys, time
# Alarm documents in the daemon's schema (docs/mqtt.md), unique event ids.
n = int(sys.argv[1]); site = sys.argv[2]; base = time.time() - 600
for i in range(n):
    t = base + i / 1000.0
    asset = sys.argv[3]
    ms = int(round(t * 1000))
    iso = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%03dZ" % (ms % 1000)
    print(json.dumps({"event_id": "%s/deviation@%d/condition-activated" % (asset, ms), "alarm_id": asset + "/deviation",
        "site": site, "asset": asset, "kind": "deviation", "priority": "high", "state": "unacknowledged",
        "previous_state": "normal", "cause": "condition-activated", "active": True, "time": iso,
        "sensors": ["vibration_de", "vibration_nde"],
        "message": asset + " deviates from its learned behaviour (score 33 × threshold): vibration_de 75 %, vibration_nde 23 %; consistent with bearing-wear",
        "actor": "prognos", "value": 33.0, "threshold": 1, "diagnosis": "bearing-wear"}, separators=(",", ":"), ensure_ascii=False))
