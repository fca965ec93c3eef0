/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * options.c - the danehop command's options: one table for every subcommand
 *
 * DESCRIPTION
 *   The table below is the one place an option is defined; see options.h.
 *   A new option is a row here (and a line in danehop(1): tests/lab/cli.test
 *   compares the manual with --help).
 */
#include <stdarg.h>
#include <string.h>

#include "cli.h"
#include "danehop.h"
#include "options.h"

#define OPTF_REPEAT  0x1u /* may be given more than once: "[--x X]..." */
#define OPTF_OPERAND 0x2u /* shown among the operands, not in the brackets */

#define RESOLVING (CLI_RESOLVE | CLI_VERIFY | CLI_PROBE | CLI_REPORT)
#define EVERY     (RESOLVING | CLI_CHECK_CONFIG | CLI_STATS)

typedef struct cli_option {
    const char *name; /* without the leading "--" */
    const char *arg;  /* the argument's name; NULL for a flag */
    int id;
    unsigned cmds;  /* the subcommands that take it */
    unsigned flags; /* OPTF_* */
    const char *help;
} cli_option;

static const cli_option table[] = {
    {"port", "N", OPT_PORT, RESOLVING, 0, "SMTP port; TLSA records at _N._tcp (default 25)"},
    {"mandatory", NULL, OPT_MANDATORY, CLI_RESOLVE, 0,
     "mandatory DANE (RFC 7672 6): anything but dane defers"},
    {"half-dane", NULL, OPT_HALF, CLI_RESOLVE, 0, "DANE also for hosts of an insecure MX RRset (2.2.1)"},
    {"json", NULL, OPT_JSON, RESOLVING, 0, "one JSON object (fields: README.md)"},
    {"io-timeout", "S", OPT_IO_TIMEOUT, CLI_PROBE | CLI_STATS | CLI_REPORT, 0,
     "bound on every network step, seconds (default 10)"},
    {"socket", "SPEC", OPT_SOCKET, CLI_STATS, 0, "danehopd's socket, unix:PATH or inet:ADDR:PORT"},
    {"probe", NULL, OPT_PROBE, CLI_REPORT, 0, "also STARTTLS to every address, as probe does"},
    {"config", "FILE", OPT_CONFIG, RESOLVING, 0, "configuration file (default /etc/danehop.conf)"},
    {"unbound-conf", "FILE", OPT_UBCONF, RESOLVING, 0, "an unbound.conf-syntax file for libunbound"},
    {"trust-anchor", "FILE", OPT_TA, RESOLVING, 0, "root DS/DNSKEY records (default from dns-root-data)"},
    {"forwarder", "ADDR", OPT_FWD, RESOLVING, OPTF_REPEAT,
     "forward to this resolver; validation stays local"},
    {"resolv-conf", "FILE", OPT_RESOLV, RESOLVING, 0, "forward to the nameservers of this file"},
    {"recursion", NULL, OPT_RECURSION, RESOLVING, 0, "resolve from the root servers"},
    {"timeout", "S", OPT_TIMEOUT, RESOLVING, 0, "bound on the whole decision, seconds (1 to 600)"},
    {"host", "HOST", OPT_HOST, RESOLVING, OPTF_OPERAND, "this host only (an MX host of DOMAIN, or a relay)"},
    {"tlsa", "'U S M HEX'", OPT_TLSA, CLI_VERIFY, OPTF_OPERAND | OPTF_REPEAT, "a TLSA record (repeatable)"},
    {"name", "NAME", OPT_NAME, CLI_VERIFY, OPTF_OPERAND | OPTF_REPEAT,
     "a reference name, the base domain first (repeatable)"},
    {"help", NULL, OPT_HELP, EVERY, OPTF_OPERAND, "this summary"},
    {"version", NULL, OPT_VERSION, EVERY, OPTF_OPERAND, "the version"},
};

#define NOPTIONS (sizeof(table) / sizeof(table[0]))
_Static_assert(NOPTIONS <= CLI_MAX_OPTIONS, "raise CLI_MAX_OPTIONS");

