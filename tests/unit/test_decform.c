/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_decform.c - a decision crosses danehopd's socket whole (decform.c),
 * and hostile replies are refused
 */
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "daemon.h"
#include "decform.h"
#include "netstring.h"
#include "decision.h"
#include "mutate.h"
#include "tap.h"

static const unsigned char key1[32] = {0xde, 0xad, 0xbe, 0xef, 1, 2, 3};

/* sample - a decision with every field set, odd bytes in the strings */
static danehop_decision *sample(void)
{
    danehop_decision *d = dh_decision_new();
    dh_arena *a = d->arena;
    danehop_host *h;
    const char **names, **addrs;

    d->status = DANEHOP_STATUS_OK;
    d->error = DANEHOP_E_DNS;
    d->policy = DANEHOP_POLICY_MANDATORY;
    d->flags = DANEHOP_F_HALF_DANE;
    d->port = 25;
    d->mx_secure = 1;
    d->rounds = 4;
    d->timeouts = 3;
    d->domain = "example.com";
    d->mx_owner = "alias.example.com";
    d->rule = "rule at line 3";
    d->reason = "MX RRset secure; 100% \"odd\"\nline";
    d->nskipped = 1;
    d->skipped = dh_arena_alloc(a, sizeof(*d->skipped));
    d->skipped[0] = "mx17.example.com";
    d->nhosts = 2;
    d->hosts = h = dh_arena_alloc(a, 2 * sizeof(*h));
    memset(h, 0, 2 * sizeof(*h));
    h[0].name = "mx1.example.com";
    h[0].preference = 10;
    h[0].action = DANEHOP_ACTION_DANE;
    h[0].reason = "TLSA RRset secure";
    h[0].base_domain = "mx1.example.net";
    h[0].sni = "mx1.example.net";
    h[0].address_secure = 1;
    h[0].mandatory = 1;
    h[0].naddrs = 2;
    h[0].addrs = addrs = dh_arena_alloc(a, 2 * sizeof(*addrs));
    addrs[0] = "192.0.2.1";
    addrs[1] = "2001:db8::1";
    h[0].nhops = 1;
    h[0].hops = dh_arena_alloc(a, sizeof(*h[0].hops));
    h[0].hops[0] = (dh_hop){"mx1.example.com", "mx1.example.net", 1};
    h[0].ntlsa = 1;
    h[0].tlsa = dh_arena_alloc(a, sizeof(*h[0].tlsa));
    h[0].tlsa[0] = (dh_tlsa_out){3, 1, 1, sizeof(key1), key1, "3 1 1 deadbeef..."};
    h[0].nunusable = 1;
    h[0].unusable = dh_arena_alloc(a, sizeof(*h[0].unusable));
    h[0].unusable[0] = "4 0 0 00 (unknown usage)";
    h[0].nnames = 2;
    h[0].names = names = dh_arena_alloc(a, 2 * sizeof(*names));
    names[0] = "mx1.example.net";
    names[1] = "mx1.example.com";
    h[1].name = "mx2.example.com";
    h[1].preference = 20;
    h[1].action = DANEHOP_ACTION_DEFER;
    h[1].error = DANEHOP_E_TIMEOUT;
    h[1].reason = "TLSA lookup timed out";
    h[1].nhops = 1;
    h[1].hops = dh_arena_alloc(a, sizeof(*h[1].hops));
    h[1].hops[0] = (dh_hop){"mx2.example.com", NULL, -1};
    dh_decision_log_query(d, 1, "example.com", "MX", "secure");
    dh_decision_log_query(d, 2, "_25._tcp.mx1.example.net", "TLSA", "secure, 2 records");
    return d;
}

static char *render(const danehop_decision *d)
{
    dh_buf b;

    dh_buf_init(&b, DH_DECFORM_MAX);
    if (dh_decform_render(d, &b) != 0) {
        dh_buf_discard(&b);
        return NULL;
    }
    return dh_buf_finish(&b);
}

