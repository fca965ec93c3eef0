#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""delay_proxy.py - a UDP DNS proxy that adds a fixed delay to every answer

    delay_proxy.py LISTEN_ADDR UPSTREAM_ADDR DELAY_MS LOGFILE

Used by the benchmark only: NSD is moved to UPSTREAM_ADDR, this proxy takes
its place on LISTEN_ADDR (port 53), so every query the resolver sends to the
lab costs DELAY_MS. Each query is logged as "<monotonic seconds> <name>/<type>".
"""
import asyncio
import sys
import time

listen, upstream, delay_ms, logfile = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
log = open(logfile, "a", buffering=1)


def question(msg):
    """the query's name and type, for the log"""
    labels, i = [], 12
    while i < len(msg) and msg[i] != 0 and len(labels) < 128:
        labels.append(msg[i + 1:i + 1 + msg[i]].decode("ascii", "replace"))
        i += msg[i] + 1
    qtype = int.from_bytes(msg[i + 1:i + 3], "big") if i + 3 <= len(msg) else 0
    return "%s/%d" % (".".join(labels) or ".", qtype)


class Upstream(asyncio.DatagramProtocol):
    def __init__(self, client, peer, front):
        self.client, self.peer, self.front = client, peer, front

    def datagram_received(self, data, addr):
        self.front.transport.sendto(data, self.peer)
        self.transport.close()

    def connection_made(self, transport):
        self.transport = transport


class Front(asyncio.DatagramProtocol):
    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, peer):
        log.write("%.6f %s\n" % (time.monotonic(), question(data)))
        loop = asyncio.get_running_loop()
        loop.call_later(delay_ms / 1000.0, lambda: asyncio.ensure_future(self.forward(data, peer)))

    async def forward(self, data, peer):
        loop = asyncio.get_running_loop()
        transport, proto = await loop.create_datagram_endpoint(
            lambda: Upstream(None, peer, self), remote_addr=(upstream, 53))
        transport.sendto(data)
        loop.call_later(5, transport.close)


async def main():
    loop = asyncio.get_running_loop()
    await loop.create_datagram_endpoint(Front, local_addr=(listen, 53))
    await asyncio.Event().wait()

asyncio.run(main())