static const cli_command commands[] = {
    {"resolve", CLI_RESOLVE, "DOMAIN | --host HOST [DOMAIN]",
     "the DANE decision for the MX hosts of DOMAIN, or for one host"},
    {"verify", CLI_VERIFY,
     "--tlsa 'U S M HEX'... [--name NAME]... CHAIN.pem | --host HOST [DOMAIN] CHAIN.pem",
     "whether a PEM chain (leaf first) matches TLSA records"},
    {"probe", CLI_PROBE, "DOMAIN | --host HOST [DOMAIN]",
     "STARTTLS to each MX address, checked against the decision"},
    {"check-config", CLI_CHECK_CONFIG, "[FILE]", "load a configuration file and print the settings"},
    {"stats", CLI_STATS, "", "danehopd's counters (default socket unix:/run/danehop/danehop.sock)"},
    {"report", CLI_REPORT, "DOMAIN | --host HOST [DOMAIN]",
     "which DANE-aware senders will authenticate DOMAIN's MX hosts, and what to fix"},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

const cli_command *cli_command_named(const char *name)
{
    size_t i;

    for (i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

const char *cli_option_name(int id)
{
    static char buf[32];
    size_t i;

    for (i = 0; i < NOPTIONS; i++)
        if (table[i].id == id) {
            snprintf(buf, sizeof(buf), "--%s", table[i].name);
            return buf;
        }
    return "?";
}

void cli_error(const cli_parser *p, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "danehop %s: ", p->cmd->name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* ---- usage and help ------------------------------------------------------- */

#define WIDTH 79

/* put - one word of a usage line, wrapped under the first option */
static void put(FILE *f, const char *word, int indent, int *col)
{
    int n = (int) strlen(word);

    if (*col + 1 + n > WIDTH && *col > indent) {
        fprintf(f, "\n%*s", indent, "");
        *col = indent;
    }
    if (*col != indent) {
        fputc(' ', f);
        (*col)++;
    }
    fputs(word, f);
    *col += n;
}

static void usage_of(FILE *f, const cli_command *cmd, const char *lead)
{
    char word[128];
    const char *alt, *bar;
    int col, indent;
    size_t i;

    col = fprintf(f, "%sdanehop %s", lead, cmd->name);
    indent = col + 1;
    col = indent - 1; /* a space before the first word */
    for (i = 0; i < NOPTIONS; i++) {
        const cli_option *o = &table[i];

        if (!(o->cmds & cmd->bit) || (o->flags & OPTF_OPERAND))
            continue;
        snprintf(word, sizeof(word), "[--%s%s%s]%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "",
                 o->flags & OPTF_REPEAT ? "..." : "");
        put(f, word, indent, &col);
    }
    /* the operands: on one line if they fit, else an alternative a line */
    if ((int) strlen(cmd->operands) <= WIDTH - indent) {
        if (cmd->operands[0] != '\0')
            put(f, cmd->operands, indent, &col);
        alt = NULL;
    } else {
        alt = cmd->operands;
    }
    for (; alt != NULL; alt = bar ? bar + 3 : NULL) {
        bar = strstr(alt, " | ");
        snprintf(word, sizeof(word), "%s%.*s", alt == cmd->operands ? "" : "| ",
                 bar ? (int) (bar - alt) : (int) strlen(alt), alt);
        put(f, word, indent, &col);
    }
    fprintf(f, "\n%*sdanehop %s --help | --version\n", (int) strlen(lead), "", cmd->name);
}

void cli_usage(FILE *f, const cli_command *cmd)
{
    size_t i;

    if (cmd != NULL) {
        usage_of(f, cmd, "usage: ");
        return;
    }
    for (i = 0; i < NCOMMANDS; i++)
        usage_of(f, &commands[i], i == 0 ? "usage: " : "       ");
    fprintf(f, "       danehop --help | --version\n");
}

void cli_help(FILE *f, const cli_command *cmd)
{
    char left[64];
    size_t i;

    cli_usage(f, cmd);
    fputc('\n', f);
    if (cmd != NULL)
        fprintf(f, "%s.\n", cmd->summary);
    for (i = 0; cmd == NULL && i < NCOMMANDS; i++)
        fprintf(f, "  %-14s%s\n", commands[i].name, commands[i].summary);
    fputc('\n', f);
    for (i = 0; i < NOPTIONS; i++) {
        const cli_option *o = &table[i];

        if (cmd != NULL && !(o->cmds & cmd->bit))
            continue;
        snprintf(left, sizeof(left), "--%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
        fprintf(f, "  %-20s %s\n", left, o->help);
    }
    fprintf(f, "\nSee danehop(1).\n");
}

/* ---- parsing ----------------------------------------------------------------- */

/* the getopt table of one subcommand, from its rows of the table */
static void longopts_of(cli_parser *p)
{
    size_t i, n = 0;

    for (i = 0; i < NOPTIONS; i++) {
        if (!(table[i].cmds & p->cmd->bit))
            continue;
        p->longopts[n].name = table[i].name;
        p->longopts[n].has_arg = table[i].arg ? required_argument : no_argument;
        p->longopts[n].flag = NULL;
        p->longopts[n].val = table[i].id;
        n++;
    }
    memset(&p->longopts[n], 0, sizeof(p->longopts[n]));
}

/* next - getopt_long over the subcommand's options; errors are ours to say */
static int next(cli_parser *p)
{
    opterr = 0;
    return getopt_long(p->argc, p->argv, ":", p->longopts, NULL);
}

int cli_begin(cli_parser *p, const char *name, int resolving, int argc, char **argv)
{
    const char *config = NULL;
    int c, help = 0, version = 0;

    memset(p, 0, sizeof(*p));
    if ((p->cmd = cli_command_named(name)) == NULL)
        return CLI_EXIT_USAGE;
    p->argc = argc;
    p->argv = argv;
    longopts_of(p);
    optind = 1;
    while ((c = next(p)) != -1) {
        const char *arg = argv[optind - 1];

        switch (c) {
        case OPT_HELP: help = 1; break;
        case OPT_VERSION: version = 1; break;
        case OPT_CONFIG: config = optarg; break;
        case ':': cli_error(p, "option '%s' needs an argument (see --help)", arg); return CLI_EXIT_USAGE;
        case '?':
            if (optopt != 0)
                cli_error(p, "option '%s' takes no argument (see --help)", arg);
            else
                cli_error(p, "unrecognized option '%s' (see --help)", arg);
            return CLI_EXIT_USAGE;
        default: break;
        }
    }
    if (help) {
        cli_help(stdout, p->cmd);
        return CLI_EXIT_OK;
    }
    if (version) {
        printf("danehop %s\n", danehop_version());
        return CLI_EXIT_OK;
    }
    if (resolving && (p->ctx = danehop_ctx_new()) == NULL) {
        cli_error(p, "out of memory");
        return CLI_EXIT_USAGE;
    }
    /* the configuration file first, so that the options override it */
    if (p->ctx != NULL && cli_load_config(p->ctx, config) != 0) {
        cli_error(p, "%s", danehop_ctx_error(p->ctx));
        danehop_ctx_free(p->ctx);
        p->ctx = NULL;
        return CLI_EXIT_USAGE;
    }
    optind = 1;
    return CLI_GO_ON;
}

int cli_next(cli_parser *p)
{
    int c;

    while ((c = next(p)) != -1) {
        if (c == ':' || c == '?')
            return -1; /* cli_begin said why, and returned */
        if (c < OPT_CONFIG)
            return c;
        if (c != OPT_CONFIG && cli_resolver_option(p, c, optarg) != 0)
            return -1;
    }
    return 0;
}

int cli_domain_operand(const cli_parser *p, const char *host, const char **domain)
{
    *domain = optind < p->argc ? p->argv[optind++] : NULL;
    if (optind < p->argc || (*domain == NULL && host == NULL)) {
        cli_error(p, "give one DOMAIN, or --host HOST [DOMAIN] (see --help)");
        return -1;
    }
    return 0;
}
