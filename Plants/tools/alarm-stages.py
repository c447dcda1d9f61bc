#!/usr/bin/env python3
# Splits alarm -> subscriber latency into its stages:
#   Plants/tools/alarm-stages.py RUN_LOG RECEIVED
# RUN_LOG: the daemon's log at --log-level trace ("Alarm change committed" and "Alert published"
# lines, see Sources/Daemon/AlarmStages.swift); RECEIVED: `mosquitto_sub -F '%U %p'` output on the
# alarm topics (scale.sh's alarms.received). Per stage: p50, p99 and max over the transitions
# received, and the stage's mean among the slowest 5 % of them (what the p99 is made of).
import json, re, sys

FIELD = re.compile(r"(\w+)=(\S+)")
STAGES = [("rest of the poll", "decided", "polled"), ("poll's end -> hub", "polled", "hub"), ("hub -> submitted", "hub", "submitted"),
          ("submitted -> writer took it", "submitted", "taken"), ("writer queue", "taken", "began"),
          ("transaction + commit", "began", "committed"), ("committed -> published", "committed", "published"),
          ("published -> received", "published", "received")]

events = {}
for line in open(sys.argv[1], errors="replace"):
    if "Alarm change committed" not in line and "Alert published" not in line:
        continue
    fields = dict(FIELD.findall(line))
    event = fields.get("event")
    if not event:
        continue
    entry = events.setdefault(event, {})
    for key in ("polled", "hub", "submitted", "taken", "began", "committed", "published"):
        if key in fields and fields[key] != "-" and key not in entry:
            entry[key] = float(fields[key])
rows = []
for line in open(sys.argv[2], errors="replace"):
    stamp, _, payload = line.partition(" ")
    try:
        event = json.loads(payload)["event_id"]
    except (ValueError, KeyError):
        continue
    entry = events.get(event)
    if entry is None or "received" in entry:
        continue
    entry["received"] = float(stamp)
    entry["decided"] = int(event.split("@")[1].split("/")[0]) / 1000
    rows.append(entry)
if not rows:
    sys.exit("alarm-stages: no transition found in both files (was the daemon run with --log-level trace?)")
rows.sort(key=lambda r: r["received"] - r["decided"])
slowest = rows[-max(1, len(rows) // 20):]
pick = lambda values, q: values[min(len(values) - 1, int(q * len(values)))]
print(f"{len(rows)} transitions; stage: p50 / p99 / max ms, mean among the slowest 5 % ({len(slowest)})")
for name, start, end in STAGES + [("total", "decided", "received")]:
    values = sorted((r[end] - r[start]) * 1000 for r in rows if start in r and end in r)
    tail = [(r[end] - r[start]) * 1000 for r in slowest if start in r and end in r]
    if values:
        print(f"  {name:28s} {pick(values, 0.5):7.1f} {pick(values, 0.99):7.1f} {values[-1]:7.1f}"
              f"   {sum(tail) / max(1, len(tail)):7.1f}")
