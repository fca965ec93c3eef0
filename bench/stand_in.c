/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * stand_in.c - a control for bench/exim.sh: danehop_exim.so's entry points,
 * deciding nothing. Each returns at once what danehop's module returns for
 * the bench's fully signed domain (TLS required, Exim's own DANE tried, the
 * chain accepted), so a transport that loads it costs what Exim's
 * expansions, its dlopen and the hooks cost without any decision: the
 * floor under any module called through ${dlfunc}. Never for real mail: it
 * checks nothing.
 */
typedef unsigned char uschar;

static uschar empty[] = "", star[] = "*";

/* the entry points whose answer is the same for every call */
#define ANSWER(name, value)                                                                                  \
    int name(uschar **yield, int argc, uschar *argv[])                                                       \
    {                                                                                                        \
        (void) argc, (void) argv;                                                                            \
        *yield = value;                                                                                      \
        return 0;                                                                                            \
    }

/* the HELO name, the fifth argument (danehop-transport.conf's helo_data) */
int danehop_gate(uschar **yield, int argc, uschar *argv[])
{
    *yield = argc > 4 ? argv[4] : empty;
    return 0;
}

/* the MX host, the TLSA base domain of the bench's domain */
int danehop_sni(uschar **yield, int argc, uschar *argv[])
{
    *yield = argc > 1 ? argv[1] : empty;
    return 0;
}

ANSWER(danehop_require_tls, star)
ANSWER(danehop_try_dane, star)
ANSWER(danehop_event, empty)
ANSWER(danehop_after_tls, empty)
ANSWER(danehop_pass, empty)
