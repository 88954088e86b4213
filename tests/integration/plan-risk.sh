#!/bin/bash
# tests/integration/plan-risk.sh — how `plan` and `deploy` rate risk against
# a throwaway PostgreSQL 15 (ci/pg.sh) with the REAL Prisma CLI
# (ci/prisma.sh):
#
#   S  a suppressed critical finding still counts toward the deploy
#      decision (blocked, deploy refuses even with a token) unless the
#      policy says deploy.honor_suppressions: true; plan shows the
#      suppressed finding and its reason in text, JSON and Markdown;
#      lint still honours the suppression.
#   N  tables created earlier in the plan, and tables the target holds
#      empty, soften findings; a table with rows keeps them; a table the
#      plan fills (INSERT ... SELECT) keeps them; large tables are raised.
#   C  a first deploy of real histories (../shared/corpus: hoppscotch,
#      formbricks) to an empty database is automatic within
#      auto_max_risk: medium, and deploys with the real Prisma CLI; the
#      same history over a database where a table holds rows keeps that
#      table's destructive finding.
#
# Ends with "N passed, N failed"; skips when npm/node or PostgreSQL is
# missing, and skips part C (saying so) when the corpus is absent.

# shellcheck source=tests/integration/status-lib.sh
. "$(dirname "$0")/status-lib.sh"

need_prisma
start_cluster
unset PRISMA_GATE_CONFIRM PRISMA_GATE_SECRET
CLI=$ROOT/tests/prisma/node_modules/prisma/build/index.js
CONFIG=$ROOT/tests/prisma/prisma.config.ts
CORPUS=${GATE_CORPUS:-$ROOT/../shared/corpus}

# policy DIR [EXTRA-YAML]: write DIR/prisma-gate.yml
policy() {
	cat >"$1/prisma-gate.yml" <<EOF
version: 1
project:
  prisma: [node, $CLI, --config, $CONFIG]
deploy:
  auto_max_risk: medium
  confirm_max_risk: high
  timeout: 5m
$2
EOF
}

# newdb NAME: a fresh database; sets DATABASE_URL and DB
newdb() {
	DATABASE_URL=$(createdb "$1") || {
		not_ok "createdb $1"
		finish
	}
	export DATABASE_URL
	DB=$1
}

applied_rows() { q "$DB" "SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL${1:+ AND migration_name = '$1'}"; }
digest() { jget "$WORK/$1.out" 'r.plan.digest.slice(7)'; }
# finding FILE RULE EXPR: EXPR over the first finding of RULE (bound to f)
finding() { jget "$1" "((f) => f ? ($3) : 'absent')(r.migrations.flatMap(m => m.findings).find(f => f.rule === '$2'))"; }

