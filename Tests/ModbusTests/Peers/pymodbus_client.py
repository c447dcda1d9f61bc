"""A pymodbus 3.16 client that ModbusTests runs against Prognos' own Modbus server.

    python pymodbus_client.py --port PORT read --address A --expect W1,W2,... --times N
        reads holding registers A.. N times; exit status = number of wrong or failed reads (max 100)
    python pymodbus_client.py --port PORT write
        sends one write of each kind; exit status 0 when every one was refused with an exception
"""

import argparse
import sys

from pymodbus.client import ModbusTcpClient


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--unit", type=int, default=1)
    sub = parser.add_subparsers(dest="mode", required=True)
    read = sub.add_parser("read")
    read.add_argument("--address", type=int, default=0)
    read.add_argument("--expect", required=True)
    read.add_argument("--times", type=int, default=100)
    sub.add_parser("write")
    arguments = parser.parse_args()

    client = ModbusTcpClient("127.0.0.1", port=arguments.port, timeout=2)
    if not client.connect():
        print("cannot connect", file=sys.stderr)
        return 100
    if arguments.mode == "read":
        expected = [int(word) for word in arguments.expect.split(",")]
        wrong = 0
        for _ in range(arguments.times):
            response = client.read_holding_registers(
                arguments.address, count=len(expected), device_id=arguments.unit)
            if response.isError() or response.registers != expected:
                wrong += 1
        client.close()
        return min(wrong, 100)
    accepted = 0
    for response in (
        client.write_register(0, 1234, device_id=arguments.unit),
        client.write_registers(0, [1, 2, 3], device_id=arguments.unit),
        client.write_coil(0, True, device_id=arguments.unit),
        client.write_coils(0, [True, False], device_id=arguments.unit),
    ):
        if not response.isError():
            accepted += 1
    client.close()
    return accepted


if __name__ == "__main__":
    sys.exit(main())
