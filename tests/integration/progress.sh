#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/integration/progress.sh - progress of long work on stderr, against
# a throwaway PostgreSQL 15, the REAL Prisma CLI and a real local HTTP
# server (tests/integration/http-server.js):
#   G: under GITHUB_ACTIONS=true a deploy's Prisma run is a
#      ::group:: ... ::endgroup:: section wrapped around the
#      ::stop-commands:: fence of Prisma's output (the group opens before
#      the fence and closes after it; groups never nest), and its health
#      retries print one line per attempt ("health api: attempt 1/4, HTTP
#      503, next in 1 s") inside their own group;
#   L: a second deploy waiting for the gate lock, held by a psql session:
#      "waiting for the gate lock (held by pid N since HH:MM:SS UTC)" in a
#      group under GitHub Actions, only the end line ("took the gate lock
#      after N s") in a log, nothing with -q;
#   T: on a terminal (a pseudo-terminal from script(1)) the lock wait, the
#      Prisma run and health retries are one status line redrawn with "\r"
#      and erased at the end; -q draws none;
#   D: a drift replay: a group under GitHub Actions, "drift: replaying
#      i/n migrations" on a terminal.
#
# Ends with "N passed, N failed"; skips when npm/node or PostgreSQL is missing.

# shellcheck source=tests/integration/status-lib.sh
. "$(dirname "$0")/status-lib.sh"

need_prisma
start_cluster
app_database
unset PRISMA_GATE_CONFIRM PRISMA_GATE_SECRET GITHUB_ACTIONS GITHUB_STEP_SUMMARY GITHUB_OUTPUT
PROJ=$WORK/proj
new_project "$PROJ"
CLI=$ROOT/tests/prisma/node_modules/prisma/build/index.js
CONFIG=$ROOT/tests/prisma/prisma.config.ts

start_http_server 600
HOLDER=
# shellcheck disable=SC2317 # called through trap
stop_all() {
	[ -z "$SERVER_PID" ] || kill "$SERVER_PID" 2>/dev/null
	[ -z "$HOLDER" ] || kill "$HOLDER" 2>/dev/null
}
trap 'stop_all; cleanup' EXIT

# policy [EXTRA-YAML]: write $PROJ/prisma-gate.yml
policy() {
	cat >"$PROJ/prisma-gate.yml" <<EOF2
version: 1
project:
  prisma: [node, $CLI, --config, $CONFIG]
deploy:
  auto_max_risk: critical
  confirm_max_risk: critical
  timeout: 2m
drift:
  shadow: create
$1
EOF2
}

# health CLIENT: a check that fails twice (HTTP 503), then passes
health() {
	policy "health:
  - name: api
    url: http://127.0.0.1:$HPORT/flapping?fail=2&client=$1
    expect_status: 200
    timeout: 5s
    retries: 3
    backoff: 1s"
}

# ghgate NAME ARGS...: `gate` under GitHub Actions
ghgate() {
	local name=$1
	shift
	(cd "$PROJ" && GITHUB_ACTIONS=true "$GATE" "$@") >"$WORK/$name.out" 2>"$WORK/$name.err"
	RC=$?
}

# ttygate NAME ARGS...: `gate` with stderr (and stdout) on a pseudo-terminal;
# what the terminal received into $WORK/NAME.tty
ttygate() {
	local name=$1 cmd
	shift
	cmd=$(printf '%q ' "$GATE" "$@")
	(cd "$PROJ" && script -qec "$cmd" /dev/null) >"$WORK/$name.tty" 2>&1 </dev/null
	RC=$?
}

# nesting FILE: "ok" when every ::group:: closes before the next opens and
# every stop-commands fence sits inside a group; else the first problem
nesting() {
	awk '
		/^::group::/ { if (g) { print "nested group at line " NR; exit } g = 1; next }
		/^::endgroup::$/ { if (!g) { print "endgroup without group at line " NR; exit } if (f) { print "group closed inside the fence at line " NR; exit } g = 0; next }
		/^::stop-commands::/ { if (!g) { print "fence outside a group at line " NR; exit } f = $0; sub(/^::stop-commands::/, "", f); next }
		f != "" && $0 == "::" f "::" { f = ""; next }
		END { if (!done) { if (g) print "group not closed"; else if (f != "") print "fence not closed"; else print "ok" } }
	' "$1"
}

