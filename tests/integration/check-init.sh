#!/bin/bash
# tests/integration/check-init.sh — `prisma-gate init` writes the project
# paths `detect` finds, not a fixed prisma/migrations: a monorepo layout
# (apps/web/prisma/schema.prisma), package.json's "prisma": {"schema"},
# a multi-file schema folder (prisma/schema/). The written policy then
# loads, and `lint` (no PATH) and `check` read the project through it:
# a destructive migration on a branch closes the gate. With no project
# found, or no migrations directory yet, the paths are written commented
# and init says so. A policy that names a missing path is exit 2 with its
# file:line:column for every command that reads the project; lint with
# explicit files still works. init --force writes through a symlinked
# policy (the link stays) and refuses a symlink to nothing.
#
# Usage: tests/integration/check-init.sh   (PRISMA_GATE=path/to/prisma-gate)

# shellcheck source=tests/integration/check-lib.sh
. "$(dirname "$0")/check-lib.sh"

DROP='-- DropTable
DROP TABLE "Participant";
'

# layout_repo DIR PROJECT_SUBDIR: a repository whose project is in
# PROJECT_SUBDIR (prisma/ inside it), main with the init migration, and a
# branch "feature" that drops a table
layout_repo() {
	local dir=$1 sub=$2
	mkdir -p "$dir"
	(
		cd "$dir" || exit 1
		git init -q -b main .
		write_schema "$sub/prisma"
		add_migration "$sub" 20240101000000_init "$INIT_SQL"
		printf '%s\n' "$LOCK" >"$sub/prisma/migrations/migration_lock.toml"
		git add -A && git commit -q -m init
		git checkout -q -b feature
		add_migration "$sub" 20240201000000_drop_participants "$DROP"
		git add -A && git commit -q -m "drop a table"
	)
}

# policy_key NAME KEY: the value of project.KEY in $W/NAME's policy file
policy_key() { sed -n "s/^  $2: \\([^ ]*\\).*/\\1/p" "$1"; }

# init_agrees NAME: init writes what detect found, and the result is used
init_agrees() {
	local name=$1 schema migrations
	gate "$name-detect" detect --format json
	schema=$(jget "$W/$name-detect.out" r.setup.schema)
	migrations=$(jget "$W/$name-detect.out" r.setup.migrations_dir)
	gate "$name-init" init
	expect "$name: init exit 0" 0 "$RC"
	expect "$name: project.schema is what detect found" "$schema" "$(policy_key prisma-gate.yml schema)"
	expect "$name: project.migrations is what detect found" "$migrations" "$(policy_key prisma-gate.yml migrations)"
	gate "$name-detect2" detect --format json
	expect "$name: detect with the written policy agrees" "$schema $migrations" \
		"$(jget "$W/$name-detect2.out" "r.setup.schema + ' ' + r.setup.migrations_dir")"
	gate "$name-lint" lint --format json
	expect "$name: lint without PATH reads the policy's migrations" \
		"20240101000000_init 20240201000000_drop_participants" "$(names "$name-lint")"
	gate "$name-check" check --format json --base main
	expect "$name: check with the written policy: the drop closes the gate (exit 1)" 1 "$RC"
	expect "$name: check lints the branch's migration" 20240201000000_drop_participants "$(names "$name-check")"
}

# ------------------------------------------------------------ monorepo
layout_repo "$W/mono" apps/web
cd "$W/mono" || exit 1
init_agrees mono
expect "monorepo: the schema below the root" apps/web/prisma/schema.prisma "$(policy_key prisma-gate.yml schema)"

# ------------------------------------------------------------ package.json
layout_repo "$W/pkg" db
cd "$W/pkg" || exit 1
# a second project, so only package.json says which one
write_schema other/prisma
printf '{"name": "app", "prisma": {"schema": "db/prisma/schema.prisma"}}\n' >package.json
git add -A && git commit -q -m "package.json names the schema"
init_agrees pkg
expect "package.json: its prisma.schema" db/prisma/schema.prisma "$(policy_key prisma-gate.yml schema)"
expect_has "package.json: says where it was found" prisma-gate.yml "package.json prisma.schema"

