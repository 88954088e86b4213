#!/bin/bash
# tests/integration/check-git.sh — `prisma-gate check` on real git
# repositories built here: every repository check passing and failing
# (uncommitted schema, untracked/staged/ignored migrations, edited, renamed
# and deleted migrations, out-of-order migrations after a merge, schema
# without migration and the reverse, migration_lock.toml, generated client),
# linting only what the change adds (history replayed from the base), the
# impact report, exit codes. Secrets: see check-secrets.sh; base selection,
# shallow clones and detached HEAD: check-base.sh; monorepos: check-monorepo.sh.
#
# Usage: tests/integration/check-git.sh   (PRISMA_GATE=path/to/prisma-gate)

# shellcheck source=tests/integration/check-lib.sh
. "$(dirname "$0")/check-lib.sh"

new_repo "$W/tpl"

# clone NAME: a fresh clone of the template (origin/main, origin/HEAD) on
# branch feature; prints its path
clone() {
	git clone -q "$W/tpl" "$W/$1"
	(cd "$W/$1" && git checkout -q -b feature)
	echo "$W/$1"
}

ADD_LOCATION='-- AlterTable
ALTER TABLE "events" ADD COLUMN     "location" TEXT;
'

# ---------------------------------------------------------------- clean change
R=$(clone clean)
cd "$R" || exit 1
write_schema prisma '  location  String?'
add_migration . 20240201000000_add_event_location_field "$ADD_LOCATION"
commit_all . "add location"
gate clean check --format json
expect "clean change: exit 0" 0 "$RC"
expect "clean change: verdict pass" pass "$(jget "$W/clean.out" r.verdict)"
for id in git.repository git.base git.uncommitted-schema git.untracked-migrations \
	git.edited-migrations git.out-of-order-migrations git.schema-without-migration \
	prisma.migration-lock git.committed-secrets; do
	expect "clean change: $id passes" pass "$(statuses clean $id)"
done
expect "clean change: no generated client: client-sync skipped" skip "$(statuses clean prisma.client-sync)"
expect "clean change: base is origin/main" origin/main "$(jget "$W/clean.out" r.change.base.ref)"
expect "clean change: counts" "1 1 0 0" "$(jget "$W/clean.out" "[r.change.base_migrations, r.change.added, r.change.edited, r.change.deleted].join(' ')")"
expect "clean change: only the new migration is linted" 20240201000000_add_event_location_field "$(names clean)"
M=20240201000000_add_event_location_field
expect "impact: change added" added "$(impact clean $M i.change)"
expect "impact: table mapped back to the model (@@map)" Event "$(impact clean $M "i.models.join(',')")"
expect "impact: field" Event.location "$(impact clean $M "i.fields.join(',')")"
expect "impact: action" add-column "$(impact clean $M "i.changes[0].action")"
expect "impact: not breaking" false "$(impact clean $M i.breaking)"
expect "impact: no data migration" false "$(impact clean $M i.data_migration)"
expect "impact: suggested name (Prisma style)" add_event_location_field "$(impact clean $M i.suggested_name)"
expect "impact: the name is descriptive" true "$(impact clean $M i.descriptive_name)"
expect "clean change: migration state pending" pending "$(jget "$W/clean.out" "r.migrations[0].state")"
expect "clean change: checksum" "$(sha256sum prisma/migrations/$M/migration.sql | cut -c1-64)" \
	"$(jget "$W/clean.out" "r.migrations[0].checksum")"
gate clean-text check
expect "text report: exit 0" 0 "$RC"
expect_has "text report: detected changes" "$W/clean-text.out" "Detected changes:"
expect_has "text report: field with its column" "$W/clean-text.out" 'Event.location  (table "events", column "location")'
expect_has "text report: impact" "$W/clean-text.out" "breaking change: no"
expect_has "text report: suggested name" "$W/clean-text.out" "suggested name: add_event_location_field"
expect_has "text report: verdict" "$W/clean-text.out" "gate open:"

