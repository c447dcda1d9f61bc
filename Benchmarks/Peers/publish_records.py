"""Publishes prepared MQTT messages at QoS 0 as fast as paho-mqtt can, then disconnects.

Usage: publish_records.py PORT FILE

FILE holds records of [u32 topic length][topic][u32 payload length][payload] (big-endian), so
binary payloads (Sparkplug B protobuf) and text payloads (JSON) go out through the same publisher.
"""

import struct
import sys

import paho.mqtt.client as mqtt

port, path = int(sys.argv[1]), sys.argv[2]
records = []
with open(path, "rb") as f:
    data = f.read()
i = 0
while i < len(data):
    (n,) = struct.unpack_from(">I", data, i)
    topic = data[i + 4 : i + 4 + n].decode()
    i += 4 + n
    (n,) = struct.unpack_from(">I", data, i)
    records.append((topic, data[i + 4 : i + 4 + n]))
    i += 4 + n

try:
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
except AttributeError:  # paho-mqtt 1
    client = mqtt.Client()
client.max_queued_messages_set(0)
client.connect("127.0.0.1", port)
client.loop_start()
last = None
for topic, payload in records:
    last = client.publish(topic, payload, qos=0)
last.wait_for_publish(timeout=60)
client.loop_stop()
client.disconnect()
