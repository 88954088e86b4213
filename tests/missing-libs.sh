#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/missing-libs.sh - prisma-gate on a machine without libpq, libgit2,
# libcurl or libxml2, which are loaded on first use (include/gate/dl.h).
# $PRISMA_GATE_NOLIB is prisma-gate built to load a soname that does not
# exist for each of them (make missing-libs builds it). lint must not
# notice; every command that needs one must say which library, why and
# which package to install, and exit 3 (could not evaluate); deploy must
# stop before it changes anything. Needs no database, server or network.
# Last line: "missing-libs: N passed, M failed".
set -u
LC_ALL=C
export LC_ALL
NO_COLOR=1
export NO_COLOR
unset GITHUB_ACTIONS GITHUB_STEP_SUMMARY GITHUB_OUTPUT GITHUB_WORKSPACE GITLAB_CI DATABASE_URL
cd "$(dirname "$0")/.." || exit 2
ROOT=$(pwd)
PG=${PRISMA_GATE:-$ROOT/prisma-gate}
NOLIB=${PRISMA_GATE_NOLIB:?PRISMA_GATE_NOLIB is not set (make missing-libs)}
CHECK=${JSON_SCHEMA_CHECK:-$ROOT/build/tests/json-schema-check}
SQL=$ROOT/tests/golden/report/data/many.sql
MISSING="(libgate-missing.so.0) is needed"
WHY="cannot be loaded: libgate-missing.so.0: cannot open shared object file"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0
fail=0

ok() {
    pass=$((pass + 1))
    echo "ok   $1"
}
bad() {
    fail=$((fail + 1))
    echo "FAIL $1"
    sed 's/^/  stderr: /' "$tmp/err" | head -20
}

# nolib args...: the prisma-gate without the libraries, through the same
# report checks as every suite when $PRISMA_GATE is tests/tools/checked-gate.sh
nolib() {
    if [ -n "${PRISMA_GATE_REAL:-}" ]; then
        PRISMA_GATE_REAL=$NOLIB "$PG" "$@"
    else
        "$NOLIB" "$@"
    fi
}

# expect name status-wanted stderr-pattern... -- args...: every pattern in stderr
expect() {
    name=$1 want=$2
    shift 2
    pats=
    while [ "$1" != -- ]; do
        pats="$pats
$1"
        shift
    done
    shift
    nolib "$@" >"$tmp/out" 2>"$tmp/err"
    status=$?
    good=true
    [ "$status" = "$want" ] || good=false
    grep -q 'Sanitizer\|runtime error:' "$tmp/err" && good=false
    while read -r p; do
        [ -z "$p" ] || grep -qF -- "$p" "$tmp/err" || good=false
    done <<EOF
$pats
EOF
    if $good; then
        ok "$name"
    else
        bad "$name: exit $status (want $want)"
    fi
}

# ---- lint needs none of them -------------------------------------------------
"$PG" lint --format json "$SQL" >"$tmp/real.json" 2>/dev/null
nolib lint --format json "$SQL" >"$tmp/out" 2>"$tmp/err"
status=$?
if [ "$status" = 1 ] && [ ! -s "$tmp/err" ] && cmp -s "$tmp/real.json" "$tmp/out"; then
    ok "lint: the same report and exit status"
else
    bad "lint: exit $status (want 1), or a report unlike the real binary's"
fi

# ---- libpq ---------------------------------------------------------------------
export DATABASE_URL=postgresql://gate@127.0.0.1:1/app
expect "status: libpq" 3 "libpq $MISSING to connect to the database but $WHY" "; install libpq5" \
    -- status --migrations "$tmp/none"
# a URL parameter only libpq can say it knows: reading the URL needs libpq (3, not 2)
DATABASE_URL='postgresql://gate@127.0.0.1:1/app?sslmode=require' \
    expect "status: URL read with libpq" 3 "DATABASE_URL: libpq $MISSING" -- status --migrations "$tmp/none"
# flat JSON: a report with the blanks between tokens removed
flat() {
    tr -d ' \n' <"$1"
}
nolib status --format json --migrations "$tmp/none" >"$tmp/out" 2>"$tmp/err"
if flat "$tmp/out" | grep -qF '"id":"db.connection","status":"error","message":"libpq('; then
    ok "status: the report says why"
else
    bad "status: the report says why"
    head -c 2000 "$tmp/out"
fi

# ---- libgit2 -------------------------------------------------------------------
mkdir -p "$tmp/repo/prisma"
printf 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n' \
    >"$tmp/repo/prisma/schema.prisma"
git init -q "$tmp/repo"
expect "check: libgit2" 3 "git.repository" "libgit2 $MISSING to read the git repository" \
    "; install libgit2-" -- -C "$tmp/repo" check

# ---- libcurl -------------------------------------------------------------------
expect "health: libcurl" 3 "libcurl $MISSING to run the HTTP health checks but $WHY" \
    "; install libcurl4" -- health --url http://127.0.0.1:1/health

# ---- libxml2 -------------------------------------------------------------------
# stdout is the JUnit report, so not through the report checks: there is none
"$NOLIB" lint --format junit "$SQL" >"$tmp/out" 2>"$tmp/err"
status=$?
if [ "$status" = 3 ] && [ ! -s "$tmp/out" ] &&
    grep -qF "libxml2 $MISSING to write JUnit reports but $WHY" "$tmp/err" &&
    grep -qF "; install libxml2" "$tmp/err"; then
    ok "lint --format junit: libxml2"
else
    bad "lint --format junit: exit $status (want 3, nothing on stdout)"
fi
expect "--report junit: libxml2" 3 "report: $tmp/j.xml: libxml2 $MISSING" -- \
    lint --report "junit=$tmp/j.xml" --report "json=$tmp/j.json" "$SQL"
if [ ! -e "$tmp/j.xml" ] && "$CHECK" "$ROOT/docs/report.schema.json" "$tmp/j.json" >/dev/null &&
    flat "$tmp/j.json" | grep -q '"exit_code":3,'; then
    ok "--report junit: no JUnit file; the JSON report says exit 3"
else
    bad "--report junit: a JUnit file, or a JSON report without exit 3"
fi

# ---- deploy stops before it changes anything ------------------------------------
# (the database at port 1 is never reached: the libraries are checked first)
expect "deploy --report junit: libxml2 first" 3 "libxml2 $MISSING" "; nothing was changed" \
    -- deploy --migrations "$tmp/none" --report "junit=$tmp/d.xml"
if grep -q 'cannot connect' "$tmp/err"; then
    bad "deploy --report junit: tried to connect"
else
    ok "deploy --report junit: did not connect"
fi
cat >"$tmp/health.yml" <<'EOF'
version: 1
health:
  - name: api
    url: http://127.0.0.1:1/health
EOF
expect "deploy with health checks: libcurl first" 3 "libcurl $MISSING" "; nothing was changed" \
    -- deploy -p "$tmp/health.yml" --migrations "$tmp/none"

echo "missing-libs: $pass passed, $fail failed"
[ $fail -eq 0 ]
