#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""probe_forger.py - an on-path attacker that answers danehop's chain probe
(module/chainprobe.c) and relays everything else.

    probe_forger.py LISTEN-ADDR UPSTREAM-ADDR LOGFILE PIDFILE [DELAY-MS]

The forged answer leaves DELAY-MS (default 0) after the question: danehop
hints the names a probe answer shows only when that answer took 2 ms or
more (an answer at once says the forwarder has the names cached), so an
attacker who wants his names asked must wait that long.

libunbound's own questions carry EDNS (an OPT record); the probe's raw
question does not. Every question without EDNS gets a forged answer, sent
before the real one could arrive, with QR RA and AD set: an MX question
names the attacker's exchange first (evil-mx.attacker.example, preference
0) and then the question's own name; an address question claims a CNAME
chain to evil.attacker.example and the address 127.0.0.66. One line per
forged answer goes to LOGFILE ("forged NAME TYPE"), so that the test can
tell the probe was reached, and one ("hinted NAME TYPE") per relayed
question that names the attacker's zone: the forged names were read and
asked by libunbound as hints. Questions with EDNS are relayed to UPSTREAM-ADDR
port 53 untouched."""
import os
import struct
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dnsrelay import ask, listen_udp, question  # noqa: E402

listen, upstream, logfile, pidfile = sys.argv[1:5]
delay = float(sys.argv[5]) / 1000 if len(sys.argv) > 5 else 0.0
log_lock = threading.Lock()


def wire(name):
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def rr(owner, rtype, rdata):
    return wire(owner) + struct.pack("!HHIH", rtype, 1, 60, len(rdata)) + rdata


def forged(q, name, qtype, end):
    if qtype == 15:
        rrs = [rr(name, 15, struct.pack("!H", 0) + wire("evil-mx.attacker.example")),
               rr(name, 15, struct.pack("!H", 10) + wire(name))]
    else:
        rrs = [rr(name, 5, wire("evil.attacker.example")),
               rr("evil.attacker.example", 1, bytes([127, 0, 0, 66]))]
    head = q[:2] + struct.pack("!HHHHH", 0x81A0, 1, len(rrs), 0, 0)  # QR RD RA AD
    return head + q[12:end] + b"".join(rrs)


def relay(s, q, peer):
    r = ask(q, upstream)
    if r is not None:
        s.sendto(r, peer)


s = listen_udp(listen, pidfile)
while True:
    q, peer = s.recvfrom(65535)
    try:
        name, qtype, end = question(q)
        arcount = struct.unpack("!H", q[10:12])[0]
    except (IndexError, struct.error):
        continue
    if arcount == 0 and qtype in (1, 15):
        if delay > 0:
            threading.Timer(delay, s.sendto, args=(forged(q, name, qtype, end), peer)).start()
        else:
            s.sendto(forged(q, name, qtype, end), peer)
        with log_lock, open(logfile, "a") as f:
            f.write("forged %s %d\n" % (name, qtype))
        continue
    if "attacker" in name:
        with log_lock, open(logfile, "a") as f:
            f.write("hinted %s %d\n" % (name, qtype))
    threading.Thread(target=relay, args=(s, q, peer), daemon=True).start()
