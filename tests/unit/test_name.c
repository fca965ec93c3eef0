/* SPDX-License-Identifier: BSD-2-Clause */
/* test_name.c - name validation and normalisation */
#include "name.h"
#include "tap.h"

static void check(const char *in, dh_name_status want, const char *norm)
{
    char out[DH_NAME_BUF] = "";
    dh_name_status st = dh_name_check(in, out);

    is_int(st, want, "dh_name_check(\"%.40s\") = %d", in, (int) want);
    if (norm != NULL && st == DH_NAME_OK)
        is_str(out, norm, "normalised to %s", norm);
}

int main(void)
{
    char label64[80], long254[300];
    int i;

    check("smtp.example.com", DH_NAME_OK, "smtp.example.com");
    check("SMTP.Example.COM.", DH_NAME_OK, "smtp.example.com");
    check("xn--bcher-kva.example", DH_NAME_OK, "xn--bcher-kva.example");
    check("", DH_NAME_EMPTY, NULL);
    check(".", DH_NAME_ROOT, NULL);
    check("a..b", DH_NAME_EMPTY_LABEL, NULL);
    check(".a.b", DH_NAME_EMPTY_LABEL, NULL);
    /* issue 11: "example.org.." was normalised to "example.org.", which a
     * rule for ^example\.org$ no longer matched */
    check("example.org..", DH_NAME_EMPTY_LABEL, NULL);
    check("example.org...", DH_NAME_EMPTY_LABEL, NULL);
    check("..", DH_NAME_EMPTY_LABEL, NULL);
    check("example.org.", DH_NAME_OK, "example.org");
    check("b\xc3\xbc"
          "cher.example",
          DH_NAME_NON_ASCII, NULL);
    check("a_b.example", DH_NAME_BAD_CHAR, NULL);
    check("a b.example", DH_NAME_BAD_CHAR, NULL);
    check("-a.example", DH_NAME_HYPHEN, NULL);
    check("a-.example", DH_NAME_HYPHEN, NULL);
    check("[192.0.2.1]", DH_NAME_ADDRESS_LITERAL, NULL);
    check("[IPv6:2001:db8::1]", DH_NAME_ADDRESS_LITERAL, NULL);
    check("192.0.2.1", DH_NAME_IP_ADDRESS, NULL);
    check("2001:db8::1", DH_NAME_IP_ADDRESS, NULL);
    check("host.123", DH_NAME_IP_ADDRESS, NULL);

    memset(label64, 'a', 64);
    strcpy(label64 + 64, ".example");
    check(label64, DH_NAME_LABEL_TOO_LONG, NULL);
    label64[1] = '.';
    check(label64, DH_NAME_OK, NULL);

    for (i = 0; i < 254; i++)
        long254[i] = (i % 2) ? '.' : 'a';
    long254[253] = 'a';
    long254[254] = '\0';
    check(long254, DH_NAME_TOO_LONG, NULL);
    long254[253] = '\0';
    check(long254, DH_NAME_OK, NULL);

    ok(dh_name_equal("A.example.", "a.EXAMPLE"), "equal ignores case and trailing dot");
    ok(!dh_name_equal("a.example", "a.example.org"), "different names differ");
    ok(strstr(dh_name_strerror(DH_NAME_NON_ASCII), "A-label") != NULL, "U-label error hints at A-labels");
    ok(strstr(dh_name_strerror(DH_NAME_ADDRESS_LITERAL), "DANE does not apply") != NULL,
       "address literal error says DANE does not apply");
    return done_testing();
}