/* refused - the text is refused (and leaks nothing, under ASan) */
static int refused(const char *text)
{
    danehop_decision *d = NULL;
    char err[256] = "";
    int rc = dh_decform_parse(text, strlen(text), &d, err, sizeof(err));

    if (rc == 0)
        danehop_decision_free(d);
    return rc != 0 && d == NULL && err[0] != '\0';
}

static void mutation(const char *text, const char *from, const char *to, const char *what)
{
    char *m = replace(text, from, to);

    ok(m != NULL && refused(m), "refused: %s", what);
    free(m);
}

/* fake_daemon_as - a daemon at path, listening as uid (or as this process
 * when uid is -1), that answers one request with payload; the client's
 * verdict on it (dh_daemon_decide's return, the error code) */
static char sockdir[64] = "/tmp/test_decform.XXXXXX";
/* the socket's name below sockdir: "d.sock", or in a directory of its own */
static const char *sockname = "d.sock";

static int fake_daemon_as(long uid, const char *payload, const char *domain, const char *host,
                          danehop_error *code)
{
    char path[96], addr[120], frame[200000], ready;
    struct sockaddr_un sun;
    danehop_decision *d = NULL;
    int rc, st, sync[2];
    size_t flen = ns_format(payload, strlen(payload), frame, sizeof(frame));
    pid_t pid;

    snprintf(path, sizeof(path), "%s/%s", sockdir, sockname);
    snprintf(addr, sizeof(addr), "unix:%s", path);
    unlink(path);
    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    strcpy(sun.sun_path, path);
    if (pipe(sync) != 0)
        return -2;
    if ((pid = fork()) == 0) {
        /* the listener's credentials are the ones its peer sees: bind and
         * listen after becoming uid */
        char req[2048];
        int lfd, c;

        close(sync[0]);
        if (uid >= 0 && (setgid((gid_t) uid) != 0 || setuid((uid_t) uid) != 0))
            _exit(1);
        if ((lfd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0 ||
            bind(lfd, (struct sockaddr *) &sun, sizeof(sun)) != 0 || listen(lfd, 1) != 0 ||
            write(sync[1], "r", 1) != 1)
            _exit(1);
        c = accept(lfd, NULL, NULL);
        if (c >= 0 && read(c, req, sizeof(req)) > 0 && write(c, frame, flen) == (ssize_t) flen)
            _exit(0);
        _exit(1);
    }
    close(sync[1]);
    if (pid < 0 || read(sync[0], &ready, 1) != 1) {
        close(sync[0]);
        if (pid > 0)
            waitpid(pid, &st, 0);
        return -2;
    }
    close(sync[0]);
    rc = dh_daemon_decide(addr, 5000, domain, host, 25, DANEHOP_POLICY_MANDATORY, 0, &d);
    *code = danehop_ctx_error_code(NULL);
    danehop_decision_free(d);
    kill(pid, SIGTERM); /* it never hears from a client that refused first */
    waitpid(pid, &st, 0);
    unlink(path);
    return rc;
}

/* really_become - whether a child really runs as uid after setuid (under
 * fakeroot, setuid is pretended and the child keeps root's powers): it must
 * fail to create a file in the 0700 directory of the real root */
static int really_become(long uid)
{
    char probe[96];
    pid_t pid;
    int st;

    snprintf(probe, sizeof(probe), "%s/probe", sockdir);
    chmod(sockdir, 0700);
    if ((pid = fork()) == 0) {
        if (setgid((gid_t) uid) != 0 || setuid((uid_t) uid) != 0)
            _exit(2);
        _exit(mkdir(probe, 0700) == 0 ? 1 : 0);
    }
    if (pid < 0 || waitpid(pid, &st, 0) != pid)
        return 0;
    rmdir(probe);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static int fake_daemon(const char *payload, const char *domain, const char *host, danehop_error *code)
{
    return fake_daemon_as(-1, payload, domain, host, code);
}

int main(void)
{
    danehop_decision *d = sample(), *back = NULL;
    char *text = render(d), *again, err[256] = "";
    const danehop_host *h;
    const unsigned char *data;
    const char *name, *cname;
    uint8_t u, s, m;
    size_t len, i;
    int secure, truncated_ok = 1;
    danehop_match how;

    ok(text != NULL, "renders");
    ok(dh_decform_parse(text, strlen(text), &back, err, sizeof(err)) == 0, "parses back: %s", err);
    again = render(back);
    is_str(again, text, "renders the same again");
    free(again);

    is_int(danehop_decision_status(back), DANEHOP_STATUS_OK, "status");
    is_int(back->error, DANEHOP_E_DNS, "error code");
    is_str(danehop_decision_domain(back), "example.com", "domain");
    is_str(danehop_decision_reason(back), d->reason, "reason with %%, quotes and a newline");
    is_int(danehop_decision_port(back), 25, "port");
    is_int(danehop_decision_mx_secure(back), 1, "mx_secure");
    is_int(back->policy, DANEHOP_POLICY_MANDATORY, "policy");
    is_int(back->flags, DANEHOP_F_HALF_DANE, "flags");
    is_int(back->timeouts, 3, "timeouts counted");
    is_int(danehop_decision_host_count(back), 2, "two hosts");
    h = danehop_decision_host(back, 0);
    is_str(danehop_host_name(h), "mx1.example.com", "host name");
    is_int(danehop_host_preference(h), 10, "preference");
    is_int(danehop_host_action(h), DANEHOP_ACTION_DANE, "action");
    is_str(danehop_host_base_domain(h), "mx1.example.net", "base domain");
    is_str(danehop_host_sni(h), "mx1.example.net", "SNI");
    is_int(danehop_host_address_secure(h), 1, "address security");
    is_int(danehop_host_mandatory(h), 1, "mandatory");
    is_int(danehop_host_address_count(h), 2, "addresses");
    is_str(danehop_host_address(h, 1), "2001:db8::1", "IPv6 address");
    ok(danehop_host_hop(h, 0, &name, &cname, &secure) == 0 && strcmp(cname, "mx1.example.net") == 0 &&
           secure == 1,
       "CNAME hop");
    ok(danehop_host_tlsa(h, 0, &u, &s, &m, &data, &len) == 0 && u == 3 && s == 1 && m == 1 &&
           len == sizeof(key1) && memcmp(data, key1, len) == 0,
       "TLSA record, data intact");
    is_str(danehop_host_tlsa_text(h, 0), "3 1 1 deadbeef...", "TLSA text");
    is_str(danehop_host_unusable_text(h, 0), "4 0 0 00 (unknown usage)", "unusable record");
    is_int(danehop_host_name_count(h), 2, "reference names");
    is_str(danehop_host_refname(h, 1), "mx1.example.com", "second reference name");
    h = danehop_decision_host(back, 1);
    is_int(danehop_host_error(h), DANEHOP_E_TIMEOUT, "host error");
    ok(danehop_host_hop(h, 0, &name, &cname, &secure) == 0 && cname == NULL && secure == -1,
       "unknown hop security and a NULL target survive");
    ok(danehop_decision_match(back, "mx1.example.net", "192.0.2.1", &how) == danehop_decision_host(back, 0) &&
           how == DANEHOP_MATCH_HOST,
       "danehop_decision_match finds the host through its CNAME");
    danehop_decision_match(back, "mx17.example.com", NULL, &how);
    is_int(how, DANEHOP_MATCH_LIMIT, "skipped hosts survive (past-host-limit)");
    {
        unsigned round;
        const char *qn, *qt, *qr;

        ok(danehop_decision_query_count(back) == 2 &&
               danehop_decision_query(back, 1, &round, &qn, &qt, &qr) == 0 && round == 2 &&
               strcmp(qt, "TLSA") == 0 && strcmp(qr, "secure, 2 records") == 0,
           "the query log crosses too");
    }
    danehop_decision_free(back);

    /* every proper prefix is refused: a reply cut short is never a decision */
    for (i = 0; i < strlen(text); i++) {
        back = NULL;
        if (dh_decform_parse(text, i, &back, err, sizeof(err)) == 0) {
            truncated_ok = 0;
            danehop_decision_free(back);
        }
    }
    ok(truncated_ok, "every truncation refused");

    mutation(text, "danehop-decision 1", "danehop-decision 2", "unknown version");
    mutation(text, "danehop-decision 1", "danehop-decision 10", "unknown version (two digits)");
    mutation(text, "hosts 2", "hosts 17", "more hosts than DH_MAX_HOSTS");
    mutation(text, "hosts 2", "hosts 4294967295", "a huge host count");
    mutation(text, "addrs 2", "addrs 65", "an oversized address count");
    mutation(text, "tlsa 1\n", "tlsa 65\n", "more TLSA records than DH_TLSA_MAX");
    mutation(text, "names 2", "names 3", "a count larger than the list");
    mutation(text, "port 25", "port 65536", "port out of range");
    mutation(text, "port 25", "port -1", "a negative number");
    mutation(text, "port 25", "port 025", "a leading zero");
    mutation(text, "port 25", "port 25x", "trailing junk in a number");
    mutation(text, "port 25", "port 99999999999999999999", "an overflowing number");
    mutation(text, "status 0", "status 4", "unknown status");
    mutation(text, "action 0", "action 5", "unknown action");
    mutation(text, "secure 2", "secure 3", "hop security out of range");
    mutation(text, "domain =example.com", "domain example.com", "a string without its marker");
    mutation(text, "domain =example.com", "domain =ex%4", "a cut escape");
    mutation(text, "domain =example.com", "domain =ex%00", "an escaped NUL");
    mutation(text, "domain =example.com", "domain =ex%zz", "a bad escape");
    mutation(text, "host =mx1.example.com", "host -", "a host without a name");
    mutation(text, "tlsa 3 1 1 dead", "tlsa 3 1 1 dea", "odd hex digits");
    mutation(text, "tlsa 3 1 1 dead", "tlsa 3 1 1 xead", "non-hex record data");
    mutation(text, "tlsa 3 1 1 dead", "tlsa 3 1 256 dead", "a matching type past 255");
    mutation(text, "mx_secure 1\n", "", "a field missing");
    mutation(text, "rounds 4\n", "rounds 4\nextra 1\n", "an unknown field");
    mutation(text, "end\n", "end\nmore\n", "trailing bytes");
    mutation(text, "end\n", "end", "no final newline");
    mutation(text, "queries 2", "queries 1025", "a query log past DH_DECFORM_MAX_QUERIES");
    mutation(text, "query 2\n", "query 1001\n", "a query round out of range");
    /* 2^32 + 1000 wraps to 1000 in a 32-bit unsigned long summed digit by digit */
    mutation(text, "rounds 4\n", "rounds 4294968296\n", "a number that wraps 32 bits to a valid one");
    ok(refused(""), "empty reply refused");
    ok(refused("garbage\n"), "garbage refused");
    {
        /* a string far past DH_DECFORM_MAX_STR */
        size_t big = 3 * DH_DECFORM_MAX_STR + 10;
        char *long_s = malloc(big + 16);

        strcpy(long_s, "domain =");
        memset(long_s + 8, 'a', big);
        long_s[8 + big] = '\0';
        mutation(text, "domain =example.com", long_s, "an oversized string");
        free(long_s);
    }
    {
        /* the text may not carry a NUL byte */
        char *t = strdup(text);

        t[3] = '\0';
        back = NULL;
        ok(dh_decform_parse(t, strlen(text), &back, err, sizeof(err)) != 0 && back == NULL,
           "a NUL byte refused");
        free(t);
    }
    free(text);
    danehop_decision_free(d);
    if (mkdtemp(sockdir) == NULL)
        return 1;
    /* a daemon's reply must be for the request: another domain or another
     * host request is a stale or hostile answer, not a decision to act on */
    {
        danehop_decision *o = sample();
        char *t = render(o), *payload = malloc(strlen(t) + 4);
        danehop_error code;
        char sub[96];

        sprintf(payload, "OK %s", t);
        is_int(fake_daemon(payload, "example.com", NULL, &code), 0,
               "daemon: the reply for the request is taken");
        is_int(fake_daemon(payload, "example.org", NULL, &code), -1,
               "daemon: a reply for another domain is refused");
        is_int(fake_daemon(payload, "example.com", "mx.example.com", &code), -1,
               "daemon: a reply for another host request is refused");
        is_int(fake_daemon("TEMP 0 all fine", "example.com", NULL, &code), -1, "daemon: TEMP 0 is a failure");
        ok(code != DANEHOP_E_OK, "daemon: TEMP 0 does not leave the error code at DANEHOP_E_OK (%d)",
           (int) code);
        /* a directory anyone can write: another user binds the name while
         * danehopd is down and answers "may" for every domain */
        chmod(sockdir, 01777);
        is_int(fake_daemon(payload, "example.com", NULL, &code), -1,
               "daemon: a socket in a world-writable directory is refused");
        chmod(sockdir, 0700);
        /* a directory a group can write: a member (uid 65534 here) binds
         * the name; the listener is not root, not the directory's owner,
         * not this process's user */
        if (geteuid() == 0 && really_become(65534) && chown(sockdir, 0, 65534) == 0 &&
            chmod(sockdir, 0770) == 0) {
            is_int(fake_daemon_as(65534, payload, "example.com", NULL, &code), -1,
                   "daemon: a listener of another user in a group-writable directory is refused");
            is_int(code, DANEHOP_E_CONFIG, "daemon: ... as a configuration error");
            ok(strstr(danehop_ctx_error(NULL), "uid 65534") != NULL, "daemon: ... naming its uid: %s",
               danehop_ctx_error(NULL));
            /* the same listener in a directory it owns, below directories
             * only root can change, is the admin's choice */
            chown(sockdir, 0, 0);
            chmod(sockdir, 0755);
            snprintf(sub, sizeof(sub), "%s/run", sockdir);
            sockname = "run/d.sock";
            ok(mkdir(sub, 0755) == 0 && chown(sub, 65534, 65534) == 0, "directory handed to uid 65534");
            is_int(fake_daemon_as(65534, payload, "example.com", NULL, &code), 0,
                   "daemon: a listener owning the socket's directory is taken");
            /* the twin: a directory anyone could have made, in a sticky
             * directory anyone can write (/tmp/danehop made by the attacker
             * while danehopd is down): its owner is not the admin's choice */
            chmod(sockdir, 01777);
            is_int(fake_daemon_as(65534, payload, "example.com", NULL, &code), -1,
                   "daemon: a listener owning its directory, made in a world-writable one, is refused");
            ok(strstr(danehop_ctx_error(NULL), "uid 65534") != NULL, "daemon: ... naming its uid: %s",
               danehop_ctx_error(NULL));
            /* and one a group member could have swapped in through a parent
             * the group can write */
            chown(sockdir, 0, 65534);
            chmod(sockdir, 0775);
            is_int(fake_daemon_as(65534, payload, "example.com", NULL, &code), -1,
                   "daemon: a listener owning its directory, below a group-writable one, is refused");
            /* the daemon's way: a root listener in that place is still taken */
            chown(sub, 0, 0);
            is_int(fake_daemon(payload, "example.com", NULL, &code), 0,
                   "daemon: a root listener below a group-writable directory is taken");
            rmdir(sub);
            sockname = "d.sock";
            chown(sockdir, 0, 0);
        } else {
            for (int k = 0; k < 9; k++)
                ok(1, "daemon: listener credentials # SKIP needs to listen as another user (root, not "
                      "fakeroot)");
        }
        chmod(sockdir, 0700);
        rmdir(sockdir);
        free(payload);
        free(t);
        danehop_decision_free(o);
    }
    return done_testing();
}
