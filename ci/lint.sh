#!/bin/sh
# SPDX-License-Identifier: MIT
# ci/lint.sh - our small checksrc: house rules (docs/internals/style.md) that the
# compiler does not enforce. Fails (exit 1) listing every violation.
set -u
cd "$(dirname "$0")/.." || exit 2
bad=0
report() {
    echo "lint: $1"
    bad=1
}
SRC=$(find src include -name '*.c' -o -name '*.h' | sort)

# exit() only in main.c (and never at all is fine)
for f in $SRC; do
    [ "$f" = src/main.c ] && continue
    grep -n '\bexit *(' "$f" | grep -v '^\s*\*' | sed "s|^|$f:|" | while read -r l; do
        echo "lint: exit() outside src/main.c: $l"
    done
done | grep . && bad=1

# stderr only in msg.c
grep -n '\bstderr\b' $SRC | grep -v '^src/msg.c:' | grep -v '^include/gate/msg.h:' |
    grep -v '"[^"]*stderr[^"]*"' | grep -v '^[^:]*:[0-9]*: *\*' | grep -v '/\*' | grep . &&
    report "stderr outside src/msg.c"

# each library header in exactly one module (owner: a file, or a grep
# pattern for the files of one folder, with a name for the message)
check_header() {
    pat=$1
    owner=$2
    hits=$(grep -l "#include <$pat" $SRC | grep -v "^$owner\$" || true)
    [ -n "$hits" ] && report "<$pat> included outside ${3:-$owner}: $hits"
}
check_header 'pg_query' 'src/sql/[^/]*' 'src/sql/'
check_header 'libpq-fe.h' src/db.c
check_header 'git2' src/repo.c
check_header 'yaml.h' src/policy/yaml.c
check_header 'curl/' src/http.c
check_header 'jansson.h' src/json.c
check_header 'libxml/' src/report/report_junit.c
check_header 'nettle/' src/digest.c
check_header 'protobuf-c/' src/sql/pbdecode.c

# no // comments (outside strings: a crude check that ignores lines with quotes)
grep -n '^[^"]*//' $SRC | grep -v '[A-Za-z0-9+.-]://' | grep . &&
    report "// comment"

# == NULL / != NULL
grep -n '[!=]= *NULL' $SRC | grep . && report "compare with NULL (write !p / p)"

# assignment inside if (
grep -nE '\bif \([^=!<>]*[^=!<>]=[^=][^)]*\)' $SRC | grep -v '==' | grep . &&
    report "assignment inside if"

# tabs and trailing whitespace
grep -n "$(printf '\t')" $SRC | grep . && report "tab character"
grep -n ' $' $SRC | grep . && report "trailing whitespace"

# SPDX line
for f in $SRC; do
    head -2 "$f" | grep -q 'SPDX-License-Identifier' || report "$f: missing SPDX line"
done

if [ $bad = 0 ]; then
    echo "lint: ok"
fi
exit $bad
