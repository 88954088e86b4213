#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/integration/check-symlink.sh — a committed migration.sql that is a
# symbolic link out of the repository is never read by check or lint: in a
# pull request its target is whatever the CI machine holds there (a key, a
# token file). check fails the migrations.symlink check (exit 1), lint
# cannot evaluate it (exit 3), and the target's content (a unique marker)
# appears in no output or report. A symlink to a file inside the
# repository is read as before.
#
# Usage: tests/integration/check-symlink.sh   (PRISMA_GATE=path/to/prisma-gate)

# shellcheck source=tests/integration/check-lib.sh
. "$(dirname "$0")/check-lib.sh"

MARK=MARKER_Qz81_outside
mkdir -p "$W/outside"
printf "SELECT '%s' FROM nowhere;\nTHIS IS NOT SQL %s;\n" "$MARK" "$MARK" >"$W/outside/secret.sql"

R=$W/repo
new_repo "$R"
cd "$R" || exit 1
git checkout -q -b feature
mkdir -p prisma/migrations/20240102000000_evil
ln -s "$W/outside/secret.sql" prisma/migrations/20240102000000_evil/migration.sql
commit_all . "a migration that is a symlink out of the repository"

# marker_nowhere NAME...: the marker is in no output of those runs
marker_nowhere() {
	local n f
	for n in "$@"; do
		for f in "$W/$n".*; do
			if grep -qF "$MARK" "$f"; then
				not_ok "$n: the target's content is in $(basename "$f")"
				grep -nF "$MARK" "$f" | sed 's/^/#   /' | head -n 3
				continue 2
			fi
		done
		ok "$n: the target's content appears nowhere"
	done
}

gate out check --base main --format json --report "sarif=$W/out.sarif" --report "junit=$W/out.junit" \
	--report "markdown=$W/out.md" --report "text=$W/out.txt" --report "gitlab=$W/out.gitlab"
expect "check: a symlink out of the repository fails the gate (exit 1)" 1 "$RC"
expect "check: migrations.symlink fails" fail "$(statuses out migrations.symlink)"
check "check: the message names the file and says it was not read" \
	grep -q 'prisma/migrations/20240102000000_evil/migration.sql is a symbolic link to a file outside the repository: not read' \
	<<<"$(messages out migrations.symlink)"
GITHUB_ACTIONS=true GITHUB_STEP_SUMMARY=$W/gh.summary "$GATE" check --base main >"$W/gh.out" 2>"$W/gh.err"
expect "check under GitHub Actions: exit 1" 1 "$?"
gate out-text check --base main -v
marker_nowhere out gh out-text

gate lint lint prisma/migrations --format json
expect "lint: the symlinked migration cannot be evaluated (exit 3)" 3 "$RC"
expect_has "lint: says why" "$W/lint.err" "is a symbolic link to a file outside the repository: not read"
marker_nowhere lint

# a symlink to a file inside the repository: read as before
rm prisma/migrations/20240102000000_evil/migration.sql
mkdir -p sql
printf 'CREATE TABLE "Shared" ("id" BIGINT PRIMARY KEY);\n' >sql/shared.sql
ln -s ../../../sql/shared.sql prisma/migrations/20240102000000_evil/migration.sql
commit_all . "the symlink points inside the repository"
gate inside check --base main --format json
expect "check: a symlink inside the repository is linted" absent "$(statuses inside migrations.symlink)"
expect "check: ... and its migration read" '"Shared"' \
	"$(jget "$W/inside.out" "JSON.stringify((r.migrations.find(m => m.name === '20240102000000_evil') || {}).impact || {}).match(/\"Shared\"/) ? '\"Shared\"' : 'not read'")"
finish
