/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * name.h - host and domain names as danehop accepts them
 *
 * Names from the MTA or the command line are checked and normalised here
 * before any query: lower case, no trailing dot, at most 253 octets, labels
 * of 1 to 63 octets, letters, digits and hyphens only (A-labels pass; U-labels
 * are refused with a hint). Names that arrive from DNS in wire form are
 * decoded by wire.c and checked with the same rules before they are used as
 * host names.
 */
#ifndef DANEHOP_NAME_H
#define DANEHOP_NAME_H

#include <stddef.h>

/* longest name in presentation form, without the trailing dot */
#define DH_NAME_MAX 253
/* room for a name, an _port._tcp. prefix and the NUL */
#define DH_NAME_BUF (DH_NAME_MAX + 32)

typedef enum {
    DH_NAME_OK = 0,
    DH_NAME_EMPTY,
    DH_NAME_TOO_LONG,
    DH_NAME_EMPTY_LABEL,
    DH_NAME_LABEL_TOO_LONG,
    DH_NAME_NON_ASCII,
    DH_NAME_BAD_CHAR,
    DH_NAME_HYPHEN,
    DH_NAME_ADDRESS_LITERAL,
    DH_NAME_IP_ADDRESS,
    DH_NAME_ROOT
} dh_name_status;

/*
 * dh_name_check - validate a host or domain name and normalise it into out
 * (DH_NAME_MAX + 1 bytes). Returns DH_NAME_OK or why not.
 */
dh_name_status dh_name_check(const char *in, char *out);
/* dh_name_strerror - an explanation an admin can act on */
const char *dh_name_strerror(dh_name_status st);
/* dh_name_equal - names equal ignoring case and one trailing dot */
int dh_name_equal(const char *a, const char *b);

#endif
