#!/bin/bash
# SPDX-License-Identifier: MIT
# ci/demo.sh — `make demo`: prisma-gate's main job on the bundled events app
# (examples/events), end to end, with the real Prisma CLI (ci/prisma.sh) and
# a throwaway PostgreSQL 15 (ci/pg.sh):
#
#   detect → plan → deploy (a low-risk release, automatic) → health
#   → check (the next release on a branch: a column rename, high risk)
#   → plan → deploy refused without a token (checklist written)
#   → approve (signed token) → deploy with the token → status
#   → drift (a change made by hand with psql: found, exit 1, Markdown report)
#
# Everything it starts (PostgreSQL, the app's server) is stopped at the end,
# also on failure or Ctrl-C; the throwaway database is deleted. The reports
# stay in the folder it names (default build/demo/; DEMO_REPORTS=DIR).
#
# env: PRISMA_GATE (default ./prisma-gate), DEMO_REPORTS, NO_COLOR.
# Exit status: 0 when every step did what it should, 1 otherwise, 77 when a
# prerequisite (node/npm, PostgreSQL 15) is missing.

set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
GATE=${PRISMA_GATE:-$ROOT/prisma-gate}
REPORTS=${DEMO_REPORTS:-$ROOT/build/demo}
APP_SRC=$ROOT/examples/events

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
	B=$'\033[1m' G=$'\033[32m' R=$'\033[31m' D=$'\033[2m' N=$'\033[0m'
else
	B='' G='' R='' D='' N=''
fi

say() { printf '%s\n' "$*"; }
step_no=0
step() {
	step_no=$((step_no + 1))
	printf '\n%s━━ %d. %s%s\n' "$B" "$step_no" "$*" "$N"
}
why() { printf '%s   %s%s\n' "$D" "$*" "$N"; }
die() {
	printf '%sdemo: %s%s\n' "$R" "$*" "$N" >&2
	exit 1
}

# run WANT CMD...: show the command, run it in the app, check its exit status
run() {
	local want=$1 rc
	shift
	printf '%s$ %s%s\n' "$B" "$*" "$N"
	(cd "$APP" && "$@")
	rc=$?
	if [ "$rc" = "$want" ]; then
		printf '%s→ exit %d (as expected)%s\n' "$G" "$rc" "$N"
	else
		printf '%s→ exit %d, expected %d%s\n' "$R" "$rc" "$want" "$N"
		FAILED=$((FAILED + 1))
	fi
	return 0
}

