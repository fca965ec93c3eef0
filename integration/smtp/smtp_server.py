#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""smtp_server.py - a small real SMTP receiver with STARTTLS, for the tests

    smtp_server.py --listen ADDR:PORT --cert CHAIN.pem --key KEY.pem
                   [--no-starttls] [--log FILE] [--maildir DIR] [--pidfile FILE]

Speaks enough SMTP for a client to deliver: EHLO/HELO, STARTTLS (unless
--no-starttls), MAIL, RCPT, DATA, RSET, NOOP, QUIT. Real TLS (Python's ssl
module, OpenSSL underneath) with the certificate chain given. Every session
is logged as one JSON line: peer, SNI the client sent, whether TLS was
used, protocol and cipher, every MAIL command ("mail", absent when none),
every command the client sent (verb and argument, in order, cleartext and
TLS alike: "commands"), and each message received (also written to
--maildir as a file). Tests read the log to see what the sending MTA did,
e.g. that an attacker's receiver never saw MAIL.
"""
import argparse
import json
import os
import socketserver
import ssl
import sys
import threading
import time

args = None
lock = threading.Lock()


def log(rec):
    if args.log:
        with lock, open(args.log, "a") as f:
            f.write(json.dumps(rec) + "\n")


class Session(socketserver.StreamRequestHandler):
    timeout = 30
    # replies leave at once (TCP_NODELAY): with Nagle, a reply written
    # behind TLS 1.3's session tickets waits for the client's delayed ACK,
    # 40 ms, three times a delivery; the tests and the bench only wait on it
    disable_nagle_algorithm = True

    def reply(self, text):
        self.wfile.write((text + "\r\n").encode())
        self.wfile.flush()

    def handle(self):
        rec = {"peer": self.client_address[0], "local": self.server.server_address[0],
               "tls": False, "sni": None, "protocol": None, "cipher": None,
               "commands": [], "messages": [], "time": time.time()}
        sni = []
        self.reply("220 %s ESMTP danehop test receiver" % args.name)
        mail_from, rcpts, tls = None, [], False
        try:
            while True:
                line = self.rfile.readline(4096)
                if not line:
                    break
                cmd = line.decode("utf-8", "replace").strip()
                verb = cmd.split(" ", 1)[0].upper()
                if len(rec["commands"]) < 1000:
                    rec["commands"].append(cmd[:200])
                if verb in ("EHLO", "HELO"):
                    if verb == "HELO":
                        self.reply("250 %s" % args.name)
                    else:
                        ext = ["250-%s" % args.name, "250-8BITMIME", "250-PIPELINING"]
                        if not tls and not args.no_starttls:
                            ext.append("250-STARTTLS")
                        ext.append("250 SIZE 10485760")
                        self.reply("\r\n".join(ext))
                elif verb == "STARTTLS" and not tls and not args.no_starttls:
                    self.reply("220 2.0.0 go ahead")
                    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                    ctx.load_cert_chain(args.cert, args.key)
                    ctx.sni_callback = lambda s, name, c: sni.append(name)
                    try:
                        conn = ctx.wrap_socket(self.request, server_side=True)
                    except (ssl.SSLError, OSError) as e:
                        rec["tls_error"] = str(e)
                        break
                    self.request = conn
                    self.rfile = conn.makefile("rb")
                    self.wfile = conn.makefile("wb")
                    tls = True
                    rec.update(tls=True, sni=sni[0] if sni else None,
                               protocol=conn.version(), cipher=conn.cipher()[0])
                    mail_from, rcpts = None, []
                elif verb == "MAIL":
                    mail_from, rcpts = cmd[10:].strip(), []
                    rec.setdefault("mail", []).append(mail_from)  # also the ones never completed
                    self.reply("250 2.1.0 ok")
                elif verb == "RCPT":
                    rcpts.append(cmd[8:].strip())
                    self.reply("250 2.1.5 ok")
                elif verb == "DATA":
                    if not rcpts:
                        self.reply("503 5.5.1 no recipients")
                        continue
                    self.reply("354 go ahead")
                    body = []
                    while True:
                        l = self.rfile.readline(65536)
                        if not l or l in (b".\r\n", b".\n"):
                            break
                        body.append(l.decode("utf-8", "replace"))
                    msg = {"from": mail_from, "to": rcpts, "tls": tls, "bytes": sum(map(len, body)),
                           "subject": next((b[8:].strip() for b in body if b.lower().startswith("subject:")), None)}
                    rec["messages"].append(msg)
                    if args.maildir:
                        name = os.path.join(args.maildir, "%f.%d.eml" % (time.time(), os.getpid()))
                        with open(name, "w") as f:
                            f.write("".join(body))
                    self.reply("250 2.0.0 queued")
                elif verb == "RSET":
                    mail_from, rcpts = None, []
                    self.reply("250 2.0.0 ok")
                elif verb == "NOOP":
                    self.reply("250 2.0.0 ok")
                elif verb == "QUIT":
                    self.reply("221 2.0.0 bye")
                    if tls:
                        try:
                            self.request.unwrap()  # a clean TLS close_notify
                        except (OSError, ssl.SSLError):
                            pass
                    break
                else:
                    self.reply("502 5.5.2 not implemented")
        except (OSError, ssl.SSLError) as e:
            rec["error"] = str(e)
        finally:
            log(rec)


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main():
    global args
    p = argparse.ArgumentParser()
    p.add_argument("--listen", required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--name", default="receiver.test")
    p.add_argument("--no-starttls", action="store_true")
    p.add_argument("--log")
    p.add_argument("--maildir")
    p.add_argument("--pidfile")
    args = p.parse_args()
    host, port = args.listen.rsplit(":", 1)
    srv = Server((host, int(port)), Session)
    if args.pidfile:
        with open(args.pidfile, "w") as f:
            f.write("%d\n" % os.getpid())
    sys.stdout.write("listening on %s\n" % args.listen)
    sys.stdout.flush()
    srv.serve_forever()


if __name__ == "__main__":
    main()
