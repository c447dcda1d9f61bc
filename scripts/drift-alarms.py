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

With `--export FILE` (the export the eval read) it also tests the thermal-inertia explanation:
temperatures follow load and ambient through first-order lags (the simulator: 20-45 minutes for
windings, bearings and oil; 3 hours from the weather to the hall), while the reference maps the
*current* context to the sensors. For each alarm's first row it measures how far each context
signal is from its own exponentially smoothed past (30 minutes for speed, load and setpoint, 3
hours for ambient), in the training rows' standard deviations, and the hours since the last
load step (a change of more than one training standard deviation within 30 minutes) and since
the ambient's last daily extreme; each table sets the alarms' distribution beside that of all
scored rows, so a cause the lag explains shows as alarms crowding where the lag is large.

Usage: prognos eval anomalies ... --format json --explain | scripts/drift-alarms.py Plants/demo.yaml \
           [--scenario Plants/scenarios/drift.yaml] [--tank-levels] [--export FILE --train-rows 288]
"""
import argparse
import collections
import json
import math
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
    parser.add_argument("--export", help="the export the eval read: also print the thermal-lag tables")
    parser.add_argument("--train-rows", type=int, default=288, help="the eval's --train-rows")
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
    if args.export:
        lag_tables(assets, runs_by_unit, ageing, args.export, args.train_rows)


ROW_HOURS = 1 / 6  # the export's cadence: one row per 10 minutes of running
LAG_HOURS = {"speed": 0.5, "load": 0.5, "setpoint": 0.5, "ambient": 3.0}


def read_export(path):
    """Each unit's rows of settings (3 columns), as the export writes them."""
    units = collections.defaultdict(list)
    with open(path) as f:
        for line in f:
            fields = line.split()
            units[int(fields[0])].append([float(v) for v in fields[2:5]])
    return units


def smoothed(values, hours):
    alpha = 1 - math.exp(-ROW_HOURS / hours)
    out, level = [], values[0]
    for v in values:
        level += alpha * (v - level)
        out.append(level)
    return out


def lag_profile(rows, context, train_rows):
    """Per row: the largest context lag gap (|u − smoothed u| / training sd), the hours since the
    last load step and since the last daily ambient extreme (None where the asset has neither)."""
    n = len(rows)
    gap = [0.0] * n
    since_step = [None] * n
    since_extreme = [None] * n
    for k, (_, role) in enumerate(context):
        if role not in LAG_HOURS:
            continue
        u = [r[k] for r in rows]
        head = u[:train_rows]
        mean = sum(head) / len(head)
        sd = math.sqrt(sum((v - mean) ** 2 for v in head) / len(head)) or 1.0
        lagged = smoothed(u, LAG_HOURS[role])
        for r in range(n):
            gap[r] = max(gap[r], abs(u[r] - lagged[r]) / sd)
        if role == "ambient":
            # A daily extreme: the largest or smallest value within ±6 h (found in hindsight).
            window = int(6 / ROW_HOURS)
            spans = [u[max(0, c - window) : c + window + 1] for c in range(n)]
            extremes = [c for c in range(n) if u[c] in (max(spans[c]), min(spans[c]))]
            j, last = 0, None
            for r in range(n):
                while j < len(extremes) and extremes[j] <= r:
                    last = extremes[j]
                    j += 1
                since_extreme[r] = None if last is None else (r - last) * ROW_HOURS
        else:
            steps = int(0.5 / ROW_HOURS)
            last = None
            for r in range(n):
                if r >= steps and abs(u[r] - u[r - steps]) > sd:
                    last = r
                since_step[r] = None if last is None else (r - last) * ROW_HOURS
    return gap, since_step, since_extreme


def distribution_table(title, bins, alarm_values, row_values):
    def share(values, low, high):
        inside = [v for v in values if v is not None and low <= v < high]
        known = [v for v in values if v is not None]
        return len(inside), len(inside) / max(len(known), 1)

    print()
    print(f"| {title} | alarms | share of alarms | share of scored rows | ratio |")
    print("|---|---|---|---|---|")
    for low, high, label in bins:
        n, a = share(alarm_values, low, high)
        _, b = share(row_values, low, high)
        print(f"| {label} | {n} | {100 * a:.0f} % | {100 * b:.0f} % | {a / b if b > 0 else float('nan'):.2f} |")


def lag_tables(assets, runs_by_unit, ageing, export, train_rows):
    units = read_export(export)
    alarms = collections.defaultdict(lambda: ([], [], []))
    rows = ([], [], [])
    for unit, asset in enumerate(assets, start=1):
        if unit not in units:
            continue
        profile = lag_profile(units[unit], asset[3], train_rows)
        for series, values in zip(rows, profile):
            series.extend(values[train_rows:])
        for run in runs_by_unit.get(unit, []):
            why, _ = cause(run, asset, ageing)
            for series, values in zip(alarms[why], profile):
                series.append(values[run["first_row"]])
            for series, values in zip(alarms["all"], profile):
                series.append(values[run["first_row"]])
    gap_bins = [(0, 0.25, "< 0.25 sd"), (0.25, 0.5, "0.25-0.5"), (0.5, 1, "0.5-1"), (1, 2, "1-2"), (2, math.inf, "> 2 sd")]
    hour_bins = [(0, 0.5, "< 0.5 h"), (0.5, 1, "0.5-1 h"), (1, 2, "1-2 h"), (2, 4, "2-4 h"), (4, 8, "4-8 h"), (8, math.inf, "> 8 h")]
    for why in ("other", "all"):
        gap, step, extreme = alarms[why]
        distribution_table(f"{why}: context lag gap at the first row", gap_bins, gap, rows[0])
        distribution_table(f"{why}: time since the last load step", hour_bins, step, rows[1])
        distribution_table(f"{why}: time since the last ambient extreme", hour_bins, extreme, rows[2])


if __name__ == "__main__":
    main()
