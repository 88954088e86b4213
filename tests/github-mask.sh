#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/github-mask.sh - under GITHUB_ACTIONS=true, `approve` registers the
# signed token it prints (and the policy's secrets) with ::add-mask:: on
# stderr before the token reaches stdout; stdout stays the token alone, so
# TOKEN=$(prisma-gate approve) still works. A plain token (the plan
# digest's prefix, shown by every plan report) is not masked.
# Last line: "github-mask: N passed, M failed".
set -u
cd "$(dirname "$0")/.." || exit 2
PG=${PRISMA_GATE:-$(pwd)/prisma-gate}
pass=0
fail=0
ok() { pass=$((pass + 1)); }
not_ok() { fail=$((fail + 1)); echo "not ok: $1"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

digest=$(printf 'a plan' | sha256sum | cut -c1-64)
printf '{"format_version": 1, "command": "plan", "plan": {"digest": "sha256:%s", "decision": "confirm"}}\n' \
    "$digest" >"$tmp/plan.json"
cat >"$tmp/signed.yml" <<YML
version: 1
deploy:
  secret_env: GATE_TEST_SECRET
YML
printf 'version: 1\n' >"$tmp/plain.yml"

# signed: masked on stderr, the token alone on stdout
GITHUB_ACTIONS=true GATE_TEST_SECRET=s3cret-value "$PG" -p "$tmp/signed.yml" approve \
    --plan "$tmp/plan.json" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] && ok || not_ok "signed approve exits $rc"
token=$(cat "$tmp/out")
case $token in pgt1.*) ok ;; *) not_ok "stdout is not a signed token: $token" ;; esac
[ "$(wc -l <"$tmp/out")" -eq 1 ] && ok || not_ok "stdout holds more than the token"
grep -qxF "::add-mask::$token" "$tmp/err" && ok || not_ok "the signed token is not masked"
grep -qxF "::add-mask::s3cret-value" "$tmp/err" && ok || not_ok "the secret is not masked"
# the mask comes before any other line that could quote the token
first=$(grep -n "$token" "$tmp/err" | head -1 | cut -d: -f1)
mline=$(grep -nxF "::add-mask::$token" "$tmp/err" | head -1 | cut -d: -f1)
[ -n "$first" ] && [ "$first" = "$mline" ] && ok || not_ok "the token appears on stderr before its mask"

# not under GitHub Actions: no workflow commands
GATE_TEST_SECRET=s3cret-value "$PG" -p "$tmp/signed.yml" approve --plan "$tmp/plan.json" \
    >"$tmp/out2" 2>"$tmp/err2"
grep -q '::add-mask::' "$tmp/err2" && not_ok "masks printed outside GitHub Actions" || ok

# plain: the digest prefix, not masked
GITHUB_ACTIONS=true "$PG" -p "$tmp/plain.yml" approve --plan "$tmp/plan.json" >"$tmp/out3" 2>"$tmp/err3"
[ "$(cat "$tmp/out3")" = "$(printf '%s' "$digest" | cut -c1-16)" ] && ok || not_ok "plain token is not the digest prefix"
grep -q "::add-mask::$(cat "$tmp/out3")" "$tmp/err3" && not_ok "plain token masked" || ok

echo "github-mask: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
