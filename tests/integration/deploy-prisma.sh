#!/bin/bash
# tests/integration/deploy-prisma.sh — `prisma-gate plan`, `approve` and
# `deploy` against a throwaway PostgreSQL 15 (ci/pg.sh), with the REAL
# Prisma CLI (ci/prisma.sh, run from the policy's project.prisma argv)
# and a real local HTTP server for the health checks
# (tests/integration/http-server.js).
#
# Every path: automatic deploy; refused without a token (checklist
# written, nothing applied); plain token; signed token; a token for a
# stale plan; expired and forged tokens; a plain token where a signed one
# is required; blocked risk; a failing migration (exit 4, guidance,
# `status` shows it failed); a health failure after a good deploy (exit
# 5); two deploys at once (one waits, nothing applied twice); SIGTERM
# during deploy (the child's process group is stopped, the report says
# so).
#
# Ends with "N passed, N failed"; skips when npm/node or PostgreSQL is missing.

# shellcheck source=tests/integration/status-lib.sh
. "$(dirname "$0")/status-lib.sh"

need_prisma
start_cluster
# the binary runs directly here too: without the harness's own URLs, as checked-gate.sh runs it
unset GATE_TEST_PG_URL GATE_TEST_PG_PW_URL
app_database
unset PRISMA_GATE_CONFIRM PRISMA_GATE_SECRET
PROJ=$WORK/proj
new_project "$PROJ"
CLI=$ROOT/tests/prisma/node_modules/prisma/build/index.js
CONFIG=$ROOT/tests/prisma/prisma.config.ts

# the HTTP server for the health checks
start_http_server 600
# shellcheck disable=SC2317 # called through trap
stop_server() { [ -z "$SERVER_PID" ] || kill "$SERVER_PID" 2>/dev/null; }
trap 'stop_server; cleanup' EXIT

# policy [EXTRA-YAML]: write $PROJ/prisma-gate.yml
policy() {
	cat >"$PROJ/prisma-gate.yml" <<EOF
version: 1
project:
  prisma: [node, $CLI, --config, $CONFIG]
deploy:
  auto_max_risk: medium
  confirm_max_risk: high
  timeout: 2m
$1
EOF
}
policy ""

rows() { q $DB "SELECT count(*) FROM _prisma_migrations WHERE migration_name = '$1'"; }
applied_rows() { q $DB "SELECT count(*) FROM _prisma_migrations WHERE migration_name = '$1' AND finished_at IS NOT NULL AND rolled_back_at IS NULL"; }
digest() { jget "$WORK/$1.out" 'r.plan.digest.slice(7)'; }

# --- A: plan and automatic deploy of a low-risk migration --------------------
add_migration "$PROJ" 20240101000000_init 'CREATE TABLE "User" ("id" SERIAL NOT NULL, "email" TEXT, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\n'
gate A-plan plan --format json
expect "A: plan exits 0 (automatic)" 0 "$RC"
expect "A: plan decision auto" auto "$(jget "$WORK/A-plan.out" r.plan.decision)"
expect "A: one pending migration" 20240101000000_init "$(jget "$WORK/A-plan.out" "r.migrations.map(m => m.name).join(' ')")"
check "A: digest is sha256" grep -q '"digest": "sha256:[0-9a-f]\{64\}"' "$WORK/A-plan.out"
gate A-md plan --format markdown
check "A: markdown plan has the digest" grep -qF 'Plan digest:** `sha256:' "$WORK/A-md.out"
gate A deploy --format json
expect "A: deploy exits 0" 0 "$RC" || show "$WORK/A.err"
expect "A: stage done" "done" "$(jget "$WORK/A.out" r.deploy.stage)"
expect "A: verified" true "$(jget "$WORK/A.out" r.deploy.verified)"
expect "A: applied once" 1 "$(applied_rows 20240101000000_init)"
expect "A: the summary's history starts with it" 20240101000000_init "$(jget "$WORK/A.out" "r.deploy.history[0].split(' ')[0]")"
check "A: Prisma's output streamed to stderr" grep -q 'All migrations have been successfully applied' "$WORK/A.err"
gate A-status status --format json
expect "A: status clean after deploy" 0 "$RC"
q $DB "INSERT INTO \"User\" (email) SELECT 'u' || g FROM generate_series(1, 2000) g; ANALYZE \"User\"" >/dev/null

