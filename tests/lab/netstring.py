# SPDX-License-Identifier: BSD-2-Clause
"""netstring.py - socketmap framing for the Python test clients

The socketmap protocol (Sendmail's, Postfix's socketmap_table(5)) frames each
request and reply as a netstring: "LEN:BYTES,".
"""


def frame(b):
    """b (bytes) as one netstring"""
    return b"%d:%s," % (len(b), b)


def read(s):
    """one netstring's payload from socket s, decoded; None if the peer
    closed first. A payload not followed by its comma raises ValueError;
    socket errors (timeouts included) are the caller's."""
    data = b""
    while True:
        if b":" in data:
            ln, rest = data.split(b":", 1)
            if len(rest) >= int(ln) + 1:
                if rest[int(ln):int(ln) + 1] != b",":
                    raise ValueError("netstring without its comma: %r" % data[:80])
                return rest[:int(ln)].decode()
        c = s.recv(65536)
        if not c:
            return None
        data += c
