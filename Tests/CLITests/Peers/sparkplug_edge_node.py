"""A Sparkplug B edge node built on pysparkplug, driven one command at a time by a test.

Usage: sparkplug_edge_node.py PORT GROUP NODE COMMAND_FILE

The test appends commands, one per line, to COMMAND_FILE; each is carried out in order and
acknowledged on standard output as "done N COMMAND" (N counts from 1). Payloads are encoded by
pysparkplug (NBirth, DBirth, NData, DData, DDeath, NDeath); the hostile ones are raw bytes.
Every NCMD the node receives is printed, decoded by pysparkplug, as "ncmd NAME=VALUE".

Commands:
  births V            NBIRTH (seq 0) and DBIRTH of device Pump1, bearing temperature V
  ndata V             NDATA of "Line Pressure" = V by alias only, metric timestamp TS_MS
  ddata V S           DDATA of Pump1 by alias only: "Bearing Temp" = V (Float), "Speed" = S (Int16)
  ddata-historical V  DDATA of "Bearing Temp" = V marked historical
  ddata-null          DDATA of "Bearing Temp" with is_null
  skip                consume one sequence number without publishing (a lost message)
  wrong-type          DDATA of "Bearing Temp" as a String
  truncated | garbage | huge | unknown-fields V | deep
                      hostile payloads on DDATA (unknown-fields carries a valid value V)
  ddeath              DDEATH of Pump1
  sync N              publish a marker to the node's own sync topic and wait for it: every NCMD
                      routed before it has been printed when "synced N" appears
  die                 exit at once without DISCONNECT: the broker sends the will (NDEATH)
"""

import os
import sys
import time

import paho.mqtt.client as mqtt
from pysparkplug import DataType, DBirth, DData, DDeath, Metric, NBirth, NCmd, NData, NDeath

TS_MS = 1767225600123  # 2026-01-01T00:00:00.123Z, fixed so the test can check the reading time exactly
BD_SEQ = 0

port, group, node, command_file = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
topic = lambda kind, device=None: f"spBv1.0/{group}/{kind}/{node}" + (f"/{device}" if device else "")
sync_topic = f"prognos-test/sync/{group}/{node}"
seq = 0
synced = []


def next_seq():
    global seq
    seq = (seq + 1) % 256
    return seq


def bd_seq_metric():
    return Metric(timestamp=TS_MS, name="bdSeq", datatype=DataType.INT64, value=BD_SEQ)


def say(line):
    print(line, flush=True)


def on_message(client, userdata, message):
    if message.topic == sync_topic:
        synced.append(message.payload.decode())
        return
    ncmd = NCmd.decode(message.payload)
    for metric in ncmd.metrics:
        say(f"ncmd {metric.name}={metric.value}")


client = mqtt.Client(client_id=f"edge-{group}-{node}", clean_session=True)
client.will_set(topic("NDEATH"), NDeath(timestamp=TS_MS, bd_seq_metric=bd_seq_metric()).encode(), qos=0)
client.on_message = on_message
client.connect("127.0.0.1", port, keepalive=30)
client.subscribe([(topic("NCMD"), 1), (sync_topic, 1)])
client.loop_start()


def publish(kind, payload, device=None):
    info = client.publish(topic(kind, device), payload, qos=0)
    info.wait_for_publish(timeout=30)


def births(value):
    global seq
    seq = 0
    node_metrics = (
        Metric(timestamp=TS_MS, name="Line Pressure", alias=1, datatype=DataType.DOUBLE, value=4.25),
        Metric(timestamp=TS_MS, name="Node Control/Rebirth", alias=2, datatype=DataType.BOOLEAN, value=False),
        Metric(timestamp=TS_MS, name="Site", alias=3, datatype=DataType.STRING, value="Testworks"),
        bd_seq_metric(),
    )
    publish("NBIRTH", NBirth(timestamp=TS_MS, seq=0, metrics=node_metrics).encode(include_dtypes=True))
    device_metrics = (
        Metric(timestamp=TS_MS, name="Bearing Temp", alias=10, datatype=DataType.FLOAT, value=value),
        Metric(timestamp=TS_MS, name="Speed", alias=11, datatype=DataType.INT16, value=-3),
    )
    publish("DBIRTH", DBirth(timestamp=TS_MS, seq=next_seq(), metrics=device_metrics).encode(include_dtypes=True), "Pump1")


