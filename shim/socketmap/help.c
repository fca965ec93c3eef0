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
          "                [--max-clients N] [--io-timeout S] [--fingerprint]\n"
          "                [--pidfile FILE]\n"
          "       danehopd --help | --version\n"
          "\n"
          "The socketmap daemon: danehop's decisions for Postfix and Sendmail.\n"
          "\n"
          "  --foreground         do not detach; log to stderr too\n"
          "  --config FILE        configuration file (default /etc/danehop.conf)\n"
          "  --listen SPEC        unix:PATH, or inet:ADDR:PORT on loopback (repeatable)\n"
          "  --user USER          drop to this user after binding\n"
          "  --socket-mode MODE   mode of unix sockets, octal (default 0660)\n"
          "  --socket-group GROUP group of unix sockets (e.g. postfix)\n"
          "  --max-clients N      close connections beyond N at once (default 64)\n"
          "  --io-timeout S       drop a client silent for S seconds (default 30)\n"
          "  --fingerprint        tlspolicy answers fingerprint where only 3 1 1 exist\n"
          "  --pidfile FILE       write the daemon's pid there\n"
          "  --help               this summary\n"
          "  --version            the version\n"
          "\n"
          "See danehopd(8).\n",
          f);
}
