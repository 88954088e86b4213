#!/bin/bash
# tests/integration/deploy-stop.sh — how `prisma-gate deploy` ends when it
# is stopped, and which exit status says what, against a throwaway
# PostgreSQL 15 (ci/pg.sh), the REAL Prisma CLI (ci/prisma.sh), small
# stand-in CLIs (shell scripts) where a misbehaving one is the point, and
# the local HTTP server (tests/integration/http-server.js).
#
#   T  a migration past deploy.timeout: Prisma's server session is ended,
#      nothing of the migration commits later;
#   S  SIGTERM, SIGINT and SIGHUP (and SIGPIPE) while waiting for the gate lock, during
#      Prisma, during verification (a lock held on _prisma_migrations) and
#      during the health checks: a complete report with the stage, the
#      exit status documented, the gate lock and Prisma's sessions gone;
#   K  a CLI that ignores SIGTERM, and one that leaves a process holding
#      its output pipe: the gate ends within timeout + bounded grace; a CLI
#      killed by a signal is reported by the signal's name;
#   M  a missing / not executable / not installed CLI: exit 3, the install
#      hint, nothing changed;
#   W  an unwritable report file, checklist or $GITHUB_OUTPUT: exit 3
#      before the gate lock, nothing applied;
#   P  PostgreSQL stopped mid-migration and started again: the gate
#      connects again, names the failed migration with P3009's recovery
#      steps, exit 4.
#
# Ends with "N passed, N failed"; skips when npm/node or PostgreSQL is missing.

# shellcheck source=tests/integration/status-lib.sh
. "$(dirname "$0")/status-lib.sh"

need_prisma
start_cluster
# the binary runs directly here too: without the harness's own URLs, as checked-gate.sh runs it
unset GATE_TEST_PG_URL GATE_TEST_PG_PW_URL
app_database
unset PRISMA_GATE_CONFIRM PRISMA_GATE_SECRET GITHUB_OUTPUT GITHUB_STEP_SUMMARY
PROJ=$WORK/proj
new_project "$PROJ"
CLI=$ROOT/tests/prisma/node_modules/prisma/build/index.js
CONFIG=$ROOT/tests/prisma/prisma.config.ts
# the binary itself (not a wrapper script), so that signals reach prisma-gate
REAL=${PRISMA_GATE_REAL:-$GATE}
GATE_KEY=7270736901

start_http_server 900
LEFT_PIDS=
# shellcheck disable=SC2317 # called through trap
stop_all() {
	[ -z "$SERVER_PID" ] || kill "$SERVER_PID" 2>/dev/null
	for p in $LEFT_PIDS; do kill "$p" 2>/dev/null; done
}
trap 'stop_all; cleanup' EXIT

# policy TIMEOUT [PRISMA-ARGV] [EXTRA-YAML]: write $PROJ/prisma-gate.yml
policy() {
	cat >"$PROJ/prisma-gate.yml" <<EOF
version: 1
project:
  prisma: ${2:-[node, $CLI, --config, $CONFIG]}
deploy:
  auto_max_risk: high
  timeout: $1
${3:-}
EOF
}

rows() { q $DB "SELECT count(*) FROM _prisma_migrations WHERE migration_name = '$1'"; }
# the gate lock (pg_advisory_lock(7270736901): classid 1, objid 2975769605)
gate_lock() { q $DB "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = ($GATE_KEY >> 32)::oid AND objid = ($GATE_KEY & 4294967295)::oid AND granted"; }
# Prisma's sessions: PGAPPNAME the gate sets, Prisma's advisory lock, or a migration statement
prisma_sessions() {
	q $DB "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND (application_name LIKE 'prisma-gate-deploy-%' OR query LIKE '%pg_sleep(2%' OR query LIKE '%pg_sleep(3%' OR query LIKE '%pg_sleep(${T_SLEEP:-25})%' OR pid IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = 0 AND objid = 72707369))"
}
# wait_for SECONDS SQL: until the query prints something other than 0
wait_for() {
	for _ in $(seq 1 $(($1 * 10))); do
		[ "$(q $DB "$2")" != 0 ] && return 0
		sleep 0.1
	done
	return 1
}
# start NAME ARGS...: prisma-gate ARGS in the background (exec: the signal
# reaches it), stdout/stderr in $WORK/NAME.out/.err; sets BG
start() {
	local name=$1
	shift
	(cd "$PROJ" && exec "$REAL" "$@") >"$WORK/$name.out" 2>"$WORK/$name.err" &
	BG=$!
	T0=$(date +%s)
}
# reap: wait for $BG; sets RC and SECS (how long it ran)
reap() {
	wait "$BG"
	RC=$?
	SECS=$(($(date +%s) - T0))
}
clear_row() { q $DB "DELETE FROM _prisma_migrations WHERE migration_name = '$1'" >/dev/null; }
kill_sleepers() { q $DB "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND query LIKE '%pg_sleep%'" >/dev/null; }

