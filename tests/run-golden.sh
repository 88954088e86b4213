#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/run-golden.sh - data-driven tests: input -> expected output.
#
# Cases live in tests/golden/<suite>/ and are run from the project root:
#   NNNN-slug.sql   linted as `prisma-gate lint --format json [ARGS] FILE`
#   NNNN-slug.d/    a migrations directory, linted the same way (history replay)
#   NNNN-slug.cmd   one line of arguments: `prisma-gate <line>` (sh word splitting)
# Expectations:
#   NNNN-slug.json  expected stdout of a .sql/.d case
#   NNNN-slug.out   expected stdout of a .cmd case
#   NNNN-slug.err   expected stderr (compared only when present)
#   NNNN-slug.exit  expected exit status (absent: 0)
#   NNNN-slug.args  extra arguments for a .sql/.d case
#   NNNN-slug.stdin standard input of a .cmd case (absent: /dev/null)
# The version `prisma-gate --version` prints is replaced by @VERSION@ in stdout
# and stderr before comparing, so expectations hold @VERSION@ and bumping the
# version touches no golden file.
# Cases of the sql suite are named after the rule they are about: the slug
# starts with a rule id `prisma-gate rules` lists (NNNN-RULE-what).
# GOLDEN_UPDATE=1 rewrites the expectations from the actual output; read the
# diff before committing. Last line: "golden: N passed, M failed".
set -u
LC_ALL=C
export LC_ALL
NO_COLOR=1
export NO_COLOR
unset GITHUB_ACTIONS

cd "$(dirname "$0")/.." || exit 2
PG=${PRISMA_GATE:-$(pwd)/prisma-gate}
if [ ! -x "$PG" ]; then
    echo "golden: $PG not built (run make)" >&2
    exit 2
fi
ONLY=${GOLDEN_ONLY:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

version=$("$PG" --version </dev/null 2>/dev/null | sed -n 's/^prisma-gate \([^ ]*\)$/\1/p')
if [ -z "$version" ]; then
    echo "golden: $PG --version printed no version" >&2
    exit 2
fi
# the version as an extended regular expression, matched as a whole word
version_re=$(printf '%s' "$version" | sed 's/[][\\.^$*+?(){}|/]/\\&/g')
normalise() {
    sed -E "s/(^|[^0-9A-Za-z.+-])$version_re([^0-9A-Za-z+-]|$)/\1@VERSION@\2/g" "$1" >"$1.n" &&
        mv "$1.n" "$1"
}
"$PG" rules --format json </dev/null 2>/dev/null |
    sed -n 's/^ *"rule": "\([a-z0-9-]*\)",$/\1/p' >"$tmp/rules"
if [ ! -s "$tmp/rules" ]; then
    echo "golden: $PG rules --format json listed no rule" >&2
    exit 2
fi

pass=0
fail=0
malformed=0

for input in tests/golden/*/[0-9][0-9][0-9][0-9]-*; do
    case $input in
    *.sql) base=${input%.sql}; kind=sql ;;
    *.d) base=${input%.d}; kind=sql ;;
    *.cmd) base=${input%.cmd}; kind=cmd ;;
    *) continue ;;
    esac
    if [ -n "$ONLY" ]; then
        case $base in *"$ONLY"*) ;; *) continue ;; esac
    fi
    name=${base#tests/golden/}
    case $name in
    sql/*)
        slug=${name#sql/[0-9][0-9][0-9][0-9]-}
        named=0
        while read -r rule; do
            case $slug in "$rule" | "$rule"-*) named=1 ;; esac
        done <"$tmp/rules"
        if [ $named = 0 ]; then
            echo "MALFORMED $name: the slug does not start with a rule id (prisma-gate rules)"
            malformed=$((malformed + 1))
            continue
        fi
        ;;
    esac
    if [ "$kind" = sql ]; then
        args=""
        [ -f "$base.args" ] && args=$(cat "$base.args")
        # shellcheck disable=SC2086
        "$PG" lint --format json $args "$input" >"$tmp/out" 2>"$tmp/err"
        status=$?
        expect_out=$base.json
    else
        line=$(cat "$input")
        eval "set -- $line"
        stdin=/dev/null
        [ -f "$base.stdin" ] && stdin=$base.stdin
        "$PG" "$@" <"$stdin" >"$tmp/out" 2>"$tmp/err"
        status=$?
        expect_out=$base.out
    fi
    normalise "$tmp/out"
    normalise "$tmp/err"
    # a sanitizer report or a crash is always a failure
    if grep -q 'Sanitizer\|runtime error:' "$tmp/err"; then
        echo "FAIL $name: sanitizer report"
        cat "$tmp/err"
        fail=$((fail + 1))
        continue
    fi
    if [ "${GOLDEN_UPDATE:-}" = 1 ]; then
        cp "$tmp/out" "$expect_out"
        if [ "$status" != 0 ]; then echo "$status" >"$base.exit"; else rm -f "$base.exit"; fi
        if [ -f "$base.err" ] || { [ "$kind" = cmd ] && [ -s "$tmp/err" ]; }; then
            cp "$tmp/err" "$base.err"
        fi
        pass=$((pass + 1))
        continue
    fi
    if [ ! -f "$expect_out" ]; then
        echo "MALFORMED $name: no ${expect_out#"$base"} (run make golden-update)"
        malformed=$((malformed + 1))
        continue
    fi
    want_status=0
    [ -f "$base.exit" ] && want_status=$(cat "$base.exit")
    ok=1
    if ! diff -u "$expect_out" "$tmp/out" >"$tmp/diff"; then
        ok=0
    fi
    if [ -f "$base.err" ] && ! diff -u "$base.err" "$tmp/err" >>"$tmp/diff"; then
        ok=0
    fi
    if [ "$status" != "$want_status" ]; then
        echo "exit status $status, expected $want_status" >>"$tmp/diff"
        ok=0
    fi
    if [ $ok = 1 ]; then
        pass=$((pass + 1))
    else
        echo "FAIL $name"
        cat "$tmp/diff"
        fail=$((fail + 1))
    fi
done

[ $malformed -gt 0 ] && echo "golden: $malformed malformed case(s)"
echo "golden: $pass passed, $((fail + malformed)) failed"
[ $fail -eq 0 ] && [ $malformed -eq 0 ]
