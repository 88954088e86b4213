#!/bin/bash
# tests/integration/demo.sh — `make demo` (ci/demo.sh) runs to the end, every
# step does what it says, the reports are where it says, and it leaves no
# process, database cluster or temporary directory behind.
#
# Ends with "N passed, N failed"; skips when npm/node or PostgreSQL is missing.

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export PRISMA_GATE=${PRISMA_GATE:-$ROOT/prisma-gate}
export NO_COLOR=1
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/gate-demo-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'prisma-gate-demo*' | sort >"$TMP/dirs.before"

DEMO_REPORTS=$TMP/reports "$ROOT/ci/demo.sh" >"$TMP/demo.out" 2>&1
rc=$?
if [ $rc -eq 77 ]; then
	sed 's/^/# /' "$TMP/demo.out" | tail -n 3
	finish "a prerequisite of the demo is missing"
fi
if [ $rc -eq 0 ]; then
	ok "the demo exits 0"
else
	not_ok "the demo exits 0 (got $rc)"
	sed 's/^/#   /' "$TMP/demo.out" | tail -n 40
fi
check "every step behaved as expected" grep -q 'demo done: every step behaved as expected' "$TMP/demo.out"
check "no step reports a wrong exit status" test "$(grep -c ', expected ' "$TMP/demo.out")" = 0
for f in 1-plan.json 2-deploy.json 4-checklist.md 5-deploy-later.md 6-deploy.json; do
	check "report $f written" test -s "$TMP/reports/$f"
done
check "the refused deploy wrote the deploy-later instructions" grep -q '^## Deploy later' "$TMP/reports/5-deploy-later.md"
check "the signed token deployed the rename" grep -q '"status": "valid"' "$TMP/reports/6-deploy.json"

# nothing left behind: the demo's server, PostgreSQL, Prisma CLI, directories
sleep 0.5
check "no demo process is left (server, PostgreSQL, Prisma CLI)" \
	test -z "$(pgrep -f 'prisma-gate-demo' | grep -v "^$$\$")"
find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'prisma-gate-demo*' | sort >"$TMP/dirs.after"
check "no temporary directory is left" test -z "$(comm -13 "$TMP/dirs.before" "$TMP/dirs.after")"
finish