# --- A: a first migration, deployed normally -----------------------------------
policy 2m
add_migration "$PROJ" 20240101000000_init 'CREATE TABLE "User" ("id" SERIAL NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\n'
A0=$(date +%s)
gate A deploy --format json
A_SECS=$(($(date +%s) - A0))
expect "A: a normal deploy exits 0" 0 "$RC" || show "$WORK/A.err"

# --- T: past deploy.timeout, the server session is ended, nothing commits later ---
# (the CLI needs seconds to start on a busy machine: the timeout leaves it time
# to reach the statement, which must be running when the gate stops it: 15 s,
# or three times what the whole deploy of A took on this machine now)
T_TIMEOUT=$((A_SECS * 3 > 15 ? A_SECS * 3 : 15))
T_SLEEP=$((T_TIMEOUT + 10))
add_migration "$PROJ" 20240102000000_hang "CREATE TABLE \"Hang\" (\"x\" INTEGER);\nSELECT pg_sleep($T_SLEEP);\n"
policy "${T_TIMEOUT}s"
start T deploy --format json
SEEN=no
wait_for "$T_TIMEOUT" "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep($T_SLEEP)%' AND pid <> pg_backend_pid()" && SEEN=yes
T_START=$(date +%s)
reap
expect "T: the migration's statement was running before the timeout" yes "$SEEN"
expect "T: a deploy past deploy.timeout exits 4" 4 "$RC" || show "$WORK/T.err"
expect "T: the report says it timed out" "true timeout" "$(jget "$WORK/T.out" "r.deploy.prisma.timed_out + ' ' + r.deploy.prisma.error_code")"
expect "T: no server session of Prisma is left when the gate exits" 0 "$(prisma_sessions)"
check "T: the report lists the server session it ended" test "$(jget "$WORK/T.out" "r.deploy.prisma.server_sessions_ended.length")" -ge 1
check "T: stderr says it ended Prisma's server session" grep -q "ended Prisma's server session pid [0-9]" "$WORK/T.err"
check "T: the gate lock is released" test "$(gate_lock)" = 0
# past the end of the original statement: nothing of it committed
sleep $((T_START + T_SLEEP + 1 - $(date +%s)))
expect "T: the migration did not commit after the gate stopped it" "" "$(q $DB "SELECT to_regclass('\"Hang\"')")"
kill_sleepers
clear_row 20240102000000_hang
rm -r "$PROJ/prisma/migrations/20240102000000_hang"

