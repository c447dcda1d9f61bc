import json, sys, time
import paho.mqtt.client as mqtt
# Publishes alarms in the daemon's schema with "time" = the moment of publishing, 100 per second.
port, count = int(sys.argv[1]), int(sys.argv[2])
c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
c.connect("127.0.0.1", port); c.loop_start()
for i in range(count):
    t = time.time(); ms = int(round(t * 1000))
    iso = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms / 1000)) + ".%03dZ" % (ms % 1000)
    doc = {"event_id": "delay-pump/deviation@%d/condition-activated" % ms, "alarm_id": "delay-pump/deviation", "site": "riverside",
           "asset": "delay-pump", "kind": "deviation", "priority": "high", "state": "unacknowledged", "previous_state": "normal",
           "cause": "condition-activated", "active": True, "time": iso, "sensors": ["vibration_de"],
           "message": "delay-pump deviates from its learned behaviour", "actor": "prognos", "value": 33.0, "threshold": 1}
    c.publish("prognos/riverside/delay-pump/alarm", json.dumps(doc, separators=(",", ":")), qos=1).wait_for_publish()
    time.sleep(0.01)
c.loop_stop(); c.disconnect()
