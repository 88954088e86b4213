#!/bin/bash
# tests/integration/check-monorepo.sh — `prisma-gate check` in a monorepo
# whose Prisma project sits in a subfolder, laid out like the projects of
# ../shared/corpus (copied from it when it exists: hoppscotch's single-file
# schema in packages/backend/prisma, formbricks' multi-file schema folder
# in packages/database; else a small bundled project): found from the
# repository root, run with -C and with --schema; the base replayed (20
# real migrations) and only the change linted; a shallow clone of it; two
# projects in one repository.
#
# Usage: tests/integration/check-monorepo.sh   (PRISMA_GATE=path/to/prisma-gate)

# shellcheck source=tests/integration/check-lib.sh
. "$(dirname "$0")/check-lib.sh"

R=$W/mono
mkdir -p "$R"
cd "$R" || exit 1
git init -q -b main .
printf '{"name": "mono", "private": true, "workspaces": ["packages/*"]}\n' >package.json
printf 'node_modules/\n' >.gitignore

HOP=$CORPUS/hoppscotch__hoppscotch
FB=$CORPUS/formbricks__formbricks
if [ -d "$HOP/migrations" ] && [ -d "$FB/schema" ]; then
	BUNDLED=
	P=packages/backend/prisma
	mkdir -p "$P"
	cp -R "$HOP/migrations" "$P/migrations"
	# the base: every migration but the last, and the schema without its fields
	LAST=20260209063744_published_doc_environment
	mv "$P/migrations/$LAST" "$W/last"
	grep -v 'environmentID\|environmentName\|environmentVariables' "$HOP/schema.prisma" >"$P/schema.prisma"
	BASE_COUNT=$(find "$P/migrations" -mindepth 1 -maxdepth 1 -type d | wc -l)
	D=packages/database
	mkdir -p "$D"
	cp -R "$FB/schema" "$D/schema"
	cp -R "$FB/migrations" "$D/migrations"
	FB_LAST=20260821000000_add_response_survey_finished_index
	mv "$D/migrations/$FB_LAST" "$W/fb-last"
	sed -i 's|  @@index(\[surveyId, finished\]).*||' "$D/schema/main.prisma"
else
	BUNDLED=1
	echo "# ../shared/corpus not found: a bundled project stands in"
	P=packages/backend/prisma
	write_schema "$P"
	mkdir -p "$P/migrations/20240101000000_init"
	printf '%s' "$INIT_SQL" >"$P/migrations/20240101000000_init/migration.sql"
	printf '%s\n' "$LOCK" >"$P/migrations/migration_lock.toml"
	LAST=20240201000000_add_event_location_field
	mkdir -p "$W/last"
	printf -- '-- AlterTable\nALTER TABLE "events" ADD COLUMN     "location" TEXT;\n' >"$W/last/migration.sql"
	BASE_COUNT=1
	D=
fi
git add -A && git commit -q -m "monorepo"

# -------------------------------------------- the change: the last migration
git checkout -q -b feature
cp -R "$W/last" "$P/migrations/$LAST"
if [ -z "$BUNDLED" ]; then
	cp "$HOP/schema.prisma" "$P/schema.prisma"
else
	write_schema "$P" '  location  String?'
fi
commit_all . "last migration"

# the repository root holds two projects when the corpus is there: pick one
if [ -z "$BUNDLED" ]; then
	gate two check --format json
	expect "two projects below the root: exit 2" 2 "$RC"
	expect_has "two projects: both listed" "$W/two.err" "$P/schema.prisma"
	expect_has "two projects: the folder schema listed" "$W/two.err" "$D/schema"
	expect_has "two projects: says how to choose" "$W/two.err" "--schema"
	gate root check --format json --schema "$P/schema.prisma"
else
	gate root check --format json
fi
expect "monorepo from the root: exit 0" 0 "$RC"
expect "monorepo: the schema in the subfolder" "$P/schema.prisma" "$(jget "$W/root.out" r.change.schema)"
expect "monorepo: migrations next to it" "$P/migrations" "$(jget "$W/root.out" r.change.migrations_dir)"
expect "monorepo: the base's migrations" "$BASE_COUNT" "$(jget "$W/root.out" r.change.base_migrations)"
expect "monorepo: only the change is linted" "$LAST" "$(names root)"
for id in git.uncommitted-schema git.untracked-migrations git.edited-migrations \
	git.out-of-order-migrations git.schema-without-migration prisma.migration-lock; do
	expect "monorepo: $id passes" pass "$(statuses root $id)"