# lock_hold SECONDS: a psql session holds the gate lock for SECONDS (sets HOLDER)
lock_hold() {
	psql -X -q -d "$DB" -c "SELECT pg_advisory_lock(7270736901); SELECT pg_sleep($1)" >/dev/null 2>&1 &
	HOLDER=$!
	for _ in $(seq 1 50); do
		[ "$(q "$DB" "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = 7270736901 % 4294967296")" = 1 ] && return 0
		sleep 0.1
	done
	not_ok "the psql session took the gate lock"
}

lock_release() {
	wait "$HOLDER" 2>/dev/null
	HOLDER=
}

# --- G: GitHub Actions: groups around Prisma's fence, health attempts ------------
add_migration "$PROJ" 20240101000000_init 'CREATE TABLE "User" ("id" SERIAL NOT NULL, "email" TEXT, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\n'
health g1
ghgate G deploy
expect "G: deploy exits 0" 0 "$RC" || show "$WORK/G.err"
expect_has "G: Prisma's run is a group" "$WORK/G.err" "::group::prisma migrate deploy"
expect "G: groups close, never nest, and the fence is inside the group" ok "$(nesting "$WORK/G.err")" ||
	show "$WORK/G.err"
g=$(grep -n '^::group::prisma migrate deploy$' "$WORK/G.err" | cut -d: -f1 | head -n 1)
f=$(grep -n '^::stop-commands::' "$WORK/G.err" | cut -d: -f1 | head -n 1)
tok=$(sed -n 's/^::stop-commands::\(ghadelimiter_[0-9a-f]\{32\}\)$/\1/p' "$WORK/G.err" | head -n 1)
e=$(grep -n "^::$tok::\$" "$WORK/G.err" | cut -d: -f1 | head -n 1)
c=$(awk -v e="${e:-0}" 'NR > e && /^::endgroup::$/ { print NR; exit }' "$WORK/G.err")
check "G: ::group:: opens before the fence" test "${g:-0}" -gt 0 -a "${f:-0}" -gt "${g:-0}"
check "G: ::endgroup:: comes after the fence's end" test "${e:-0}" -gt 0 -a "${c:-0}" -gt "${e:-0}"
check "G: Prisma's output is inside the group" \
	awk -v g="${g:-0}" -v c="${c:-0}" 'NR > g && NR < c && /migrations found|successfully applied|Applying migration/ { ok = 1 } END { exit !ok }' "$WORK/G.err"
expect_has "G: the health checks are a group" "$WORK/G.err" "::group::health checks (1)"
expect_has "G: health attempt 1 of 4" "$WORK/G.err" "prisma-gate: health api: attempt 1/4, HTTP 503, next in 1 s"
expect_has "G: health attempt 2 of 4" "$WORK/G.err" "prisma-gate: health api: attempt 2/4, HTTP 503, next in 2 s"
expect_has "G: health attempt 3 passed" "$WORK/G.err" "prisma-gate: health api: attempt 3/4, HTTP 200, passed"
ghgate G-health health
expect "G: prisma-gate health exits 0 (its client passed already)" 0 "$RC" || show "$WORK/G-health.err"
expect_has "G: prisma-gate health is a group too" "$WORK/G-health.err" "::group::health checks (1)"
expect "G: health's group closes" ok "$(nesting "$WORK/G-health.err")"
health g2
gate G-plain deploy
expect "G: without GitHub Actions, deploy exits 0" 0 "$RC" || show "$WORK/G-plain.err"
expect_lacks "G: a log gets no group" "$WORK/G-plain.err" "::group::"
expect_lacks "G: a log gets no per-attempt line" "$WORK/G-plain.err" "attempt 1/4"
check "G: a log gets no carriage return" sh -c "! grep -q \$'\\r' '$WORK/G-plain.err'"
health g3
ghgate G-q deploy -q
expect_lacks "G: -q: no group" "$WORK/G-q.err" "::group::"
expect_lacks "G: -q: no attempt line" "$WORK/G-q.err" "attempt 1/4"
policy ""

