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
    """one socket to the upstream for every query: a socket per query costs
    the event loop enough, with dozens of parallel queries, to delay the
    next ones by more than the injected delay"""
    def __init__(self, front):
        self.front, self.waiting = front, {}

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        key = (data[:2], question(data))
        if key in self.waiting:
            self.front.transport.sendto(data, self.waiting.pop(key))


class Front(asyncio.DatagramProtocol):
    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, peer):
        log.write("%.6f %s\n" % (time.monotonic(), question(data)))
        asyncio.get_running_loop().call_later(delay_ms / 1000.0, self.forward, data, peer)

    def forward(self, data, peer):
        if len(self.up.waiting) < 10000:
            self.up.waiting[(data[:2], question(data))] = peer
            self.up.transport.sendto(data)


async def main():
    loop = asyncio.get_running_loop()
    _, front = await loop.create_datagram_endpoint(Front, local_addr=(listen, 53))
    _, front.up = await loop.create_datagram_endpoint(lambda: Upstream(front), remote_addr=(upstream, 53))
    await asyncio.Event().wait()

asyncio.run(main())
