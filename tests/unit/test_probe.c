/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_probe.c - the chain probe (chainprobe.c) and the hints it leads to
 *
 * A fake forwarder on 127.0.0.1 (a UDP socket of this test) answers the
 * probe's address question with a five-hop CNAME chain, as a validating
 * forwarder does; the probe must hand back the whole chain, and
 * dh_prefetch_chain() must then have libunbound (a real context forwarding
 * to the same fake) ask for every later hop's address, the zone keys of
 * the final host's zones before its address, and its TLSA RRset. Forged
 * answers (another ID, another question) must be ignored.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unbound.h>
#include <unistd.h>

#include "chainprobe.h"
#include "prefetch.h"
#include "resolver.h"
#include "tap.h"

static const char *const chain_names[] = {"mx.chain5.example.com", "c5b.example.com", "c5c.example.com",
                                          "c5d.example.com",       "c5e.example.com", "mx.example.net"};
#define NCHAIN (sizeof(chain_names) / sizeof(chain_names[0]))

static size_t put_name(uint8_t *p, const char *name)
{
    size_t o = 0;

    while (*name) {
        const char *dot = strchr(name, '.');
        size_t l = dot ? (size_t) (dot - name) : strlen(name);

        p[o++] = (uint8_t) l;
        memcpy(p + o, name, l);
        o += l;
        name += l + (dot != NULL);
    }
    p[o++] = 0;
    return o;
}

static size_t put_rr(uint8_t *p, const char *owner, unsigned type, const uint8_t *rd, size_t rdlen)
{
    size_t o = put_name(p, owner);

    p[o++] = 0;
    p[o++] = (uint8_t) type;
    p[o++] = 0;
    p[o++] = 1; /* IN */
    memset(p + o, 0, 3);
    p[o + 3] = 60; /* TTL */
    o += 4;
    p[o++] = (uint8_t) (rdlen >> 8);
    p[o++] = (uint8_t) rdlen;
    memcpy(p + o, rd, rdlen);
    return o + rdlen;
}

/* answer - the forwarder's answer to query q (its ID and question kept) */
static size_t answer(const uint8_t *q, size_t qlen, uint8_t *out)
{
    uint8_t rd[300];
    size_t o = qlen, i;

    memcpy(out, q, qlen);
    out[2] = 0x81;             /* QR RD */
    out[3] = 0x80;             /* RA */
    out[7] = (uint8_t) NCHAIN; /* five CNAMEs and the address */
    for (i = 0; i + 1 < NCHAIN; i++)
        o += put_rr(out + o, chain_names[i], 5, rd, put_name(rd, chain_names[i + 1]));
    rd[0] = 127, rd[1] = 0, rd[2] = 0, rd[3] = 21;
    o += put_rr(out + o, chain_names[NCHAIN - 1], 1, rd, 4);
    return o;
}

/* question - name/type of a query, "" when odd */
static void question(const uint8_t *q, size_t len, char *name, size_t size, unsigned *type)
{
    size_t i = 12, o = 0;

    name[0] = '\0';
    *type = 0;
    while (i < len && q[i] != 0 && o + q[i] + 2 < size) {
        memcpy(name + o, q + i + 1, q[i]);
        o += q[i];
        name[o++] = '.';
        i += q[i] + 1;
    }
    if (i + 3 > len)
        return;
    name[o ? o - 1 : 0] = '\0';
    *type = (unsigned) q[i + 1] << 8 | q[i + 2];
}

/* seen - the order (1, 2, ...) in which name/type first reached the fake, 0 for never */
static char seen_name[512][300];
static unsigned seen_type[512];
static size_t nseen;

static size_t seen(const char *name, unsigned type)
{
    size_t i;

    for (i = 0; i < nseen; i++)
        if (seen_type[i] == type && strcasecmp(seen_name[i], name) == 0)
            return i + 1;
    return 0;
}

