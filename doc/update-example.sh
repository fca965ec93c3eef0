#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# update-example.sh - copy doc/example.c into the EXAMPLE section of
# doc/danehop.3 (tests/lab/example.test checks that the two agree)
set -eu
cd "$(dirname "$0")"
{
    sed -n '1,/^\.EX$/p' danehop.3
    sed -e 's/\\/\\e/g' -e 's/^\([.'"'"']\)/\\\&\1/' example.c
    sed -n '/^\.EE$/,$p' danehop.3
} > danehop.3.new
mv danehop.3.new danehop.3
