#!/usr/bin/env python3
# Writes Plants/demo.yaml (python3 Plants/tools/generate-demo.py > Plants/demo.yaml): the demo plant is
# regular enough to generate, and generating keeps its 161 register addresses consistent.
# Generates Plants/demo.yaml (kept readable: one flow mapping per signal).
out = []
w = out.append

w("""# Riverside water works: raw-water intake, treatment (aeration and mixing) and distribution.
# The demo plant of Prognos. Its Modbus devices and its broker point at 127.0.0.1, where
# `prognos simulate` serves them. Addresses are 0-based protocol addresses (see docs/plant-files.md).
site:
  id: riverside
  name: Riverside Water Works

retention:
  raw_days: 14
  summary_days: 730

economics:
  currency: EUR
  downtime_cost_per_hour: 1800
  failure_cost: 40000        # default unplanned-failure cost, secondary damage included
  crew_capacity: 3
  windows:
    - {id: tuesday-night, weekday: tuesday, start: "22:00", duration: 8h, crew: 3}
    - {id: saturday-day, weekday: saturday, start: "06:00", duration: 10h, crew: 3}

actions:
  - {id: replace-bearings, name: Replace rolling-element bearings, cost: 3200, duration: 6h, crew: 2, resets: [bearing-wear]}
  - {id: lubricate-bearings, name: Regrease bearings, cost: 180, duration: 1h, crew: 1, slows: [bearing-wear], factor: 0.6}
  - {id: replace-impeller, name: Replace pump impeller and wear rings, cost: 8500, duration: 8h, crew: 3, resets: [impeller-wear]}
  - {id: replace-seal, name: Replace mechanical seal, cost: 1900, duration: 5h, crew: 2, resets: [seal-leak]}
  - {id: replace-air-filter, name: Replace intake filter element, cost: 240, duration: 1h, crew: 1, resets: [filter-clogging]}
  - {id: dry-out-winding, name: Dry out and revarnish stator winding, cost: 2600, duration: 8h, crew: 2, slows: [winding-ageing], factor: 0.4}
  - {id: replace-motor, name: Swap motor for the overhauled spare, cost: 9500, duration: 6h, crew: 3, resets: [winding-ageing, bearing-wear]}
  - {id: laser-align, name: Laser shaft alignment, cost: 650, duration: 3h, crew: 2, resets: [misalignment]}
  - {id: clean-balance-rotor, name: Clean and balance fan rotor, cost: 700, duration: 3h, crew: 2, resets: [rotor-fouling]}
  - {id: change-gear-oil, name: Change gear oil and filter, cost: 450, duration: 2h, crew: 1, slows: [gear-wear], factor: 0.5}
  - {id: replace-gearset, name: Replace gear set, cost: 14000, duration: 10h, crew: 3, resets: [gear-wear]}
  - {id: derate-80, name: Run at 80 % load until the next window, cost: 0, duration: 0h, crew: 0, derate: 0.8}

devices:
  - {id: plc-intake, tcp: "127.0.0.1:15021", poll_interval: 1s, timeout: 300ms}
  - {id: plc-treatment, tcp: "127.0.0.1:15022", poll_interval: 1s, timeout: 300ms}
  - {id: plc-mixing, tcp: "127.0.0.1:15023", poll_interval: 1s, timeout: 300ms}
  - {id: plc-distribution, tcp: "127.0.0.1:15024", poll_interval: 1s, timeout: 300ms}
  - {id: vfd-gateway, tcp: "127.0.0.1:15025", poll_interval: 2s, timeout: 500ms}
  - {id: energy-meters, tcp: "127.0.0.1:15026", poll_interval: 5s, timeout: 500ms}
  - {id: fan-controller, tcp: "127.0.0.1:15027", poll_interval: 1s, timeout: 300ms}

brokers:
  - {id: site-broker, host: 127.0.0.1, port: 1883, client_id: prognos-riverside}
""")

def fmt(v):
    v = round(float(v), 6)
    return str(int(v)) if float(v).is_integer() else str(v)