# a comment-only schema change needs no migration
R=$(clone comment)
cd "$R" || exit 1
sed -i 's|/// An event people join|/// An event people join (and pay for)\n// layout only|' prisma/schema.prisma
sed -i 's/  title     String   @map("event_title")/  title String @map("event_title")/' prisma/schema.prisma
commit_all . "comment"
gate comment check --format json
expect "comment and layout change only: schema-without-migration passes" pass "$(statuses comment git.schema-without-migration)"
expect "comment and layout change only: exit 0" 0 "$RC"

# ------------------------------------------------------------ uncommitted schema
R=$(clone uncommitted)
cd "$R" || exit 1
write_schema prisma '  location  String?'
gate uncommitted check --format json
expect "uncommitted schema: fails" fail "$(statuses uncommitted git.uncommitted-schema)"
expect "uncommitted schema: exit 1" 1 "$RC"
expect_has "uncommitted schema: names the file" "$W/uncommitted.out" "prisma/schema.prisma: modified, not committed"
gate uncommitted-text check --no-color
expect_has "uncommitted schema: text states in lower case, as every command" "$W/uncommitted-text.out" "  fail  git.uncommitted-schema"
git add prisma/schema.prisma
gate staged check --format json
expect "staged schema: still fails" fail "$(statuses staged git.uncommitted-schema)"
expect_has "staged schema: says staged" "$W/staged.out" "staged, not committed"

# ---------------------------------------------------------- untracked migrations
R=$(clone untracked)
cd "$R" || exit 1
write_schema prisma '  location  String?'
commit_all . "schema"
add_migration . 20240201000000_add_event_location_field "$ADD_LOCATION"
gate untracked check --format json
expect "untracked migration: fails" fail "$(statuses untracked git.untracked-migrations)"
expect "untracked migration: exit 1" 1 "$RC"
expect_has "untracked migration: named" "$W/untracked.out" "migration 20240201000000_add_event_location_field: untracked"
git add prisma/migrations
gate staged-mig check --format json
expect "staged migration: fails" fail "$(statuses staged-mig git.untracked-migrations)"
expect_has "staged migration: says staged" "$W/staged-mig.out" "staged but not committed"
git commit -q -m mig
gate committed-mig check --format json
expect "committed migration: passes" pass "$(statuses committed-mig git.untracked-migrations)"
# a migration .gitignore hides: applied locally, never deployed
printf 'prisma/migrations/2024030*\n' >>.gitignore
git add .gitignore && git commit -q -m ignore
add_migration . 20240301000000_add_event_capacity "-- AlterTable
ALTER TABLE \"events\" ADD COLUMN     \"capacity\" INTEGER;
"
gate ignored check --format json
expect "ignored migration: fails" fail "$(statuses ignored git.untracked-migrations)"
expect_has "ignored migration: says ignored" "$W/ignored.out" "ignored by .gitignore"
rm -rf prisma/migrations/20240301000000_add_event_capacity
# an unrelated untracked file in the migrations folder is not a migration
printf 'notes\n' >prisma/migrations/README.md
gate readme check --format json
expect "untracked non-migration file: passes" pass "$(statuses readme git.untracked-migrations)"
rm prisma/migrations/README.md

# ------------------------------------------------------------ edited migrations
R=$(clone edited)
cd "$R" || exit 1
printf -- '-- a comment added later\n' >>prisma/migrations/20240101000000_init/migration.sql
commit_all . "edit init"
gate edited check --format json
expect "edited migration: fails" fail "$(statuses edited git.edited-migrations)"
expect "edited migration: exit 1" 1 "$RC"
expect_has "edited migration: says how to restore" "$W/edited.out" "git checkout"
expect "edited migration: counted" 1 "$(jget "$W/edited.out" r.change.edited)"
expect "edited migration: linted as modified" modified "$(jget "$W/edited.out" "(r.migrations.find(m => m.name === '20240101000000_init') || {}).state")"
expect "edited migration: impact change edited" edited "$(impact edited 20240101000000_init i.change)"

