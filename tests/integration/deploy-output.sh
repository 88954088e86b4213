#!/bin/bash
# tests/integration/deploy-output.sh — what `prisma-gate deploy` tells a
# person, against a throwaway PostgreSQL 15, the REAL Prisma CLI and a real
# local HTTP server (tests/integration/http-server.js):
#   - each health check's result (name, URL - the policy refuses one with
#     credentials -, HTTP status, attempts, the expectation that failed) in
#     the text and Markdown reports, the step summary, and `health`'s
#     Markdown;
#   - the header is a sentence saying how the deploy ended;
#   - a refusal's reason is printed once on stderr and once per report;
#   - -q streams none of Prisma's output, the JSON report keeps it;
#   - a failed migration: Prisma's whole error (not its first line), and
#     the objects its own COMMIT left behind.
#
# Ends with "N passed, N failed"; skips when npm/node or PostgreSQL is missing.

# shellcheck source=tests/integration/status-lib.sh
. "$(dirname "$0")/status-lib.sh"

need_prisma
start_cluster
app_database
unset PRISMA_GATE_CONFIRM PRISMA_GATE_SECRET GITHUB_ACTIONS GITHUB_STEP_SUMMARY
PROJ=$WORK/proj
new_project "$PROJ"
CLI=$ROOT/tests/prisma/node_modules/prisma/build/index.js
CONFIG=$ROOT/tests/prisma/prisma.config.ts

start_http_server 600
# shellcheck disable=SC2317 # called through trap
stop_server() { [ -z "$SERVER_PID" ] || kill "$SERVER_PID" 2>/dev/null; }
trap 'stop_server; cleanup' EXIT

# policy [EXTRA-YAML]: write $PROJ/prisma-gate.yml
policy() {
	cat >"$PROJ/prisma-gate.yml" <<EOF2
version: 1
project:
  prisma: [node, $CLI, --config, $CONFIG]
deploy:
  auto_max_risk: medium
  confirm_max_risk: high
  timeout: 2m
$1
EOF2
}
policy ""

# --- Q: -q streams nothing of Prisma's output; the report keeps it -------------
add_migration "$PROJ" 20240101000000_init 'CREATE TABLE "User" ("id" SERIAL NOT NULL, "email" TEXT, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\n'
gate Q deploy -q --format json
expect "Q: deploy -q exits 0" 0 "$RC" || show "$WORK/Q.err"
expect_lacks "Q: no Prisma banner on stderr" "$WORK/Q.err" "Prisma schema loaded"
expect_lacks "Q: no Prisma result on stderr" "$WORK/Q.err" "successfully applied"
expect "Q: the report keeps Prisma's output" true \
	"$(jget "$WORK/Q.out" "/successfully applied/.test(r.deploy.prisma.output_tail || '')")"

# --- R: a refusal's reason, once ----------------------------------------------
add_migration "$PROJ" 20240102000000_rename 'ALTER TABLE "User" RENAME COLUMN "email" TO "mail";\n'
gate R deploy
expect "R: refused without a token (exit 1)" 1 "$RC"
expect "R: the report gives the reason once" 1 "$(grep -c 'no confirmation token' "$WORK/R.out")" ||
	show "$WORK/R.out"
expect "R: stderr gives the reason once" 1 "$(grep -c 'no confirmation token' "$WORK/R.err")" ||
	show "$WORK/R.err"
gate R-md deploy --format markdown
expect "R: the Markdown report gives the reason once" 1 "$(grep -c 'no confirmation token' "$WORK/R-md.out")" ||
	show "$WORK/R-md.out"
expect_has "R: the header says it was refused" "$WORK/R.out" "Deploy refused"
rm -r "$PROJ/prisma/migrations/20240102000000_rename"

# --- H: health results in text and Markdown -------------------------------------
policy "health:
  - name: api
    url: http://127.0.0.1:$HPORT/failing
    expect_status: 200
    timeout: 2s
    retries: 1
    backoff: 100ms
  - name: ok
    url: http://127.0.0.1:$HPORT/healthy
    expect_status: 200
    timeout: 2s"
