# SPDX-License-Identifier: BSD-2-Clause
"""dnsrelay.py - what the lab's on-path DNS attackers share: their UDP
listener, reading the question of a query, and relaying a query to the
real resolver.

Only what the tests need: UDP, one question per message."""
import os
import socket
import struct


def listen_udp(addr, pidfile):
    """a UDP socket on addr port 53, and this process's pid in pidfile (the
    tests stop the attacker by it)"""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, 53))
    with open(pidfile, "w") as f:
        f.write(str(os.getpid()))
    return s


def question(msg):
    """the question name (lower case, dotted), its type, and the offset past
    QTYPE/QCLASS; IndexError or struct.error for a message too short"""
    i, labels = 12, []
    while msg[i]:
        labels.append(msg[i + 1:i + 1 + msg[i]].decode("ascii", "replace").lower())
        i += 1 + msg[i]
    qtype = struct.unpack("!H", msg[i + 1:i + 3])[0]
    return ".".join(labels), qtype, i + 5


def ask(query, upstream):
    """the upstream resolver's answer to query (UDP, port 53, 5 s), or None"""
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.settimeout(5)
    try:
        u.sendto(query, (upstream, 53))
        return u.recvfrom(65535)[0]
    except OSError:
        return None
    finally:
        u.close()
