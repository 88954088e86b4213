#!/bin/bash
# tests/integration/status-target.sh — `prisma-gate status` chooses its
# database exactly as `plan` and `deploy` do (one resolution,
# gate_target_resolve): the policy's default_target, `-t NAME`, the
# target's url_env (never DATABASE_URL when the policy names another
# variable), require_tls (a URL without sslmode=require: exit 2; the
# non-TLS test server refusing TLS: exit 3, and why); the JSON report's
# target names the target. Two databases on a throwaway PostgreSQL 15
# (ci/pg.sh): "staging" holds the history of the project's migration,
# "production" holds none.
#
# Ends with "N passed, N failed"; skips when PostgreSQL or node is missing.

# shellcheck source=tests/integration/status-lib.sh
. "$(dirname "$0")/status-lib.sh"

start_cluster
unset DATABASE_URL PROD_URL STAGING_URL

PROJ=$WORK/proj
new_project "$PROJ"
add_migration "$PROJ" 20240101000000_init 'CREATE TABLE "User" ("id" SERIAL PRIMARY KEY);\n'
SUM=$(sha256sum "$PROJ/prisma/migrations/20240101000000_init/migration.sql" | cut -d' ' -f1)

PROD=$(createdb gate_prod)
STAGING=$(createdb gate_staging)
if [ -z "$PROD" ] || [ -z "$STAGING" ]; then
	not_ok "create two databases"
	finish
fi
# staging: the migration applied (Prisma's table, written with psql)
q "$STAGING" 'CREATE TABLE _prisma_migrations (
    id VARCHAR(36) PRIMARY KEY NOT NULL, checksum VARCHAR(64) NOT NULL,
    finished_at TIMESTAMPTZ, migration_name VARCHAR(255) NOT NULL, logs TEXT,
    rolled_back_at TIMESTAMPTZ, started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count INTEGER NOT NULL DEFAULT 0)' >/dev/null
q "$STAGING" "CREATE TABLE \"User\" (\"id\" SERIAL PRIMARY KEY);
    INSERT INTO _prisma_migrations (id, checksum, migration_name, finished_at, applied_steps_count)
    VALUES (gen_random_uuid()::text, '$SUM', '20240101000000_init', now(), 1)" >/dev/null

cat >"$PROJ/prisma-gate.yml" <<'EOF'
version: 1
targets:
  production:
    url_env: PROD_URL
  staging:
    url_env: STAGING_URL
  secure:
    url_env: SECURE_URL
    require_tls: true
default_target: staging
EOF

export PROD_URL=$PROD STAGING_URL=$STAGING

# --- default_target ---------------------------------------------------------
gate D1
expect "default_target staging: exit 0 (its history is complete)" 0 "$RC"
expect "default_target: the report's target is named" "staging STAGING_URL gate_staging" \
	"$(jget "$WORK/D1.out" "r.target.name + ' ' + r.target.url_env + ' ' + r.target.database")"
expect "default_target: the migration is applied there" applied "$(state "$WORK/D1.out" 20240101000000_init)"

gate D1text status
expect_has "default_target, text: the target's name and variable" "$WORK/D1text.out" "[staging: STAGING_URL]"

# DATABASE_URL pointing elsewhere does not win over the policy's target
DATABASE_URL=$PROD gate D2
expect "DATABASE_URL set to production: still the staging target" "0 gate_staging" \
	"$RC $(jget "$WORK/D2.out" r.target.database)"

# --- -t NAME ---------------------------------------------------------------
gate T1 status --format json -t production
expect "-t production: exit 1 (its migration is pending)" 1 "$RC"
expect "-t production: the report's target" "production PROD_URL gate_prod" \
	"$(jget "$WORK/T1.out" "r.target.name + ' ' + r.target.url_env + ' ' + r.target.database")"
expect "-t production: pending there" pending "$(state "$WORK/T1.out" 20240101000000_init)"

gate T2 status --format json -t prodution
expect "-t with a typo: exit 2" 2 "$RC"
expect_has "-t with a typo: did you mean" "$WORK/T2.err" "did you mean 'production'"

# the url_env of the chosen target is what must be set
env -u STAGING_URL "$GATE" -C "$PROJ" status >"$WORK/T3.out" 2>"$WORK/T3.err"
expect "the target's url_env unset: exit 2" 2 $?
expect_has "the target's url_env unset: names it and the target" "$WORK/T3.err" \
	"STAGING_URL is not set: status reads the 'staging' database URL from it"

# --- the same resolution as plan --------------------------------------------
gate P1 plan --format json -t production
expect "plan -t production: the same target as status" "production PROD_URL gate_prod" \
	"$(jget "$WORK/P1.out" "r.target.name + ' ' + r.target.url_env + ' ' + r.target.database")"
gate P2 plan --format json
expect "plan without -t: the default target, as status" "staging gate_staging" \
	"$(jget "$WORK/P2.out" "r.target.name + ' ' + r.target.database")"

# --- require_tls ------------------------------------------------------------
SECURE_URL=$PROD gate S1 status --format json -t secure
expect "require_tls, a URL without sslmode=require: exit 2" 2 "$RC"
expect_has "require_tls, a URL without sslmode: says what to add" "$WORK/S1.err" \
	"requires TLS, but SECURE_URL does not ask for it"
SECURE_URL="$PROD?sslmode=require" gate S2 status --format json -t secure
expect "require_tls against the non-TLS test server: exit 3" 3 "$RC"
expect "require_tls against the non-TLS server: db.connection error" error \
	"$(check_status "$WORK/S2.out" db.connection)"
expect_has "require_tls against the non-TLS server: why" "$WORK/S2.err" "SSL"
SECURE_URL="$PROD?sslmode=require" gate S3 plan --format json -t secure
expect "plan, same target: exit 3 as well" 3 "$RC"

finish
