#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/scale-memory.sh - peak memory grows linearly, and by little, with
# the length of a migration history: `lint` of a folder of N and of 2N
# one-statement migrations (as `bench/run.sh scaling` generates them), to
# stdout and with a JUnit report file. The growth of the maximum resident
# set size (GNU time's %M) from N to 2N, per added migration, must stay
# under SCALE_MEMORY_KIB_PER_MIGRATION (default 1.6 KiB): the history
# keeps its catalog and each migration's findings, not per-file memory
# (parse trees, scattered small allocations that pin pages) nor a whole
# report document. A memory bound, not a timing one: it does not depend on
# the machine's load. Last line: "scale-memory: N passed, M failed".
set -u
LC_ALL=C
export LC_ALL
cd "$(dirname "$0")/.." || exit 2
ROOT=$(pwd)
PG=${PRISMA_GATE_REAL:-$ROOT/prisma-gate}
N=${SCALE_MEMORY_N:-4000}
LIMIT=${SCALE_MEMORY_KIB_PER_MIGRATION:-1.6}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0
fail=0

if [ ! -x /usr/bin/time ]; then
    echo "scale-memory: skipped (no GNU time at /usr/bin/time)"
    exit 0
fi

# gen N DIR: N folders, each one CREATE TABLE (awk: a shell loop is slow)
gen() {
    mkdir -p "$2"
    (cd "$2" && awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "2024%010d_m%d\n", i, i }' |
        xargs mkdir -p)
    awk -v n="$1" -v d="$2" 'BEGIN {
        for (i = 0; i < n; i++) {
            f = sprintf("%s/2024%010d_m%d/migration.sql", d, i, i)
            printf "CREATE TABLE \"t%d\" (\"id\" INTEGER NOT NULL);\n", i > f
            close(f)
        } }'
}

# rss DIR ARGS...: max RSS (KiB) of `lint --format json ARGS... DIR`
rss() {
    dir=$1
    shift
    /usr/bin/time -f %M -o "$tmp/rss" "$PG" lint --format json "$@" "$dir" >/dev/null 2>"$tmp/err"
    rc=$?
    if [ "$rc" -ge 2 ]; then
        echo "FAIL lint $dir exited $rc"
        sed 's/^/  stderr: /' "$tmp/err" | head -5
        echo 0
        return
    fi
    tail -n 1 "$tmp/rss"
}

# growth LABEL ARGS...: RSS(2N) - RSS(N) per added migration under LIMIT KiB
growth() {
    label=$1
    shift
    a=$(rss "$tmp/a" "$@")
    b=$(rss "$tmp/b" "$@")
    per=$(awk -v a="$a" -v b="$b" -v n="$N" 'BEGIN { printf "%.2f", (b - a) / n }')
    if [ "$a" -gt 0 ] && [ "$b" -gt 0 ] &&
        awk -v p="$per" -v l="$LIMIT" 'BEGIN { exit !(p < l) }'; then
        pass=$((pass + 1))
        echo "ok $label: $a KiB at N=$N, $b KiB at 2N: $per KiB per migration"
    else
        fail=$((fail + 1))
        echo "FAIL $label: $a KiB at N=$N, $b KiB at 2N: $per KiB per migration (limit $LIMIT)"
    fi
}

gen "$N" "$tmp/a"
gen $((2 * N)) "$tmp/b"
growth "lint of a folder, JSON on stdout"
growth "lint of a folder with a JUnit report file" --report "junit=$tmp/report.xml"
[ -f "$tmp/report.xml" ] && ! ls "$tmp"/report.xml.tmp-* >/dev/null 2>&1 &&
    grep -q '</testsuites>' "$tmp/report.xml" && pass=$((pass + 1)) ||
    { fail=$((fail + 1)); echo "FAIL the streamed JUnit report is whole, no temp file left"; }

echo "scale-memory: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