# --- B: refused without a token ----------------------------------------------
add_migration "$PROJ" 20240102000000_rename 'ALTER TABLE "User" RENAME COLUMN "email" TO "mail";\n'
gate B-plan plan --format json
expect "B: plan exits 1 (needs a token)" 1 "$RC"
expect "B: requires confirmation" true "$(jget "$WORK/B-plan.out" r.plan.requires_confirmation)"
expect "B: live row estimate of User" 2000 "$(jget "$WORK/B-plan.out" "r.plan.tables.find(t => t.name === 'User').rows")"
D=$(digest B-plan)
gate B deploy --format json --checklist "$WORK/checklist.md"
expect "B: deploy without a token exits 1" 1 "$RC"
expect "B: token absent" absent "$(jget "$WORK/B.out" r.deploy.token.status)"
expect "B: nothing applied" 0 "$(rows 20240102000000_rename)"
expect "B: prisma not started" false "$(jget "$WORK/B.out" r.deploy.prisma.started)"
for h in '## Deploy later' '## Pre-deployment checks' '## Steps' '## Rollback notes' '## Post-deployment checks' '## Troubleshooting'; do
	check "B: checklist has '$h'" grep -q "^$h" "$WORK/checklist.md"
done
check "B: checklist names the plain token" grep -q "${D:0:16}" "$WORK/checklist.md"

# --- C: plain token --------------------------------------------------------------
gate C-wrong deploy --confirm 0123456789abcdef
expect "C: wrong plain token exits 1" 1 "$RC"
expect "C: nothing applied with a wrong token" 0 "$(rows 20240102000000_rename)"
gate C-short deploy --confirm "${D:0:8}"
expect "C: 8 hex digits are too short (exit 1)" 1 "$RC"
check "C: says malformed" grep -q 'malformed' "$WORK/C-short.err"
gate C deploy --format json --confirm "${D:0:12}"
expect "C: deploy with the plain token exits 0" 0 "$RC" || show "$WORK/C.err"
expect "C: token valid" valid "$(jget "$WORK/C.out" r.deploy.token.status)"
expect "C: applied once" 1 "$(applied_rows 20240102000000_rename)"

