/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * verdicts.c - recent DANE-EE verdicts of danehopd's verify-v1 map
 * (verdicts.h)
 */
#include "verdicts.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DIGEST sizeof(verdicts_digest)

static struct slot {
    verdicts_digest key;
    char *reply; /* NULL: empty */
} table[VERDICTS_MAX];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* SHA-256 fetched once: EVP_sha256() makes every EVP_Digest fetch it again,
 * a provider lookup under a lock that cost more than the digest itself */
static EVP_MD *sha256;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void fetch_sha256(void) { sha256 = EVP_MD_fetch(NULL, "SHA2-256", NULL); }

void verdicts_init(void) { pthread_once(&sha256_once, fetch_sha256); }

int verdicts_key(const char *check, size_t len, verdicts_digest key)
{
    unsigned int n = 0;

    pthread_once(&sha256_once, fetch_sha256);
    return sha256 != NULL && EVP_Digest(check, len, key, &n, sha256, NULL) == 1 && n == DIGEST ? 0 : -1;
}

static struct slot *slot_of(const unsigned char *key)
{
    return &table[((size_t) key[0] << 8 | key[1]) % VERDICTS_MAX];
}

int verdicts_get(const verdicts_digest key, char *reply, size_t replylen)
{
    struct slot *s = slot_of(key);
    int hit = 0;

    pthread_mutex_lock(&lock);
    if (s->reply != NULL && memcmp(s->key, key, DIGEST) == 0 && strlen(s->reply) < replylen) {
        memcpy(reply, s->reply, strlen(s->reply) + 1);
        hit = 1;
    }
    pthread_mutex_unlock(&lock);
    return hit;
}

void verdicts_put(const verdicts_digest key, const char *reply)
{
    struct slot *s = slot_of(key);
    char *copy, *old;

    if ((copy = strdup(reply)) == NULL)
        return;
    pthread_mutex_lock(&lock);
    old = s->reply;
    memcpy(s->key, key, DIGEST);
    s->reply = copy;
    pthread_mutex_unlock(&lock);
    free(old);
}