done
expect "monorepo: check paths are repository paths" "$P/schema.prisma" \
	"$(jget "$W/root.out" "r.checks.find(c => c.id === 'git.uncommitted-schema').path")"
if [ -z "$BUNDLED" ]; then
	expect "corpus migration: model from the real schema" PublishedDocs "$(impact root $LAST "i.models.join(',')")"
	expect "corpus migration: fields" "PublishedDocs.environmentID,PublishedDocs.environmentName,PublishedDocs.environmentVariables" \
		"$(impact root $LAST "i.fields.join(',')")"
	expect "corpus migration: suggested name" add_published_docs_fields "$(impact root $LAST i.suggested_name)"
else
	expect "bundled migration: suggested name" add_event_location_field "$(impact root $LAST i.suggested_name)"
fi

# a policy file at the root names the project: no --schema needed
printf 'version: 1\nproject:\n  schema: %s/schema.prisma\n  migrations: %s/migrations\n' "$P" "$P" >prisma-gate.yml
gate policy check --format json
expect "policy project.schema: exit 0" 0 "$RC"
expect "policy project.schema: used" "$P/schema.prisma" "$(jget "$W/policy.out" r.change.schema)"
rm prisma-gate.yml

# -C into the project's folder: found at its default location
gate sub -C packages/backend check --format json
expect "-C packages/backend: exit 0" 0 "$RC"
expect "-C: prisma/schema.prisma at the default location" prisma/schema.prisma "$(jget "$W/sub.out" r.change.schema)"
expect "-C: same change" "$LAST" "$(names sub)"
expect "-C: process paths for migrations" "prisma/migrations/$LAST/migration.sql" "$(jget "$W/sub.out" "r.migrations[0].path")"

# ---------------------------------------------- multi-file schema folder
if [ -n "$D" ]; then
	git checkout -q main
	git checkout -q -b feature-fb
	cp -R "$W/fb-last" "$D/migrations/$FB_LAST"
	cp "$FB/schema/main.prisma" "$D/schema/main.prisma"
	commit_all . "formbricks index"
	gate fb check --format json --schema "$D/schema"
	expect "schema folder: exit 0 (a medium index finding does not block)" 0 "$RC"
	expect "schema folder: migrations next to the folder" "$D/migrations" "$(jget "$W/fb.out" r.change.migrations_dir)"
	expect "schema folder: only the change" "$FB_LAST" "$(names fb)"
	expect "schema folder: the schema change is seen across files" pass "$(statuses fb git.schema-without-migration)"
	expect "schema folder: the index on an existing table" medium "$(jget "$W/fb.out" "r.migrations[0].risk")"
	expect "schema folder: the model" Response "$(impact fb $FB_LAST "i.models.join(',')")"
	printf '\n// a comment\nmodel Scratch {\n  id Int @id\n}\n' >>"$D/schema/workflows.prisma"
	gate fb-dirty check --format json -C "$D"
	expect "schema folder, -C (found below): an uncommitted file fails" fail "$(statuses fb-dirty git.uncommitted-schema)"
	expect_has "schema folder: the uncommitted file is named" "$W/fb-dirty.out" "$D/schema/workflows.prisma: modified, not committed"
	git checkout -q -- "$D/schema/workflows.prisma"
	git checkout -q feature
fi

# ---------------------------------------------- a shallow clone of it
git checkout -q main # the upstream's HEAD names its default branch
git clone -q --depth 1 --branch feature "file://$R" "$W/shallow"
cd "$W/shallow" || exit 1
gate sh1 check --format json --schema "$P/schema.prisma"
expect "shallow monorepo clone: exit 3" 3 "$RC"
FETCH=$(sed -n 's/.*`\(git fetch [^`]*\)`.*/\1/p' "$W/sh1.err" | head -n 1)
expect "shallow monorepo clone: a fetch command is given" true "$([ -n "$FETCH" ] && echo true || echo false)"
for attempt in 1 2 3; do
	[ -n "$FETCH" ] || break
	# shellcheck disable=SC2086 # the command as the message gives it
	$FETCH -q 2>/dev/null || $FETCH
	gate sh2 check --format json --schema "$P/schema.prisma"
	[ "$RC" = 3 ] || break
	FETCH=$(sed -n 's/.*`\(git fetch [^`]*\)`.*/\1/p' "$W/sh2.err" | head -n 1)
done
expect "shallow monorepo clone, after the suggested fetches: exit 0" 0 "$RC"
expect "shallow monorepo clone: the same change" "$LAST" "$(names sh2)"
expect "shallow monorepo clone: fetches needed" true "$([ "$attempt" -le 3 ] && echo true || echo false)"

finish
