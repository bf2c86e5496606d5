#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""An ordinary asyncio echo server and client (selftests/apps/app_async.sh).

  async_echo.py server PORT   serves one connection, prints "served N"
  async_echo.py client PORT   sends N lines, checks each echo
"""
import asyncio
import sys

N = 20


async def server(port):
    done = asyncio.Event()
    count = 0

    async def handle(r, w):
        nonlocal count
        while True:
            line = await r.readline()
            if not line or line == b"bye\n":
                break
            w.write(b"echo " + line.upper())
            await w.drain()
            count += 1
        w.close()
        done.set()

    srv = await asyncio.start_server(handle, "0.0.0.0", port)
    print("listening", flush=True)
    await asyncio.wait_for(done.wait(), 150)
    srv.close()
    print("served %d" % count, flush=True)


async def client(port):
    r, w = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 60)
    for i in range(N):
        w.write(b"line %d\n" % i)
        await w.drain()
        got = await asyncio.wait_for(r.readline(), 30)
        if got != b"echo LINE %d\n" % i:
            sys.exit("echo %d: got %r" % (i, got))
    w.write(b"bye\n")
    await w.drain()
    w.close()
    print("exchanged %d" % N, flush=True)


if __name__ == "__main__":
    asyncio.run({"server": server, "client": client}[sys.argv[1]](int(sys.argv[2])))
