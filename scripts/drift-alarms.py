#!/usr/bin/env python3
"""Which assets and sensors raise the drift scenario's false alarms, and why.

Reads `prognos eval anomalies --cmapss FILE --model-per-unit --format json --explain` on standard
input and the plant file the export was made from (its units are the plant's assets in order, each
unit's s1, s2, ... its modelled sensors and setting1..3 its context signals), and prints a Markdown
table per asset and a total per cause:

- load outside training: a speed or load context signal was outside the range of the training rows
  during the alarm (the baseline extrapolates);
- ambient outside training: the ambient temperature was, and speed and load were not;
- pump pressure (reservoir level): a pump's suction or discharge pressure drove the alarm with the
  context inside its range (what the reservoir level it draws from moves);
- ageing instrument: the sensor a scenario event makes creep drove it;
- other: anything else, named by the sensor that drove it.

Usage: prognos eval anomalies ... --format json --explain | scripts/drift-alarms.py Plants/demo.yaml \
           [--scenario Plants/scenarios/drift.yaml] [--tank-levels]
"""
import argparse
import collections
import json
import sys

import yaml


def exported_assets(plant, tank_levels):
    """The assets in plant order with their modelled sensors and context signals (as the export;
    with `tank_levels`, as `--export-cmapss --tank-levels`: a suction_level context on every pump)."""
    assets = []
    for area in plant.get("areas", []):
        for line in area.get("lines", []):
            for asset in line.get("assets", []):
                sensors = [s["id"] for s in asset.get("sensors", []) if not s.get("counter", False)]
                context = [(c["id"], c.get("role", "context")) for c in asset.get("context", [])]
                pump = asset.get("type", "").lower() in ("centrifugal_pump", "pump")
                if tank_levels and pump and "suction_level" not in [c for c, _ in context]:
                    context.append(("suction_level", "context"))
                if len(sensors) <= 21 and len(context) <= 3:
                    assets.append((asset["id"], asset.get("type", ""), sensors, context))
    return assets


def ageing_sensors(path):
    if not path:
        return set()
    with open(path) as f:
        scenario = yaml.safe_load(f)
    return {(e["asset"], e["sensor"]) for e in scenario.get("events", []) if e.get("sensor_fault") == "drift"}


def cause(run, asset, ageing):
    name, kind, sensors, context = asset
    roles = dict((f"setting{k + 1}", role) for k, (_, role) in enumerate(context))
    outside = {roles.get(k, "padding") for k in run["context_outside_training"]}
    index = int(run["dominant_sensor"][1:]) - 1
    sensor = sensors[index] if index < len(sensors) else run["dominant_sensor"]
    if outside & {"speed", "load", "setpoint"}:
        return "load outside training", sensor
    if "ambient" in outside:
        return "ambient outside training", sensor
    if "pump" in kind and sensor in ("suction_pressure", "discharge_pressure"):
        return "pump pressure (reservoir level)", sensor
    if (name, sensor) in ageing:
        return "ageing instrument", sensor
    return "other", sensor


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("plant")
    parser.add_argument("--scenario")
    parser.add_argument("--tank-levels", action="store_true", help="the export was made with --tank-levels")
    args = parser.parse_args()
    with open(args.plant) as f:
        assets = exported_assets(yaml.safe_load(f), args.tank_levels)
    ageing = ageing_sensors(args.scenario)
    result = json.load(sys.stdin)
    runs_by_unit = collections.defaultdict(list)
    for run in result["false_alarm_runs"]:
        runs_by_unit[int(run["file"].split()[-1])].append(run)
    totals = collections.Counter()
    print("| asset | false alarms | flagged rows | driven by (alarms) | causes (alarms) |")
    print("|---|---|---|---|---|")
    for unit, asset in enumerate(assets, start=1):
        runs = runs_by_unit.get(unit, [])
        if not runs:
            continue
        sensors = collections.Counter()
        causes = collections.Counter()
        for run in runs:
            why, sensor = cause(run, asset, ageing)
            sensors[sensor] += 1
            causes[why] += 1
        totals.update(causes)
        rows = sum(r["rows"] for r in runs)
        driven = ", ".join(f"{s} {n}" for s, n in sensors.most_common(3))
        why = ", ".join(f"{c} {n}" for c, n in causes.most_common())
        print(f"| {asset[0]} | {len(runs)} | {rows} | {driven} | {why} |")
    total = sum(totals.values())
    print()
    print(f"All {total} false alarms: " + "; ".join(f"{c} {n} ({100 * n / max(total, 1):.0f} %)" for c, n in totals.most_common()))


if __name__ == "__main__":
    main()