# --- S: stop signals at every stage ----------------------------------------------
policy 2m
# stop_at_lock SIG: the gate waits for the gate lock held by psql
stop_at_lock() {
	local sig=$1 holder
	psql -X -q -d $DB -c "SELECT pg_advisory_lock($GATE_KEY); SELECT pg_sleep(60)" >/dev/null 2>&1 &
	holder=$!
	wait_for 10 "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 1 AND granted"
	start "S-lock-$sig" deploy --format json --report "json=$WORK/S-lock-$sig.json"
	wait_for 10 "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'prisma-gate' AND wait_event_type = 'Lock'"
	kill -"$sig" "$BG"
	reap
	expect "S lock $sig: exit 3 (nothing changed)" 3 "$RC" || show "$WORK/S-lock-$sig.err"
	expect "S lock $sig: report file: stage lock, stopped by SIG$sig" "lock SIG$sig" "$(jget "$WORK/S-lock-$sig.json" "r.deploy.stage + ' ' + r.deploy.stopped_by")"
	expect "S lock $sig: stdout report says exit 3" 3 "$(jget "$WORK/S-lock-$sig.out" r.exit_code)"
	check "S lock $sig: stderr says so" grep -q "received SIG$sig while waiting for the gate lock" "$WORK/S-lock-$sig.err"
	expect "S lock $sig: Prisma was not started" false "$(jget "$WORK/S-lock-$sig.json" r.deploy.prisma.started)"
	kill "$holder" 2>/dev/null
	wait "$holder" 2>/dev/null
	q $DB "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_advisory_lock($GATE_KEY)%' AND pid <> pg_backend_pid()" >/dev/null
}

# stop_in_prisma SIG: the real CLI runs a pg_sleep migration
stop_in_prisma() {
	local sig=$1 m=20240103000000_sleep_$1 child
	add_migration "$PROJ" "$m" 'CREATE TABLE "Slept" ("x" INTEGER);\nSELECT pg_sleep(30);\n'
	start "S-prisma-$sig" deploy --format json --report "json=$WORK/S-prisma-$sig.json"
	wait_for 30 "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()"
	child=$(pgrep -P "$BG" | head -1)
	kill -"$sig" "$BG"
	reap
	# right after the exit: the gate lock, the child's group and Prisma's sessions are gone
	local lock_after sessions_after
	lock_after=$(gate_lock)
	sessions_after=$(prisma_sessions)
	expect "S prisma $sig: exit 4" 4 "$RC" || show "$WORK/S-prisma-$sig.err"
	expect "S prisma $sig: report file: stage prisma, interrupted by SIG$sig" "prisma SIG$sig SIG$sig" "$(jget "$WORK/S-prisma-$sig.json" "r.deploy.stage + ' ' + r.deploy.prisma.interrupt_signal + ' ' + r.deploy.stopped_by")"
	expect "S prisma $sig: the gate lock is released" 0 "$lock_after"
	expect "S prisma $sig: no server session of Prisma is left" 0 "$sessions_after"
	if [ -n "$child" ]; then
		expect "S prisma $sig: the child's process group is gone" "" "$(pgrep -g "$child")"
	else
		not_ok "S prisma $sig: the Prisma CLI was running when SIG$sig came"
	fi
	check "S prisma $sig: the report names the session it ended" grep -q "ended Prisma's server session pid" "$WORK/S-prisma-$sig.err"
	expect "S prisma $sig: the migration's table was rolled back" "" "$(q $DB "SELECT to_regclass('\"Slept\"')")"
	kill_sleepers
	clear_row "$m"
	rm -r "$PROJ/prisma/migrations/$m"
}

# stop_in_verify SIG: a stand-in CLI that leaves _prisma_migrations locked
cat >"$WORK/lock-history.sh" <<EOF
#!/bin/sh
# stand-in for the Prisma CLI: locks _prisma_migrations from a session
# outside its process group (setsid), then exits 0
setsid psql -X -q -d $DB -c 'BEGIN; LOCK TABLE _prisma_migrations IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60)' >/dev/null 2>&1 </dev/null &
echo \$! >"$WORK/locker.pid"
for i in \$(seq 1 100); do
	[ "\$(psql -X -At -d $DB -c "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = '_prisma_migrations' AND l.mode = 'AccessExclusiveLock' AND l.granted")" = 1 ] && exit 0
	sleep 0.1