R=$(clone edited-uncommitted)
cd "$R" || exit 1
printf -- '-- edited, not committed\n' >>prisma/migrations/20240101000000_init/migration.sql
gate edited-wt check --format json
expect "edited, not committed: edited-migrations fails" fail "$(statuses edited-wt git.edited-migrations)"
expect "edited, not committed: untracked-migrations fails too" fail "$(statuses edited-wt git.untracked-migrations)"

R=$(clone deleted)
cd "$R" || exit 1
git rm -q -r prisma/migrations/20240101000000_init
git commit -q -m "drop init"
gate deleted check --format json
expect "deleted migration: fails" fail "$(statuses deleted git.edited-migrations)"
expect_has "deleted migration: says deletes" "$W/deleted.out" "this change deletes it"
expect "deleted migration: counted" 1 "$(jget "$W/deleted.out" r.change.deleted)"

R=$(clone renamed)
cd "$R" || exit 1
git mv prisma/migrations/20240101000000_init prisma/migrations/20240101000000_initial
git commit -q -m "rename"
gate renamed check --format json
expect "renamed migration: fails" fail "$(statuses renamed git.edited-migrations)"
expect_has "renamed migration: names both" "$W/renamed.out" "renames it to 20240101000000_initial"
expect "renamed migration: not out of order, not a schema-less migration" "pass pass" \
	"$(statuses renamed git.out-of-order-migrations) $(statuses renamed git.schema-without-migration)"

# --------------------------------------------------- out of order, after a merge
R=$(clone order)
cd "$R" || exit 1
write_schema prisma '  location  String?'
add_migration . 20240201000000_add_event_location_field "$ADD_LOCATION"
commit_all . "feature migration"
# meanwhile main merged a newer migration
(
	cd "$W/tpl" || exit 1
	git checkout -q -b other
	add_migration . 20240301000000_add_participant_email "-- AlterTable
ALTER TABLE \"Participant\" ADD COLUMN     \"email\" TEXT;
"
	sed -i 's/  name    String/  name    String\n  email   String?/' prisma/schema.prisma
	git add -A && git commit -q -m email
	git checkout -q main && git merge -q --no-ff -m "merge other" other
)
git fetch -q origin
git merge -q --no-edit origin/main >/dev/null
gate order check --format json
expect "merged main: base is origin/main's tip" "$(git rev-parse origin/main)" "$(jget "$W/order.out" r.change.base.commit)"
expect "merged main: main's migration is on the base, not added" "2 1" "$(jget "$W/order.out" "[r.change.base_migrations, r.change.added].join(' ')")"
expect "out of order: warns" warn "$(statuses order git.out-of-order-migrations)"
expect_has "out of order: names the newest on the base" "$W/order.out" "sorts before 20240301000000_add_participant_email"
expect "out of order is a warning: exit 0" 0 "$RC"
expect "out of order: only the feature's migration is linted" 20240201000000_add_event_location_field "$(names order)"
git mv prisma/migrations/20240201000000_add_event_location_field prisma/migrations/20240401000000_add_event_location_field
git commit -q -m "renumber"
gate order2 check --format json
expect "renumbered after the base: in order" pass "$(statuses order2 git.out-of-order-migrations)"
# undo the template's extra migration for the scenarios below
(cd "$W/tpl" && git reset -q --hard HEAD~1 && git branch -q -D other)

# ------------------------------------------------------ schema without migration
R=$(clone nomig)
cd "$R" || exit 1
write_schema prisma '  location  String?'
commit_all . "schema only"
gate nomig check --format json
expect "schema changed, no migration: fails" fail "$(statuses nomig git.schema-without-migration)"
expect "schema changed, no migration: exit 1" 1 "$RC"
expect_has "schema changed, no migration: names the model" "$W/nomig.out" "Event (changed)"
expect_has "schema changed, no migration: says what to run" "$W/nomig.out" "prisma migrate dev"

