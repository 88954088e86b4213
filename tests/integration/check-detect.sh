#!/bin/bash
# tests/integration/check-detect.sh — `prisma-gate detect`, the "Database
# Setup Analysis": the strategy from the repository alone (a migrations
# folder, or none: db push) and from a real PostgreSQL 15 (ci/pg.sh): an
# empty database, tables without history (db push), _prisma_migrations
# with rows (migrate), tables without history next to a migrations folder
# (baseline needed); targets from DATABASE_URL, the datasource's env()
# names and *DATABASE_URL variables, a single shared database and a shadow
# database that is the target, with advice; passwords in no output; the
# exit codes (0 described, 2 no schema, 3 database unreachable).
#
# Usage: tests/integration/check-detect.sh   (PRISMA_GATE=path/to/prisma-gate)

# shellcheck source=tests/integration/check-lib.sh
. "$(dirname "$0")/check-lib.sh"

unset SHADOW_DATABASE_URL DIRECT_URL DEV_DATABASE_URL STAGING_DATABASE_URL TEST_DATABASE_URL
for v in $(env | sed -n 's/^\([A-Za-z_]*DATABASE_URL\)=.*/\1/p'); do unset "$v"; done

PW='Sh4red-Secret-Pw'
P=$W/app
mkdir -p "$P"
cd "$P" || exit 1
write_schema prisma
add_migration . 20240101000000_init "$INIT_SQL"
add_migration . 20241003120000_add_event_location_field '-- AlterTable
ALTER TABLE "events" ADD COLUMN     "location" TEXT;
'
printf '%s\n' "$LOCK" >prisma/migrations/migration_lock.toml

# ---------------------------------------------------------- repository only
gate repo detect --format json
expect "no database URL: exit 0" 0 "$RC"
expect "a migrations folder: migrate" migrate "$(jget "$W/repo.out" r.setup.strategy)"
expect "migration count" 2 "$(jget "$W/repo.out" r.setup.migrations)"
expect "last migration" 20241003120000_add_event_location_field "$(jget "$W/repo.out" r.setup.last_migration)"
expect "last migration's time" "2024-10-03 12:00:00 UTC" "$(jget "$W/repo.out" r.setup.last_migration_at)"
expect "first migration" 20240101000000_init "$(jget "$W/repo.out" r.setup.first_migration)"
expect "lock file seen" true "$(jget "$W/repo.out" r.setup.lock_file)"
expect "provider" postgresql "$(jget "$W/repo.out" r.setup.provider)"
expect "no targets" 0 "$(jget "$W/repo.out" r.setup.targets.length)"
expect "db.connection absent without a URL" absent "$(statuses repo db.connection)"
expect "targets: skipped" skip "$(statuses repo setup.targets)"
gate repo-text detect
expect_has "text: the heading" "$W/repo-text.out" "Database Setup Analysis"
expect_has "text: strategy" "$W/repo-text.out" "strategy:         migrate"
expect_has "text: last migration" "$W/repo-text.out" "20241003120000_add_event_location_field (2024-10-03 12:00:00 UTC)"

mkdir -p "$W/push" && cd "$W/push" || exit 1
write_schema prisma
gate push detect --format json
expect "no migrations folder: db push" "db push" "$(jget "$W/push.out" r.setup.strategy)"
expect "no migrations folder: exit 0" 0 "$RC"
mkdir -p "$W/none" && cd "$W/none" || exit 1
gate none detect
expect "no schema anywhere: exit 2" 2 "$RC"
expect_has "no schema: says where it looked" "$W/none.err" "no Prisma schema found"
cd "$P" || exit 1