done
exit 0
EOF
chmod +x "$WORK/lock-history.sh"
stop_in_verify() {
	local sig=$1 m=20240104000000_verify_$1
	add_migration "$PROJ" "$m" 'SELECT 1;\n'
	policy 30s "[sh, $WORK/lock-history.sh]"
	start "S-verify-$sig" deploy --format json --report "json=$WORK/S-verify-$sig.json"
	wait_for 30 "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'prisma-gate' AND wait_event_type = 'Lock'"
	kill -"$sig" "$BG"
	reap
	expect "S verify $sig: exit 5 (Prisma ran, not verified)" 5 "$RC" || show "$WORK/S-verify-$sig.err"
	expect "S verify $sig: report file: stage verify, stopped by SIG$sig" "verify SIG$sig" "$(jget "$WORK/S-verify-$sig.json" "r.deploy.stage + ' ' + r.deploy.stopped_by")"
	check "S verify $sig: ended well before deploy.timeout" test "$SECS" -lt 20
	expect "S verify $sig: the gate lock is released" 0 "$(gate_lock)"
	[ -f "$WORK/locker.pid" ] && kill "$(cat "$WORK/locker.pid")" 2>/dev/null
	q $DB "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%LOCK TABLE _prisma_migrations%' AND pid <> pg_backend_pid()" >/dev/null
	rm -r "$PROJ/prisma/migrations/$m"
	policy 2m
}

# stop_in_health SIG: nothing pending, a stand-in CLI, a slow health endpoint
stop_in_health() {
	local sig=$1
	policy 2m "[true]" "health:
  - name: slow
    url: http://127.0.0.1:$HPORT/slow?ms=30000
    expect_status: 200
    timeout: 40s
    retries: 0"
	start "S-health-$sig" deploy --format json --report "json=$WORK/S-health-$sig.json"
	sleep 2
	kill -"$sig" "$BG"
	reap
	expect "S health $sig: exit 5" 5 "$RC" || show "$WORK/S-health-$sig.err"
	expect "S health $sig: report file: stage health, stopped by SIG$sig" "health SIG$sig" "$(jget "$WORK/S-health-$sig.json" "r.deploy.stage + ' ' + r.deploy.stopped_by")"
	check "S health $sig: ended well before the health timeout" test "$SECS" -lt 15
	expect "S health $sig: the gate lock is released" 0 "$(gate_lock)"
	policy 2m
}

# nohup (and wrappers like it) start the suite with SIGHUP ignored: the gate
# keeps it ignored on purpose (src/stop.c), and a shell cannot undo an
# ignore it inherited, so the HUP cases are left out then, saying so
SIGS="TERM INT HUP"
hup_mask=$(awk '/^SigIgn:/ { print $2 }' /proc/$$/status 2>/dev/null)
if [ -n "$hup_mask" ] && [ $((0x$hup_mask & 1)) -eq 1 ]; then
	echo "# S: SIGHUP is ignored in this environment (nohup?): its cases are skipped (the gate keeps an inherited ignore)"
	SIGS="TERM INT"
fi
for sig in $SIGS; do
	stop_at_lock $sig
	stop_in_prisma $sig
	stop_in_verify $sig
	stop_in_health $sig
done
# SIGPIPE (a reader of the gate's output went away) is handled like SIGTERM
stop_at_lock PIPE

# --- K: a CLI that ignores SIGTERM, one that leaves a process holding its pipe ---
add_migration "$PROJ" 20240105000000_k 'SELECT 1;\n'
cat >"$WORK/ignore-term.sh" <<'EOF'
#!/bin/sh
trap '' TERM
echo "ignoring SIGTERM"
sleep 60
EOF
policy 2s "[sh, $WORK/ignore-term.sh]"
T0=$(date +%s)
gate K1 deploy --format json
SECS=$(($(date +%s) - T0))
expect "K: a CLI that ignores SIGTERM: exit 4" 4 "$RC" || show "$WORK/K1.err"
expect "K: ... it was killed after the grace period" "true true" "$(jget "$WORK/K1.out" "r.deploy.prisma.timed_out + ' ' + r.deploy.prisma.error_message.includes('then SIGKILL')")"
check "K: ... the gate ended within timeout + grace ($SECS s)" test "$SECS" -le 12
cat >"$WORK/leak-pipe.sh" <<EOF
#!/bin/sh
# a process outside the group (setsid) keeps stdout and stderr open
setsid sh -c 'echo \$\$ >"$WORK/leaked.pid"; exec sleep 60' &
sleep 60
EOF
policy 2s "[sh, $WORK/leak-pipe.sh]"
T0=$(date +%s)
gate K2 deploy --format json
SECS=$(($(date +%s) - T0))
[ -f "$WORK/leaked.pid" ] && LEFT_PIDS="$LEFT_PIDS $(cat "$WORK/leaked.pid")"
expect "K: a CLI whose leaked process holds the pipe: exit 4" 4 "$RC" || show "$WORK/K2.err"
check "K: ... the gate ended within timeout + bounded grace ($SECS s)" test "$SECS" -le 12
check "K: ... and said why it stopped reading" grep -q 'still held its output open' "$WORK/K2.err"
for p in $LEFT_PIDS; do kill "$p" 2>/dev/null; done
LEFT_PIDS=
printf '#!/bin/sh\necho "about to crash"\nkill -SEGV $$\n' >"$WORK/segv.sh"
policy 2m "[sh, $WORK/segv.sh]"
gate K3 deploy --format json
expect "K: a CLI killed by a signal: exit 4" 4 "$RC" || show "$WORK/K3.err"
expect "K: ... reported by the signal's name" "SIGSEGV signal" "$(jget "$WORK/K3.out" "r.deploy.prisma.signal + ' ' + r.deploy.prisma.error_code")"
check "K: ... stderr names it" grep -q 'killed by SIGSEGV' "$WORK/K3.err"
rm -r "$PROJ/prisma/migrations/20240105000000_k"

