#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""danehopd_load.py - hostile and heavy socketmap clients for danehopd.test (TAP lines out)

    danehopd_load.py hold SOCKET N PID        N persistent clients at once, each answered
    danehopd_load.py trickle SOCKET           one byte every 0.5 s: cut before the request is whole
    danehopd_load.py idle SOCKET SECONDS      a persistent client quiet for SECONDS, then asking
    danehopd_load.py nofds SOCKET N PID       more clients than the daemon has descriptors
    danehopd_load.py flood SOCKET N           N connections over the limit, closed at once
    danehopd_load.py notify SOCKET OUT        record sd_notify datagrams, one per line

Prints "ok - what" / "not ok - what" / "# detail"; the shell test numbers them.
"""
import os
import select
import socket
import sys
import time

import netstring
from netstring import frame

REQ = b"tlspolicy example.com"
WANT = "OK dane"  # opportunistic: Postfix verifies per host


def ok(cond, what, got=None):
    print("%s - %s" % ("ok" if cond else "not ok", what))
    if not cond and got is not None:
        print("#   got: %r" % (got,))
    sys.stdout.flush()


def connect(path, timeout=30):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(timeout)
    s.connect(path)
    return s


def reply(s):
    try:
        return netstring.read(s)
    except OSError:
        return None


def rss_kb(pid):
    with open("/proc/%s/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def cpu_ticks(pid):
    with open("/proc/%s/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def hold(path, n, pid):
    socks = [connect(path) for _ in range(n)]
    for s in socks:
        s.sendall(frame(REQ))
    replies = [reply(s) for s in socks]
    good = sum(1 for r in replies if r == WANT)
    ok(good == n, "%d persistent clients at once: every one answered, none refused" % n,
       [r for r in replies if r != WANT][:3])
    # a second request on every connection: they are all still held
    for s in socks:
        s.sendall(frame(REQ))
    again = sum(1 for s in socks if reply(s) == WANT)
    ok(again == n, "... and every one still held for its next request", n - again)
    rss = rss_kb(pid)
    print("# daemon RSS with %d clients: %d kB" % (n, rss))
    ok(0 < rss < 64 * 1024, "... in bounded memory (RSS %d kB, under 64 MB)" % rss)
    for s in socks:
        s.close()


def trickle(path):
    s = connect(path)
    req = frame(b"tlspolicy " + b"x" * 40 + b".example.com")
    sent = 0
    cut = False
    for i in range(len(req)):
        try:
            s.sendall(req[i:i + 1])
            sent += 1
        except OSError:
            cut = True
            break
        time.sleep(0.5)
        s.setblocking(False)
        try:
            if s.recv(1) == b"":
                cut = True
                break
        except BlockingIOError:
            pass
        except OSError:
            cut = True
            break
        s.setblocking(True)
    ok(cut and sent < len(req), "a client trickling a byte every 0.5 s is cut off before its %d-byte request "
       "is whole (after %d bytes)" % (len(req), sent))


def idle(path, seconds):
    s = connect(path)
    s.sendall(frame(REQ))
    first = reply(s)
    time.sleep(seconds)
    s.sendall(frame(REQ))
    ok(first == WANT and reply(s) == WANT, "a persistent client quiet for %s s between requests is kept" % seconds)


def nofds(path, n, pid):
    # the decision first, while the resolver still has descriptors for its queries
    warm = connect(path)
    warm.sendall(frame(REQ))
    ok(reply(warm) == WANT, "a first request, before the descriptors run out")
    warm.close()
    socks = []
    for _ in range(n):
        s = connect(path, timeout=60)
        s.sendall(frame(REQ))
        socks.append(s)
    time.sleep(1)
    t0 = cpu_ticks(pid)
    time.sleep(2)
    used = cpu_ticks(pid) - t0
    print("# daemon CPU over 2 s out of descriptors: %d ticks of %d" % (used, 2 * os.sysconf("SC_CLK_TCK")))
    ok(used < os.sysconf("SC_CLK_TCK") // 2, "out of descriptors: the accept loop backs off, no spinning")
    answered, waiting = [], []
    for s in socks:
        s.setblocking(False)
        try:
            d = s.recv(65536)
            answered.append(s) if d else waiting.append(s)
        except BlockingIOError:
            waiting.append(s)
        s.setblocking(True)
    print("# %d answered, %d waiting in the queue" % (len(answered), len(waiting)))
    ok(len(waiting) > 0 and len(answered) > 0, "... some clients served, the rest waiting (not refused)")
    for s in answered:
        s.close()
    # each reply frees a descriptor for the next waiting client: read them as they come
    got, deadline = [], time.time() + 120
    while waiting and time.time() < deadline:
        ready, _, _ = select.select(waiting, [], [], 1)
        for s in ready:
            got.append(reply(s))
            waiting.remove(s)
            s.close()
    ok(not waiting and all(r == WANT for r in got),
       "... and once descriptors are free again, every waiting client is answered",
       ([r for r in got if r != WANT][:3], len(waiting)))


def flood(path, n):
    keep = connect(path)
    keep.sendall(frame(REQ))
    reply(keep)
    closed = 0
    for _ in range(n):
        s = connect(path)
        try:
            closed += s.recv(1) == b""
        except OSError:
            closed += 1
        s.close()
    ok(closed == n, "%d connections over --max-clients closed at once" % n, closed)
    keep.close()


def notify(path, out):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    with open(out, "a") as f:
        while True:
            f.write(s.recv(4096).decode().replace("\n", " ") + "\n")
            f.flush()


cmd = sys.argv[1]
if cmd == "hold":
    hold(sys.argv[2], int(sys.argv[3]), sys.argv[4])
elif cmd == "trickle":
    trickle(sys.argv[2])
elif cmd == "idle":
    idle(sys.argv[2], float(sys.argv[3]))
elif cmd == "nofds":
    nofds(sys.argv[2], int(sys.argv[3]), sys.argv[4])
elif cmd == "flood":
    flood(sys.argv[2], int(sys.argv[3]))
elif cmd == "notify":
    notify(sys.argv[2], sys.argv[3])
