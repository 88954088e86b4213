#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/corpus.sh - lint every migration of ../shared/corpus (1,789 real
# Prisma migrations): zero syntax errors, no crash, no sanitizer report,
# a valid JSON report. Skips, saying so, when the corpus is absent (a
# user's clone has no ../shared).
set -u
cd "$(dirname "$0")/.." || exit 2
PG=${PRISMA_GATE:-$(pwd)/prisma-gate}
CORPUS=${GATE_CORPUS:-../shared/corpus}
if [ ! -d "$CORPUS" ]; then
    echo "corpus: skipped ($CORPUS not found; it is only present in CI)"
    echo "corpus: 0 passed, 0 failed"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0
fail=0
for proj in "$CORPUS"/*/; do
    dir=${proj}migrations
    [ -d "$dir" ] || continue
    name=$(basename "$proj")
    "$PG" lint --format json --fail-on critical "$dir" >"$tmp/out" 2>"$tmp/err"
    status=$?
    n=$(find "$dir" -mindepth 2 -maxdepth 2 -name migration.sql | wc -l)
    syntax=$(grep -c '"rule": "syntax-error"' "$tmp/out")
    listed=$(grep -c '"checksum": ' "$tmp/out")
    if [ "$status" -ge 2 ] || grep -q 'Sanitizer\|runtime error:' "$tmp/err"; then
        echo "FAIL $name: exit $status"
        tail -20 "$tmp/err"
        fail=$((fail + 1))
    elif [ "$syntax" != 0 ]; then
        echo "FAIL $name: $syntax syntax error(s)"
        grep -B3 -A8 '"rule": "syntax-error"' "$tmp/out" | head -40
        fail=$((fail + 1))
    elif [ "$listed" != "$n" ]; then
        echo "FAIL $name: report lists $listed migrations, $n on disk"
        fail=$((fail + 1))
    else
        echo "ok   $name: $n migrations"
        pass=$((pass + 1))
    fi
done
# the report must not depend on how many threads parsed the files
first=$(ls -d "$CORPUS"/*/migrations | head -1)
PRISMA_GATE_THREADS=0 "$PG" lint --format json "$first" >"$tmp/t0" 2>/dev/null
PRISMA_GATE_THREADS=3 "$PG" lint --format json "$first" >"$tmp/t3" 2>/dev/null
if cmp -s "$tmp/t0" "$tmp/t3" && [ -s "$tmp/t0" ]; then
    echo "ok   same report with 0 and 3 parser threads"
    pass=$((pass + 1))
else
    echo "FAIL the report differs between 0 and 3 parser threads"
    fail=$((fail + 1))
fi
echo "corpus: $pass passed, $fail failed"
[ $fail -eq 0 ]
