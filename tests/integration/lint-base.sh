#!/bin/bash
# tests/integration/lint-base.sh — `prisma-gate lint --base REF` lints only
# the migrations a branch adds or edits, with the base's history replayed
# (check's code path), and runs none of check's repository checks; the
# base rules are check's (a base that is HEAD on a clean tree is exit 3).
# lint.exclude applies to check and lint --base: an excluded migration is
# replayed for the history but never reported, and the reports say so.
# check's suggested commands run the policy's project.prisma.
#
# Usage: tests/integration/lint-base.sh   (PRISMA_GATE=path/to/prisma-gate)

# shellcheck source=tests/integration/check-lib.sh
. "$(dirname "$0")/check-lib.sh"

R=$W/repo
new_repo "$R"
cd "$R" || exit 1
git checkout -q -b feature
add_migration . 20240201000000_add_note 'ALTER TABLE "events" ADD COLUMN "note" TEXT;
'
add_migration . 20240202000000_widen_id 'ALTER TABLE "Participant" ALTER COLUMN "event_id" SET DATA TYPE BIGINT;
'
commit_all . "feature: two migrations"

# ------------------------------------------------------------ lint --base
gate lb lint --base main --format json
expect "lint --base main: the added migrations' findings close the gate (exit 1)" 1 "$RC"
expect "lint --base main: only the added migrations are linted" \
	"20240201000000_add_note 20240202000000_widen_id" "$(names lb)"
expect "lint --base main: the base's history is replayed (the old type is known)" yes \
	"$(jget "$W/lb.out" "r.migrations[1].findings.some(f => f.rule === 'changing-column-type' && /from int4 to int8/.test(f.message)) ? 'yes' : 'no'")"
expect "lint --base main: no repository check runs" "git.base git.repository" \
	"$(jget "$W/lb.out" "r.checks.map(c => c.id).sort().join(' ')")"
expect "lint --base main: git.base passes" pass "$(statuses lb git.base)"
expect "lint --base main: the command is lint" lint "$(jget "$W/lb.out" r.command)"
gate ck check --format json --base main
expect "check --base main on the same change runs the repository checks" pass \
	"$(statuses ck git.untracked-migrations)"

gate lbtext lint --base main
expect_has "lint --base, text: the finding is shown" "$W/lbtext.out" "changing-column-type"
expect "lint --base, text: the header names lint" "prisma-gate lint" "$(head -n 1 "$W/lbtext.out" | cut -c1-16)"

gate lbpath lint --base main prisma/migrations
expect "lint --base with a PATH: usage error (exit 2)" 2 "$RC"
expect_has "lint --base with a PATH: says why" "$W/lbpath.err" "takes no PATH"

gate lbhead lint --base HEAD --format json
expect "lint --base HEAD on a clean tree: exit 3, as check" 3 "$RC"
expect "lint --base HEAD on a clean tree: git.base is an error" error "$(statuses lbhead git.base)"
expect "lint --base HEAD on a clean tree: nothing linted" 0 "$(jget "$W/lbhead.out" r.migrations.length)"

gate lbbad lint --base no-such-branch --format json
expect "lint --base with an unknown ref: exit 3" 3 "$RC"

# an uncommitted migration on top of --base HEAD is the change
add_migration . 20240301000000_drop 'DROP TABLE "Participant";
'
gate lbwip lint --base HEAD --format json
expect "lint --base HEAD with an untracked migration: it is linted" 20240301000000_drop "$(names lbwip)"
expect "lint --base HEAD with an untracked migration: exit 1 (drop table)" 1 "$RC"
expect "lint --base HEAD: untracked-migrations is not run" absent "$(statuses lbwip git.untracked-migrations)"
rm -rf prisma/migrations/20240301000000_drop

# -------------------------------------------------------------- lint.exclude
git checkout -q main
git checkout -q -b legacy
add_migration . 20240401000000_notes 'CREATE TABLE "notes" ("id" INTEGER NOT NULL, "body" VARCHAR(20) NOT NULL);
DROP TABLE "Participant";
'
add_migration . 20240402000000_notes_body 'ALTER TABLE "notes" ALTER COLUMN "body" SET DATA TYPE TEXT;
'
printf 'version: 1\nlint:\n  exclude: ["prisma/migrations/20240401*"]\n' >prisma-gate.yml
commit_all . "legacy: a migration that predates the gate"

gate exck check --base main --format json
expect "check, lint.exclude: the excluded migration is not reported" 20240402000000_notes_body "$(names exck)"
expect "check, lint.exclude: a skipped lint.exclude check says so" skip "$(statuses exck lint.exclude)"
expect_has "check, lint.exclude: how many and which" "$W/exck.out" \
	"1 migration excluded by lint.exclude in prisma-gate.yml (prisma/migrations/20240401000000_notes)"
expect "check, lint.exclude: the excluded DROP TABLE closes nothing (exit 0)" 0 "$RC"
expect "check, lint.exclude: the excluded migration is replayed (varchar to text is known)" yes \
	"$(jget "$W/exck.out" "r.migrations[0].findings.every(f => f.rule !== 'changing-column-type' || /from varchar/.test(f.message)) && r.migrations[0].findings.length > 0 ? 'yes' : 'no'")"
gate exlb lint --base main --format json
expect "lint --base, lint.exclude: the excluded migration is not reported" 20240402000000_notes_body "$(names exlb)"
expect "lint --base, lint.exclude: the lint.exclude check" skip "$(statuses exlb lint.exclude)"
gate exall lint --format json
expect "lint (project), lint.exclude: the other migrations are linted" \
	"20240101000000_init 20240402000000_notes_body" "$(names exall)"

# ------------------------- check's suggested commands run the policy's Prisma
git checkout -q main
git checkout -q -b model-only
printf '\nmodel Extra {\n  id Int @id\n}\n' >>prisma/schema.prisma
printf 'version: 1\nproject:\n  prisma: [pnpm, exec, prisma]\n' >prisma-gate.yml
commit_all . "a model without a migration"
gate pm check --base main --format json
expect "check: schema-without-migration fails" fail "$(statuses pm git.schema-without-migration)"
expect_has "check: its advice runs the policy's Prisma argv" "$W/pm.out" "pnpm exec prisma migrate dev --name"
expect_lacks "check: never npx prisma" "$W/pm.out" "npx prisma"

finish
