"""Reads every Modbus point of a plant with pymodbus 3.16, the way a third-party SCADA would.

    python read_plant.py SPEC.json

SPEC.json is a list of points: {"name", "port", "unit", "function" (coil, discrete_input,
holding, input), "address", "type" (int16 … float64, bool), "order" (ABCD, CDAB, BADC, DCBA),
"scale", "offset"}. Decodes each value itself (struct, big-endian, then the word order's
permutation undone) and prints one JSON object {name: engineering value or an error string}.
Several connections are open at once: one client per port, all connected before any read.
"""

import json
import math
import struct
import sys

from pymodbus.client import ModbusTcpClient

FORMATS = {"int16": ">h", "uint16": ">H", "int32": ">i", "uint32": ">I", "float32": ">f", "float64": ">d"}
WIDTHS = {"int16": 1, "uint16": 1, "bool": 1, "int32": 2, "uint32": 2, "float32": 2, "float64": 4}


def to_bytes(registers, order):
    words = list(registers)
    if order in ("CDAB", "DCBA"):
        words.reverse()
    data = b"".join(struct.pack(">H", w) for w in words)
    if order in ("BADC", "DCBA"):
        data = b"".join(data[i + 1 : i + 2] + data[i : i + 1] for i in range(0, len(data), 2))
    return data


def main():
    points = json.load(open(sys.argv[1]))
    clients = {}
    for port in sorted({p["port"] for p in points}):
        client = ModbusTcpClient("127.0.0.1", port=port, timeout=2)
        if not client.connect():
            print(json.dumps({"error": f"cannot connect to {port}"}))
            return 1
        clients[port] = client
    result = {}
    for p in points:
        client = clients[p["port"]]
        fn, unit, address = p["function"], p["unit"], p["address"]
        try:
            if fn in ("coil", "discrete_input"):
                call = client.read_coils if fn == "coil" else client.read_discrete_inputs
                answer = call(address, count=1, device_id=unit)
                if answer.isError():
                    result[p["name"]] = f"error {answer}"
                    continue
                raw = 1.0 if answer.bits[0] else 0.0
            else:
                call = client.read_holding_registers if fn == "holding" else client.read_input_registers
                answer = call(address, count=WIDTHS[p["type"]], device_id=unit)
                if answer.isError():
                    result[p["name"]] = f"error {answer}"
                    continue
                if p["type"] == "bool":
                    raw = 1.0 if answer.registers[0] else 0.0
                else:
                    raw = float(struct.unpack(FORMATS[p["type"]], to_bytes(answer.registers, p["order"]))[0])
            value = raw * p["scale"] + p["offset"]
            result[p["name"]] = value if math.isfinite(value) else "not finite"
        except Exception as error:  # noqa: BLE001 - reported to the test
            result[p["name"]] = f"exception {error}"
    for client in clients.values():
        client.close()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