# --- D: signed tokens ------------------------------------------------------------
policy "  secret_env: PRISMA_GATE_SECRET"
export PRISMA_GATE_SECRET=test-secret-1
add_migration "$PROJ" 20240103000000_type 'ALTER TABLE "User" ALTER COLUMN "mail" TYPE VARCHAR(100);\n'
gate D-plan plan --format json
D=$(digest D-plan)
(cd "$PROJ" && "$GATE" approve) >"$WORK/D-token" 2>"$WORK/D-approve.err"
expect "D: approve exits 0" 0 "$?"
T=$(cat "$WORK/D-token")
check "D: approve prints a pgt1 token alone" grep -qx "pgt1\.$D\.[0-9]*\.[0-9a-f]\{64\}" "$WORK/D-token"
(cd "$PROJ" && "$GATE" approve --format json) >"$WORK/D-approve.json" 2>/dev/null
expect "D: approve --format json digest" "sha256:$D" "$(jget "$WORK/D-approve.json" r.digest)"
(cd "$PROJ" && "$GATE" approve --plan "$WORK/D-plan.out") >"$WORK/D-token2" 2>/dev/null
check "D: approve --plan FILE signs the file's digest" grep -q "^pgt1\.$D\." "$WORK/D-token2"
gate D-plain deploy --confirm "${D:0:16}"
expect "D: a plain token is refused when tokens must be signed" 1 "$RC"
check "D: says it must be signed" grep -q 'must be signed' "$WORK/D-plain.err"
PRISMA_GATE_SECRET=another-secret gate D-forged deploy --format json --confirm "$T"
expect "D: a token signed with another secret exits 1" 1 "$RC"
expect "D: forged" forged "$(jget "$WORK/D-forged.out" r.deploy.token.status)"
TAMPERED=$(printf '%s' "$T" | sed 's/\.\([0-9]*\)\./.9\1./')
gate D-tampered deploy --confirm "$TAMPERED"
expect "D: a token with a changed expiry is forged (exit 1)" 1 "$RC"
check "D: says forged" grep -q 'signature does not verify' "$WORK/D-tampered.err"
EXPIRED=$(node -e '
	const c = require("crypto");
	const body = "pgt1." + process.argv[1] + "." + (Math.floor(Date.now() / 1000) - 60);
	console.log(body + "." + c.createHmac("sha256", process.argv[2]).update(body).digest("hex"));
' "$D" "$PRISMA_GATE_SECRET")
gate D-expired deploy --format json --confirm "$EXPIRED"
expect "D: an expired token exits 1" 1 "$RC"
expect "D: expired" expired "$(jget "$WORK/D-expired.out" r.deploy.token.status)"
expect "D: nothing applied by refused tokens" 0 "$(rows 20240103000000_type)"
# a migration added after approval: the token is for a stale plan
add_migration "$PROJ" 20240103000001_more 'ALTER TABLE "User" ADD COLUMN "x" TEXT;\n'
PRISMA_GATE_CONFIRM=$T gate D-stale deploy --format json
expect "D: a token for a stale plan exits 1" 1 "$RC"
expect "D: stale" stale "$(jget "$WORK/D-stale.out" r.deploy.token.status)"
check "D: says another plan" grep -q 'approves another plan' "$WORK/D-stale.err"
expect "D: nothing applied for a stale token" "0 0" "$(rows 20240103000000_type) $(rows 20240103000001_more)"
T=$( (cd "$PROJ" && "$GATE" approve) 2>/dev/null)
PRISMA_GATE_CONFIRM=$T gate D deploy --format json
expect "D: the re-approved signed token deploys (exit 0)" 0 "$RC" || show "$WORK/D.err"
expect "D: token kind signed" signed "$(jget "$WORK/D.out" r.deploy.token.kind)"
expect "D: both applied once" "1 1" "$(applied_rows 20240103000000_type) $(applied_rows 20240103000001_more)"
unset PRISMA_GATE_SECRET
policy ""

# --- E: blocked risk ---------------------------------------------------------------
add_migration "$PROJ" 20240104000000_drop 'ALTER TABLE "User" DROP COLUMN "x";\n'
gate E-plan plan --format json
D=$(digest E-plan)
gate E deploy --format json --confirm "${D:0:16}"
expect "E: critical risk is blocked even with a token (exit 1)" 1 "$RC"
expect "E: decision blocked" blocked "$(jget "$WORK/E.out" r.plan.decision)"
expect "E: nothing applied" 0 "$(rows 20240104000000_drop)"
rm -r "$PROJ/prisma/migrations/20240104000000_drop"

# --- E2: lock findings on a large table are raised a level ---------------------------
add_migration "$PROJ" 20240104000001_index 'CREATE INDEX "User_mail_idx" ON "User"("mail");\n'
gate E2-small plan --format json
expect "E2: an index build on a small table stays medium (automatic)" "medium auto" "$(jget "$WORK/E2-small.out" "r.migrations[0].risk + ' ' + r.plan.decision")"
policy "risk:
  large_table_rows: 1000"
gate E2-large plan --format json
expect "E2: above risk.large_table_rows it is raised to high (needs a token)" "high confirm" "$(jget "$WORK/E2-large.out" "r.migrations[0].risk + ' ' + r.plan.decision")"
expect "E2: the table is marked large" true "$(jget "$WORK/E2-large.out" "r.plan.tables.find(t => t.name === 'User').large")"
check "E2: the finding says why" grep -q 'raised to high' "$WORK/E2-large.out"
check "E2: the policy is part of the digest" test "$(digest E2-small)" != "$(digest E2-large)"
policy ""
rm -r "$PROJ/prisma/migrations/20240104000001_index"

# --- F: a failing migration ---------------------------------------------------------
add_migration "$PROJ" 20240105000000_bad 'CREATE TABLE "T" ("x" INTEGER);\nSELECT 1/0;\n'
gate F deploy --format json
expect "F: a failing migration exits 4" 4 "$RC"
expect "F: failed migration named" 20240105000000_bad "$(jget "$WORK/F.out" r.deploy.failed_migration)"
check "F: guidance: resolve --rolled-back" grep -q "migrate resolve --rolled-back '20240105000000_bad'" "$WORK/F.out"
check "F: guidance: resolve --applied" grep -q "migrate resolve --applied '20240105000000_bad'" "$WORK/F.out"
gate F-status status --format json
expect "F: status then shows it failed" failed "$(state "$WORK/F-status.out" 20240105000000_bad)"
gate F-again deploy
expect "F: deploy refuses while it is failed (exit 1)" 1 "$RC"
check "F: says P3009" grep -q 'P3009' "$WORK/F-again.err"
prisma "$PROJ" "$WORK/F-resolve" migrate resolve --rolled-back 20240105000000_bad
add_migration "$PROJ" 20240105000000_bad 'CREATE TABLE "T" ("x" INTEGER);\n'

# --- F2: every Prisma error code maps to its recovery guidance (a stand-in CLI) ------
# The real CLI reaches these states only through set-ups the plan already refuses
# (P3005, P3009, P3019) or races (P1002); a stand-in prints what Prisma prints.
cat >"$WORK/fake-prisma.sh" <<'EOF_FAKE'
#!/bin/sh
# prints Prisma's error for $FAKE_CODE, exits 1
echo "1 migration found in prisma/migrations"
case $FAKE_CODE in
none) printf 'Error: something went wrong in the engine\n' ;;
*) printf 'Error: %s\n\nthe message of %s\n\n' "$FAKE_CODE" "$FAKE_CODE" ;;
esac
exit 1
EOF_FAKE
add_migration "$PROJ" 20240105000001_pending 'ALTER TABLE "User" ADD COLUMN "note" TEXT;\n'
cat >"$PROJ/prisma-gate.yml" <<EOF_POLICY
version: 1
project:
  prisma: [sh, $WORK/fake-prisma.sh]