# --- M: a CLI that cannot start: exit 3, nothing changed, what to install ----------
add_migration "$PROJ" 20240106000000_m 'CREATE TABLE "M" ("x" INTEGER);\n'
printf '#!/bin/sh\necho never\n' >"$WORK/not-executable"
chmod -x "$WORK/not-executable"
m_case() { # NAME ARGV WHAT
	policy 2m "$2"
	gate "M-$1" deploy --format json
	expect "M: $3: exit 3" 3 "$RC" || show "$WORK/M-$1.err"
	expect "M: $3: could_not_start" true "$(jget "$WORK/M-$1.out" r.deploy.prisma.could_not_start)"
	check "M: $3: says what to install" grep -q 'npm install --save-dev prisma' "$WORK/M-$1.err"
	expect "M: $3: nothing applied" 0 "$(rows 20240106000000_m)"
}
m_case enoent "[$WORK/no-such-prisma]" "a CLI that does not exist (ENOENT)"
m_case eacces "[$WORK/not-executable]" "a CLI that is not executable"
m_case module "[node, $WORK/no-such-dir/index.js]" "node without the CLI's module"
m_case sh127 "[sh, -c, no-such-prisma-cli]" "a shell that cannot find the command (127)"
if command -v npx >/dev/null 2>&1; then
	m_case npx "[npx, --no-install, prisma]" "npx --no-install without prisma installed"
else
	ok "M: npx --no-install: skipped (npx not found)"
fi
# a real failure stays exit 4
policy 2m
add_migration "$PROJ" 20240106000001_bad 'SELECT 1/0;\n'
gate M-real deploy --format json
expect "M: a migration that fails in the database stays exit 4" 4 "$RC" || show "$WORK/M-real.err"
expect "M: ... and is not 'could not start'" false "$(jget "$WORK/M-real.out" r.deploy.prisma.could_not_start)"
clear_row 20240106000001_bad
rm -r "$PROJ/prisma/migrations/20240106000001_bad"
q $DB 'DROP TABLE IF EXISTS "M"' >/dev/null
clear_row 20240106000000_m

