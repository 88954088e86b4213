#!/bin/bash
# tests/integration/schema-typo.sh — a mistyped ?schema= is named, not
# taken for an empty database. On a database whose "public" holds
# _prisma_migrations, ?schema=pubic makes detect, status, plan, approve and
# deploy say "schema pubic does not exist; did you mean public?" and fail
# closed (exit 3: status, plan, approve, deploy; detect's db check is an
# error), instead of "the database is empty" and every migration pending.
# A schema that is far from every existing one is still a new schema
# Prisma creates (no hint). Real PostgreSQL 15 (ci/pg.sh).
#
# Usage: tests/integration/schema-typo.sh   (PRISMA_GATE=path/to/prisma-gate)

# shellcheck source=tests/integration/status-lib.sh
. "$(dirname "$0")/status-lib.sh"

start_cluster
URL=$(createdb typo)
PROJ=$WORK/proj
new_project "$PROJ"
add_migration "$PROJ" 20240101000000_init 'CREATE TABLE "User" ("id" SERIAL PRIMARY KEY);\n'
S1=$(sha256sum "$PROJ/prisma/migrations/20240101000000_init/migration.sql" | cut -d' ' -f1)
q "$URL" 'CREATE TABLE "User" ("id" SERIAL PRIMARY KEY);
CREATE TABLE _prisma_migrations (
    id VARCHAR(36) PRIMARY KEY NOT NULL, checksum VARCHAR(64) NOT NULL,
    finished_at TIMESTAMPTZ, migration_name VARCHAR(255) NOT NULL, logs TEXT,
    rolled_back_at TIMESTAMPTZ, started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count INTEGER NOT NULL DEFAULT 0)' >/dev/null
q "$URL" "INSERT INTO _prisma_migrations (id, checksum, migration_name, finished_at, applied_steps_count)
    VALUES (gen_random_uuid()::text, '$S1', '20240101000000_init', now(), 1)" >/dev/null
case $URL in *\?*) TYPO="$URL&schema=pubic"; FAR="$URL&schema=tenant_two" ;; *) TYPO="$URL?schema=pubic"; FAR="$URL?schema=tenant_two" ;; esac

# the right schema: clean
DATABASE_URL=$URL gate ok status --format json
expect "?schema= absent (public): status is clean" 0 "$RC"

# status
DATABASE_URL=$TYPO gate st status --format json
expect "status, ?schema=pubic: exit 3 (fail closed)" 3 "$RC"
check "status, ?schema=pubic: did you mean public" grep -q 'schema pubic does not exist; did you mean public?' "$WORK/st.err"
expect "status, ?schema=pubic: no migration reported pending" 0 \
	"$(jget "$WORK/st.out" "r.migrations.filter(m => m.state === 'pending').length")"
expect "status, ?schema=pubic: the history check is an error" error "$(check_status "$WORK/st.out" history.table)"
DATABASE_URL=$TYPO gate sttext status
check "status text: the hint is in the report" grep -q 'did you mean public' "$WORK/sttext.out"
if grep -q 'empty database' "$WORK/sttext.out"; then not_ok "status text: never 'empty database'"; else ok "status text: never 'empty database'"; fi

# detect
DATABASE_URL=$TYPO gate dt detect --format json
expect "detect, ?schema=pubic: exit 3" 3 "$RC"
check "detect, ?schema=pubic: did you mean public" grep -q 'did you mean public?' "$WORK/dt.out"

# plan, approve, deploy
DATABASE_URL=$TYPO gate pl plan --format json
expect "plan, ?schema=pubic: exit 3 (never N pending)" 3 "$RC"
check "plan, ?schema=pubic: did you mean public" grep -q 'schema pubic does not exist; did you mean public?' "$WORK/pl.err"
DATABASE_URL=$TYPO gate ap approve
expect "approve, ?schema=pubic: exit 3" 3 "$RC"
DATABASE_URL=$TYPO gate dp deploy --format json
expect "deploy, ?schema=pubic: exit 3" 3 "$RC"
check "deploy, ?schema=pubic: did you mean public" grep -q 'did you mean public?' "$WORK/dp.err"
expect "deploy, ?schema=pubic: no schema was created" 0 "$(q "$URL" "SELECT count(*) FROM pg_namespace WHERE nspname = 'pubic'")"

# a new schema far from any existing one: Prisma creates it, no hint
DATABASE_URL=$FAR gate far status --format json
expect "status, ?schema=tenant_two: not exit 3 (a new schema, pending)" 1 "$RC"
if grep -q 'did you mean' "$WORK/far.err"; then not_ok "status, ?schema=tenant_two: no hint"; else ok "status, ?schema=tenant_two: no hint"; fi
DATABASE_URL=$FAR gate farplan plan --format json
expect "plan, ?schema=tenant_two: a plan (exit 0 or 1, not 3)" yes "$([ "$RC" -le 1 ] && echo yes || echo "no ($RC)")"

finish