/* collect - record what libunbound asks the fake, for up to ms */
static void collect(int fd, int ms)
{
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    uint8_t buf[1500];

    while (poll(&pfd, 1, ms) > 0) {
        ssize_t n = recv(fd, buf, sizeof(buf), 0);
        char name[300];
        unsigned type;

        if (n < 12)
            continue;
        question(buf, (size_t) n, name, sizeof(name), &type);
        if (nseen < 512 && !seen(name, type)) {
            snprintf(seen_name[nseen], sizeof(seen_name[nseen]), "%s", name);
            seen_type[nseen++] = type;
        }
    }
}

int main(void)
{
    struct sockaddr_in sa = {.sin_family = AF_INET};
    socklen_t salen = sizeof(sa);
    int fake = socket(AF_INET, SOCK_DGRAM, 0), got;
    char fwd[64], qname[300];
    uint8_t q[600], a[1500];
    ssize_t n;
    unsigned qtype;
    dh_probe *p;
    dh_probe_answer *pa = calloc(1, sizeof(*pa));
    struct ub_ctx *ub;
    size_t i;

    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fake < 0 || pa == NULL || bind(fake, (struct sockaddr *) &sa, sizeof(sa)) != 0 ||
        getsockname(fake, (struct sockaddr *) &sa, &salen) != 0) {
        printf("1..0 # SKIP no loopback UDP socket\n");
        return 0;
    }
    snprintf(fwd, sizeof(fwd), "127.0.0.1@%u", ntohs(sa.sin_port));

    ok(dh_probe_new("not an address") == NULL, "no probe without an address");
    /* which forwarder: the one libunbound is given (ubconf.c) */
    {
        char path[] = "/tmp/test_probe.XXXXXX";
        int fd = mkstemp(path);
        dh_settings s;
        dh_probe *pr;

        dh_settings_init(&s);
        ok(fd >= 0 &&
               write(fd, "# x\nsearch example\n  nameserver\t127.0.0.9 \nnameserver 127.0.0.8\n", 64) == 64,
           "a resolv.conf");
        s.resolv_conf = path;
        pr = dh_probe_for(&s);
        {
            struct sockaddr_in peer;
            socklen_t plen = sizeof(peer);

            ok(pr != NULL && getpeername(dh_probe_fd(pr), (struct sockaddr *) &peer, &plen) == 0 &&
                   peer.sin_addr.s_addr == htonl(0x7f000009) && peer.sin_port == htons(53),
               "a probe to resolv.conf's first nameserver, port 53");
        }
        dh_probe_free(pr);
        s.recursion = 1;
        ok(dh_probe_for(&s) == NULL, "none when danehop recurses itself");
        s.recursion = 0;
        s.forwarders[s.nforwarders++] = fwd;
        pr = dh_probe_for(&s);
        ok(pr != NULL, "a probe to the first forwarder");
        dh_probe_free(pr);
        s.nforwarders = 0;
        s.resolv_conf = NULL;
        s.unbound_conf = path;
        ok(dh_probe_for(&s) == NULL, "none when an unbound.conf says where to go");
        if (fd >= 0)
            close(fd);
        unlink(path);
    }
    /* hostile resolv.conf: a line longer than the reader's buffer whose
     * tail looks like a nameserver line (a DHCP-supplied search list); the
     * tail is not a line, and libunbound (ub_ctx_resolvconf, 1024 bytes a
     * piece) never sends there: nor may the probe, which would tell that
     * address every name asked */
    {
        char path[] = "/tmp/test_probe.XXXXXX";
        char text[600];
        int fd = mkstemp(path), len;
        dh_settings s;
        dh_probe *pr;
        struct sockaddr_in peer;
        socklen_t plen = sizeof(peer);

        /* "search aaa...a " fills the first 255 bytes (a 256-byte fgets) */
        memcpy(text, "search ", 7);
        memset(text + 7, 'a', 247);
        text[254] = ' ';
        len = 255 + snprintf(text + 255, sizeof(text) - 255, "nameserver 192.0.2.66\nnameserver 127.0.0.8\n");
        dh_settings_init(&s);
        ok(fd >= 0 && write(fd, text, (size_t) len) == len, "a resolv.conf with a 277-byte search line");
        s.resolv_conf = path;
        pr = dh_probe_for(&s);
        ok(pr != NULL && getpeername(dh_probe_fd(pr), (struct sockaddr *) &peer, &plen) == 0 &&
               peer.sin_addr.s_addr == htonl(0x7f000008),
           "the first nameserver line, not the tail of a long line that reads like one");
        dh_probe_free(pr);
        /* an address cut at the piece's end: "127.0.0.1" of "127.0.0.12" */
        memcpy(text, "nameserver", 10);
        memset(text + 10, ' ', 236);
        len = 246 + snprintf(text + 246, sizeof(text) - 246, "127.0.0.12\nnameserver 127.0.0.8");
        plen = sizeof(peer);
        ok(ftruncate(fd, 0) == 0 && pwrite(fd, text, (size_t) len, 0) == len &&
               (pr = dh_probe_for(&s)) != NULL &&
               getpeername(dh_probe_fd(pr), (struct sockaddr *) &peer, &plen) == 0 &&
               peer.sin_addr.s_addr == htonl(0x7f000008),
           "an address cut by the reader's buffer is skipped; the last line needs no newline");
        dh_probe_free(pr);
        if (fd >= 0)
            close(fd);
        unlink(path);
    }
    ok(dh_probe_fd(NULL) == -1 && dh_probe_take(NULL, pa) == -1, "no probe: nothing to read");
    p = dh_probe_new(fwd);
    ok(p != NULL && dh_probe_fd(p) >= 0, "a probe to the fake forwarder");
    if (p == NULL)
        return done_testing();

    /* the question as the forwarder sees it */
    dh_probe_ask(p, "mx.chain5.example.com", 1);
    n = recvfrom(fake, q, sizeof(q), 0, (struct sockaddr *) &sa, &salen);
    ok(n > 12, "the probe's question reached the forwarder");
    question(q, (size_t) n, qname, sizeof(qname), &qtype);
    is_str(qname, "mx.chain5.example.com", "asked for the host");
    is_int((int) qtype, 1, "an address question");
    ok((q[2] & 0x01) && !(q[2] & 0x80), "a query with recursion desired");

    /* a forged answer first: another ID, then another question; all of
     * them late, as from a forwarder that has to ask on (a quick answer
     * turns the hints below off: dh_probe_near) */
    {
        size_t len = answer(q, (size_t) n, a);

        usleep(DH_PROBE_NEAR_US + 5000);
        a[0] ^= 0x5a;
        sendto(fake, a, len, 0, (struct sockaddr *) &sa, salen);
        a[0] ^= 0x5a;
        a[13] = 'n'; /* "nx.chain5..." */
        sendto(fake, a, len, 0, (struct sockaddr *) &sa, salen);
        a[13] = 'm';
        sendto(fake, a, len, 0, (struct sockaddr *) &sa, salen);
        sendto(fake, a, len, 0, (struct sockaddr *) &sa, salen); /* a replay */
    }
    {
        struct pollfd pfd = {.fd = dh_probe_fd(p), .events = POLLIN};
        int shown = 0, ignored = 0;

        for (i = 0; i < 20 && poll(&pfd, 1, 2000) > 0;) {
            got = dh_probe_take(p, pa);
            if (got < 0)
                continue;
            i++;
            if (got == 1)
                shown++;
            else
                ignored++;
            if (shown + ignored == 4)
                break;
        }
        is_int(shown, 1, "one answer shows the chain");
        is_int(ignored, 3, "the forged ID, the forged question and the replay are ignored");
        ok(!dh_probe_near(p), "an answer that took longer than %d us: hints pay", DH_PROBE_NEAR_US);
    }
    is_int((int) pa->chain.n, (int) NCHAIN, "the whole chain, hop by hop");
    for (i = 0; i < pa->chain.n && i < NCHAIN; i++)
        is_str(pa->chain.name[i], chain_names[i], "hop %zu", i);
    is_int(dh_probe_take(p, pa), -1, "nothing more waiting");

    /* parser: only the question asked */
    {
        size_t len = answer(q, (size_t) n, a);
        unsigned id = (unsigned) q[0] << 8 | q[1];

        is_int(dh_probe_parse(a, len, id, "mx.chain5.example.com", 1, pa), 1, "parse: the chain");
        is_int(dh_probe_parse(a, len, id ^ 1, "mx.chain5.example.com", 1, pa), -1, "parse: another ID");
        is_int(dh_probe_parse(a, len, id, "c5b.example.com", 1, pa), -1, "parse: another name");
        is_int(dh_probe_parse(q, (size_t) n, id, "mx.chain5.example.com", 1, pa), -1,
               "parse: a query, not an answer");
        is_int(dh_probe_parse(a, 20, id, "mx.chain5.example.com", 1, pa), -1, "parse: cut short");
        is_int(dh_probe_parse(a, len - 30, id, "mx.chain5.example.com", 1, pa), 0,
               "parse: a cut answer section");
    }

    /* the hints: every later hop at once, keys before the final address */
    ub = ub_ctx_create();
    ok(ub != NULL && ub_ctx_async(ub, 1) == 0 && ub_ctx_set_fwd(ub, fwd) == 0 &&
           /* the fake never answers: room for every question in flight */
           ub_ctx_set_option(ub, "outgoing-range:", "256") == 0,
       "a libunbound context on the fake");
    {
        size_t len = answer(q, (size_t) n, a);

        dh_probe_parse(a, len, (unsigned) q[0] << 8 | q[1], "mx.chain5.example.com", 1, pa);
    }
    dh_prefetch_chain(ub, &pa->chain);
    collect(fake, 1500);
    for (i = 2; i + 1 < NCHAIN; i++)
        ok(seen(chain_names[i], 5) != 0, "CNAME of hop %zu (%s) asked at once", i, chain_names[i]);
    ok(seen("mx.example.net", 1) && seen("mx.example.net", 28), "the final host's addresses asked at once");
    ok(seen("net", 43) && seen("net", 48) && seen("example.net", 43) && seen("example.net", 48),
       "the final host's zone keys asked");
    ok(seen("net", 43) && seen("net", 43) < seen("mx.example.net", 1),
       "the topmost DS left before the final address (no re-ask by the validator)");
    ok(seen("net", 43) < seen("example.net", 43), "zone keys from the root down");
    ok(seen("_25._tcp.mx.example.net", 52) != 0, "the final host's TLSA asked");
    ok(!seen("_25._tcp.c5c.example.com", 52), "no TLSA at an intermediate name (never a base domain)");
    ok(!seen("c5c.example.com", 43) && seen("example.com", 43),
       "a middle hop's keys: those above it (a CNAME is never at an apex)");
    ok(seen("c5e.example.com", 5) < seen("net", 43), "the middle hops' CNAME questions leave first");

    /* an MX answer: the exchanges (compressed or not) and what the next round asks of them */
    {
        uint8_t m[512];
        size_t o = 12, qend;
        static const uint8_t mx1[] = {0, 10, 2, 'm', 'x', 0xc0, 12}; /* mx + the question's name */
        uint8_t mx2[64], rd[64];

        memset(m, 0, 12);
        m[0] = 0x12, m[1] = 0x34, m[2] = 0x81, m[3] = 0x80, m[5] = 1, m[7] = 3;
        o += put_name(m + o, "chain5.example.com");
        m[o++] = 0, m[o++] = 15, m[o++] = 0, m[o++] = 1;
        qend = o;
        o += put_rr(m + o, "chain5.example.com", 15, mx1, sizeof(mx1));
        mx2[0] = 0, mx2[1] = 20;
        o += put_rr(m + o, "chain5.example.com", 15, mx2, 2 + put_name(mx2 + 2, "other.example.org"));
        rd[0] = 0, rd[1] = 5;
        o += put_rr(m + o, "elsewhere.example", 15, rd, 2 + put_name(rd + 2, "not.ours.example"));
        is_int(dh_probe_parse(m, o, 0x1234, "chain5.example.com", 15, pa), 1, "MX: the exchanges");
        is_int((int) pa->nmx, 2, "MX: the two of the name asked, not another owner's");
        is_str(pa->mx[0], "mx.chain5.example.com", "MX: a compressed exchange");
        is_str(pa->mx[1], "other.example.org", "MX: an uncompressed exchange");
        is_int(dh_probe_parse(m, o, 0x1234, "chain5.example.com", 1, pa), -1,
               "MX: not the answer to an A question");
        is_int(dh_probe_parse(m, qend + 14, 0x1234, "chain5.example.com", 15, pa), 0,
               "MX: a cut answer section");
        is_int(dh_probe_parse(m, o, 0x1234, "chain5.example.com", 15, pa), 1, "MX: again");
        nseen = 0;
        dh_prefetch_probe(ub, p, pa);
        collect(fake, 1500);
        ok(seen("other.example.org", 1) && seen("other.example.org", 28) && seen("other.example.org", 5),
           "MX: an exchange's address and CNAME questions asked ahead of their round");
        ok(seen("_25._tcp.other.example.org", 52) && seen("org", 43), "MX: its TLSA and zone keys too");
        ok(seen("mx.chain5.example.com", 1) != 0, "MX: the first exchange too");
    }

    /* one hostile MX answer (a forger's): 16 exchanges, each deep in a zone
     * of its own; the questions it can cause are bounded, not 16 times a
     * host's worth (its probe, addresses, CNAME, TLSA, 8 zones' keys) */
    {
        uint8_t m[1400], rd[200];
        size_t o = 12, k;
        char ex[200];

        memset(m, 0, 12);
        m[0] = 0x43, m[1] = 0x21, m[2] = 0x81, m[3] = 0x80, m[5] = 1, m[7] = 16;
        o += put_name(m + o, "hostile.example");
        m[o++] = 0, m[o++] = 15, m[o++] = 0, m[o++] = 1;
        for (k = 0; k < 16; k++) {
            snprintf(ex, sizeof(ex), "a.b.c.d.e.f.g.h%zu.t%zu", k, k);
            rd[0] = 0, rd[1] = (uint8_t) k;
            o += put_rr(m + o, "hostile.example", 15, rd, 2 + put_name(rd + 2, ex));
        }
        is_int(dh_probe_parse(m, o, 0x4321, "hostile.example", 15, pa), 1, "hostile MX: parsed");
        is_int((int) pa->nmx, 16, "hostile MX: 16 exchanges");
        nseen = 0;
        dh_prefetch_probe(ub, p, pa);
        collect(fake, 1500);
        {
            size_t mine = 0;

            /* libunbound's retries of earlier questions reach the fake too */
            for (k = 0; k < nseen; k++) {
                const char *dot = strrchr(seen_name[k], '.');
                const char *last = dot ? dot + 1 : seen_name[k];

                mine += last[0] == 't' && last[1] >= '0' && last[1] <= '9';
            }
            ok(mine <= 100, "hostile MX: at most 100 questions from one answer (%zu)", mine);
        }
        ok(seen("a.b.c.d.e.f.g.h0.t0", 1) != 0, "hostile MX: the first exchange is still asked");
    }
    /* ...nor through the CNAME hints it made: the attacker's own zone
     * answers them with an alias, whose chase (up to 7 hops, each with its
     * keys and TLSA) would ask on beyond the answer's bound */
    {
        struct pollfd pfd[2] = {{.fd = fake, .events = POLLIN}, {.fd = ub_fd(ub), .events = POLLIN}};
        uint8_t buf[1500], m[512], rd0[64];
        size_t k, o = 12;

        memset(m, 0, 12);
        m[0] = 0x55, m[1] = 0x66, m[2] = 0x81, m[3] = 0x80, m[5] = 1, m[7] = 1;
        o += put_name(m + o, "hostile2.example");
        m[o++] = 0, m[o++] = 15, m[o++] = 0, m[o++] = 1;
        rd0[0] = 0, rd0[1] = 10;
        o += put_rr(m + o, "hostile2.example", 15, rd0, 2 + put_name(rd0 + 2, "ex.u0"));
        is_int(dh_probe_parse(m, o, 0x5566, "hostile2.example", 15, pa), 1,
               "hostile MX: one exchange, ex.u0");
        nseen = 0;
        dh_prefetch_probe(ub, p, pa);
        for (k = 0; k < 400 && poll(pfd, 2, 1500) > 0; k++) {
            if (pfd[1].revents)
                ub_process(ub);
            if (pfd[0].revents) {
                ssize_t got2 = recvfrom(fake, buf, sizeof(buf), 0, (struct sockaddr *) &sa, &salen);
                char name[300];
                unsigned type;
                size_t qe = 12;

                if (got2 < 12)
                    continue;
                question(buf, (size_t) got2, name, sizeof(name), &type);
                if (nseen < 512 && !seen(name, type)) {
                    snprintf(seen_name[nseen], sizeof(seen_name[nseen]), "%s", name);
                    seen_type[nseen++] = type;
                }
                if (type != 5 || strcmp(name, "ex.u0") != 0)
                    continue;
                while (qe < (size_t) got2 && buf[qe] != 0)
                    qe += buf[qe] + 1;
                qe += 5;
                buf[2] = 0x81, buf[3] = 0x80, buf[7] = 1, buf[9] = 0, buf[11] = 0; /* one answer, no OPT */
                {
                    uint8_t rd[64], rr[128];
                    size_t rl = put_name(rd, "n1.z1.u9"), o2 = 0;

                    rr[o2++] = 0xc0, rr[o2++] = 12; /* the question's name */
                    rr[o2++] = 0, rr[o2++] = 5, rr[o2++] = 0, rr[o2++] = 1, rr[o2++] = 0, rr[o2++] = 0;
                    rr[o2++] = 0, rr[o2++] = 60, rr[o2++] = 0, rr[o2++] = (uint8_t) rl;
                    memcpy(rr + o2, rd, rl);
                    memcpy(buf + qe, rr, o2 + rl);
                    sendto(fake, buf, qe + o2 + rl, 0, (struct sockaddr *) &sa, salen);
                }
            }
        }
        ok(seen("ex.u0", 5) && !seen("n1.z1.u9", 5) && !seen("_25._tcp.n1.z1.u9", 52) && !seen("u9", 43),
           "hostile MX: an exchange's alias is not chased from a probe's hint");
    }

    /* a forwarder that answers at once has the names cached: a hint would
     * only have the validator check the same signatures twice. The probe
     * still asks (its next answer's time decides again); nothing else. */
    {
        dh_probe *p2 = dh_probe_new(fwd);
        struct pollfd pfd = {.fd = dh_probe_fd(p2), .events = POLLIN};
        uint8_t q2[512];
        int tries, shown = 0;

        ok(p2 != NULL && !dh_probe_near(p2), "near: unknown before an answer");
        /* "at once" is within DH_PROBE_NEAR_US of reading it; a test
         * process kept from the CPU that long tries again */
        for (tries = 0; tries < 3 && !dh_probe_near(p2); tries++) {
            char qn[300];
            unsigned qt = 0;
            ssize_t n2 = -1;
            int k;

            /* libunbound's retries of earlier questions wait at the fake:
             * read them first, or the time they take counts as the probe's */
            while (recv(fake, q2, sizeof(q2), MSG_DONTWAIT) >= 0)
                ;
            dh_probe_ask(p2, "mx.chain5.example.com", 1);
            /* the probe's question (no EDNS), not one of libunbound's retries */
            for (k = 0; k < 50; k++) {
                n2 = recvfrom(fake, q2, sizeof(q2), 0, (struct sockaddr *) &sa, &salen);
                if (n2 <= 12)
                    continue;
                question(q2, (size_t) n2, qn, sizeof(qn), &qt);
                if (qt == 1 && strcmp(qn, "mx.chain5.example.com") == 0 && q2[10] == 0 && q2[11] == 0)
                    break;
            }
            if (k < 50)
                sendto(fake, a, answer(q2, (size_t) n2, a), 0, (struct sockaddr *) &sa, salen);
            if (poll(&pfd, 1, 2000) == 1 && dh_probe_take(p2, pa) == 1)
                shown++;
        }
        ok(shown > 0, "near: the chain shown");
        ok(dh_probe_near(p2), "near: an answer at once (in %d tries)", tries);
        nseen = 0;
        dh_prefetch_question(ub, p, "far.example.org", 1);
        dh_prefetch_question(ub, p2, "near.example.org", 1);
        collect(fake, 1500);
        ok(seen("far.example.org", 43) && seen("_25._tcp.far.example.org", 52),
           "far: a host's zone keys and TLSA asked with its question");
        ok(seen("near.example.org", 1) != 0, "near: the probe still asks");
        ok(!seen("near.example.org", 43) && !seen("near.example.org", 48) &&
               !seen("_25._tcp.near.example.org", 52),
           "near: no zone key or TLSA hint");
        nseen = 0;
        pa->qtype = 15;
        pa->nmx = 1;
        snprintf(pa->mx[0], sizeof(pa->mx[0]), "%s", "mx.near.example.org");
        dh_prefetch_probe(ub, p2, pa);
        dh_prefetch_question(ub, p, "far2.example.org", 1); /* the control, in the same window */
        collect(fake, 1500);
        ok(seen("far2.example.org", 43) != 0, "far: asked in the same window");
        /* (libunbound's retries of earlier questions reach the fake too) */
        ok(!seen("mx.near.example.org", 1) && !seen("mx.near.example.org", 28) &&
               !seen("mx.near.example.org", 5) && !seen("_25._tcp.mx.near.example.org", 52) &&
               !seen("near.example.org", 43),
           "near: an MX answer asks nothing ahead of its round");
        dh_probe_free(p2);
    }

    /* fork: a child (an Exim delivery process) drops its parent's resolver;
     * the probe's socket must go with it, not stay open in the child */
    {
        dh_settings s;
        char err[256];
        dh_resolver *r;
        int fd = -1, status = -1, tell[2] = {-1, -1};
        char verdict = '?';
        pid_t pid = -1;

        dh_settings_init(&s);
        s.trust_anchor = (char *) "/dev/null";
        s.forwarders[s.nforwarders++] = fwd;
        r = dh_resolver_new(&s, err, sizeof(err));
        ok(r != NULL && (fd = dh_probe_fd(r->probe)) >= 0, "a resolver with a probe (%s)", r ? "" : err);
        /* the verdict by pipe: under valgrind the child's exit status is
         * its error code (the parent's libunbound context, abandoned) */
        if (r != NULL && pipe(tell) == 0 && (pid = fork()) == 0) {
            char v;

            dh_resolver_free(r);
            v = fcntl(fd, F_GETFD) == -1 ? 'y' : 'n';
            _exit(write(tell[1], &v, 1) == 1 ? 0 : 1);
        } else if (r != NULL && pid > 0) {
            waitpid(pid, &status, 0);
            if (read(tell[0], &verdict, 1) != 1)
                verdict = '?';
        }
        if (tell[0] >= 0) {
            close(tell[0]);
            close(tell[1]);
        }
        ok(verdict == 'y', "fork: the child's copy of the probe's socket is closed");
        ok(r != NULL && fcntl(fd, F_GETFD) != -1, "fork: the parent's stays open");
        dh_resolver_free(r);
    }

    ub_ctx_delete(ub);
    dh_probe_free(p);
    close(fake);
    free(pa);
    return done_testing();
}
