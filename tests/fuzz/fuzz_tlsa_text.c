/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_tlsa_text.c - hostile TLSA presentation text ("danehop verify --tlsa")
 *
 * The input, as a C string, goes through the command line's parser; a
 * record it accepts goes on into the library's usability and agility
 * checks and back to presentation form, which must parse to the same
 * record.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tlsa.h"
#include "tlsa_text.h"

const char fuzz_target[] = "tlsa_text";
const unsigned long fuzz_mutations = 100000;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    danehop_tlsa_rr r;
    unsigned char *buf = NULL;

    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    if (tlsa_text_parse(text, &r, &buf) == 0) {
        dh_tlsa t = {r.usage, r.selector, r.mtype, r.len, r.data};
        dh_tlsa_verdict v;
        size_t need = dh_tlsa_format(&t, NULL, 0);
        char *again = malloc(need);
        danehop_tlsa_rr r2;
        unsigned char *buf2 = NULL;

        if (r.len == 0 || r.len > TLSA_TEXT_MAX_DATA || buf != r.data)
            abort();
        (void) dh_tlsa_select(&t, 1, &v);
        if (again != NULL) {
            dh_tlsa_format(&t, again, need);
            if (tlsa_text_parse(again, &r2, &buf2) != 0 || r2.usage != r.usage || r2.selector != r.selector ||
                r2.mtype != r.mtype || r2.len != r.len || memcmp(r2.data, r.data, r.len) != 0)
                abort();
            free(buf2);
            free(again);
        }
        free(buf);
    } else if (buf != NULL) {
        abort();
    }
    free(text);
    return 0;
}