# ------------------------------------------------------------ targets
export DATABASE_URL="postgresql://app:$PW@db.example.com:5432/app?connect_timeout=1"
export DEV_DATABASE_URL="postgresql://dev:$PW-dev@DB.example.com:5432/app"
gate shared detect --format json
expect "shared: two targets" "DATABASE_URL DEV_DATABASE_URL" "$(jget "$W/shared.out" "r.setup.targets.map(t => t.env).join(' ')")"
expect "shared: flagged" true "$(jget "$W/shared.out" r.setup.shared_database)"
expect "shared: warning check" warn "$(statuses shared setup.shared-database)"
expect "shared: same_as" DATABASE_URL "$(jget "$W/shared.out" "r.setup.targets[1].same_as")"
expect_has "shared: separation advice" "$W/shared.out" "separate the environments"
expect "unreachable database: exit 3" 3 "$RC"
expect "unreachable database: db.connection error" error "$(statuses shared db.connection)"
expect_has "unreachable database: names the host" "$W/shared.err" "db.example.com"
gate shared-text detect
expect_has "text: same database marked" "$W/shared-text.out" "same database as DATABASE_URL"
expect_has "text: warning" "$W/shared-text.out" "warning: setup.shared-database: single shared database"
never_echoed "$PW" shared shared-text

export DEV_DATABASE_URL="postgresql://dev:$PW@db.example.com:5432/app_dev"
export SHADOW_DATABASE_URL="postgresql://app:$PW@db.example.com:5432/app"
gate shadow detect --format json
expect "separate dev database: not shared" false "$(jget "$W/shadow.out" r.setup.shared_database)"
expect "shadow = target: warning" warn "$(statuses shadow setup.shadow-database)"
expect "shadow role" shadow "$(jget "$W/shadow.out" "r.setup.targets.find(t => t.env === 'SHADOW_DATABASE_URL').role")"
never_echoed "$PW" shadow
unset SHADOW_DATABASE_URL DEV_DATABASE_URL

# the policy's targets
printf '%s\n' 'version: 1' 'targets:' '  production:' '    url_env: PROD_URL' \
	'    shadow_url_env: PROD_SHADOW_URL' '  development:' '    url_env: DEV_URL' \
	'default_target: production' >prisma-gate.yml
export PROD_URL="postgresql://app:$PW@db.example.com:5432/app?connect_timeout=1"
export DEV_URL="postgresql://dev:$PW@db.example.com:5432/app"
export PROD_SHADOW_URL="postgresql://app:$PW@db.example.com:5432/app_shadow"
unset DATABASE_URL
gate policy detect --format json
expect "policy targets: names" "production production development" "$(jget "$W/policy.out" "r.setup.targets.map(t => t.name).join(' ')")"
expect "policy targets: roles" "target shadow target" "$(jget "$W/policy.out" "r.setup.targets.map(t => t.role).join(' ')")"
expect "policy targets: production and development share a database" true "$(jget "$W/policy.out" r.setup.shared_database)"
expect "policy targets: the default target is read" PROD_URL "$(jget "$W/policy.out" "(r.checks.find(c => c.id === 'db.connection') || {message: ''}).message.split(':')[0]")"
gate policy-text detect
expect_has "text: the policy's target name" "$W/policy-text.out" "(policy target development)"
never_echoed "$PW" policy policy-text
rm prisma-gate.yml
unset PROD_URL DEV_URL PROD_SHADOW_URL
export DATABASE_URL="postgresql://app:$PW@db.example.com:5432/app?connect_timeout=1"

# the datasource's own env() names; directUrl on the same database is expected
sed -i 's|  url      = env("DATABASE_URL")|  url       = env("POOLED_URL")\n  directUrl = env("DIRECT_URL")|' prisma/schema.prisma
export POOLED_URL="postgresql://app:$PW@pooler.example.com:6543/app?pgbouncer=true&connect_timeout=1"
export DIRECT_URL="postgresql://app:$PW@pooler.example.com:6543/app"
gate direct detect --format json
expect "datasource env names first" "POOLED_URL DIRECT_URL DATABASE_URL" "$(jget "$W/direct.out" "r.setup.targets.map(t => t.env).join(' ')")"
expect "directUrl role" direct "$(jget "$W/direct.out" "r.setup.targets[1].role")"
expect "directUrl on the same database is not a shared database" false "$(jget "$W/direct.out" r.setup.shared_database)"
never_echoed "$PW" direct
unset POOLED_URL DIRECT_URL
write_schema prisma

