/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * verdicts.h - recent DANE-EE verdicts of danehopd's verify-v1 map
 *
 * SYNOPSIS
 *   #include "verdicts.h"
 *
 *   void verdicts_init(void);
 *   int verdicts_key(const char *check, size_t len, verdicts_digest key);
 *   int verdicts_get(const verdicts_digest key, char *reply, size_t replylen);
 *   void verdicts_put(const verdicts_digest key, const char *reply);
 *
 * DESCRIPTION
 *   Every Exim delivery through danehop_exim_client.so has its peer's chain
 *   checked here, and a busy MX presents the same chain thousands of times
 *   a day: OpenSSL 3 spends some hundreds of microseconds per check
 *   decoding the same certificates. A verdict is kept only where it cannot
 *   change with time: authenticated by a DANE-EE record, which by RFC 7672
 *   section 3.1.1 ignores validity dates, so the same records, names and
 *   chain give the same verdict whenever they are checked. Anything else
 *   (DANE-TA, whose chain expires; any refusal) is checked every time.
 *
 *   The key is the SHA-256 of the whole chain check (records, names,
 *   certificates): a verdict is reused only for the same bytes. A fixed
 *   table of VERDICTS_MAX slots, each replaced by the next check that
 *   hashes to it: memory is bounded whatever the clients send.
 *
 *   verdicts_init() fetches OpenSSL's SHA-256 ahead of the first check, so
 *   that the event loop, which looks checks up, never waits for it.
 *   verdicts_key() computes that key once per check: 0, or -1 when OpenSSL
 *   cannot (then the check is neither looked up nor kept). verdicts_get()
 *   copies the reply kept for key into reply and returns 1, or returns 0.
 *   verdicts_put() keeps reply (an "OK " verdict) for key.
 */
#ifndef DANEHOP_VERDICTS_H
#define DANEHOP_VERDICTS_H

#include <stddef.h>

#define VERDICTS_MAX 1024

typedef unsigned char verdicts_digest[32]; /* SHA-256 */

void verdicts_init(void);
int verdicts_key(const char *check, size_t len, verdicts_digest key);
int verdicts_get(const verdicts_digest key, char *reply, size_t replylen);
void verdicts_put(const verdicts_digest key, const char *reply);

#endif