EOF_POLICY
for pair in "P1002:advisory lock" "P3005:baseline" "P3009:blocks every deploy" "P3019:provider" \
	"P3018:failed to apply" "P3015:restore it from version control" \
	"P1017:server closed the connection" "none:without an error code"; do
	code=${pair%%:*}
	FAKE_CODE=$code gate "F2-$code" deploy --format json
	expect "F2: $code: exit 4" 4 "$RC"
	want=$code
	[ "$code" = none ] && want=engine
	expect "F2: $code: error code in the report" "$want" "$(jget "$WORK/F2-$code.out" r.deploy.prisma.error_code)"
	check "F2: $code: guidance mentions '${pair#*:}'" grep -q "${pair#*:}" "$WORK/F2-$code.out"
done
check "F2: P3005 guidance: migrate resolve --applied" grep -q 'migrate resolve --applied' "$WORK/F2-P3005.out"
# P1017 has a code: its guidance is the code's, never "without an error code"
check "F2: P1017: not called an error without a code" \
	test -z "$(grep 'without an error code' "$WORK/F2-P1017.out")"
expect "F2: nothing was applied by the stand-in" 0 "$(rows 20240105000001_pending)"
rm -r "$PROJ/prisma/migrations/20240105000001_pending"
policy ""

# --- G: health checks after a good deploy --------------------------------------------
policy "health:
  - name: api
    url: http://127.0.0.1:$HPORT/failing
    expect_status: 200
    timeout: 2s
    retries: 0"
gate G deploy --format json
expect "G: a failing health check after a good deploy exits 5" 5 "$RC" || show "$WORK/G.err"
expect "G: the migration is applied" 1 "$(applied_rows 20240105000000_bad)"
expect "G: verified before the health check" true "$(jget "$WORK/G.out" r.deploy.verified)"
expect "G: health result fail" fail "$(jget "$WORK/G.out" "(r.health[0] || {}).status")"
policy "health:
  - name: api
    url: http://127.0.0.1:$HPORT/healthy
    expect_status: 200
    expect_json: {database: {connected: true}}
    timeout: 2s"
gate G-ok deploy --format json
expect "G: nothing pending and healthy: exit 0" 0 "$RC" || show "$WORK/G-ok.err"
expect "G: health pass" pass "$(jget "$WORK/G-ok.out" "(r.health[0] || {}).status")"
policy "health:
  - name: flapping
    url: http://127.0.0.1:$HPORT/flapping?client=deploy-g&fail=2
    expect_status: 200
    timeout: 2s
    retries: 3
    backoff: 100ms
  - name: slow
    url: http://127.0.0.1:$HPORT/slow?ms=300
    expect_status: 200
    timeout: 2s"
gate G-flap deploy --format json
expect "G: a flapping endpoint that recovers within the retries passes (exit 0)" 0 "$RC" || show "$WORK/G-flap.err"
expect "G: it took 3 attempts; the slow one passed too" "3 pass" "$(jget "$WORK/G-flap.out" "r.health[0].attempts + ' ' + r.health[1].status")"
policy "health:
  - name: too-slow
    url: http://127.0.0.1:$HPORT/slow?ms=5000
    expect_status: 200
    timeout: 500ms
    retries: 0"
gate G-slow deploy --format json
expect "G: an endpoint slower than its timeout fails the deploy (exit 5)" 5 "$RC"
policy ""

