"""A Modbus TCP proxy that misbehaves on demand, for the fault-injection suite.

Usage: modbus_fault_proxy.py LISTEN_PORT UPSTREAM_PORT MODE_FILE

Listens on 127.0.0.1:LISTEN_PORT and forwards each request (one MBAP frame) to
127.0.0.1:UPSTREAM_PORT, one at a time per client, as a device would answer. Before every
request it reads MODE_FILE (one line), so a test changes the behaviour while clients stay
connected:

  pass           forward the request and its answer
  delay SECONDS  forward, but hold the answer back this long (a slow device or link)
  exception N    answer with Modbus exception code N instead of asking upstream
  garbage        answer with random bytes (a broken gateway, a wrong protocol)

Stopping the proxy with SIGSTOP freezes the device as a hung gateway would. Standard library only.
"""

import asyncio
import os
import random
import struct
import sys


def mode(path):
    try:
        with open(path) as handle:
            words = handle.read().split()
    except OSError:
        return ("pass",)
    return tuple(words) if words else ("pass",)


async def read_frame(reader):
    header = await reader.readexactly(7)
    _, _, length, _ = struct.unpack(">HHHB", header)
    body = await reader.readexactly(max(0, length - 1))
    return header + body


async def serve(reader, writer, upstream_port, mode_path):
    upstream = None
    try:
        while True:
            request = await read_frame(reader)
            current = mode(mode_path)
            if current[0] == "exception":
                transaction, protocol, _, unit = struct.unpack(">HHHB", request[:7])
                function = request[7] if len(request) > 7 else 3
                writer.write(struct.pack(">HHHBBB", transaction, protocol, 3, unit, function | 0x80, int(current[1])))
                await writer.drain()
                continue
            if current[0] == "garbage":
                writer.write(os.urandom(random.randint(1, 24)))
                await writer.drain()
                continue
            if upstream is None:
                upstream = await asyncio.open_connection("127.0.0.1", upstream_port)
            up_reader, up_writer = upstream
            up_writer.write(request)
            await up_writer.drain()
            answer = await read_frame(up_reader)
            if current[0] == "delay":
                await asyncio.sleep(float(current[1]))
            writer.write(answer)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, OSError):
        pass
    finally:
        writer.close()
        if upstream is not None:
            upstream[1].close()


async def main():
    listen_port, upstream_port, mode_path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    server = await asyncio.start_server(
        lambda r, w: serve(r, w, upstream_port, mode_path), "127.0.0.1", listen_port)
    print(f"proxy listening on {listen_port}, upstream {upstream_port}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