def signal(sid, name, unit, src, normal=None, alarm=None, trip=None, role=None, counter=False):
    parts = [f"id: {sid}"]
    if role: parts.append(f"role: {role}")
    parts.append(f"name: {name}")
    parts.append(f"unit: \"{unit}\"" if unit == "%" else f"unit: {unit}")
    if normal: parts.append(f"normal: [{fmt(normal[0])}, {fmt(normal[1])}]")
    for key, lim in (("alarm", alarm), ("trip", trip)):
        if lim:
            inner = ", ".join(f"{k}: {fmt(v)}" for k, v in lim.items())
            parts.append(f"{key}: {{{inner}}}")
    if counter: parts.append("counter: true")
    parts.append(src)
    return "{" + ", ".join(parts) + "}"

class Dev:
    def __init__(self, id): self.id = id; self.next = {}
    def reg(self, function, type, order=None, unit=1, scale=None, offset=None, width=None, at=None):
        key = (unit, function)
        widths = {"int16":1,"uint16":1,"bool":1,"int32":2,"uint32":2,"float32":2,"float64":4}
        addr = self.next.get(key, 0) if at is None else at
        self.next[key] = addr + (1 if function in ("coil","discrete_input") else widths[type])
        p = [f"device: {self.id}"]
        if unit != 1: p.append(f"unit: {unit}")
        p += [f"function: {function}", f"address: {addr}", f"type: {type}"]
        if order: p.append(f"word_order: {order}")
        if scale is not None: p.append(f"scale: {fmt(scale)}")
        if offset is not None: p.append(f"offset: {fmt(offset)}")
        return "modbus: {" + ", ".join(p) + "}"
    def block(self, function, size, unit=1):
        # Start the next asset on a round address so a person can find it.
        key = (unit, function)
        cur = self.next.get(key, 0)
        self.next[key] = ((cur + size - 1) // size) * size

def mqtt(topic, value="$.value", ts="$.ts"):
    return f"mqtt: {{topic: {topic}, value: \"{value}\", timestamp: \"{ts}\"}}"

AMBIENT = mqtt("riverside/weather/station-1", "$.air_temp", "$.time")

plc = {k: Dev(k) for k in ["plc-intake","plc-treatment","plc-mixing","plc-distribution","vfd-gateway","energy-meters","fan-controller"]}

def pump(aid, name, plcdev, order, vfd_unit, meter_addr, rated_flow):
    d = plc[plcdev]; d.block("input", 20)
    s = []
    s.append(signal("suction_pressure", "Suction pressure", "bar", d.reg("input","float32",order), (0.3,2.5), {"low":0.2}, {"low":0.1}))
    s.append(signal("discharge_pressure", "Discharge pressure", "bar", d.reg("input","float32",order), (3.5,6.5), {"low":3.0,"high":7.2}, {"low":2.5,"high":8.0}))
    s.append(signal("flow", "Flow", "m3/h", d.reg("input","float32",order), (0.5*rated_flow, 1.1*rated_flow), {"low":0.35*rated_flow}))
    s.append(signal("bearing_temp_de", "Drive-end bearing temperature", "degC", d.reg("input","int16",None,scale=0.1), (15,75), {"high":85}, {"high":95}))
    s.append(signal("bearing_temp_nde", "Non-drive-end bearing temperature", "degC", d.reg("input","int16",None,scale=0.1), (15,75), {"high":85}, {"high":95}))
    s.append(signal("vibration_de", "Drive-end vibration velocity RMS", "mm/s", d.reg("input","uint16",None,scale=0.01), (0.3,4.5), {"high":7.1}, {"high":11.2}))
    s.append(signal("vibration_nde", "Non-drive-end vibration velocity RMS", "mm/s", d.reg("input","uint16",None,scale=0.01), (0.3,4.5), {"high":7.1}, {"high":11.2}))
    s.append(signal("seal_leak", "Seal leakage", "l/min", d.reg("input","float32",order), (0,0.15), {"high":0.5}, {"high":1.0}))
    g = plc["vfd-gateway"]
    s.append(signal("motor_current", "Motor current", "A", g.reg("holding","uint16",None,unit=vfd_unit,scale=0.1,at=0), (40,160), {"high":175}, {"high":190}))
    s.append(signal("power", "Shaft power", "kW", plc["energy-meters"].reg("holding","float32","ABCD",at=meter_addr), (20,95), {"high":105}))
    ctx = [signal("speed", "Speed setpoint", "rpm", g.reg("holding","uint16",None,unit=vfd_unit,at=8), role="speed"),
           signal("ambient", "Ambient temperature", "degC", AMBIENT, role="ambient")]
    fm = ["{id: bearing-wear, sensors: [vibration_de, vibration_nde, bearing_temp_de], limit: {sensor: vibration_de, above: 11.2}}",
          "{id: impeller-wear, sensors: [flow, discharge_pressure, power], limit: {sensor: discharge_pressure, below: 3.0}}",
          "{id: seal-leak, sensors: [seal_leak], limit: {sensor: seal_leak, above: 1.0}}"]
    acts = ["replace-bearings", "lubricate-bearings", "replace-impeller", "replace-seal", "derate-80"]
    return (aid, name, "centrifugal_pump", s, ctx, fm, acts, 45000)

def compressor(aid, name, unit_base, meter_addr):
    d = plc["plc-treatment"]; d.block("holding", 32)
    s = []
    s.append(signal("discharge_pressure", "Discharge pressure", "bar", d.reg("holding","float32","ABCD"), (6.5,8.5), {"low":6.0,"high":9.0}, {"high":10.0}))
    s.append(signal("discharge_temp", "Discharge temperature", "degC", d.reg("holding","float32","ABCD"), (70,95), {"high":105}, {"high":115}))
    s.append(signal("inlet_temp", "Inlet air temperature", "degC", d.reg("holding","int16",None,scale=0.1), (-10,40)))
    s.append(signal("filter_dp", "Intake filter differential pressure", "mbar", d.reg("holding","uint16",None,scale=0.1), (5,60), {"high":80}, {"high":120}))
    s.append(signal("oil_temp", "Oil temperature", "degC", d.reg("holding","int16",None,scale=0.1), (40,85), {"high":95}, {"high":105}))
    s.append(signal("oil_pressure", "Oil pressure", "bar", d.reg("holding","float32","ABCD"), (2.0,4.0), {"low":1.6}, {"low":1.2}))
    s.append(signal("vibration", "Vibration velocity RMS", "mm/s", d.reg("holding","uint16",None,scale=0.01), (0.5,4.5), {"high":7.1}, {"high":11.0}))
    s.append(signal("motor_current", "Motor current", "A", d.reg("holding","float32","ABCD"), (60,140), {"high":155}, {"high":170}))
    s.append(signal("run_hours", "Running hours", "h", d.reg("holding","uint32","CDAB"), counter=True))
    s.append(signal("power", "Electrical power", "kW", plc["energy-meters"].reg("holding","float32","ABCD",at=meter_addr), (35,80), {"high":90}))
    ctx = [signal("pressure_setpoint", "Pressure setpoint", "bar", d.reg("holding","int16",None,scale=0.01), role="setpoint"),
           signal("load", "Load", "%", d.reg("holding","uint16",None,scale=0.1), role="load"),
           signal("ambient", "Ambient temperature", "degC", AMBIENT, role="ambient")]
    fm = ["{id: filter-clogging, sensors: [filter_dp, discharge_temp], limit: {sensor: filter_dp, above: 120}}",
          "{id: bearing-wear, sensors: [vibration, oil_temp], limit: {sensor: vibration, above: 11.0}}"]
    acts = ["replace-air-filter", "replace-bearings", "lubricate-bearings", "derate-80"]
    return (aid, name, "air_compressor", s, ctx, fm, acts, 60000)

def fan(aid, name, unit, meter_addr):
    d = plc["fan-controller"]; d.block("input", 16, unit=unit)
    s = []
    s.append(signal("airflow", "Airflow", "m3/h", d.reg("input","float32","BADC",unit=unit), (15000,42000), {"low":12000}))
    s.append(signal("static_pressure", "Static pressure", "Pa", d.reg("input","float32","BADC",unit=unit), (400,1200), {"high":1400}))
    s.append(signal("motor_current", "Motor current", "A", d.reg("input","int16",None,unit=unit,scale=0.1), (10,45), {"high":52}, {"high":58}))
    s.append(signal("power", "Electrical power", "kW", plc["energy-meters"].reg("holding","float32","ABCD",at=meter_addr), (5,28), {"high":32}))
    s.append(signal("bearing_temp", "Bearing temperature", "degC", mqtt(f"riverside/iiot/{aid}/bearing-temp"), (15,70), {"high":80}, {"high":90}))
    s.append(signal("vibration", "Vibration velocity RMS", "mm/s", mqtt(f"riverside/iiot/{aid}/vibration", "$.rms", "$.ts"), (0.5,4.5), {"high":7.1}, {"high":11.0}))
    s.append(signal("vibration_peak", "Vibration acceleration peak", "g", mqtt(f"riverside/iiot/{aid}/vibration", "$.peak", "$.ts"), (0.1,2.0), {"high":4.0}))
    ctx = [signal("speed", "Speed", "rpm", d.reg("input","uint16",None,unit=unit), role="speed"),
           signal("running", "Running", "bool", f"modbus: {{device: fan-controller, unit: {unit}, function: discrete_input, address: 0}}", role="context")]
    fm = ["{id: bearing-wear, sensors: [vibration, bearing_temp], limit: {sensor: vibration, above: 11.0}}",
          "{id: rotor-fouling, sensors: [airflow, power, vibration_peak], limit: {sensor: airflow, below: 12000}}"]
    acts = ["replace-bearings", "lubricate-bearings", "clean-balance-rotor", "derate-80"]
    return (aid, name, "fan", s, ctx, fm, acts, 25000)

def motor(aid, name, base):
    d = plc["plc-mixing"]; d.block("input", 40)
    s = []
    s.append(signal("current", "Phase current (mean)", "A", d.reg("input","uint16",None,scale=0.1), (20,70), {"high":80}, {"high":88}))
    s.append(signal("current_imbalance", "Current imbalance", "%", d.reg("input","uint16",None,scale=0.01), (0,3), {"high":5}, {"high":8}))
    s.append(signal("winding_temp", "Stator winding temperature", "degC", d.reg("input","int16",None,scale=0.1), (30,110), {"high":130}, {"high":155}))
    s.append(signal("bearing_temp_de", "Drive-end bearing temperature", "degC", d.reg("input","int16",None,scale=0.1), (15,75), {"high":85}, {"high":95}))
    s.append(signal("bearing_temp_nde", "Non-drive-end bearing temperature", "degC", d.reg("input","int16",None,scale=0.1), (15,75), {"high":85}, {"high":95}))
    s.append(signal("vibration", "Vibration velocity RMS", "mm/s", d.reg("input","uint16",None,scale=0.01), (0.3,3.5), {"high":4.5}, {"high":7.1}))
    s.append(signal("power", "Electrical power", "kW", d.reg("input","int32","ABCD",scale=0.001), (10,40), {"high":45}))
    s.append(signal("insulation_resistance", "Insulation resistance (online)", "MOhm", d.reg("input","float32","ABCD"), (100,5000), {"low":20}, {"low":5}))
    ctx = [signal("load", "Mixer load", "%", d.reg("input","uint16",None,scale=0.1), role="load"),
           signal("ambient", "Ambient temperature", "degC", AMBIENT, role="ambient")]
    fm = ["{id: winding-ageing, sensors: [winding_temp, insulation_resistance, current_imbalance], limit: {sensor: insulation_resistance, below: 5}}",
          "{id: bearing-wear, sensors: [vibration, bearing_temp_de], limit: {sensor: vibration, above: 7.1}}"]
    acts = ["dry-out-winding", "replace-motor", "replace-bearings", "lubricate-bearings", "derate-80"]
    return (aid, name, "induction_motor", s, ctx, fm, acts, 30000)

def gearbox(aid, name):
    d = plc["plc-mixing"]; d.block("input", 40)
    s = []
    s.append(signal("oil_temp", "Oil sump temperature", "degC", d.reg("input","int16",None,scale=0.1), (30,80), {"high":90}, {"high":100}))
    s.append(signal("bearing_temp_in", "Input-shaft bearing temperature", "degC", d.reg("input","int16",None,scale=0.1), (20,80), {"high":90}, {"high":100}))
    s.append(signal("bearing_temp_out", "Output-shaft bearing temperature", "degC", d.reg("input","int16",None,scale=0.1), (20,80), {"high":90}, {"high":100}))
    s.append(signal("vibration_in", "Input-shaft vibration RMS", "mm/s", d.reg("input","uint16",None,scale=0.01), (0.3,4.0), {"high":6.0}, {"high":9.0}))
    s.append(signal("vibration_out", "Output-shaft vibration RMS", "mm/s", d.reg("input","uint16",None,scale=0.01), (0.3,4.0), {"high":6.0}, {"high":9.0}))
    s.append(signal("energy", "Energy through the drive", "kWh", d.reg("input","float64","CDAB"), counter=True))
    s.append(signal("oil_particles", "Oil particle count (ISO 4406 >6um)", "count", mqtt(f"riverside/iiot/{aid}/oil", "$.particles.gt6um", "$.ts"), (0,2500), {"high":5000}, {"high":10000}))
    ctx = [signal("load", "Load", "%", d.reg("input","uint16",None,scale=0.1), role="load")]
    fm = ["{id: gear-wear, sensors: [vibration_out, oil_particles, oil_temp], limit: {sensor: vibration_out, above: 9.0}}",
          "{id: misalignment, sensors: [vibration_in, bearing_temp_in], limit: {sensor: vibration_in, above: 9.0}}"]
    acts = ["change-gear-oil", "replace-gearset", "laser-align", "derate-80"]
    return (aid, name, "gearbox", s, ctx, fm, acts, 35000)

areas = [
 ("intake", "Raw-water intake", [("intake-pumping", "Intake pumping station", [
     pump("pump-101", "Raw-water pump 101", "plc-intake", "CDAB", 1, 0, 900),
     pump("pump-102", "Raw-water pump 102", "plc-intake", "CDAB", 2, 2, 900),
     pump("pump-103", "Raw-water pump 103", "plc-intake", "CDAB", 3, 4, 900)])]),
 ("treatment", "Treatment", [
     ("aeration", "Aeration", [
         compressor("compressor-201", "Aeration compressor 201", 0, 20),
         compressor("compressor-202", "Aeration compressor 202", 32, 22),
         fan("fan-201", "Aeration blower 201", 1, 40),
         fan("fan-202", "Aeration blower 202", 2, 42)]),
     ("mixing", "Flocculation mixing", [
         motor("motor-211", "Mixer motor 211", 0), gearbox("gearbox-211", "Mixer gearbox 211"),
         motor("motor-212", "Mixer motor 212", 0), gearbox("gearbox-212", "Mixer gearbox 212")])]),
 ("distribution", "Distribution", [
     ("high-lift", "High-lift pumping", [
         pump("pump-301", "High-lift pump 301", "plc-distribution", "DCBA", 4, 6, 700),
         pump("pump-302", "High-lift pump 302", "plc-distribution", "DCBA", 5, 8, 700),
         pump("pump-303", "High-lift pump 303", "plc-distribution", "DCBA", 6, 10, 700)]),
     ("ventilation", "Pump-hall ventilation", [fan("fan-301", "Pump-hall supply fan 301", 3, 44)])]),
]

w("areas:")
for aid, aname, lines in areas:
    w(f"  - id: {aid}\n    name: {aname}\n    lines:")
    for lid, lname, assets in lines:
        w(f"      - id: {lid}\n        name: {lname}\n        assets:")
        for (asid, asname, atype, sensors, ctx, fm, acts, fcost) in assets:
            w(f"          - id: {asid}\n            name: {asname}\n            type: {atype}\n            failure_cost: {fcost}")
            w(f"            actions: [{', '.join(acts)}]")
            w("            sensors:")
            for s in sensors: w(f"              - {s}")
            w("            context:")
            for s in ctx: w(f"              - {s}")
            w("            failure_modes:")
            for f in fm: w(f"              - {f}")
print("\n".join(out))