# --- H: two deploys at once -----------------------------------------------------------
add_migration "$PROJ" 20240106000000_slow 'SELECT pg_sleep(3);\nALTER TABLE "T" ADD COLUMN "y" INTEGER;\n'
(cd "$PROJ" && "$GATE" deploy --format json) >"$WORK/H1.out" 2>"$WORK/H1.err" &
P1=$!
(cd "$PROJ" && "$GATE" deploy --format json) >"$WORK/H2.out" 2>"$WORK/H2.err" &
P2=$!
wait $P1
R1=$?
wait $P2
R2=$?
expect "H: both deploys succeed (one waits for the other)" "0 0" "$R1 $R2" || show "$WORK/H1.err" "$WORK/H2.err"
expect "H: the migration was applied exactly once" "1" "$(rows 20240106000000_slow)"
check "H: one of them waited for the gate lock" grep -q 'holds the gate lock' "$WORK/H1.err" "$WORK/H2.err"
expect "H: between them, one applied it" "20240106000000_slow" "$(jget "$WORK/H1.out" "r.deploy.applied.join(' ')")$(jget "$WORK/H2.out" "r.deploy.applied.join(' ')")"

# --- H2: the gate lock held too long: fail cleanly, nothing changed -----------------
add_migration "$PROJ" 20240106000001_after 'ALTER TABLE "T" ADD COLUMN "z" INTEGER;\n'
policy "  timeout: 1s" # deploy.timeout: also how long to wait for the gate lock
sed -i 's/^  timeout: 2m$//' "$PROJ/prisma-gate.yml"
psql -X -q -d $DB -c "SELECT pg_advisory_lock(7270736901); SELECT pg_sleep(8)" >/dev/null 2>&1 &
HOLDER=$!
for _ in $(seq 1 50); do
	[ "$(q $DB "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = (7270736901 % 4294967296)")" = 1 ] && break
	sleep 0.1
done
gate H2 deploy --format json
expect "H2: a deploy that cannot get the gate lock in time exits 3" 3 "$RC" || show "$WORK/H2.err"
check "H2: says another deploy holds the lock" grep -q 'held the gate lock for more than' "$WORK/H2.err"
expect "H2: nothing applied" 0 "$(rows 20240106000001_after)"
kill "$HOLDER" 2>/dev/null
wait "$HOLDER" 2>/dev/null
q $DB "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_advisory_lock(7270736901)%' AND pid <> pg_backend_pid()" >/dev/null
policy ""
gate H2-after deploy
expect "H2: once the lock is free, the deploy goes through" 0 "$RC" || show "$WORK/H2-after.err"

# --- I0: deploy.timeout stops a hanging prisma migrate deploy ------------------------------
add_migration "$PROJ" 20240106000002_hang 'SELECT pg_sleep(20);\n'
policy "  timeout: 3s"
sed -i 's/^  timeout: 2m$//' "$PROJ/prisma-gate.yml"
gate I0 deploy --format json
expect "I0: a deploy past deploy.timeout exits 4" 4 "$RC" || show "$WORK/I0.err"
expect "I0: the report says it timed out" "true timeout" "$(jget "$WORK/I0.out" "r.deploy.prisma.timed_out + ' ' + r.deploy.prisma.error_code")"
q $DB "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(20)%'" >/dev/null
sleep 0.5
prisma "$PROJ" "$WORK/I0-resolve" migrate resolve --rolled-back 20240106000002_hang
add_migration "$PROJ" 20240106000002_hang 'SELECT 1;\n' # fixed: deployed again below
policy ""

# --- I: SIGTERM during deploy ------------------------------------------------------------
add_migration "$PROJ" 20240107000000_sleepy 'SELECT pg_sleep(30);\n'
# the binary itself (not a wrapper script), so the signal reaches prisma-gate
(cd "$PROJ" && exec "${PRISMA_GATE_REAL:-$GATE}" deploy --format json) >"$WORK/I.out" 2>"$WORK/I.err" &
PI=$!
for _ in $(seq 1 300); do
	[ "$(q $DB "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(30)%'")" = 1 ] && break
	sleep 0.1
done
CHILD=$(pgrep -P "$PI" | head -1)
kill -TERM "$PI"
wait "$PI"
RI=$?
expect "I: SIGTERM during deploy exits 4" 4 "$RI"
expect "I: report says interrupted by SIGTERM" "true SIGTERM" "$(jget "$WORK/I.out" "r.deploy.prisma.interrupted + ' ' + r.deploy.prisma.interrupt_signal")"
# shellcheck disable=SC2016 # backquotes are literal text of the message
check "I: report names the process group" grep -q 'stopped `prisma migrate deploy` (process group' "$WORK/I.out"
if [ -n "$CHILD" ]; then
	sleep 0.5
	expect "I: the child's process group is gone" "" "$(pgrep -g "$CHILD")"
else
	not_ok "I: the Prisma CLI child was running when SIGTERM came"
fi
q $DB "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(30)%'" >/dev/null

finish