# ------------------------------------------------------------ schema folder
layout_repo "$W/folder" .
cd "$W/folder" || exit 1
git checkout -q main
mkdir -p prisma/schema
git mv prisma/schema.prisma prisma/schema/schema.prisma
printf 'model Note {\n  id Int @id\n}\n' >prisma/schema/note.prisma
git add -A && git commit -q -m "multi-file schema"
git checkout -q feature && git rebase -q main
init_agrees folder
expect "schema folder: the folder" prisma/schema "$(policy_key prisma-gate.yml schema)"
expect "schema folder: migrations next to it" prisma/migrations "$(policy_key prisma-gate.yml migrations)"

# ------------------------------------------------------------ nothing found
mkdir -p "$W/empty"
cd "$W/empty" || exit 1
gate empty-init init
expect "nothing found: init exit 0" 0 "$RC"
expect_has "nothing found: says so" "$W/empty-init.err" "no Prisma schema found"
expect_has "nothing found: schema written commented" prisma-gate.yml "  # schema: prisma/schema.prisma"
expect_has "nothing found: migrations written commented" prisma-gate.yml "  # migrations: prisma/migrations"
printf 'SELECT 1;\n' >one.sql
gate empty-lint lint one.sql
expect "nothing found: the written policy loads (lint FILE)" 0 "$RC"

# ------------------------------------------------------------ no migrations yet
mkdir -p "$W/fresh"
cd "$W/fresh" || exit 1
write_schema prisma
gate fresh-init init
expect_has "no migrations yet: schema written" prisma-gate.yml "  schema: prisma/schema.prisma"
expect_has "no migrations yet: migrations commented" prisma-gate.yml "  # migrations: prisma/migrations"
expect_has "no migrations yet: says so" "$W/fresh-init.err" "does not exist yet"

# ------------------------------------------------------------ a symlinked policy
# init --force writes through a symlink (a policy shared by link stays
# linked) and refuses one that points at nothing, named
mkdir -p "$W/linked/shared"
cd "$W/linked" || exit 1
printf 'version: 1\n' >shared/gate.yml
ln -s shared/gate.yml prisma-gate.yml
gate linked-init init --force
expect "a symlinked policy: init --force exit 0" 0 "$RC"
expect "... the link stays a link to the same file" "yes shared/gate.yml" \
	"$([ -L prisma-gate.yml ] && echo yes || echo no) $(readlink prisma-gate.yml)"
expect_has "... the file it points to holds the new policy" shared/gate.yml "fail_on"
ln -s shared/missing.yml dangling.yml
gate dangling-init -p dangling.yml init
expect "a symlink to nothing: init fails (exit 3)" 3 "$RC"
expect_has "... named" "$W/dangling-init.err" "cannot write 'dangling.yml': it is a symbolic link to nothing"
expect "... nothing created" no "$([ -e shared/missing.yml ] && echo yes || echo no)"

# ------------------------------------------------------------ a missing path
# today's fixed template in a monorepo: every command that reads the project refuses it
cd "$W/mono" || exit 1
printf 'version: 1\nproject:\n  schema: prisma/schema.prisma\n  migrations: prisma/migrations\n' >prisma-gate.yml
for cmd in "check --base main" lint status detect plan deploy approve; do
	# shellcheck disable=SC2086
	DATABASE_URL=postgresql://u@127.0.0.1:1/d gate missing $cmd
	expect "missing policy path: $cmd exits 2" 2 "$RC"
	expect_has "missing policy path: $cmd names file:line:col" "$W/missing.err" \
		"prisma-gate.yml:3:3: error: project.schema 'prisma/schema.prisma' does not exist"
done
gate missing-lint-file lint apps/web/prisma/migrations/20240101000000_init/migration.sql
expect "missing policy path: lint with explicit files still works" 0 "$RC"
gate missing-override check --base main --schema apps/web/prisma/schema.prisma \
	--migrations apps/web/prisma/migrations
expect "missing policy paths replaced by --schema and --migrations: evaluated (exit 1)" 1 "$RC"

finish
