/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * help.c - danehopd's answer to --help
 *
 * DESCRIPTION
 *   The usage line and a one-line summary of every option. Kept apart from
 *   the daemon's code, which it does not need; tests/lab/cli.test checks
 *   that it names every option danehopd(8) documents.
 */
#include "help.h"

void danehopd_help(FILE *f)
{
    fputs("usage: danehopd [--foreground] [--config FILE]\n"
          "                --listen unix:PATH|inet:ADDR:PORT ...\n"
          "                [--user USER] [--socket-mode MODE] [--socket-group GROUP]\n"
          "                [--max-clients N] [--workers N] [--io-timeout S] [--idle-timeout S]\n"
          "                [--metrics-file FILE] [--metrics-interval S] [--fingerprint]\n"
          "                [--pidfile FILE]\n"
          "       danehopd --help | --version\n"
          "\n"
          "The socketmap daemon: danehop's decisions for Postfix and Sendmail.\n"
          "Without --listen, the sockets systemd passes (socket activation).\n"
          "\n"
          "  --foreground         do not detach; log to stderr too\n"
          "  --config FILE        configuration file (default /etc/danehop.conf)\n"
          "  --listen SPEC        unix:PATH, or inet:ADDR:PORT on loopback (repeatable)\n"
          "  --user USER          run as USER: files checked as USER, privileges dropped after binding\n"
          "  --socket-mode MODE   mode of unix sockets, octal (default 0660)\n"
          "  --socket-group GROUP group of unix sockets (e.g. postfix)\n"
          "  --max-clients N      clients held at once; more are closed (default 4096)\n"
          "  --workers N          requests answered at once (default 64)\n"
          "  --io-timeout S       a whole request in, or reply out, within S seconds (default 30)\n"
          "  --idle-timeout S     drop a client with no request for S seconds (default 600)\n"
          "  --metrics-file FILE  write the counters there (Prometheus text, node_exporter)\n"
          "  --metrics-interval S every S seconds (default 15)\n"
          "  --fingerprint        tlspolicy answers fingerprint where only 3 1 1 exist\n"
          "  --pidfile FILE       write the daemon's pid there\n"
          "  --help               this summary\n"
          "  --version            the version\n"
          "\n"
          "See danehopd(8).\n",
          f);
}