R=$(clone sqlonly)
cd "$R" || exit 1
add_migration . 20240201000000_backfill_titles "UPDATE \"events\" SET \"event_title\" = trim(\"event_title\") WHERE \"event_title\" <> trim(\"event_title\");
"
commit_all . "data migration"
gate sqlonly check --format json
expect "migration without schema change: warns" warn "$(statuses sqlonly git.schema-without-migration)"
expect "migration without schema change: exit 0" 0 "$RC"
expect "data migration: impact names the model" Event "$(impact sqlonly 20240201000000_backfill_titles "i.models.join(',')")"
expect "data migration: suggested name" backfill_event_data "$(impact sqlonly 20240201000000_backfill_titles i.suggested_name)"

# a db push project (no migrations directory anywhere): nothing to pair with
mkdir -p "$W/push"
cd "$W/push" || exit 1
git init -q -b main .
write_schema prisma
commit_all . "db push project"
git checkout -q -b feature
write_schema prisma '  location  String?'
commit_all . "schema change"
gate push check --format json
expect "db push project: schema-without-migration skipped" skip "$(statuses push git.schema-without-migration)"
expect "db push project: lock check skipped" skip "$(statuses push prisma.migration-lock)"
expect "db push project: exit 0" 0 "$RC"

# ------------------------------------------------------------ migration lock
R=$(clone lock)
cd "$R" || exit 1
printf '%s\n' "$LOCK" | sed 's/provider = "postgresql"/provider = "mysql"/' >prisma/migrations/migration_lock.toml
commit_all . "wrong provider"
gate lock check --format json
expect "lock file for another provider: fails" fail "$(statuses lock prisma.migration-lock)"
expect_has "lock file: P3019" "$W/lock.out" "P3019"
expect "lock file: line of the provider" 3 "$(jget "$W/lock.out" "r.checks.find(c => c.id === 'prisma.migration-lock').line")"
printf '%s\n' "$LOCK" | sed 's/provider = "postgresql"/provider="postgresql"/' >prisma/migrations/migration_lock.toml
commit_all . "no spaces"
gate lock2 check --format json
expect "provider=\"postgresql\" without spaces: fails as Prisma reads it" fail "$(statuses lock2 prisma.migration-lock)"
expect_has "no spaces: explains Prisma's reader" "$W/lock2.out" "one space on each side"
git rm -q prisma/migrations/migration_lock.toml && git commit -q -m "no lock"
gate lock3 check --format json
expect "missing lock file: fails" fail "$(statuses lock3 prisma.migration-lock)"
expect_has "missing lock file: says so" "$W/lock3.out" "migration_lock.toml is missing"

# ------------------------------------------------------------- generated client
R=$(clone client)
cd "$R" || exit 1
mkdir -p node_modules/.prisma/client
cp prisma/schema.prisma node_modules/.prisma/client/schema.prisma
# reformatted and commented, same models: in sync
sed -i 's/^/  /; s|^  //.*||' node_modules/.prisma/client/schema.prisma
gate client-same check --format json
expect "generated client from the same schema: passes" pass "$(statuses client-same prisma.client-sync)"
write_schema prisma '  location  String?'
add_migration . 20240201000000_add_event_location_field "$ADD_LOCATION"
commit_all . "location"
gate client-old check --format json
expect "generated client from an older schema: warns" warn "$(statuses client-old prisma.client-sync)"
expect_has "stale client: says to generate" "$W/client-old.out" "prisma generate"
expect "stale client is a warning: exit 0" 0 "$RC"
# a custom output, from the prisma-client generator (inlineSchema in its code)
sed -i 's/provider = "prisma-client-js"/provider = "prisma-client"\n  output   = "..\/src\/generated\/prisma"/' prisma/schema.prisma
mkdir -p src/generated/prisma/internal
node -e 'const fs=require("fs");const s=fs.readFileSync("prisma/schema.prisma","utf8");fs.writeFileSync("src/generated/prisma/internal/class.ts","const config = {\n  \"inlineSchema\": "+JSON.stringify(s)+",\n}\n")'
commit_all . "new generator"
gate client-ts check --format json
expect "prisma-client generator output in sync: passes" pass "$(statuses client-ts prisma.client-sync)"
expect_has "custom output found" "$W/client-ts.out" "src/generated/prisma"
sed -i 's/  location  String?/  location  String?\n  capacity  Int?/' prisma/schema.prisma
gate client-ts2 check --format json
expect "prisma-client generator output stale: warns" warn "$(statuses client-ts2 prisma.client-sync)"

