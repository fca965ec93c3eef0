#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""socketmap_client.py - a socketmap client for the daemon's tests (TAP out)

    socketmap_client.py SOCKET INET_PORT UNBOUND_CONF DANEHOP DOMAINS...

SOCKET is danehopd's unix socket, INET_PORT its loopback TCP port. Checks
every reply type, hostile framing, many clients at once, a stalled client, a
slow lookup beside quick ones, and that the daemon's decisions equal the
command line's for every domain given.
"""
import json
import socket
import subprocess
import sys
import threading
import time

import netstring

path, port, ubconf, cli = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
domains = sys.argv[5:]
n = failed = 0


def ok(cond, what, got=None):
    global n, failed
    n += 1
    print("%s - %s" % ("ok" if cond else "not ok", what))
    if not cond:
        failed += 1
        print("#   got: %r" % (got,))


def connect(inet=False):
    if inet:
        s = socket.create_connection(("127.0.0.1", port), timeout=20)
    else:
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(20)
        s.connect(path)
    return s


def ask(req, s=None, inet=False):
    own = s is None
    s = s or connect(inet)
    b = req.encode()
    s.sendall(netstring.frame(b))
    r = netstring.read(s)
    if own:
        s.close()
    return r


def closed(s):
    try:
        s.settimeout(5)
        return s.recv(1) == b""
    except OSError:
        return True


# every reply type
ok(ask("tlspolicy example.com") == "OK dane", "tlspolicy: the seed case is dane (Postfix verifies per host)")
ok(ask("tlspolicy multi.example.com") == "OK dane", "tlspolicy: mixed hosts: dane (Postfix decides per host)")
r = ask("tlspolicy unusable.example.com")
ok(r == "OK dane", "tlspolicy: unusable records only: dane (Postfix encrypts), never encrypt", r)
r = ask("tlspolicy pol-bogus-may.example.com")
ok(r == "OK dane", "tlspolicy: [bogus TLSA host, no-DANE host]: dane, never NOTFOUND", r)
r = ask("tlspolicy pol-encrypt-bogus.example.com")
ok(r == "OK dane", "tlspolicy: [encrypt host, bogus TLSA host]: dane, never encrypt", r)
r = ask("tlspolicy bogustlsa.example.com")
ok(r.startswith("TEMP ") and "TLSA" in r, "tlspolicy: the only host's TLSA is bogus: TEMP", r)
ok(ask("tlspolicy notlsa.example.com") == "NOTFOUND ", "tlspolicy: no TLSA: NOTFOUND")
ok(ask("tlspolicy example.org") == "NOTFOUND ", "tlspolicy: insecure MX: NOTFOUND")
r = ask("tlspolicy bogus-mx.example.com")
ok(r.startswith("TEMP ") and "bogus" in r, "tlspolicy: bogus MX: TEMP with the reason", r)
r = ask("tlspolicy blackhole.example.com")
ok(r.startswith("TIMEOUT "), "tlspolicy: unanswered lookups: TIMEOUT", r)
ok(ask("tlspolicy [smtp.example.com]") == "OK dane", "tlspolicy: [host] is decided without MX lookup")
r = ask("tlspolicy [mx.direct.example.com]:587")
ok(r == "OK dane", "tlspolicy: [host]:port uses that port's TLSA", r)
r = ask("tlspolicy [mx.direct.example.com]:submission")
ok(r == "OK dane", "tlspolicy: [relay]:submission is port 587", r)
r = ask("tlspolicy [mx.direct.example.com]:")
ok(r == "OK dane", "tlspolicy: [relay]: (empty service) is port 25", r)
r = ask("tlspolicy [mx.notlsa.example.com]:smtp")
ok(r == "NOTFOUND ", "tlspolicy: [relay]:smtp without TLSA: NOTFOUND", r)
r = ask("tlspolicy example.com:25")
ok(r == "OK dane", "tlspolicy: domain:port", r)
r = ask("tlspolicy example.com:smtp")
ok(r == "OK dane", "tlspolicy: domain:smtp", r)
r = ask("tlspolicy direct.example.com:587")
ok(r == "OK dane", "tlspolicy: domain:587 uses _587 TLSA at the MX host", r)
r = ask("tlspolicy notlsa.example.com:submission")
ok(r == "NOTFOUND ", "tlspolicy: domain:submission without TLSA: NOTFOUND", r)
for lit in ["[192.0.2.1]", "[192.0.2.1]:25", "[2001:db8::1]", "[2001:db8::1]:25", "[ipv6:2001:db8::1]:587",
            "[IPv6:2001:db8::1]", "192.0.2.1", "192.0.2.1:25"]:
    r = ask("tlspolicy " + lit)
    ok(r == "NOTFOUND ", "tlspolicy: IP literal %s: NOTFOUND (DANE does not apply)" % lit, r)
for bad in ["[smtp.example.com", "[smtp.example.com]x", "[smtp.example.com]:0", "example.com:65536",
            "example.com:nosuchservice", "[]", ":25", "[smtp.example.com]:99999999999999999999"]:
    r = ask("tlspolicy " + bad)
    ok(r is not None and r.startswith("PERM ") and ('"%s"' % bad) in r,
       "tlspolicy: malformed next hop %r: PERM, naming it whole" % bad, r)
r = ask("tlspolicy [mx.direct.example.com]:2525")
ok(r == "NOTFOUND ", "tlspolicy: no TLSA at that port: NOTFOUND", r)
r = ask("tlspolicy [direct.example.com]")
ok(r is not None and r.startswith("TEMP "), "tlspolicy: [name] without addresses: TEMP", r)
ok(ask("tlspolicy .example.com") == "NOTFOUND ", "tlspolicy: Postfix's parent-domain lookup: NOTFOUND")
r = ask("nosuchmap example.com")
ok(r.startswith("PERM "), "unknown map: PERM", r)
r = ask("tlspolicy a..example")
ok(r.startswith("PERM "), "malformed name: PERM", r)
r = ask("decision example.com", inet=True)
ok(r.startswith("OK status=ok mx_secure=yes hosts=1") and "1.base=smtp.example.com" in r, "decision map over TCP", r)
r = ask("decision blackhole.example.com")
ok(r.startswith("OK status=defer") and " error=timeout " in r, "decision map: only timeouts: error=timeout", r)
r = ask("decision bogus-mx.example.com")
ok(r.startswith("OK status=defer") and " error=dns " in r, "decision map: a bogus MX: error=dns", r)
r = ask("decision pol-bogus-may.example.com")
ok(r.startswith("OK status=ok") and " error=ok " in r and "1.error=dns" in r and "2.error=ok" in r,
   "decision map: error codes for the decision and each host", r)
r = ask("host example.com:smtp.example.com:25")
ok(r.startswith("OK host=smtp.example.com action=dane base=smtp.example.com") and "names=smtp.example.com,example.com" in r,
   "host map: one host with its reference names", r)
r = ask("host :t311.example.com:25")
ok(r.startswith("OK host=t311.example.com action=dane"), "host map: a relay (no domain)", r)
r = ask("host seed-bogus.example.com:smtpb.example.com:25")
ok(r is not None and r.startswith("TEMP "), "host map: a deferred host: TEMP", r)

# several requests on one connection
s = connect()
ok(ask("tlspolicy example.com", s) == "OK dane" and ask("tlspolicy notlsa.example.com", s) == "NOTFOUND ",
   "two requests on one connection")
s.close()

# hostile framing: the client is dropped, the daemon lives on
for raw, what in [(b"abc", "no length"), (b"5:hello;", "no comma"), (b"00:,", "leading zero"),
                  (b"99999999:x", "absurd length"), (b"10001:" + b"x" * 10001 + b",", "over 10000 bytes")]:
    s = connect()
    s.sendall(raw)
    ok(closed(s), "malformed (%s): connection closed" % what)
    s.close()
ok(ask("tlspolicy example.com") == "OK dane", "after malformed clients the daemon still answers")

# a client that stalls mid-request does not hold up others, and is dropped
stalled = connect()
stalled.sendall(b"30:tlspolicy exa")
t0 = time.time()
ok(ask("tlspolicy example.com") == "OK dane" and time.time() - t0 < 2, "others are served while a client stalls")
ok(closed(stalled), "the stalled client is dropped after the I/O timeout")

# a slow lookup beside quick ones
slow = {}
th = threading.Thread(target=lambda: slow.setdefault("r", ask("tlspolicy blackhole.example.com")))
th.start()
time.sleep(0.2)
t0 = time.time()
quick = ask("tlspolicy chain.example.com")
dt = time.time() - t0
ok(quick == "OK dane" and dt < 1.5, "a slow lookup does not block another client (%.2f s)" % dt, quick)
th.join()

# many clients at once
results = []
lock = threading.Lock()


def many(i):
    d = ["example.com", "notlsa.example.com", "unusable.example.com"][i % 3]
    want = {"example.com": "OK dane", "notlsa.example.com": "NOTFOUND ", "unusable.example.com": "OK dane"}[d]
    s = connect(inet=i % 2 == 0)
    good = all(ask("tlspolicy " + d, s) == want for _ in range(5))
    s.close()
    with lock:
        results.append(good)


ts = [threading.Thread(target=many, args=(i,)) for i in range(40)]
[t.start() for t in ts]
[t.join() for t in ts]
ok(len(results) == 40 and all(results), "40 concurrent clients x 5 requests, all correct", results.count(False))

# the daemon's decisions equal the command line's
for d in domains:
    j = json.loads(subprocess.run([cli, "resolve", "--json", "--unbound-conf", ubconf, d],
                                  capture_output=True, text=True).stdout)
    r = ask("decision " + d)
    if j["status"] == "defer" and not j["hosts"]:
        ok(r.startswith("OK status=defer"), "same decision as the CLI: %s (defer)" % d, r)
        continue
    want = "OK status=%s mx_secure=%s hosts=%d" % (j["status"], "yes" if j["mx_secure"] else "no", len(j["hosts"]))
    hosts_ok = all(" %d.host=%s %d.action=%s %d.base=%s " % (i + 1, h["name"], i + 1, h["action"], i + 1, h["base_domain"] or "-") in r
                   for i, h in enumerate(j["hosts"]))
    ok(r.startswith(want) and hosts_ok, "same decision as the CLI: %s" % d, (r[:300], want))

sys.exit(1 if failed else 0)