# --- S: a suppressed critical finding ---------------------------------------------
newdb supp
PROJ=$WORK/supp
new_project "$PROJ"
policy "$PROJ" ""
add_migration "$PROJ" 20240101000000_init 'CREATE TABLE "User" ("id" SERIAL NOT NULL, "email" TEXT, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\n'
gate S-init deploy
expect "S: the init migration deploys" 0 "$RC" || show "$WORK/S-init.err"
q "$DB" "INSERT INTO \"User\" (email) SELECT 'u' || g FROM generate_series(1, 20) g" >/dev/null
add_migration "$PROJ" 20240102000000_drop '-- prisma-gate-ignore-file ban-drop-column: the DBA <img src=x> signed it off\nALTER TABLE "User" DROP COLUMN "email";\n'
(cd "$PROJ" && "$GATE" lint --format json prisma/migrations) >"$WORK/S-lint.out" 2>"$WORK/S-lint.err"
expect "S: lint honours the suppression (exit 0)" 0 "$?"
gate S-plan plan --format json
expect "S: plan exits 1" 1 "$RC"
expect "S: the suppressed critical finding counts: blocked" blocked "$(jget "$WORK/S-plan.out" r.plan.decision)"
expect "S: the migration's risk for the decision is critical" critical "$(jget "$WORK/S-plan.out" r.migrations[0].risk)"
expect "S: the finding is marked suppressed, with its reason" "true the DBA <img src=x> signed it off" "$(finding "$WORK/S-plan.out" ban-drop-column "f.suppressed + ' ' + f.suppression_reason")"
expect "S: plan.suppressed_counted" 1 "$(jget "$WORK/S-plan.out" r.plan.suppressed_counted)"
expect "S: plan.honor_suppressions false" false "$(jget "$WORK/S-plan.out" r.plan.honor_suppressions)"
check "S: the reason says suppressed findings count" grep -q 'suppressed findings count' "$WORK/S-plan.out"
check "S: the canonical plan says suppressions are counted" grep -q 'suppressions counted' "$WORK/S-plan.out"
D=$(digest S-plan)
gate S-text plan
expect_has "S: text shows the suppression reason" "$WORK/S-text.out" "suppressed: the DBA <img src=x> signed it off (still counts toward the deploy decision)"
gate S-md plan --format markdown
expect_has "S: Markdown says suppressed findings count" "$WORK/S-md.out" "Suppressed findings still count toward this decision"
expect_has "S: Markdown shows the reason, escaped" "$WORK/S-md.out" "suppressed: the DBA &lt;img src=x&gt; signed it off"
expect_lacks "S: no raw HTML from the reason in Markdown" "$WORK/S-md.out" "<img src=x>"
gate S-gitlab plan --format gitlab
expect_has "S: GitLab keeps the counted suppressed finding, with its reason" "$WORK/S-gitlab.out" "[suppressed: the DBA <img src=x> signed it off; counts toward the deploy decision]"
gate S-sarif plan --format sarif
expect_has "S: SARIF carries the suppression and its reason" "$WORK/S-sarif.out" '"justification": "the DBA <img src=x> signed it off"'
gate S-github plan --format github
expect_has "S: a GitHub annotation for the counted suppressed finding" "$WORK/S-github.out" "suppressed: the DBA <img src=x> signed it off; counts toward the deploy decision"
gate S-junit plan --format junit
expect_has "S: JUnit shows the suppression reason" "$WORK/S-junit.out" "suppressed: the DBA &lt;img src=x&gt; signed it off"
gate S-deploy deploy --format json --confirm "${D:0:16}"
expect "S: deploy refuses even with a token (exit 1)" 1 "$RC"
expect "S: nothing applied" 0 "$(applied_rows 20240102000000_drop)"
policy "$PROJ" "  honor_suppressions: true"
gate S-honor plan --format json
expect "S: honored, the plan is automatic (exit 0)" "0 auto" "$RC $(jget "$WORK/S-honor.out" r.plan.decision)"
check "S: the policy setting changes the digest" test "$(digest S-honor)" != "$D"
gate S-honor-deploy deploy
expect "S: honored, deploy applies it (exit 0)" 0 "$RC" || show "$WORK/S-honor-deploy.err"
expect "S: applied once" 1 "$(applied_rows 20240102000000_drop)"
policy "$PROJ" "  honor_suppressions: yes"
gate S-bad plan
expect "S: a non-boolean honor_suppressions is a policy error (exit 2)" 2 "$RC"
check "S: the error names the key and its line" grep -q 'prisma-gate.yml:[0-9]*:[0-9]*:.*deploy.honor_suppressions must be true or false' "$WORK/S-bad.err"