# ------------------------------------------------------------ a real database
PG_SH=$ROOT/ci/pg.sh
PGDIR=$(mktemp -d "${TMPDIR:-/tmp}/gate-detect-pg.XXXXXX")
# shellcheck disable=SC2317 # called through trap
cleanup() {
	pg_stop "$PGDIR"
	rm -rf "$W"
}
if ! pg_start "$PGDIR" "$W/pg.err"; then
	sed 's/^/# /' "$W/pg.err"
	rm -rf "$PGDIR"
	PGDIR=
	echo "# no PostgreSQL 15 cluster: the database cases are skipped"
	finish
fi
unset DATABASE_URL
q() { psql -X -At -v ON_ERROR_STOP=1 -d "$1" -c "$2" >/dev/null 2>&1; }

export DATABASE_URL
DATABASE_URL=$("$PG_SH" createdb "$PGDIR" empty gate_pw)
gate empty detect --format json
expect "empty database: exit 0" 0 "$RC"
expect "empty database: db.connection passes" pass "$(statuses empty db.connection)"
expect "empty database + migrations folder: migrate" migrate "$(jget "$W/empty.out" r.setup.strategy)"
expect "empty database: checked" true "$(jget "$W/empty.out" r.setup.database.checked)"
never_echoed secret-pw empty

DATABASE_URL=$("$PG_SH" createdb "$PGDIR" pushed gate_pw)
q "$DATABASE_URL" 'CREATE TABLE "events" (id serial primary key); CREATE TABLE "Participant" (id serial primary key)'
gate baseline detect --format json
expect "tables, no history, migrations folder: migrate" migrate "$(jget "$W/baseline.out" r.setup.strategy)"
expect "tables, no history, migrations folder: baseline warning" warn "$(statuses baseline setup.baseline)"
expect_has "baseline: P3005" "$W/baseline.out" "P3005"
expect "tables counted" 2 "$(jget "$W/baseline.out" r.setup.database.other_tables)"
mkdir -p "$W/push" && cd "$W/push" || exit 1
gate dbpush detect --format json
expect "tables, no history, no migrations folder: db push" "db push" "$(jget "$W/dbpush.out" r.setup.strategy)"
cd "$P" || exit 1

DATABASE_URL=$("$PG_SH" createdb "$PGDIR" migrated gate_pw)
q "$DATABASE_URL" 'CREATE TABLE "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
);
INSERT INTO "_prisma_migrations" VALUES (gen_random_uuid()::text, repeat($$a$$, 64), now(), $$20240101000000_init$$, NULL, NULL, now(), 1);
CREATE TABLE "events" (id serial primary key)'
gate migrated detect --format json
expect "history table: migrate" migrate "$(jget "$W/migrated.out" r.setup.strategy)"
expect "history rows" 1 "$(jget "$W/migrated.out" r.setup.database.history_rows)"
expect "history table seen" true "$(jget "$W/migrated.out" r.setup.database.history_table)"
expect "history: no baseline warning" absent "$(statuses migrated setup.baseline)"
expect "history table: the other tables are counted too" 1 "$(jget "$W/migrated.out" r.setup.database.other_tables)"
gate migrated-text detect
expect_has "text: the database line" "$W/migrated-text.out" "database (DATABASE_URL): _prisma_migrations present, 1 history row"
never_echoed secret-pw migrated migrated-text

DATABASE_URL="postgresql://gate_pw:wrong-$PW@127.0.0.1:$PGPORT/migrated"
gate wrongpw detect --format json
expect "wrong password: exit 3" 3 "$RC"
never_echoed "wrong-$PW" wrongpw

finish
