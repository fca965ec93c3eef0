/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_base64.c - strict base64 (module/base64.c): RFC 4648's vectors,
 * every length round trip, and each way a hostile encoding is refused
 */
#include <string.h>

#include "base64.h"
#include "tap.h"

static int decodes_to(const char *in, const char *want)
{
    unsigned char out[64];
    long n = dh_base64_decode(in, strlen(in), out, sizeof(out));

    return n == (long) strlen(want) && memcmp(out, want, (size_t) n) == 0;
}

static int refused(const char *in)
{
    unsigned char out[64];

    return dh_base64_decode(in, strlen(in), out, sizeof(out)) == -1;
}

int main(void)
{
    static const char *vec[][2] = {{"", ""},
                                   {"f", "Zg=="},
                                   {"fo", "Zm8="},
                                   {"foo", "Zm9v"},
                                   {"foob", "Zm9vYg=="},
                                   {"fooba", "Zm9vYmE="},
                                   {"foobar", "Zm9vYmFy"}};
    unsigned char raw[300], back[300];
    char enc[512];
    size_t i, len;
    int all = 1;

    for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
        ok(dh_base64_encode((const unsigned char *) vec[i][0], strlen(vec[i][0]), enc, sizeof(enc)) ==
                   strlen(vec[i][1]) &&
               strcmp(enc, vec[i][1]) == 0,
           "RFC 4648 encodes \"%s\" as \"%s\"", vec[i][0], vec[i][1]);
        ok(decodes_to(vec[i][1], vec[i][0]), "RFC 4648 decodes \"%s\"", vec[i][1]);
    }
    for (i = 0; i < sizeof(raw); i++)
        raw[i] = (unsigned char) (i * 37 + 11);
    for (len = 0; len <= sizeof(raw); len++) {
        size_t e = dh_base64_encode(raw, len, enc, sizeof(enc));
        long d = dh_base64_decode(enc, e, back, sizeof(back));

        if (e != DH_BASE64_LEN(len) || d != (long) len || memcmp(raw, back, len) != 0)
            all = 0;
    }
    ok(all, "every length from 0 to 300 bytes round-trips");
    ok(refused("Zm9"), "length not a multiple of 4");
    ok(refused("Zm9v\n"), "white space");
    ok(refused("Zm 9"), "a space inside");
    ok(refused("Zm-v"), "a character outside the alphabet (base64url)");
    ok(refused("Zg==Zm9v"), "padding before the end");
    ok(refused("Z==="), "three padding characters");
    ok(refused("=Zg="), "padding at the start");
    ok(refused("Zh=="), "non-zero bits under the padding (a second encoding of \"f\")");
    ok(refused("Zm9="), "non-zero bits under one '='");
    ok(dh_base64_decode("Zm9vYmFy", 8, back, 5) == -1, "more bytes than the room given");
    ok(dh_base64_decode("Zm9vYmFy", 8, back, 6) == 6, "exactly the room needed");
    ok(dh_base64_encode(raw, 3, enc, 4) == 0, "encoding without room for the NUL refused");
    return done_testing();
}
