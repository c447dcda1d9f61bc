"""A pymodbus 3.16 TCP server serving known values in every data type and word order.

Started by ModbusTests with the test venv's Python:

    python pymodbus_server.py --port PORT --manifest PATH

It encodes every value itself (struct, big-endian, then the word order's permutation), writes
a JSON manifest of what it serves (table, address, type, order, raw value) to PATH, and
serves until it is terminated. Addresses not listed are unmapped: pymodbus answers them with
the illegal-data-address exception; each table's points are followed by unused registers
(0xDEAD) so that merged reads through the gaps are answered.
"""

import argparse
import asyncio
import json
import math
import struct

from pymodbus.server import ModbusTcpServer
from pymodbus.simulator import DataType, SimData, SimDevice

FORMATS = {"int16": ">h", "uint16": ">H", "int32": ">i", "uint32": ">I", "float32": ">f", "float64": ">d"}
ORDERS = ["ABCD", "CDAB", "BADC", "DCBA"]

# Four values per type, one for each word order, chosen to show any mix-up of bytes or words.
VALUES = {
    "int16": [-12345, 32767, -32768, 0x1234],
    "uint16": [54321, 65535, 0, 0x1234],
    "int32": [-123456789, 2147483647, -2147483648, 0x12345678],
    "uint32": [3123456789, 4294967295, 1, 0x12345678],
    "float32": [1234.5, -0.15625, 3.4028234663852886e38, 0.001],
    "float64": [123456.789012345, -1e-300, math.pi, 2.5e300],
}
# Bool from a register is "non-zero": (register value, expected raw value).
BOOL_REGISTERS = [(1, 1), (0, 0), (0x8000, 1), (7, 1)]
COILS = [True, False, True, True, False, False, True, False, True, True, True, False, False, True, False, True]
DISCRETE_INPUTS = [not bit for bit in COILS]
UNIT = 1


def words(value, data_type, order):
    """The registers (wire order) of `value` as `data_type` in word order `order`."""
    data = struct.pack(FORMATS[data_type], value)
    pairs = [data[i : i + 2] for i in range(0, len(data), 2)]
    if order in ("BADC", "DCBA"):
        pairs = [pair[::-1] for pair in pairs]
    if order in ("CDAB", "DCBA"):
        pairs = pairs[::-1]
    return [int.from_bytes(pair, "big") for pair in pairs]


def exact(value, data_type):
    """The value the registers really hold (float32 rounds)."""
    return struct.unpack(FORMATS[data_type], struct.pack(FORMATS[data_type], value))[0]


def layout():
    """Registers of the holding and input tables, and the manifest describing them."""
    manifest = []
    tables = {"holding": {}, "input": {}}
    for table, base in (("holding", 0), ("input", 100)):
        address = base
        for data_type, values in VALUES.items():
            for order, value in zip(ORDERS, values):
                regs = words(value, data_type, order)
                for i, word in enumerate(regs):
                    tables[table][address + i] = word
                manifest.append(
                    {"table": table, "address": address, "type": data_type, "order": order,
                     "raw": exact(value, data_type)})
                tables[table][address + len(regs)] = 0xDEAD  # an unused register between points
                address += len(regs) + 1
        for order, (register, raw) in zip(ORDERS, BOOL_REGISTERS):
            tables[table][address] = register
            manifest.append({"table": table, "address": address, "type": "bool", "order": order, "raw": raw})
            address += 1
    for table, bits in (("coil", COILS), ("discrete_input", DISCRETE_INPUTS)):
        for address, bit in enumerate(bits):
            manifest.append({"table": table, "address": address, "type": "bool", "order": "ABCD", "raw": int(bit)})
    return tables, manifest


def blocks(table):
    """Contiguous SimData blocks of raw registers."""
    result = []
    addresses = sorted(table)
    start = None
    run = []
    for address in addresses:
        if start is not None and address == start + len(run):
            run.append(table[address])
        else:
            if run:
                result.append(SimData(start, values=run, datatype=DataType.REGISTERS))
            start, run = address, [table[address]]
    if run:
        result.append(SimData(start, values=run, datatype=DataType.REGISTERS))
    return result


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--manifest", required=True)
    arguments = parser.parse_args()

    tables, manifest = layout()
    device = SimDevice(
        UNIT,
        simdata=(
            [SimData(0, values=COILS, datatype=DataType.BITS)],
            [SimData(0, values=DISCRETE_INPUTS, datatype=DataType.BITS)],
            blocks(tables["holding"]),
            blocks(tables["input"]),
        ),
    )
    with open(arguments.manifest, "w", encoding="utf-8") as file:
        json.dump({"unit": UNIT, "points": manifest}, file)
    server = ModbusTcpServer(device, address=("127.0.0.1", arguments.port))
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