# --- L: waiting for the gate lock -----------------------------------------------
lock_hold 3
ghgate L deploy
lock_release
expect "L: deploy exits 0 once the lock is free" 0 "$RC" || show "$WORK/L.err"
expect_has "L: the wait is a group" "$WORK/L.err" "::group::waiting for the gate lock"
check "L: the waiting line names the holder's pid and since when" \
	grep -qE '^prisma-gate: waiting for the gate lock \(held by pid [0-9]+ since [0-9]{2}:[0-9]{2}:[0-9]{2} UTC\)$' "$WORK/L.err" ||
	show "$WORK/L.err"
check "L: the end line says how long it waited" grep -qE '^prisma-gate: took the gate lock after [2-9] s$' "$WORK/L.err"
expect "L: the group closes" ok "$(nesting "$WORK/L.err")"
lock_hold 2
gate L-plain deploy
lock_release
expect "L: without GitHub Actions, deploy exits 0" 0 "$RC" || show "$WORK/L-plain.err"
expect_has "L: a log gets the start line" "$WORK/L-plain.err" "another prisma-gate deploy holds the gate lock"
expect_has "L: a log gets the end line" "$WORK/L-plain.err" "took the gate lock after"
expect_lacks "L: a log gets no live line" "$WORK/L-plain.err" "held by pid"
lock_hold 2
gate L-q deploy -q
lock_release
expect "L: -q: deploy exits 0" 0 "$RC"
expect_lacks "L: -q: no end line" "$WORK/L-q.err" "took the gate lock"

# --- T: a terminal ----------------------------------------------------------------
lock_hold 3
ttygate T-lock deploy
lock_release
expect "T: deploy on a terminal exits 0" 0 "$RC" || show "$WORK/T-lock.tty"
check "T: the waiting line is drawn with a carriage return" \
	grep -qF $'\rwaiting for the gate lock (held by pid ' "$WORK/T-lock.tty"
check "T: its seconds count up (a later redraw: 1 s or more)" \
	grep -qE $'\rwaiting for the gate lock \\(held by pid [0-9]+ since [0-9:]+ UTC\\) [1-9] s' "$WORK/T-lock.tty"
check "T: the line is erased at the end" grep -qF $'\r\033[K' "$WORK/T-lock.tty"
add_migration "$PROJ" 20240102000000_slow 'SELECT pg_sleep(2);\nCREATE TABLE "Tag" ("id" INTEGER NOT NULL);\n'
health t1
ttygate T-prisma deploy
expect "T: a deploy with Prisma and health on a terminal exits 0" 0 "$RC" || show "$WORK/T-prisma.tty"
check "T: the Prisma line names the migration it runs" \
	grep -qF $'\rprisma migrate deploy: running 20240102000000_slow' "$WORK/T-prisma.tty"
check "T: the health line shows the attempt" \
	grep -qF $'\rhealth api: attempt 1/4, HTTP 503, next in 1 s' "$WORK/T-prisma.tty"
health t2
ttygate T-q deploy -q
expect_lacks "T: -q draws no status line" "$WORK/T-q.tty" "attempt 1/4"
policy ""

# --- D: a drift replay --------------------------------------------------------------
ghgate D drift
check "D: drift ran (exit $RC)" [ "$RC" -lt 3 ] || show "$WORK/D.err"
expect_has "D: the replay is a group" "$WORK/D.err" "::group::drift: replaying 2 migrations into the shadow database"
expect "D: the group closes" ok "$(nesting "$WORK/D.err")"
ttygate D-tty drift
check "D: on a terminal the replay counts migrations" grep -qE $'\rdrift: replaying [12]/2 migrations' "$WORK/D-tty.tty" ||
	show "$WORK/D-tty.tty"

finish