[ -x "$GATE" ] || die "no prisma-gate binary at $GATE (run make)"
command -v node >/dev/null 2>&1 || {
	say "demo: node not found: run ci/deps.sh (or make deps) first"
	exit 77
}
command -v git >/dev/null 2>&1 || die "git not found: run ci/deps.sh"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/prisma-gate-demo.XXXXXX")
PGDIR=
SERVER_PID=
FAILED=0
# shellcheck disable=SC2317 # called through trap
cleanup() {
	local rc=$?
	if [ -n "$SERVER_PID" ]; then
		kill "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
	fi
	if [ -n "$PGDIR" ]; then
		"$ROOT/ci/pg.sh" stop "$PGDIR" >/dev/null 2>&1
		rm -rf "$PGDIR"
	fi
	rm -rf "$WORK"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say "${B}prisma-gate demo${N}: gate, deploy and health-check the events app"
say "reports go to ${B}$REPORTS${N}"
rm -rf "$REPORTS"
mkdir -p "$REPORTS" || die "cannot create $REPORTS"

# --- set-up ---------------------------------------------------------------------
step "set-up: the Prisma CLI, a throwaway PostgreSQL 15 and the app's server"
"$ROOT/ci/prisma.sh" install || {
	rc=$?
	[ $rc -eq 77 ] && {
		say "demo: the Prisma CLI fixture cannot be installed here (npm registry unreachable?)"
		exit 77
	}
	die "ci/prisma.sh install failed (exit $rc)"
}
PRISMA_CLI=$(sed -n 2p <<<"$("$ROOT/ci/prisma.sh" argv)")
PRISMA_CONFIG=$("$ROOT/ci/prisma.sh" config)
PGDIR=$(mktemp -d "${TMPDIR:-/tmp}/prisma-gate-demo-pg.XXXXXX")
if ! pg_env=$("$ROOT/ci/pg.sh" start "$PGDIR" 2>"$WORK/pg.err"); then
	cat "$WORK/pg.err" >&2
	grep -q 'not found' "$WORK/pg.err" && {
		say "demo: PostgreSQL 15 is not installed: run ci/deps.sh"
		exit 77
	}
	die "could not start PostgreSQL (ci/pg.sh start)"
fi
eval "$pg_env"
# ci/pg.sh's own URLs name the cluster's postgres database, not the app's: the
# Prisma CLI fixture's config picks its URL by a name computed in code, so with
# its driver adapter deploy checks every postgres URL in the environment
unset GATE_TEST_PG_URL GATE_TEST_PG_PW_URL
DATABASE_URL=$("$ROOT/ci/pg.sh" createdb "$PGDIR" events 2>>"$WORK/pg.err") || die "createdb failed"
export DATABASE_URL
why "PostgreSQL 15 on 127.0.0.1:$PGPORT, database 'events' (empty: production before its first deploy)"

# the app: a copy of examples/events in a git repository, as a team has it
APP=$WORK/events
mkdir -p "$APP"
cp -R "$APP_SRC/prisma" "$APP_SRC/server.js" "$APP/"
sed -e "s|@PRISMA@|\"node\", \"$PRISMA_CLI\", \"--config\", \"$PRISMA_CONFIG\"|" \
	-e "s|@PORT@|PORT_PLACEHOLDER|" "$APP_SRC/prisma-gate.yml" >"$APP/prisma-gate.yml"
(cd "$APP" && git init -q -b main && git add -A && git -c user.name=demo -c user.email=demo@example.com commit -qm "events app: init, add location") ||
	die "git init of the app failed"

(cd "$APP" && NODE_PATH=$ROOT/tests/prisma/node_modules exec node "$APP/server.js" >"$WORK/server.out" 2>"$WORK/server.err") &
SERVER_PID=$!
PORT=
for _ in $(seq 1 100); do
	PORT=$(sed -n 's/^PORT //p' "$WORK/server.out")
	[ -n "$PORT" ] && break
	sleep 0.1
done
[ -n "$PORT" ] || die "the app's server did not start: $(cat "$WORK/server.err")"
sed -i "s|PORT_PLACEHOLDER|$PORT|" "$APP/prisma-gate.yml"
(cd "$APP" && git -c user.name=demo -c user.email=demo@example.com commit -qam "policy: health check port") || true
why "the app listens on http://127.0.0.1:$PORT (GET /api/health checks the database)"
why "policy: $APP/prisma-gate.yml (auto up to medium risk, signed token up to high, health check)"
# the signing secret lives in the CI's secret store; here a random one
PRISMA_GATE_SECRET=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
export PRISMA_GATE_SECRET
unset PRISMA_GATE_CONFIRM GITHUB_ACTIONS

# --- the first release -------------------------------------------------------------
step "detect: what kind of Prisma setup is this?"
if "$GATE" --help | grep -q '^  detect '; then
	run 0 "$GATE" detect
else
	say "(skipped: this build has no \`detect\` command yet)"
fi

step "plan: what would deploy do to production?"
why "two pending migrations: three new tables, then a nullable column (low risk)"
run 0 "$GATE" plan
(cd "$APP" && "$GATE" plan --format json >"$REPORTS/1-plan.json" 2>/dev/null)
(cd "$APP" && "$GATE" plan --format markdown >"$REPORTS/1-plan.md" 2>/dev/null)

step "deploy: low risk, so no token is needed"
why "takes the gate lock, re-plans, runs \`prisma migrate deploy\`, verifies the checksums, health-checks the app"
run 0 "$GATE" deploy --report "json=$REPORTS/2-deploy.json"

say
say "(some production data, so the next plan has rows to show)"
psql -X -q -v ON_ERROR_STOP=1 -d events >/dev/null <<'EOF' || FAILED=$((FAILED + 1))
INSERT INTO "Event" (title, date, location)
  SELECT 'Trip ' || g, now() + g * interval '1 day', 'City ' || g FROM generate_series(1, 200) g;
INSERT INTO "Participant" (name, email, "eventId")
  SELECT 'Person ' || g, 'p' || g || '@example.com', 1 + g % 200 FROM generate_series(1, 1000) g;
INSERT INTO "Expense" (description, amount, "eventId", "paidById")
  SELECT 'Dinner ' || g, (g % 90) + 10.5, 1 + g % 200, 1 + g % 1000 FROM generate_series(1, 5000) g;
ANALYZE;
EOF

step "health: is the app still fine?"
run 0 "$GATE" health

# --- the next release: a rename ------------------------------------------------------
step "check: the next release renames a column (pre-merge gate on its branch)"
(cd "$APP" && git checkout -qb release-2 &&
	cp "$APP_SRC/next/schema.prisma" prisma/schema.prisma &&
	cp -R "$APP_SRC/next/migrations/." prisma/migrations/ &&
	git add -A && git -c user.name=demo -c user.email=demo@example.com commit -qm "rename Expense.description to title") ||
	die "could not prepare the release-2 branch"
why "a rename breaks the release still running; the gate closes at high risk (exit 1)"
if "$GATE" --help | grep -q '^  check '; then
	run 1 "$GATE" check --base main --report "markdown=$REPORTS/3-check.md"
else
	say "(skipped: this build has no \`check\` command yet)"
fi

step "plan: high risk needs a confirmation token (exit 1 until approved)"
run 1 "$GATE" plan --checklist "$REPORTS/4-checklist.md"
(cd "$APP" && "$GATE" plan --format json >"$REPORTS/4-plan.json" 2>/dev/null)

step "deploy without a token: refused, nothing applied, a checklist instead"
run 1 "$GATE" deploy --checklist "$REPORTS/5-deploy-later.md"
why "the deployment checklist: $REPORTS/5-deploy-later.md"

step "approve: someone who may deploy signs this exact plan"
# shellcheck disable=SC2016 # the command as the user would type it
printf '%s$ TOKEN=$(prisma-gate approve)%s\n' "$B" "$N"
TOKEN=$(cd "$APP" && "$GATE" approve) || {
	say "${R}approve failed${N}"
	FAILED=$((FAILED + 1))
}
say "TOKEN=${TOKEN:0:24}...${TOKEN: -8}"
why "pgt1.<plan digest>.<expiry>.<HMAC-SHA-256>: valid for this plan only, for an hour"

step "deploy with the token"
run 0 "$GATE" deploy --confirm "$TOKEN" --report "json=$REPORTS/6-deploy.json"

step "status: production is up to date"
run 0 "$GATE" status

# --- drift: a change made by hand ----------------------------------------------------
step "drift: someone changes production by hand"
why "a quick fix in psql, outside any migration: the unique index on Participant is dropped,"
why "a column Event.notes is added. The migrations no longer describe the database."
printf '%s$ psql -d events -c %s%s\n' "$B" "'DROP INDEX \"Participant_eventId_email_key\"; ALTER TABLE \"Event\" ADD COLUMN notes text'" "$N"
psql -X -q -v ON_ERROR_STOP=1 -d events >/dev/null <<'EOF' || FAILED=$((FAILED + 1))
DROP INDEX "Participant_eventId_email_key";
ALTER TABLE "Event" ADD COLUMN notes text;
EOF
why "drift replays the applied migrations into a temporary shadow database (drift.shadow: create),"
why "introspects both and reports every object that differs (exit 1), with the SQL that repairs it;"
why "the Markdown report holds a Mermaid picture of the tables that differ"
run 1 "$GATE" drift --report "markdown=$REPORTS/7-drift.md" --report "json=$REPORTS/7-drift.json"
why "the drift report: $REPORTS/7-drift.md (a scheduled CI job opens an issue with it: ci/github/drift.yml)"

# --- done ---------------------------------------------------------------------------------
say
if [ "$FAILED" -eq 0 ]; then
	say "${G}${B}demo done${N}: every step behaved as expected."
else
	say "${R}${B}demo: $FAILED step(s) did not behave as expected${N} (see above)."
fi
say "reports in $REPORTS:"
for f in "$REPORTS"/*; do say "  ${f##*/}"; done
say "stopping the app and PostgreSQL; the throwaway database is deleted."
[ "$FAILED" -eq 0 ]
