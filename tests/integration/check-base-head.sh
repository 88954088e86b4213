#!/bin/bash
# tests/integration/check-base-head.sh — `prisma-gate check` never opens
# the gate by comparing nothing. When the base resolves to HEAD itself
# and nothing in the project is uncommitted — a CI clone of the branch
# alone (`git clone --single-branch`, where origin/HEAD is the branch),
# `--base HEAD`, the default branch checked out — check exits 3 with a
# git.base error that names the base to pass and the fetch to run (and
# that advice works). With the base at HEAD, uncommitted or untracked
# migrations are still "this change": they are linted.
#
# Usage: tests/integration/check-base-head.sh   (PRISMA_GATE=path/to/prisma-gate)

# shellcheck source=tests/integration/check-lib.sh
. "$(dirname "$0")/check-lib.sh"

UP=$W/upstream
new_repo "$UP"
cd "$UP" || exit 1
git checkout -q -b feature
add_migration . 20240201000000_drop_participants '-- DropTable
DROP TABLE "Participant";
'
commit_all . "feature: drop a table"
# the upstream's HEAD is the feature branch: a clone of it alone gets
# origin/HEAD -> origin/feature, as a CI checkout of the branch does

# --------------------------------------------- a clone of the branch alone
git clone -q --single-branch "file://$UP" "$W/single"
cd "$W/single" || exit 1
expect "the clone's origin/HEAD is the branch itself" refs/remotes/origin/feature \
	"$(git symbolic-ref refs/remotes/origin/HEAD 2>/dev/null)"
gate single check --format json
expect "single-branch clone, clean tree: exit 3" 3 "$RC"
expect "single-branch clone: git.base is an error" error "$(statuses single git.base)"
expect "single-branch clone: nothing reported as linted" 0 "$(jget "$W/single.out" r.migrations.length)"
expect "single-branch clone: verdict error, not pass" error "$(jget "$W/single.out" r.verdict)"
expect_has "single-branch clone: says which base to pass" "$W/single.err" "--base origin/main"
expect_has "single-branch clone: says how to fetch it" "$W/single.err" \
	"git fetch --no-tags --depth=50 origin main:refs/remotes/origin/main"
expect_has "single-branch clone: says the base is HEAD itself" "$W/single.err" "is HEAD itself"
gate singletext check
expect_lacks "single-branch clone, text: never 'gate open'" "$W/singletext.out" "gate open"

# the advice works: fetch the base, pass it, and the change is checked
git fetch -q --no-tags --depth=50 origin main:refs/remotes/origin/main
gate fetched check --format json --base origin/main
expect "after the fetch, --base origin/main: the drop is found (exit 1)" 1 "$RC"
expect "after the fetch: the change's migration is linted" 20240201000000_drop_participants "$(names fetched)"

# ------------------------------------------------------------ --base HEAD
cd "$UP" || exit 1
gate head check --format json --base HEAD
expect "--base HEAD on a clean tree: exit 3" 3 "$RC"
expect "--base HEAD on a clean tree: git.base is an error" error "$(statuses head git.base)"

# the default branch itself, clean: the same
git checkout -q main
gate onmain check --format json
expect "on main with a clean tree (base main = HEAD): exit 3" 3 "$RC"
expect_has "on main: says how to check the last commit" "$W/onmain.err" "--base HEAD~1"
git checkout -q feature

# ------------------------------------ base = HEAD, uncommitted migrations
add_migration . 20240301000000_add_note 'ALTER TABLE "events" ADD COLUMN "note" TEXT;
'
gate untracked check --format json --base HEAD
expect "--base HEAD with an untracked migration: not exit 3 (there is a change)" 1 "$RC"
expect "--base HEAD with an untracked migration: it is the change, linted" 20240301000000_add_note "$(names untracked)"
expect "--base HEAD with an untracked migration: git.base passes" pass "$(statuses untracked git.base)"
expect "--base HEAD with an untracked migration: untracked-migrations reports it" fail \
	"$(statuses untracked git.untracked-migrations)"
git add -A
gate staged check --format json --base HEAD
expect "--base HEAD with a staged migration: it is linted" 20240301000000_add_note "$(names staged)"
git reset -q --hard

# an edited schema alone is a change too (schema-without-migration judges it)
printf '\n/// a comment\nmodel Extra {\n  id Int @id\n}\n' >>prisma/schema.prisma
gate schema check --format json --base HEAD
expect "--base HEAD with only the schema edited: git.base passes" pass "$(statuses schema git.base)"
expect "--base HEAD with only the schema edited: not exit 3" 1 "$RC"
git checkout -q -- prisma/schema.prisma

finish