# --------------------------------------------------- lint of the change, history
R=$(clone lint)
cd "$R" || exit 1
write_schema prisma '  location  String'
add_migration . 20240201000000_update "-- AlterTable
ALTER TABLE \"events\" ADD COLUMN     \"location\" TEXT NOT NULL;
"
commit_all . "required column"
gate lint check --format json
expect "required column on a table from the base: exit 1" 1 "$RC"
expect "required column: blocking finding" adding-required-field "$(jget "$W/lint.out" "r.migrations[0].findings.filter(f => f.severity === 'error').map(f => f.rule).join(',')")"
expect "required column: the table is known from the replayed base" events "$(jget "$W/lint.out" "r.migrations[0].findings.find(f => f.rule === 'adding-required-field').table")"
expect "required column: data migration needed" true "$(impact lint 20240201000000_update i.data_migration)"
expect "required column: breaking" true "$(impact lint 20240201000000_update i.breaking)"
expect "vague name flagged" false "$(impact lint 20240201000000_update i.descriptive_name)"
expect_has "vague name: suggestion given" "$W/lint.out" "add_event_location_field"
expect "checks all pass, verdict from lint: fail" fail "$(jget "$W/lint.out" r.verdict)"
gate lint-crit check --format json --fail-on critical
expect "--fail-on critical: the high finding does not close the gate" 0 "$RC"
gate lint-text check
expect_has "text: findings under the migration's path" "$W/lint-text.out" "Findings in prisma/migrations/20240201000000_update/migration.sql:"
check "text: a finding at line:col, indented" grep -qE '^      2:[0-9]+ +high +adding-required-field  ' "$W/lint-text.out"
expect_has "text: name not descriptive" "$W/lint-text.out" "not descriptive"

R=$(clone drop)
cd "$R" || exit 1
sed -i 's/  createdAt DateTime @default(now()) @map("created_at")//' prisma/schema.prisma
add_migration . 20240201000000 "-- AlterTable
ALTER TABLE \"events\" DROP COLUMN \"created_at\";
"
commit_all . "drop column"
gate drop check --format json
expect "drop column: exit 1 (critical)" 1 "$RC"
expect "drop column: impact maps the dropped column's table" Event "$(impact drop 20240201000000 "i.models.join(',')")"
expect "drop column: breaking" true "$(impact drop 20240201000000 i.breaking)"
expect "bare timestamp: not descriptive" false "$(impact drop 20240201000000 i.descriptive_name)"
expect "drop column: suggested name" remove_event_created_at_field "$(impact drop 20240201000000 i.suggested_name)"

R=$(clone newmodel)
cd "$R" || exit 1
cat >>prisma/schema.prisma <<'EOF'