# --- N: new, empty and filled tables ------------------------------------------------
newdb newt
PROJ=$WORK/newt
new_project "$PROJ"
policy "$PROJ" ""
add_migration "$PROJ" 20240101000000_init 'CREATE TABLE "User" ("id" SERIAL NOT NULL, "email" TEXT, "age" INTEGER, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\n'
add_migration "$PROJ" 20240102000000_drop 'ALTER TABLE "User" DROP COLUMN "email";\nALTER TABLE "User" ALTER COLUMN "age" TYPE BIGINT;\nCREATE INDEX "User_age_idx" ON "User"("age");\n'
gate N-new plan --format json
expect "N: a table created earlier in the plan: automatic (exit 0)" "0 auto low" "$RC $(jget "$WORK/N-new.out" "r.plan.decision + ' ' + r.plan.max_risk")"
expect "N: its drop column is rated low, lint says critical" "low critical" "$(finding "$WORK/N-new.out" ban-drop-column "f.risk + ' ' + f.lint_risk")"
check "N: the finding says why" grep -q 'table \\"User\\" is created earlier in this plan' "$WORK/N-new.out"
expect "N: the type change is rated low" low "$(finding "$WORK/N-new.out" changing-column-type f.risk)"
(cd "$PROJ" && "$GATE" lint --format json prisma/migrations) >"$WORK/N-lint.out" 2>/dev/null
expect "N: lint (no database) is unchanged: critical" critical "$(finding "$WORK/N-lint.out" ban-drop-column f.risk)"
# the table exists in the target and is empty
rm -r "$PROJ/prisma/migrations/20240102000000_drop"
gate N-init deploy
expect "N: init deployed" 0 "$RC"
add_migration "$PROJ" 20240102000000_drop 'ALTER TABLE "User" DROP COLUMN "email";\nCREATE INDEX "User_age_idx" ON "User"("age");\n'
gate N-empty plan --format json
expect "N: an empty target table: drop column rated high (needs a token)" "high confirm" "$(finding "$WORK/N-empty.out" ban-drop-column f.risk) $(jget "$WORK/N-empty.out" r.plan.decision)"
expect "N: the index build on the empty table is low" low "$(finding "$WORK/N-empty.out" require-concurrent-index-creation f.risk)"
expect "N: the table is reported empty" "true" "$(jget "$WORK/N-empty.out" "r.plan.tables.find(t => t.name === 'User').empty")"
check "N: the finding says the table is empty" grep -q "the target's \\\\\"User\\\\\" table is empty" "$WORK/N-empty.out"
DE=$(digest N-empty)
q "$DB" "ALTER TABLE \"User\" ENABLE ROW LEVEL SECURITY" >/dev/null
gate N-rls plan --format json
expect "N: row-level security on the table: not known empty, drop column keeps critical" critical "$(finding "$WORK/N-rls.out" ban-drop-column f.risk)"
q "$DB" "ALTER TABLE \"User\" DISABLE ROW LEVEL SECURITY" >/dev/null
q "$DB" "INSERT INTO \"User\" (email, age) VALUES ('a', 1)" >/dev/null
gate N-rows plan --format json
expect "N: one row: drop column keeps critical (blocked)" "critical blocked" "$(finding "$WORK/N-rows.out" ban-drop-column f.risk) $(jget "$WORK/N-rows.out" r.plan.decision)"
expect "N: one row: the index build keeps medium" medium "$(finding "$WORK/N-rows.out" require-concurrent-index-creation f.risk)"
check "N: the digest changes when the table gets a row" test "$(digest N-rows)" != "$DE"
# a stale estimate never makes a table empty: reltuples says 0, a row is there
q "$DB" "UPDATE pg_class SET reltuples = 0 WHERE relname = 'User'" >/dev/null
gate N-stale plan --format json
expect "N: reltuples 0 with a row: still critical" critical "$(finding "$WORK/N-stale.out" ban-drop-column f.risk)"
# large tables are still raised
q "$DB" "INSERT INTO \"User\" (email, age) SELECT 'u', g FROM generate_series(1, 200) g; ANALYZE \"User\"" >/dev/null
policy "$PROJ" "risk:
  large_table_rows: 100"
gate N-large plan --format json
expect "N: above risk.large_table_rows the index build is raised to high" "high medium" "$(finding "$WORK/N-large.out" require-concurrent-index-creation "f.risk + ' ' + f.lint_risk")"
add_migration "$PROJ" 20240102000001_code 'ALTER TABLE "User" ADD COLUMN "code" TEXT NOT NULL;\n'
gate N-required plan --format json
expect "N: 'fails if the table has rows' carries the live row count" true \
	"$(finding "$WORK/N-required.out" adding-required-field "/fails if the table has rows.*has about 201 rows now/.test(f.message)")" ||
	show "$WORK/N-required.out"
