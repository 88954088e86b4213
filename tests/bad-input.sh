#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/bad-input.sh - inputs too big or too odd for golden files: a 50 MB
# migration (as a file and on standard input), an unreadable file, a FIFO. Each must give a clear message
# naming the path, the documented exit status, and no crash.
set -u
cd "$(dirname "$0")/.." || exit 2
PG=${PRISMA_GATE:-$(pwd)/prisma-gate}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0
fail=0

expect() { # name status-wanted stderr-pattern -- args...
    name=$1 want=$2 pat=$3
    shift 4
    "$PG" "$@" >"$tmp/out" 2>"$tmp/err"
    status=$?
    if [ "$status" = "$want" ] && grep -q -- "$pat" "$tmp/err" &&
        ! grep -q 'Sanitizer\|runtime error:' "$tmp/err"; then
        pass=$((pass + 1))
        echo "ok   $name"
    else
        fail=$((fail + 1))
        echo "FAIL $name: exit $status (want $want), stderr:"
        cat "$tmp/err"
    fi
}

# 50 MB of valid SQL
awk 'BEGIN { for (i = 0; i < 1300000; i++) print "SELECT 1234567890123456789012345;" }' \
    >"$tmp/huge.sql"
expect "50 MB file" 3 "huge.sql' is too large" -- lint "$tmp/huge.sql"
# the same on standard input (lint -): the same cap, named <stdin>
"$PG" lint - <"$tmp/huge.sql" >"$tmp/out" 2>"$tmp/err"
status=$?
if [ "$status" = 3 ] && grep -q -- "<stdin> is too large" "$tmp/err" &&
    ! grep -q 'Sanitizer\|runtime error:' "$tmp/err"; then
    pass=$((pass + 1))
    echo "ok   50 MB on standard input"
else
    fail=$((fail + 1))
    echo "FAIL 50 MB on standard input: exit $status (want 3), stderr:"
    cat "$tmp/err"
fi

# a file we may not read (skip as root: root reads everything)
printf 'SELECT 1;\n' >"$tmp/secret.sql"
chmod 000 "$tmp/secret.sql"
if [ "$(id -u)" != 0 ]; then
    expect "unreadable file" 3 "secret.sql" -- lint "$tmp/secret.sql"
else
    echo "skip unreadable file (running as root)"
fi

# a FIFO is not a migration
mkfifo "$tmp/fifo.sql"
expect "fifo" 3 "fifo.sql': not a file or directory" -- lint "$tmp/fifo.sql"

# one good and one missing path: the good one is still linted
printf 'DROP TABLE "A";\n' >"$tmp/good.sql"
expect "missing + good" 3 "missing.sql" -- lint --format json "$tmp/missing.sql" "$tmp/good.sql"
if grep -q '"ban-drop-table"' "$tmp/out"; then
    pass=$((pass + 1))
    echo "ok   good file still linted"
else
    fail=$((fail + 1))
    echo "FAIL good file still linted"
fi

echo "bad-input: $pass passed, $fail failed"
[ $fail -eq 0 ]
