/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_decform.c - hostile danehopd replies through the decision parser
 *
 * A text that parses is rendered again and must parse to the same text:
 * what the library accepts it can also tell back, whole.
 */
#include <stdlib.h>
#include <string.h>

#include "decform.h"
#include "decision.h"
#include "fuzz.h"

const char fuzz_target[] = "decform";
const unsigned long fuzz_mutations = 3000;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    danehop_decision *d = NULL, *again = NULL;
    char err[256];
    dh_buf b;
    char *text;

    if (dh_decform_parse((const char *) data, size, &d, err, sizeof(err)) != 0) {
        if (d != NULL || err[0] == '\0')
            abort();
        return 0;
    }
    dh_buf_init(&b, DH_DECFORM_MAX * 2);
    dh_decform_render(d, &b);
    if ((text = dh_buf_finish(&b)) == NULL)
        abort();
    if (dh_decform_parse(text, strlen(text), &again, err, sizeof(err)) != 0)
        abort();
    danehop_decision_free(again);
    danehop_decision_free(d);
    free(text);
    return 0;
}