rm -r "$PROJ/prisma/migrations/20240102000001_code"
policy "$PROJ" ""
rm -r "$PROJ/prisma/migrations/20240102000000_drop"
# a table created in the plan, then filled from a table with rows: not new any more
add_migration "$PROJ" 20240103000000_copy 'CREATE TABLE "Copy" ("id" INTEGER NOT NULL, "email" TEXT);\n'
add_migration "$PROJ" 20240104000000_fill 'INSERT INTO "Copy" ("id", "email") SELECT "id", "email" FROM "User";\n'
add_migration "$PROJ" 20240105000000_dropcopy 'ALTER TABLE "Copy" DROP COLUMN "email";\n'
gate N-filled plan --format json
expect "N: a plan-created table filled by INSERT ... SELECT keeps critical" "critical blocked" "$(finding "$WORK/N-filled.out" ban-drop-column f.risk) $(jget "$WORK/N-filled.out" r.plan.decision)"
rm -r "$PROJ/prisma/migrations/20240104000000_fill"
gate N-unfilled plan --format json
expect "N: the same table without the INSERT is new: low" "low auto" "$(finding "$WORK/N-unfilled.out" ban-drop-column f.risk) $(jget "$WORK/N-unfilled.out" r.plan.decision)"
add_migration "$PROJ" 20240104000000_fill 'DO $$ BEGIN EXECUTE format('"'"'INSERT INTO %I SELECT 1, %L'"'"', '"'"'Copy'"'"', '"'"'x'"'"'); END $$;\n'
gate N-opaque plan --format json
expect "N: a DO block with computed SQL counts as filling every table: critical" critical "$(finding "$WORK/N-opaque.out" ban-drop-column f.risk)"

# Prisma's enum swap retypes a new table and a table with rows: the one finding
# names the new table first, and must keep its risk for the other
newdb enumt
PROJ=$WORK/enumt
new_project "$PROJ"
policy "$PROJ" ""
add_migration "$PROJ" 20240101000000_init 'CREATE TYPE "Role" AS ENUM ('"'"'a'"'"', '"'"'b'"'"');
CREATE TABLE "User" ("id" INTEGER NOT NULL, "role" "Role");
'
gate E-init deploy
expect "N: enum init deployed" 0 "$RC" || show "$WORK/E-init.err"
q "$DB" "INSERT INTO \"User\" VALUES (1, 'b')" >/dev/null
add_migration "$PROJ" 20240102000000_fresh 'CREATE TABLE "Fresh" ("id" INTEGER NOT NULL, "role" "Role");
'
add_migration "$PROJ" 20240103000000_swap 'BEGIN;
CREATE TYPE "Role_new" AS ENUM ('"'"'a'"'"');
ALTER TABLE "Fresh" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");
ALTER TABLE "User" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");
ALTER TYPE "Role" RENAME TO "Role_old";
ALTER TYPE "Role_new" RENAME TO "Role";
DROP TYPE "Role_old";
COMMIT;
'
gate E-swap plan --format json
expect "N: an enum swap over a new table and a table with rows keeps high" "high Fresh" "$(finding "$WORK/E-swap.out" enum-value-removal "f.risk + ' ' + f.table")"

# the table of an index in another schema is not guessed into the target's schema
newdb schem
PROJ=$WORK/schem
new_project "$PROJ"
policy "$PROJ" ""
add_migration "$PROJ" 20240101000000_init 'CREATE SCHEMA "audit";
CREATE TABLE "audit"."Log" ("id" INTEGER NOT NULL, "at" TEXT);
CREATE INDEX "Log_at_idx" ON "audit"."Log"("at");
'
gate A-init deploy
expect "N: audit schema deployed" 0 "$RC" || show "$WORK/A-init.err"
q "$DB" "INSERT INTO audit.\"Log\" VALUES (1, 'x')" >/dev/null
add_migration "$PROJ" 20240102000000_dropidx 'DROP INDEX "audit"."Log_at_idx";
'
gate A-drop plan --format json
expect "N: dropping an index of audit.Log (rows) keeps medium" medium "$(finding "$WORK/A-drop.out" require-concurrent-index-deletion f.risk)"

# --- C: first deploy of real histories -----------------------------------------------
if [ ! -d "$CORPUS/hoppscotch__hoppscotch/migrations" ] || [ ! -d "$CORPUS/formbricks__formbricks/migrations" ]; then
	finish "part C: corpus $CORPUS not found (it is only present in CI)"
fi

