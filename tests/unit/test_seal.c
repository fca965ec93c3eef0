/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_seal.c - the seal that carries a verified chain into Exim's -MC exec
 * (shim/exim/seal.c): made, read back, bound to its peer, inherited by an
 * exec only once exported, never after a drop. The child is this program,
 * exec'd again with "child HOST ADDRESS PORT": it prints what it inherited.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "seal.h"
#include "tap.h"

/* run_mode - exec this program as a child in mode; its output in out */
static int run_mode(const char *self, const char *mode, const char *host, const char *addr, const char *port,
                    char *out, size_t size)
{
    int p[2], status;
    ssize_t n;
    pid_t pid;

    if (pipe(p) != 0)
        return -1;
    if ((pid = fork()) == 0) {
        dup2(p[1], 1);
        close(p[0]);
        close(p[1]);
        execl(self, self, mode, host, addr, port, (char *) NULL);
        _exit(127);
    }
    close(p[1]);
    n = read(p[0], out, size - 1);
    out[n > 0 ? n : 0] = '\0';
    close(p[0]);
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int run_child(const char *self, const char *host, const char *addr, const char *port, char *out,
                     size_t size)
{
    return run_mode(self, "child", host, addr, port, out, size);
}

int main(int argc, char **argv)
{
    static const unsigned char leaf[] = "leaf-certificate-DER", ca[] = "ca";
    const unsigned char *der[2] = {leaf, ca};
    size_t len[2] = {sizeof(leaf), sizeof(ca)}, n, glen[DH_SEAL_MAX_CERTS];
    unsigned char *got[DH_SEAL_MAX_CERTS] = {NULL};
    char out[256], self[4096];
    ssize_t sl;

    if (argc == 5 && (strcmp(argv[1], "relay") == 0 || strcmp(argv[1], "relay-own") == 0)) {
        /* an exec'd process that opens a connection of its own (tcp:connect)
         * before it ever looked for its inherited seal, maybe verifies it
         * and exports its own seal, then passes it on: the next exec must
         * not find the inherited, stale seal */
        static const unsigned char own[] = "own";
        const unsigned char *od[1] = {own};
        size_t ol[1] = {sizeof(own)};

        dh_seal_drop();
        if (strcmp(argv[1], "relay-own") == 0 &&
            (dh_seal_make(argv[2], argv[3], (unsigned) atoi(argv[4]), od, ol, 1) != 0 ||
             dh_seal_export() != 0))
            return 1;
        execl("/proc/self/exe", argv[0], "child", argv[2], argv[3], argv[4], (char *) NULL);
        return 127;
    }
    if (argc == 5 && strcmp(argv[1], "child-noproc") == 0) {
        /* as in a chroot without /proc: the seal is found by trying every
         * descriptor number instead (needs root for a mount namespace) */
        if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
            mount("none", "/proc", "tmpfs", 0, NULL) != 0 || access("/proc/self/fd", F_OK) == 0) {
            printf("skip\n");
            return 0;
        }
        argv[1] = "child";
    }
    if (argc == 5 && strcmp(argv[1], "child") == 0) {
        int rc = dh_seal_chain(argv[2], argv[3], (unsigned) atoi(argv[4]), got, glen, &n);

        printf("%d %zu %zu\n", rc, rc == 0 ? n : 0, rc == 0 ? glen[0] : 0);
        /* out before exit: without /proc, LeakSanitizer dies at exit
         * (it lists threads there) and stdio's buffer would be lost */
        fflush(stdout);
        dh_seal_chain_free(got, rc == 0 ? n : 0);
        return 0;
    }
    if ((sl = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0) {
        printf("1..0 # SKIP no /proc/self/exe\n");
        return 0;
    }
    self[sl] = '\0';

    ok(dh_seal_chain("smtp.example.org", "127.0.0.11", 25, got, glen, &n) == -1, "no seal yet");
    if (dh_seal_make("smtp.example.org", "127.0.0.11", 25, der, len, 2) != 0) {
        printf("1..0 # SKIP no sealed memfd here\n");
        return 0;
    }
    ok(dh_seal_chain("SMTP.example.org", "127.0.0.11", 25, got, glen, &n) == 0 && n == 2 &&
           glen[0] == sizeof(leaf) && memcmp(got[0], leaf, sizeof(leaf)) == 0 && glen[1] == sizeof(ca),
       "the chain reads back, certificate by certificate");
    dh_seal_chain_free(got, n);
    ok(dh_seal_chain("smtp.example.org", "127.0.0.12", 25, got, glen, &n) == -1, "another address: no seal");
    ok(dh_seal_chain("smtp.example.org", "127.0.0.11", 587, got, glen, &n) == -1, "another port: no seal");
    ok(dh_seal_chain("evil.example", "127.0.0.11", 25, got, glen, &n) == -1, "another host: no seal");
    ok(dh_seal_make("bad\nhost", "127.0.0.11", 25, der, len, 2) == -1, "a newline in a name is refused");
    len[0] = DH_SEAL_MAX_CERT + 1;
    ok(dh_seal_make("smtp.example.org", "127.0.0.11", 25, der, len, 2) == -1,
       "an oversized certificate is refused");
    len[0] = sizeof(leaf);

    run_child(self, "smtp.example.org", "127.0.0.11", "25", out, sizeof(out));
    is_str(out, "-1 0 0\n", "close-on-exec until exported: an exec inherits nothing");
    ok(dh_seal_export() == 0, "exported");
    run_child(self, "smtp.example.org", "127.0.0.11", "25", out, sizeof(out));
    is_str(out, "0 2 21\n", "exported: the exec'd process finds the chain");
    run_mode(self, "child-noproc", "smtp.example.org", "127.0.0.11", "25", out, sizeof(out));
    if (strcmp(out, "skip\n") == 0)
        ok(1, "no /proc: # SKIP needs a mount namespace (root)");
    else
        is_str(out, "0 2 21\n", "no /proc (a chroot): found by trying every descriptor number");
    run_child(self, "smtp.example.org", "127.0.0.66", "25", out, sizeof(out));
    is_str(out, "-1 0 0\n", "... but only for the peer it was made for");
    run_mode(self, "relay", "smtp.example.org", "127.0.0.11", "25", out, sizeof(out));
    is_str(out, "-1 0 0\n", "an exec'd process that connected itself hands on no stale seal");
    run_mode(self, "relay-own", "smtp.example.org", "127.0.0.11", "25", out, sizeof(out));
    is_str(out, "0 1 4\n", "... only the seal of the connection it verified itself");
    dh_seal_drop();
    ok(dh_seal_chain("smtp.example.org", "127.0.0.11", 25, got, glen, &n) == -1, "dropped: gone here");
    run_child(self, "smtp.example.org", "127.0.0.11", "25", out, sizeof(out));
    is_str(out, "-1 0 0\n", "dropped: and for any later exec");
    ok(dh_seal_export() == -1, "nothing to export after a drop");

    /* the child finds its seal among the descriptors /proc/self/fd lists:
     * one far up is found, and a forged memfd below it with the same magic
     * and peer but no seals (anyone could have written it) is passed over */
    {
        static const char forged[] = "DANEHOP-SEAL 1\nsmtp.example.org\n127.0.0.11\n25\n1\n\0\0\0\6forged";
        int fill[600], nfill = 0, i, devnull = open("/dev/null", O_RDONLY), fake;

        while (devnull >= 0 && nfill < 600 && (fill[nfill] = dup(devnull)) >= 0 && fill[nfill] < 600)
            nfill++;
        ok(dh_seal_make("smtp.example.org", "127.0.0.11", 25, der, len, 2) == 0 && dh_seal_export() == 0,
           "a seal made on a descriptor above 600, exported");
        for (i = 0; i < nfill; i++)
            close(fill[i]);
        if (devnull >= 0)
            close(devnull);
        fake = memfd_create("danehop-seal", MFD_ALLOW_SEALING);
        ok(fake >= 0 && fake < 600 && write(fake, forged, sizeof(forged) - 1) == (ssize_t) sizeof(forged) - 1,
           "a forged, unsealed memfd below it");
        run_child(self, "smtp.example.org", "127.0.0.11", "25", out, sizeof(out));
        is_str(out, "0 2 21\n", "the exec'd process finds the real seal, not the forged one");
        if (fake >= 0)
            close(fake);
        /* a forgery sealed as well as ours (any process can seal a memfd):
         * only the lineage of the verifying process could have handed it
         * on, and a lineage that holds two seals holds one it did not
         * make: the exec'd process takes neither, whichever is lower */
        fake = memfd_create("danehop-seal", MFD_ALLOW_SEALING);
        ok(fake >= 0 && fake < 600 &&
               write(fake, forged, sizeof(forged) - 1) == (ssize_t) sizeof(forged) - 1 &&
               fcntl(fake, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) == 0,
           "a forged memfd, fully sealed, below the real seal");
        run_child(self, "smtp.example.org", "127.0.0.11", "25", out, sizeof(out));
        is_str(out, "-1 0 0\n", "two seals: the exec'd process takes none (the forged one is never read)");
        if (fake >= 0)
            close(fake);
        run_child(self, "smtp.example.org", "127.0.0.11", "25", out, sizeof(out));
        is_str(out, "0 2 21\n", "the forgery gone: the real seal again");
    }

    printf("1..%d\n", tap_n);
    return tap_failed ? 1 : 0;
}