def ddata(*metrics):
    publish("DDATA", DData(timestamp=TS_MS, seq=next_seq(), metrics=metrics).encode(), "Pump1")


def varint(n):
    out = bytearray()
    while True:
        out.append((n & 0x7F) | (0x80 if n > 0x7F else 0))
        n >>= 7
        if not n:
            return bytes(out)


def run(command):
    word, *args = command.split()
    if word == "births":
        births(float(args[0]))
    elif word == "ndata":
        metric = Metric(timestamp=TS_MS, name=None, alias=1, datatype=DataType.DOUBLE, value=float(args[0]))
        publish("NDATA", NData(timestamp=TS_MS, seq=next_seq(), metrics=(metric,)).encode())
    elif word == "ddata":
        ddata(
            Metric(timestamp=TS_MS, name=None, alias=10, datatype=DataType.FLOAT, value=float(args[0])),
            Metric(timestamp=TS_MS, name=None, alias=11, datatype=DataType.INT16, value=int(args[1])),
        )
    elif word == "ddata-historical":
        ddata(Metric(timestamp=TS_MS - 60000, name=None, alias=10, datatype=DataType.FLOAT, value=float(args[0]), is_historical=True))
    elif word == "ddata-null":
        ddata(Metric(timestamp=TS_MS, name=None, alias=10, datatype=DataType.FLOAT, value=None, is_null=True))
    elif word == "skip":
        next_seq()
    elif word == "wrong-type":
        # Encoded with the data types: a String where the birth said Float.
        metric = Metric(timestamp=TS_MS, name=None, alias=10, datatype=DataType.STRING, value="hot")
        publish("DDATA", DData(timestamp=TS_MS, seq=next_seq(), metrics=(metric,)).encode(include_dtypes=True), "Pump1")
    elif word == "truncated":
        whole = DData(timestamp=TS_MS, seq=seq + 1, metrics=(Metric(timestamp=TS_MS, name=None, alias=10, datatype=DataType.FLOAT, value=1.0),)).encode()
        publish("DDATA", whole[: len(whole) - 3], "Pump1")
    elif word == "garbage":
        # Wire type 7 does not exist: no protobuf decoder can read past the first byte.
        publish("DDATA", b"\x0f" * 64, "Pump1")
    elif word == "huge":
        # 10 MB: one bytes metric of that size.
        body = b"\x00" * (10 * 1024 * 1024)
        metric = b"\x10\x0a\x82\x01" + varint(len(body)) + body  # alias 10, bytes_value (field 16)
        publish("DDATA", b"\x18" + varint(seq + 1) + b"\x12" + varint(len(metric)) + metric, "Pump1")
    elif word == "deep":
        inner = b""
        for level in range(2000):
            # Metric.template_value (field 18) around a Template, Template.metrics (field 2) around a Metric.
            inner = (b"\x12" if level % 2 == 0 else b"\x92\x01") + varint(len(inner)) + inner
        publish("DDATA", b"\x12" + varint(len(inner)) + inner, "Pump1")
    elif word == "unknown-fields":
        valid = DData(timestamp=TS_MS, seq=next_seq(), metrics=(Metric(timestamp=TS_MS, name=None, alias=10, datatype=DataType.FLOAT, value=float(args[0])),)).encode()
        # Fields 77 (varint) and 78 (bytes) are in no Sparkplug message.
        publish("DDATA", b"\xe8\x04\x2a" + valid + b"\xf2\x04\x03abc", "Pump1")
    elif word == "ddeath":
        publish("DDEATH", DDeath(timestamp=TS_MS, seq=next_seq()).encode(), "Pump1")
    elif word == "sync":
        client.publish(sync_topic, args[0], qos=1)
        deadline = time.monotonic() + 60
        while args[0] not in synced and time.monotonic() < deadline:
            time.sleep(0.01)
        say(f"synced {args[0]}")
    elif word == "die":
        os._exit(0)
    else:
        say(f"unknown command {command}")


done = 0
while True:
    try:
        with open(command_file) as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        lines = []
    for command in lines[done:]:
        run(command)
        done += 1
        say(f"done {done} {command}")
    time.sleep(0.01)
