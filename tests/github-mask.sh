#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/github-mask.sh - under GITHUB_ACTIONS=true, `approve` registers the
# signed token it prints (and the policy's secrets) with ::add-mask:: on
# stderr before the token reaches stdout; stdout stays the token alone, so
# TOKEN=$(prisma-gate approve) still works. A plain token (the plan
# digest's prefix, shown by every plan report) is not masked.
# Ends with "N passed, N failed" (tests/lib.sh).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
PG=${PRISMA_GATE:-$ROOT/prisma-gate}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

digest=$(printf 'a plan' | sha256sum | cut -c1-64)
printf '{"format_version": 1, "command": "plan", "plan": {"digest": "sha256:%s", "decision": "confirm"}}\n' \
    "$digest" >"$tmp/plan.json"
printf 'version: 1\ndeploy:\n  secret_env: GATE_TEST_SECRET\n' >"$tmp/signed.yml"
printf 'version: 1\n' >"$tmp/plain.yml"

# signed: masked on stderr, the token alone on stdout
GITHUB_ACTIONS=true GATE_TEST_SECRET=s3cret-value "$PG" -p "$tmp/signed.yml" approve \
    --plan "$tmp/plan.json" >"$tmp/out" 2>"$tmp/err"
expect "signed approve exits 0" 0 "$?"
token=$(cat "$tmp/out")
check "stdout is a signed token" test "${token#pgt1.}" != "$token"
expect "stdout holds the token alone" 1 "$(wc -l <"$tmp/out")"
check "the signed token is masked" grep -qxF "::add-mask::$token" "$tmp/err"
check "the policy's secret is masked" grep -qxF "::add-mask::s3cret-value" "$tmp/err"
first=$(grep -n -F "$token" "$tmp/err" | head -1 | cut -d: -f1)
mline=$(grep -nxF "::add-mask::$token" "$tmp/err" | head -1 | cut -d: -f1)
expect "the mask is the first stderr line to hold the token" "$mline" "$first"

# not under GitHub Actions: no workflow commands
GATE_TEST_SECRET=s3cret-value "$PG" -p "$tmp/signed.yml" approve --plan "$tmp/plan.json" \
    >"$tmp/out2" 2>"$tmp/err2"
expect_lacks "no masks outside GitHub Actions" "$tmp/err2" "::add-mask::"

# plain: the digest prefix, not masked
GITHUB_ACTIONS=true "$PG" -p "$tmp/plain.yml" approve --plan "$tmp/plan.json" >"$tmp/out3" 2>"$tmp/err3"
expect "a plain token is the digest's prefix" "${digest:0:16}" "$(cat "$tmp/out3")"
expect_lacks "a plain token is not masked" "$tmp/err3" "::add-mask::${digest:0:16}"

finish
