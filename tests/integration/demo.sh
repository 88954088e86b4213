#!/bin/bash
# tests/integration/demo.sh — `make demo` (ci/demo.sh) runs to the end, every
# step does what it says, the reports are where it says (the drift act:
# a change made by hand with psql found by drift, exit 1, its Markdown
# report with the Mermaid picture and the changed objects), and it leaves no
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

# the drift act: a change by hand with psql, found by drift (exit 1)
check "the walkthrough explains the drift act" grep -q 'drift: someone changes production by hand' "$TMP/demo.out"
check "drift exits 1 on the change made by hand" test "$(awk -v c="\$ $PRISMA_GATE drift " 'index($0, c) == 1 { on = 1 } on && /^→ exit/ { print; exit }' "$TMP/demo.out")" = "→ exit 1 (as expected)"
check "drift report 7-drift.md written" test -s "$TMP/reports/7-drift.md"
check "the drift report holds a Mermaid picture" grep -qF '```mermaid' "$TMP/reports/7-drift.md"
check "the drift report names the dropped index" grep -qF 'Participant_eventId_email_key' "$TMP/reports/7-drift.md"
check "the drift report names the added column" grep -qF 'notes' "$TMP/reports/7-drift.md"
check "the JSON report: the index is in migrations only" test "$(jq -r '[.drift.items[] | select(.kind == "index" and .name == "Participant_eventId_email_key")][0].change' "$TMP/reports/7-drift.json" 2>/dev/null)" = "in migrations only"
check "the JSON report: the column is in the database only" test "$(jq -r '[.drift.items[] | select(.kind == "column" and .table == "Event" and .name == "notes")][0].change' "$TMP/reports/7-drift.json" 2>/dev/null)" = "in database only"

# nothing left behind: the demo's server, PostgreSQL, Prisma CLI, directories
sleep 0.5
check "no demo process is left (server, PostgreSQL, Prisma CLI)" \
	test -z "$(pgrep -f 'prisma-gate-demo' | grep -v "^$$\$")"
find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'prisma-gate-demo*' | sort >"$TMP/dirs.after"
check "no temporary directory is left" test -z "$(comm -13 "$TMP/dirs.before" "$TMP/dirs.after")"
finish