# corpus_project NAME DIR [LAST]: a project with the corpus history NAME (up to and
# including migration LAST when given), the fixture's schema
corpus_project() {
	local m
	rm -rf "$2"
	new_project "$2"
	policy "$2" ""
	for m in "$CORPUS/$1/migrations"/*/; do
		m=${m%/}
		cp -r "$m" "$2/prisma/migrations/"
		[ -n "${3:-}" ] && [ "$(basename "$m")" = "$3" ] && break
	done
	return 0
}

# hoppscotch: the whole history on an empty database
newdb hop
PROJ=$WORK/hop
corpus_project hoppscotch__hoppscotch "$PROJ"
N=$(find "$PROJ/prisma/migrations" -mindepth 1 -maxdepth 1 -type d | wc -l)
gate C-hop-plan plan --format json
expect "C: hoppscotch on an empty database: automatic (exit 0)" "0 auto" "$RC $(jget "$WORK/C-hop-plan.out" r.plan.decision)"
expect "C: hoppscotch: every migration pending" "$N" "$(jget "$WORK/C-hop-plan.out" r.plan.pending)"
expect "C: hoppscotch: drop column of a table the plan creates is low" "low critical" "$(finding "$WORK/C-hop-plan.out" ban-drop-column "f.risk + ' ' + f.lint_risk")"
gate C-hop deploy --format json
expect "C: hoppscotch: deploy with the real Prisma CLI exits 0" 0 "$RC" || show "$WORK/C-hop.err"
expect "C: hoppscotch: every migration applied" "$N" "$(applied_rows)"
expect "C: hoppscotch: verified" true "$(jget "$WORK/C-hop.out" r.deploy.verified)"

# hoppscotch over a database whose InfraConfig holds a row: that drop keeps its risk
newdb hoprows
PROJ=$WORK/hoprows
corpus_project hoppscotch__hoppscotch "$PROJ" 20240726121956_infra_token
gate C-rows-prefix deploy
expect "C: hoppscotch prefix (10 migrations) deployed" 0 "$RC" || show "$WORK/C-rows-prefix.err"
corpus_project hoppscotch__hoppscotch "$PROJ"
gate C-empty plan --format json
expect "C: InfraConfig empty: its drop column is rated high (needs a token)" "high confirm" "$(finding "$WORK/C-empty.out" ban-drop-column f.risk) $(jget "$WORK/C-empty.out" r.plan.decision)"
q "$DB" "INSERT INTO \"InfraConfig\" (id, name, value, active, \"updatedOn\") VALUES ('x', 'x', 'x', true, now())" >/dev/null
gate C-rows plan --format json
expect "C: InfraConfig with a row: its drop column keeps critical (blocked)" "critical blocked" "$(finding "$WORK/C-rows.out" ban-drop-column f.risk) $(jget "$WORK/C-rows.out" r.plan.decision)"
expect "C: a type change on an empty target table stays high (the running release uses it)" high "$(finding "$WORK/C-rows.out" changing-column-type f.risk)"

# formbricks: the whole history plans automatic; the prefix plain PostgreSQL 15 can
# apply deploys (20241017124431_add_documents_and_insights needs the pgvector
# extension "vector", which a plain PostgreSQL 15 does not ship)
newdb fb
PROJ=$WORK/fb
corpus_project formbricks__formbricks "$PROJ"
N=$(find "$PROJ/prisma/migrations" -mindepth 1 -maxdepth 1 -type d | wc -l)
gate C-fb-plan plan --format json
expect "C: formbricks on an empty database: automatic (exit 0)" "0 auto" "$RC $(jget "$WORK/C-fb-plan.out" r.plan.decision)"
expect "C: formbricks: every migration pending" "$N" "$(jget "$WORK/C-fb-plan.out" r.plan.pending)"
expect "C: formbricks: drop table of a table the plan creates is low" "low critical" "$(finding "$WORK/C-fb-plan.out" ban-drop-table "f.risk + ' ' + f.lint_risk")"
corpus_project formbricks__formbricks "$PROJ" 20241010133706_xm_user_identification
N=$(find "$PROJ/prisma/migrations" -mindepth 1 -maxdepth 1 -type d | wc -l)
gate C-fb deploy --format json
expect "C: formbricks prefix: deploy with the real Prisma CLI exits 0" 0 "$RC" || show "$WORK/C-fb.err"
expect "C: formbricks prefix: every migration applied" "$N" "$(applied_rows)"

finish
