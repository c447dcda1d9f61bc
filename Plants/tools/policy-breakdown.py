#!/usr/bin/env python3
"""Splits the bills of `prognos eval policies --format json` by kind of cost.

Usage: policy-breakdown.py PLANT.yaml RUN.json [RUN.json ...]
  (each RUN.json the output of `prognos eval policies PLANT.yaml --format json --seed N`)

Prints one Markdown row per run and policy (planner, hindsight plan, bound): slowings (the
catalogue's "slows" actions), bearing renewals, other renewals, the stops of work done outside a
window, failures (their cost, repair and downtime) and derating, in thousands of the currency; and
the planner's excess over the bound summed over the runs, by the same kinds.
"""
import json
import re
import sys

POLICIES = ["planner", "hindsight-plan", "hindsight-bound"]
KINDS = ["slowings", "bearing renewals", "other renewals", "call-out stops", "failures", "derating"]


def catalogue(path):
    """Action id -> (slows?, renews bearings?) and the downtime cost per hour, from the plant file."""
    text = open(path).read()
    actions = {}
    for m in re.finditer(r"-\s*\{id:\s*([\w-]+),[^}]*\}", text):
        line = m.group(0)
        actions[m.group(1)] = ("slows:" in line, bool(re.search(r"resets:\s*\[[^\]]*bearing", line)))
    per_hour = float(re.search(r"downtime_cost_per_hour:\s*([\d.]+)", text).group(1))
    return actions, per_hour


def split(policy, actions, per_hour):
    bill = dict.fromkeys(KINDS, 0.0)
    for action, cost in policy.get("action_costs", {}).items():
        slows, bearings = actions.get(action, (False, False))
        kind = "slowings" if slows else ("bearing renewals" if bearings else "other renewals")
        bill[kind] += cost
    stops = policy.get("planned_downtime_hours", 0) * per_hour
    bill["call-out stops"] = stops
    bill["failures"] = policy.get("failure_cost", 0) + policy.get("downtime_cost", 0) - stops
    bill["derating"] = policy.get("derating_cost", 0)
    return bill


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    actions, per_hour = catalogue(sys.argv[1])
    excess = dict.fromkeys(KINDS, 0.0)
    print("| seed | policy | total | " + " | ".join(KINDS) + " |")
    print("|---" * (3 + len(KINDS)) + "|")
    for path in sys.argv[2:]:
        run = json.load(open(path))
        by_name = {p["name"]: p for p in run["policies"]}
        bills = {}
        for name in POLICIES:
            if name not in by_name:
                continue
            bills[name] = split(by_name[name], actions, per_hour)
            cells = [f"{bills[name][k] / 1000:.1f}" for k in KINDS]
            print(f"| {run['seed']} | {name} | {by_name[name]['cost'] / 1000:.1f} | " + " | ".join(cells) + " |")
        if "planner" in bills and "hindsight-bound" in bills:
            for k in KINDS:
                excess[k] += bills["planner"][k] - bills["hindsight-bound"][k]
    print()
    print("planner - bound, summed: " + ", ".join(f"{k} {excess[k] / 1000:+.1f}k" for k in KINDS))


if __name__ == "__main__":
    main()