# --- W: an unwritable output is found before anything runs -----------------------
# (a regular file where a directory should be: unwritable even for root)
policy 2m
echo "not a directory" >"$WORK/blocker"
for w in "report:--report json=$WORK/blocker/r.json" "checklist:--checklist $WORK/blocker/c.md"; do
	name=${w%%:*}
	# shellcheck disable=SC2086 # the flag and its value
	gate "W-$name" deploy ${w#*:}
	expect "W: unwritable $name: exit 3" 3 "$RC" || show "$WORK/W-$name.err"
	check "W: unwritable $name: names the path" grep -q "$WORK/blocker" "$WORK/W-$name.err"
	expect "W: unwritable $name: nothing applied" 0 "$(rows 20240106000000_m)"
done
GITHUB_ACTIONS=true GITHUB_OUTPUT=$WORK/blocker/out gate W-gh deploy
expect "W: unwritable GITHUB_OUTPUT: exit 3" 3 "$RC" || show "$WORK/W-gh.err"
check "W: unwritable GITHUB_OUTPUT: names it" grep -q 'GITHUB_OUTPUT' "$WORK/W-gh.err"
expect "W: unwritable GITHUB_OUTPUT: nothing applied" 0 "$(rows 20240106000000_m)"
psql -X -q -d $DB -c "SELECT pg_advisory_lock($GATE_KEY); SELECT pg_sleep(30)" >/dev/null 2>&1 &
HOLDER=$!
wait_for 10 "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 1 AND granted"
T0=$(date +%s)
gate W-before deploy --report "json=$WORK/blocker/r.json"
SECS=$(($(date +%s) - T0))
expect "W: checked before the gate lock (no wait for it)" "3 no" "$RC $(grep -q 'holds the gate lock' "$WORK/W-before.err" && echo waited || echo no)"
kill "$HOLDER" 2>/dev/null
wait "$HOLDER" 2>/dev/null
q $DB "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_advisory_lock($GATE_KEY)%' AND pid <> pg_backend_pid()" >/dev/null
# a report that becomes unwritable while Prisma runs (the real CLI, then the
# report's directory replaced by a file): exit 5, never 3 once Prisma ran, and
# stdout says the same
mkdir -p "$WORK/late"
cat >"$WORK/then-break.sh" <<EOF
#!/bin/sh
node "$CLI" --config "$CONFIG" "\$@"
rc=\$?
rm -rf "$WORK/late"
echo "now a file" >"$WORK/late"
exit \$rc
EOF
policy 2m "[sh, $WORK/then-break.sh]"
gate W-late deploy --format json --report "json=$WORK/late/r.json"
expect "W: a report that fails after Prisma applied the migration: exit 5" 5 "$RC" || show "$WORK/W-late.err"
expect "W: ... the migration was applied" 1 "$(rows 20240106000000_m)"
expect "W: ... stdout says exit 5 too" 5 "$(jget "$WORK/W-late.out" r.exit_code)"

# --- P: PostgreSQL stopped mid-migration, then started again ----------------------
BIN=/usr/lib/postgresql/15/bin
[ -x "$BIN/pg_ctl" ] || BIN=$(dirname "$(command -v pg_ctl 2>/dev/null || echo /x/pg_ctl)")
AS=
[ "$(id -u)" = 0 ] && AS="runuser -u postgres --"
pgctl() { (cd "$PGDIR" && $AS "$BIN/pg_ctl" -D "$PGDIR/data" "$@") >/dev/null 2>&1; }
if [ -x "$BIN/pg_ctl" ]; then
	add_migration "$PROJ" 20240107000000_cut 'CREATE TABLE "Cut" ("x" INTEGER);\nSELECT pg_sleep(30);\n'
	policy 2m
	start P deploy --format json
	wait_for 30 "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()"
	# the cluster runs with synchronous_commit off: let the WAL writer flush
	# the history row Prisma committed before the crash
	sleep 1
	pgctl -m immediate -w stop
	sleep 3
	pgctl -l "$PGDIR/postgres.log" -w -t 60 start || not_ok "P: start PostgreSQL again"
	reap
	expect "P: exit 4" 4 "$RC" || show "$WORK/P.err"
	expect "P: the gate connected again" true "$(jget "$WORK/P.out" r.deploy.reconnected)"
	expect "P: names the failed migration" 20240107000000_cut "$(jget "$WORK/P.out" r.deploy.failed_migration)"
	check "P: guidance: resolve --rolled-back NAME" grep -q "migrate resolve --rolled-back '20240107000000_cut'" "$WORK/P.out"
	check "P: guidance: or --applied NAME" grep -q "migrate resolve --applied '20240107000000_cut'" "$WORK/P.out"
	check "P: guidance: P3009" grep -q 'P3009' "$WORK/P.out"
else
	ok "P: skipped (pg_ctl not found)"
fi

finish
