#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""exim_entry.py - call the Exim module's dlfunc entry points the way Exim does

Loads danehop_exim.so with ctypes and calls each entry point with
(uschar **yield, int argc, uschar *argv[]) for lab scenarios, printing TAP.
Exercises what a delivery cannot reach on demand: the OpenSSL-build gate,
the ABI check, malformed arguments, hostile certificate data.
"""
import ctypes
import os
import sys

mod = ctypes.CDLL(sys.argv[1])
conf = sys.argv[2]
n = 0
failed = 0


def call(fn, *args):
    f = getattr(mod, fn)
    f.argtypes = [ctypes.POINTER(ctypes.c_char_p), ctypes.c_int, ctypes.POINTER(ctypes.c_char_p)]
    f.restype = ctypes.c_int
    argv = (ctypes.c_char_p * (len(args) + 1))(*[a.encode() for a in args], None)
    y = ctypes.c_char_p()
    rc = f(ctypes.byref(y), len(args), argv)
    return rc, (y.value or b"").decode()


def ok(cond, what, got=None):
    global n, failed
    n += 1
    print("%s %d - %s" % ("ok" if cond else "not ok", n, what))
    if not cond:
        failed += 1
        print("#   got: %r" % (got,))


PC = "25:" + conf
seed = ["example.com", "smtp.example.org", "127.0.0.11", PC]

ABI = "2"
r = call("danehop_gate", *seed, "sender.test", ABI)
ok(r == (0, "sender.test"), "gate: seed case passes, yields the HELO name", r)
r = call("danehop_gate", *seed, "sender.test", "1")
ok(r[0] == 2 and "ABI 1" in r[1], "gate: ABI mismatch fails (Exim defers)", r)
r = call("danehop_gate", "seed-bogus.example.com", "smtp.example.org", "127.0.0.11", PC, "sender.test", ABI)
ok(r[0] == 2 and "TLSA lookup" in r[1], "gate: bogus TLSA fails with the reason", r)
r = call("danehop_gate", "", "smtp.example.org", "127.0.0.11", PC, "sender.test", ABI)
ok(r[0] == 2 and "multi_domain" in r[1], "gate: empty $domain fails and says why", r)
r = call("danehop_gate", *seed[:3], "25:/nonexistent/danehop.conf", "sender.test", ABI)
ok(r[0] == 2 and "nonexistent" in r[1], "gate: missing configuration fails closed", r)
r = call("danehop_gate", *seed[:3], "0:" + conf, "sender.test", ABI)
ok(r[0] == 2, "gate: bad port fails", r)

r = call("danehop_sni", *seed)
ok(r == (0, "unverified-continued-connection.danehop.invalid"),
   "sni: no connection of this process's own and no seal (an unverified continued connection): "
   "an SNI that makes Exim open a new connection", r)
call("danehop_event", "tcp:connect", "", "0", *seed)
ok(call("danehop_sni", *seed) == (0, "smtp.example.com"), "sni: the original MX name for the seed case")
ok(call("danehop_sni", "cname-insecure.example.com", "smtp.example.org", "127.0.0.11", PC) == (0, ""),
   "sni: empty where DANE does not apply")
ok(call("danehop_sni", "seed-bogus.example.com", "smtp.example.org", "127.0.0.11", PC)[0] == 0,
   "sni: never fails, even for a defer decision")
ok(call("danehop_require_tls", *seed) == (0, "*"), "require_tls: * for dane")
ok(call("danehop_require_tls", "unusable.example.com", "mx.unusable.example.com", "127.0.0.43", PC) == (0, "*"),
   "require_tls: * for encrypt")
ok(call("danehop_require_tls", "seed-bogus.example.com", "smtp.example.org", "127.0.0.11", PC) == (0, "*"),
   "require_tls: * for defer (fail closed)")
ok(call("danehop_require_tls", "cname-insecure.example.com", "smtp.example.org", "127.0.0.11", PC) == (0, ""),
   "require_tls: empty for may")
ok(call("danehop_try_dane", "unusable.example.com", "mx.unusable.example.com", "127.0.0.43", PC) == (0, ""),
   "try_dane: empty for encrypt (Exim would defer on unusable records)")
ok(call("danehop_try_dane", *seed) == (0, "*"), "try_dane: * otherwise")

# issue 10 section 1: Exim's host must be one of danehop's validated hosts
r = call("danehop_gate", "example.com", "t311.example.com", "127.0.0.51", PC, "sender.test", ABI)
ok(r[0] == 2 and "not one of danehop's validated hosts" in r[1] and "smtp.example.com -> smtp.example.org [127.0.0.11] dane" in r[1],
   "gate: a host outside the MX set is deferred, not decided as a relay; both views in the reason", r)
ok(call("danehop_require_tls", "example.com", "t311.example.com", "127.0.0.51", PC) == (0, "*"),
   "require_tls: * for a host outside the MX set")
ok(call("danehop_sni", "example.com", "t311.example.com", "127.0.0.51", PC) == (0, ""),
   "sni: empty (and no failure) for a host outside the MX set")
r = call("danehop_gate", "example.com", "smtp.example.org", "127.0.0.66", PC, "sender.test", ABI)
ok(r[0] == 2 and "an address danehop did not find" in r[1], "gate: a forged address for the seed alias target is deferred", r)
r = call("danehop_gate", "example.com", "evil.attacker.example", "127.0.0.66", PC, "sender.test", ABI)
ok(r[0] == 2 and "evil.attacker.example [127.0.0.66]" in r[1], "gate: a forged MX host is deferred", r)
r = call("danehop_gate", "example.com", "smtp.example.com", "127.0.0.11", PC, "sender.test", ABI)
ok(r == (0, "sender.test"), "gate: the MX name itself (no renaming) matches too", r)
r = call("danehop_gate", "example.org", "mx.example.org", "127.0.0.12", PC, "sender.test", ABI)
ok(r[0] == 0, "gate: an unsigned MX RRset: DANE cannot apply, Exim's host is decided on its own", r)
r = call("danehop_gate", "", "", "", PC, "sender.test", ABI)
ok(r == (0, "sender.test"), "gate: the helo_data comparison of a waiting message (no host) passes quietly", r)
r = call("danehop_gate", "many.example.com", "m17.many.example.com", "127.0.0.70", PC, "sender.test", ABI)
ok(r[0] == 2 and "past the limit" in r[1], "gate: an MX host past the engine's limit of 16 is reported and deferred", r)
r = call("danehop_gate", "many.example.com", "m1.many.example.com", "127.0.0.70", PC, "sender.test", ABI)
ok(r == (0, "sender.test"), "gate: ... while the most preferred one is decided", r)
# the relay entry: "[name]" in place of $domain
ok(call("danehop_sni", "[t311.example.com]", "t311.example.com", "127.0.0.51", PC) == (0, "t311.example.com"),
   "relay entry: DANE for the relay's own name")
r = call("danehop_gate", "[t311.example.com]", "t301.example.com", "127.0.0.52", PC, "sender.test", ABI)
ok(r[0] == 2, "relay entry: a host that is not the relay is deferred", r)
r = call("danehop_gate", "[t311.example.com]", "t311.example.com", "127.0.0.52", PC, "sender.test", ABI)
ok(r[0] == 2, "relay entry: the relay's name at another address is deferred", r)

# events
r = call("danehop_event", "tcp:connect", "", "0", *seed)
ok(r == (0, ""), "event tcp:connect: the seed case may connect", r)
r = call("danehop_event", "tcp:connect", "", "0", "seed-bogus.example.com", "smtp.example.org", "127.0.0.11", PC)
ok(r[0] == 0 and r[1].startswith("danehop:"), "event tcp:connect: a defer decision refuses", r)
r = call("danehop_event", "tls:cert", "0 !!!notbase64!!!", "0", *seed)
ok(r[0] == 0 and "unusable certificate" in r[1], "event tls:cert: garbage refuses the handshake", r)
r = call("danehop_event", "tls:cert", "0 " + "QUFB" * 30000, "0", *seed)
ok(r[0] == 0 and r[1] != "", "event tls:cert: an oversized certificate refuses", r)
r = call("danehop_event", "tls:cert", "99 QUFB", "0", *seed)
ok(r[0] == 0 and r[1] != "", "event tls:cert: an absurd depth refuses", r)
r = call("danehop_event", "tls:cert", "0 QUFB", "1", *seed)
ok(r == (0, ""), "event tls:cert: stands back when Exim's own DANE is active", r)
r = call("danehop_event", "tls:cert", "0", "0", *seed[:3])
ok(r[0] == 0 and "want" in r[1], "event: wrong argument count refuses", r)

# continued connections: hosts_nopass_tls
r = call("danehop_pass", "no", *seed)
call("danehop_event", "tcp:connect", "", "0", *seed)
r = call("danehop_pass", "no", *seed)
ok(r == (0, "*"), "pass: an unverified dane connection is not passed on", r)
ok(call("danehop_pass", "yes", *seed) == (0, ""), "pass: Exim's own DANE carries itself")
ok(call("danehop_pass", "no", "cname-insecure.example.com", "smtp.example.org", "127.0.0.11", PC) == (0, ""),
   "pass: nothing to carry for may")
ok(call("danehop_pass", "no", *seed[:3])[1] == "*", "pass: wrong argument count: not passed")

# the per-message gate for OpenSSL builds
r = call("danehop_after_tls", "no", *seed)
ok(r[0] == 2 and "not authenticated" in r[1], "after_tls: dane without a verified peer fails (defer)", r)
r = call("danehop_after_tls", "yes", *seed)
ok(r == (0, ""), "after_tls: Exim's own DANE verified: passes", r)
r = call("danehop_after_tls", "no", "cname-insecure.example.com", "smtp.example.org", "127.0.0.11", PC)
ok(r == (0, ""), "after_tls: nothing to enforce for may", r)
with open(os.path.join(os.path.dirname(conf), "certs", "ee.der"), "rb") as f:
    import base64
    b64 = base64.b64encode(f.read()).decode()
call("danehop_event", "tcp:connect", "", "0", *seed)
r = call("danehop_event", "tls:cert", "0 " + b64, "0", *seed)
ok(r == (0, ""), "event tls:cert: the lab's certificate verifies for the seed case", r)
r = call("danehop_after_tls", "no", *seed)
ok(r == (0, ""), "after_tls: passes once the module verified the peer", r)
r = call("danehop_pass", "no", *seed)
ok(r == (0, ""), "pass: a verified connection is passed on (with its seal)", r)

print("1..%d" % n)
sys.exit(1 if failed else 0)