gate H deploy
expect "H: a failing health check exits 5" 5 "$RC" || show "$WORK/H.err"
expect_has "H: the header is a sentence" "$WORK/H.out" "Deploy failed: a health check failed"
expect_has "H: the failing check, its URL, status and attempts" "$WORK/H.out" \
	"fail  api: GET 'http://127.0.0.1:$HPORT/failing': HTTP 500, expected 200"
expect_has "H: the attempts" "$WORK/H.out" '{"status":"unhealthy"} (after 2 attempts)'
expect_has "H: the passing check" "$WORK/H.out" "pass  ok: GET 'http://127.0.0.1:$HPORT/healthy': HTTP 200 as expected"
gate H-md deploy --format markdown
expect_has "H: Markdown header" "$WORK/H-md.out" "### Deploy failed: a health check failed"
expect_has "H: Markdown health row" "$WORK/H-md.out" \
	"| fail | api | \`http://127.0.0.1:$HPORT/failing\` | 500 | 2 | HTTP 500, expected 200"
SUMMARY=$WORK/summary.md
: >"$SUMMARY"
(cd "$PROJ" && GITHUB_ACTIONS=true GITHUB_STEP_SUMMARY=$SUMMARY "$GATE" deploy) >"$WORK/H-gh.out" 2>"$WORK/H-gh.err"
expect_has "H: the step summary has the health row" "$SUMMARY" "| fail | api |"
gate H-health health --format markdown
expect_has "H: health's Markdown has the table too" "$WORK/H-health.out" \
	"| fail | api | \`http://127.0.0.1:$HPORT/failing\` | 500 | 2 | HTTP 500, expected 200"
policy "health:
  - name: json
    url: http://127.0.0.1:$HPORT/failing
    expect_status: 500
    expect_json: {status: healthy}
    timeout: 2s
    retries: 0"
gate H-json deploy
expect_has "H: which expectation failed" "$WORK/H-json.out" 'status is "unhealthy", expected "healthy"'
policy ""

# --- F: a failing migration: Prisma's whole error, what its own COMMIT left ------
cat >"$PROJ/prisma-gate.yml" <<EOF2
version: 1
project:
  prisma: [node, $CLI, --config, $CONFIG]
deploy:
  auto_max_risk: critical
  confirm_max_risk: critical
  timeout: 2m
EOF2
add_migration "$PROJ" 20240103000000_tag 'CREATE TABLE "Tag" ("id" INTEGER NOT NULL);\nCREATE INDEX "Tag_id_idx" ON "Tag"("id");\nCOMMIT;\nCREATE TABLE "Later" ("id" INTEGER);\nALTER TABLE "Nope" ADD COLUMN "x" INTEGER;\n'
gate F deploy --report "json=$WORK/F.json"
expect "F: the failed migration exits 4" 4 "$RC" || show "$WORK/F.err"
expect "F: the message quotes Prisma's cause, not only its first line" true \
	"$(jget "$WORK/F.json" "/external connector error/.test(r.deploy.prisma.error_message) && /Nope/.test(r.deploy.prisma.error_message)")" ||
	show "$WORK/F.json"
expect "F: the message stops before the engine's span trace" false \
	"$(jget "$WORK/F.json" "/sql_schema_connector/.test(r.deploy.prisma.error_message)")"
expect_has "F: the text report names what the COMMIT left" "$WORK/F.out" \
	'left behind by its own COMMIT: table "Tag", index "Tag_id_idx"'
expect_lacks "F: not what ran after the COMMIT" "$WORK/F.out" '"Later"'
gate F-plan plan
expect_has "F: plan's next step runs the policy's Prisma command" "$WORK/F-plan.out" \
	"run \`node $CLI --config $CONFIG migrate resolve --rolled-back"
expect "F: Tag is really there" t "$(q "$DATABASE_URL" "SELECT to_regclass('\"Tag\"') IS NOT NULL")"
rm -r "$PROJ/prisma/migrations/20240103000000_tag"
policy ""

# --- C: a database that cannot be reached ---------------------------------------
(cd "$PROJ" && DATABASE_URL=postgresql://u@127.0.0.1:1/app "$GATE" deploy) >"$WORK/C.out" 2>"$WORK/C.err"
expect "C: unreachable database exits 3" 3 "$?"
cat "$WORK/C.out" "$WORK/C.err" >"$WORK/C.all"
expect_has "C: says it could not connect" "$WORK/C.all" "could not connect to the database"

finish