model Expense {
  id      Int    @id @default(autoincrement())
  amount  Int
  eventId Int    @map("event_id")
  @@map("expenses")
  @@index([eventId])
}
EOF
add_migration . 20240201000000_add_expense_model '-- CreateTable
CREATE TABLE "expenses" (
    "id" SERIAL NOT NULL,
    "amount" INTEGER NOT NULL,
    "event_id" INTEGER NOT NULL,

    CONSTRAINT "expenses_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "expenses_event_id_idx" ON "expenses"("event_id");
'
commit_all . "expense"
gate newmodel check --format json
expect "new model: exit 0" 0 "$RC"
expect "new model: suggested name" add_expense_model "$(impact newmodel 20240201000000_add_expense_model i.suggested_name)"
expect "new model: low risk" low "$(jget "$W/newmodel.out" "r.migrations[0].risk")"

# ------------------------------------------------------------- policy levels
R=$(clone policy)
cd "$R" || exit 1
printf -- '-- a comment added later\n' >>prisma/migrations/20240101000000_init/migration.sql
git rm -q prisma/migrations/migration_lock.toml
commit_all . "edit init, drop the lock file"
gate pol-default check --format json
expect "default levels: edited migration fails" fail "$(statuses pol-default git.edited-migrations)"
printf 'version: 1\nchecks:\n  edited-migrations: warning\n  migration-lock: off\n' >prisma-gate.yml
gate pol check --format json
expect "policy edited-migrations: warning: warns" warn "$(statuses pol git.edited-migrations)"
expect "policy migration-lock: off: skipped" skip "$(statuses pol prisma.migration-lock)"
expect_has "policy off: says so" "$W/pol.out" "off in the policy"
expect "policy: only warnings left: exit 0" 0 "$RC"
sed 's/edited-migrations: warning/edited-migrations: error/' prisma-gate.yml >"$W/strict.yml"
rm prisma-gate.yml
gate pol-p check --format json -p "$W/strict.yml"
expect "-p FILE: its levels" fail "$(statuses pol-p git.edited-migrations)"
printf 'version: 1\nchecks:\n  migration-lock: maybe\n' >"$W/bad.yml"
gate pol-bad check -p "$W/bad.yml"
expect "invalid policy level: exit 2" 2 "$RC"

# ------------------------------------------------------------- no repository
mkdir -p "$W/norepo"
cd "$W/norepo" || exit 1
write_schema prisma
add_migration . 20240101000000_init "$INIT_SQL"
printf '%s\n' "$LOCK" >prisma/migrations/migration_lock.toml
gate norepo check --format json
expect "not a git repository: exit 3" 3 "$RC"
expect "not a git repository: git.repository error" error "$(statuses norepo git.repository)"
expect "not a git repository: git checks skipped" skip "$(statuses norepo git.edited-migrations)"
expect "not a git repository: lock check still runs" pass "$(statuses norepo prisma.migration-lock)"
expect_has "not a git repository: said on stderr" "$W/norepo.err" "not in a git repository"

# ------------------------------------------------ Prisma's warnings, as lint shows them
R=$(clone warned)
cd "$R" || exit 1
write_schema prisma
sed -i '/  title     String   @map("event_title")/d' prisma/schema.prisma
add_migration . 20240201000000_drop_title '/*
  Warnings:

  - You are about to drop the column `event_title` on the `events` table. All the data in the column will be lost.

*/
-- AlterTable
ALTER TABLE "events" DROP COLUMN "event_title";
'
commit_all . "drop title"
gate warned check --no-color -v
expect_has "check -v shows the prisma warned: line lint -v shows" "$W/warned.out" \
	"prisma warned: You are about to drop the column \`event_title\` on the \`events\` table"
(cd "$R" && "$GATE" lint -v --no-color prisma/migrations/20240201000000_drop_title) >"$W/warned-lint.out" 2>&1
expect_has "lint -v shows the same line" "$W/warned-lint.out" \
	"prisma warned: You are about to drop the column \`event_title\` on the \`events\` table"
gate warned-short check --no-color
expect_has "check without -v marks the finding Prisma warned about" "$W/warned-short.out" \
	"destroys its data [prisma warned too]"

# ------------------------------------------------------------- usage errors
cd "$W/clean" || exit 1
gate usage1 check --schema nope.prisma
expect "--schema that does not exist: exit 2" 2 "$RC"
expect_has "--schema that does not exist: says so" "$W/usage1.err" "does not exist"
gate usage2 detect --base main
expect "--base is not an option of detect: exit 2" 2 "$RC"
gate usage3 check --fail-on hihg
expect "bad --fail-on: exit 2" 2 "$RC"

finish
