#!/bin/bash
# tests/integration/deploy-integrity.sh — `prisma-gate deploy` runs exactly
# the plan, on the database that was checked. Real PostgreSQL 15 (ci/pg.sh),
# the REAL Prisma CLI (ci/prisma.sh) behind a recording wrapper (the
# policy's project.prisma) that writes its argv and environment to a file
# and then execs the CLI: the file's absence proves Prisma never started.
#
#   S  a subset --migrations folder while Prisma's folder holds a DROP TABLE:
#      refused before Prisma runs (plan shows it), nothing applied
#   N  no migrations folder / an empty one: "nothing to deploy", exit 0,
#      Prisma not started
#   P  project.migrations / a --schema in project.prisma that differ from
#      what Prisma resolves: refused
#   C  a Prisma config with a literal migrations.path that matches:
#      deploys (--config passed); a non-literal one: refused
#   U  Prisma applies a migration the plan did not contain (the wrapper
#      adds one right before exec): exit 5, named, with recovery steps
#   D  directUrl: DIRECT_URL pointing at production while deploying
#      staging is refused (both named, no password); direct_url_env, an
#      unset DIRECT_URL, another spelling of the same database; the
#      schema's url variable; an unreachable direct URL (exit 3); a shadow
#      URL on the target (refused); hostaddr (refused where Prisma would
#      connect elsewhere); the server identity in the JSON report
#   F  a plan that cannot be computed (a folder without migration.sql):
#      plan and approve exit 3 with the same message and no token; deploy
#      exits 3 too, Prisma not started, nothing applied; no plan object in
#      the JSON reports; the text and Markdown reports say there is no
#      plan, why, and what follows (not "0 migrations")
#
# Ends with "N passed, N failed"; skips when npm/node or PostgreSQL is missing.

# shellcheck source=tests/integration/status-lib.sh
. "$(dirname "$0")/status-lib.sh"

need_prisma
start_cluster
unset PRISMA_GATE_CONFIRM PRISMA_GATE_SECRET DIRECT_URL SHADOW_URL APP_DB_URL
CLI=$ROOT/tests/prisma/node_modules/prisma/build/index.js
CONFIG=$ROOT/tests/prisma/prisma.config.ts
REC=$WORK/prisma-run.txt

# The recording wrapper: argv and environment to $REC, then the real CLI.
# With SNEAK_MIGRATION set it first adds that migration to Prisma's folder.
cat >"$WORK/rec-prisma.sh" <<EOF
#!/bin/sh
{ printf 'ARGV'; for a in "\$@"; do printf ' %s' "\$a"; done; echo; env; } >"$REC"
if [ -n "\${SNEAK_MIGRATION:-}" ]; then
	mkdir -p "prisma/migrations/\$SNEAK_MIGRATION"
	printf 'CREATE TABLE "%s" ("id" INTEGER);\n' "\$SNEAK_MIGRATION" >"prisma/migrations/\$SNEAK_MIGRATION/migration.sql"
fi
exec node "$CLI" "\$@"
EOF
chmod +x "$WORK/rec-prisma.sh"

# gate_in DIR NAME ARGS...: prisma-gate in DIR (the wrapper's record removed first)
gate_in() {
	local dir=$1 name=$2
	shift 2
	rm -f "$REC"
	(cd "$dir" && "$GATE" "$@") >"$WORK/$name.out" 2>"$WORK/$name.err"
	RC=$?
}
started() { if [ -f "$REC" ]; then echo yes; else echo no; fi; }
tables() { q "$1" "SELECT string_agg(tablename, ' ' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'"; }
recorded() { grep -c -- "$1" "$REC" 2>/dev/null || echo 0; }
# env_of NAME: NAME's value as the wrapper saw it
env_of() { sed -n "s/^$1=//p" "$REC" 2>/dev/null; }

# policy DIR EXTRA: prisma-gate.yml in DIR, project.prisma = the wrapper + --config
policy() {
	cat >"$1/prisma-gate.yml" <<EOF
version: 1
project:
  prisma: [sh, $WORK/rec-prisma.sh, --config, $CONFIG]
$2
EOF
}

INIT='CREATE TABLE "User" ("id" SERIAL NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\nCREATE TABLE "Audit" ("id" INTEGER);\n'
DROP='DROP TABLE "Audit";\n'

# --- S: a subset folder -------------------------------------------------------------
DB=$(createdb s_app)
export DATABASE_URL=$DB
PROJ=$WORK/s
new_project "$PROJ"
add_migration "$PROJ" 20240101000000_init "$INIT"
add_migration "$PROJ" 20240102000000_drop "$DROP"
mkdir -p "$PROJ/safe/20240101000000_init"
cp "$PROJ/prisma/migrations/migration_lock.toml" "$PROJ/safe/"
cp "$PROJ/prisma/migrations/20240101000000_init/migration.sql" "$PROJ/safe/20240101000000_init/"
policy "$PROJ" ""
gate_in "$PROJ" S-plan plan --migrations safe --format json
expect "S: plan of a subset folder is refused (exit 1)" "1 refused" "$RC $(jget "$WORK/S-plan.out" r.plan.decision)"
expect_has "S: plan names Prisma's folder and the planned one" "$WORK/S-plan.out" "Prisma would apply the migrations in prisma/migrations"
expect "S: plan.prisma in the JSON report: Prisma's folder, the planned one, not the same" "prisma/migrations safe false" \
	"$(jget "$WORK/S-plan.out" "[r.plan.prisma.migrations, r.plan.prisma.planned, r.plan.prisma.same].join(' ')")"
gate_in "$PROJ" S-approve approve --migrations safe
expect "S: approve agrees: no token for a refused plan (exit 1)" 1 "$RC"
gate_in "$PROJ" S deploy --migrations safe --format json
expect "S: deploy of a subset folder is refused (exit 1)" 1 "$RC"
expect "S: stage refused" refused "$(jget "$WORK/S.out" r.deploy.stage)"
expect "S: Prisma was not started" no "$(started)"
expect "S: no table at all was created" "" "$(tables "$DB")"

# --- N: nothing planned -----------------------------------------------------------------
DB=$(createdb n_app) # a fresh database: Prisma would apply prisma/migrations here
export DATABASE_URL=$DB
gate_in "$PROJ" N-missing deploy --migrations nowhere --format json
expect "N: a missing migrations folder: nothing to deploy, exit 0" 0 "$RC"
expect "N: missing folder: Prisma was not started" no "$(started)"
check "N: says nothing to deploy" grep -q 'nothing to deploy' "$WORK/N-missing.err"
mkdir -p "$PROJ/empty"
gate_in "$PROJ" N-empty deploy --migrations empty --format json
expect "N: an empty migrations folder: exit 0" 0 "$RC"
expect "N: empty folder: Prisma was not started" no "$(started)"
expect "N: the deploy report says Prisma did not start" false "$(jget "$WORK/N-empty.out" r.deploy.prisma.started)"
expect "N: nothing applied (no table created)" "" "$(tables "$DB")"

# --- P: policy paths that differ from Prisma's ---------------------------------------------
DB=$(createdb p_app)
export DATABASE_URL=$DB
policy "$PROJ" "  migrations: safe"
gate_in "$PROJ" P-migrations deploy --format json
expect "P: project.migrations other than Prisma's folder: refused (exit 1)" 1 "$RC"
expect "P: Prisma was not started" no "$(started)"
expect_has "P: the message names where Prisma's folder comes from" "$WORK/P-migrations.out" "the directory of the schema file holding the datasource"
mkdir -p "$PROJ/other"
cp "$PROJ/prisma/schema.prisma" "$PROJ/other/schema.prisma"
cat >"$PROJ/prisma-gate.yml" <<EOF
version: 1
project:
  schema: other/schema.prisma
  migrations: prisma/migrations
  prisma: [sh, $WORK/rec-prisma.sh, --config, $CONFIG, --schema, prisma/schema.prisma]
EOF
gate_in "$PROJ" P-schema deploy --format json
expect "P: a --schema in project.prisma other than project.schema: refused (exit 1)" 1 "$RC"
expect_has "P: says which --schema" "$WORK/P-schema.out" "project.prisma passes --schema prisma/schema.prisma"
expect "P: Prisma was not started" no "$(started)"
expect "P: still nothing applied" "" "$(tables "$DB")"

# a multi-file schema folder: Prisma's folder is `migrations` next to the file
# holding the datasource (prisma/schema/migrations), not prisma/migrations
DB=$(createdb m_app)
export DATABASE_URL=$DB
PROJ=$WORK/m
new_project "$PROJ"
add_migration "$PROJ" 20240101000000_init "$INIT"
add_migration "$PROJ" 20240102000000_drop "$DROP"
mkdir -p "$PROJ/prisma/schema/migrations/20240101000000_init"
mv "$PROJ/prisma/schema.prisma" "$PROJ/prisma/schema/schema.prisma"
sed -i '/^model User/,$d' "$PROJ/prisma/schema/schema.prisma"
printf 'model User {\n  id Int @id @default(autoincrement())\n}\n' >"$PROJ/prisma/schema/user.prisma"
cp "$PROJ/prisma/migrations/migration_lock.toml" "$PROJ/prisma/schema/migrations/"
cp "$PROJ/prisma/migrations/20240101000000_init/migration.sql" "$PROJ/prisma/schema/migrations/20240101000000_init/"
policy "$PROJ" "  schema: prisma/schema
  migrations: prisma/migrations"
gate_in "$PROJ" M-old deploy --format json
expect "M: a schema folder with the migrations next to the folder (not next to the datasource file): refused" 1 "$RC"
expect "M: Prisma's folder is next to the datasource file" prisma/schema/migrations "$(jget "$WORK/M-old.out" r.plan.prisma.migrations)"
expect "M: Prisma was not started" no "$(started)"
policy "$PROJ" "  schema: prisma/schema
  migrations: prisma/schema/migrations"
gate_in "$PROJ" M deploy --format json
expect "M: planned from Prisma's folder: deploys (exit 0)" 0 "$RC" || show "$WORK/M.err"
expect "M: Prisma got --schema prisma/schema" 1 "$(recorded ' --schema prisma/schema$')"
expect "M: only the planned migration applied (Audit kept)" "Audit User _prisma_migrations" "$(tables "$DB")"

# --- C: a Prisma config file in the project --------------------------------------------------
DB=$(createdb c_app)
export DATABASE_URL=$DB
PROJ=$WORK/c
new_project "$PROJ"
mkdir -p "$PROJ/db/migrations/20240101000000_init"
mv "$PROJ/prisma/migrations/migration_lock.toml" "$PROJ/db/migrations/"
printf '%b' "$INIT" >"$PROJ/db/migrations/20240101000000_init/migration.sql"
cat >"$PROJ/prisma.config.ts" <<EOF
// the fixture's adapter set-up, with this project's migrations folder
import base from '$CONFIG'

export default {
  ...base,
  migrations: { path: "db/migrations" }, // relative to this file
}
EOF
cat >"$PROJ/prisma-gate.yml" <<EOF
version: 1
project:
  migrations: db/migrations
  config: prisma.config.ts
  prisma: [sh, $WORK/rec-prisma.sh]
EOF
gate_in "$PROJ" C deploy --format json
expect "C: a config whose literal migrations.path is the planned folder deploys (exit 0)" 0 "$RC" || show "$WORK/C.err"
expect "C: Prisma got --config prisma.config.ts" 1 "$(recorded ' --config prisma.config.ts')"
expect "C: Prisma got --schema prisma/schema.prisma" 1 "$(recorded ' --schema prisma/schema.prisma')"
expect "C: the migration is applied" "Audit User _prisma_migrations" "$(tables "$DB")"
sed -i 's|migrations: { path: "db/migrations" }|migrations: { path: process.env.MIG_DIR ?? "db/migrations" }|' "$PROJ/prisma.config.ts"
add_migration "$PROJ" 20240102000000_unused 'SELECT 1;\n' # Prisma's default folder now has something
mkdir -p "$PROJ/db/migrations/20240102000000_next"
printf 'ALTER TABLE "User" ADD COLUMN "x" TEXT;\n' >"$PROJ/db/migrations/20240102000000_next/migration.sql"
gate_in "$PROJ" C-expr deploy --format json
expect "C: a migrations.path that is not a literal cannot be checked: refused (exit 1)" 1 "$RC"
expect_has "C: says to write it as a literal" "$WORK/C-expr.out" "write it as a string literal"
expect "C: a plan refusal's reason is printed once on stderr" 1 "$(grep -c 'write it as a string literal' "$WORK/C-expr.err")"
expect "C: Prisma was not started" no "$(started)"
rm -f "$PROJ/prisma.config.ts"
cat >"$PROJ/prisma.config.ts" <<EOF
import base from '$CONFIG'
export default { ...base }
EOF
sed -i '/^  config:/d' "$PROJ/prisma-gate.yml"
gate_in "$PROJ" C-auto plan --format json
expect "C: a prisma.config.ts Prisma loads from the working directory counts too: refused" "1 refused" "$RC $(jget "$WORK/C-auto.out" r.plan.decision)"
expect_has "C: it is named as found in the working directory" "$WORK/C-auto.out" "found in the working directory"
expect "C: the imported config (the fixture) is read through its spread: no spread problem" none \
	"$(jget "$WORK/C-auto.out" "(r.checks.find(c => /spreads/.test(c.message || '')) || {status: 'none'}).status")"
expect_has "C: Prisma's default folder, since the fixture's conditional spread sets nothing here" "$WORK/C-auto.out" "sets no migrations.path"
# the fixture sets migrations when PRISMA_GATE_MIGRATIONS is set: the gate evaluates that test
PRISMA_GATE_MIGRATIONS=db/migrations gate_in "$PROJ" C-auto-env plan --format json
expect "C: the fixture's env-conditional spread sets migrations here: refused (exit 1)" "1 refused" \
	"$RC $(jget "$WORK/C-auto-env.out" r.plan.decision)"
expect_has "C: names the line in the imported file and the spread" "$WORK/C-auto-env.out" \
	"of $CONFIG (spread in at line 2), but migrations.path is not a plain string literal"
# a spread the gate cannot read may set migrations and datasource (here: override the literal
# folder before it): refused, Prisma not started
cat >"$PROJ/prisma.config.ts" <<EOF
import base from '$CONFIG'
const pick = () => base
export default {
  migrations: { path: "db/migrations" },
  ...pick(),
}
EOF
gate_in "$PROJ" C-opaque deploy --format json
expect "C: a spread the gate cannot read (a call): deploy refused (exit 1)" 1 "$RC" || show "$WORK/C-opaque.err"
expect_has "C: says which line and why" "$WORK/C-opaque.out" "spreads an object at line 5 that may set migrations or datasource, but it spreads an expression the gate does not evaluate"
expect "C: unreadable spread: Prisma was not started" no "$(started)"
# ... overridden by literal keys after it: the gate knows again
cat >"$PROJ/prisma.config.ts" <<EOF
import base from '$CONFIG'
const pick = () => base
export default {
  ...pick(),
  migrations: { path: "db/migrations" },
  datasource: undefined,
}
EOF
gate_in "$PROJ" C-override plan --format json
expect "C: literal migrations and datasource after the spread: not refused (exit 0)" "0 auto" \
	"$RC $(jget "$WORK/C-override.out" r.plan.decision)" || show "$WORK/C-override.err"
# the config's datasource (Prisma 7; Prisma 6 with engine 'classic'): url, directUrl
cat >"$PROJ/prisma.config.ts" <<EOF
import base from '$CONFIG'
export default {
  ...base,
  migrations: { path: "db/migrations" },
  datasource: { url: pickUrl() },
}
EOF
gate_in "$PROJ" C-ds-expr plan --format json
expect "C: a datasource.url the gate cannot read: refused" "1 refused" "$RC $(jget "$WORK/C-ds-expr.out" r.plan.decision)"
expect_has "C: says where" "$WORK/C-ds-expr.out" "sets datasource.url at line 5"
sed -i 's|datasource: { url: pickUrl() }|datasource: { url: env("APP_DB_URL"), directUrl: env("DIRECT_URL") }|' "$PROJ/prisma.config.ts"
OTHER=$(createdb c_other)
DIRECT_URL=$OTHER gate_in "$PROJ" C-ds-direct deploy --format json
expect "C: the config's datasource.directUrl on another database: refused (exit 1)" 1 "$RC" || show "$WORK/C-ds-direct.err"
expect_has "C: names the config's directUrl" "$WORK/C-ds-direct.err" "the Prisma config's datasource.directUrl"
expect "C: config directUrl: Prisma was not started" no "$(started)"

# a driver adapter (the fixture's, spread in): Prisma Migrate connects wherever its code says;
# a postgres URL the config reads must reach the target too
cat >"$PROJ/prisma.config.ts" <<EOF
import base from '$CONFIG'
const pooled = process.env.POOLED_URL // e.g. for the app's pool
export default {
  ...base,
  migrations: { path: "db/migrations" },
}
EOF
POOLED_URL=$OTHER gate_in "$PROJ" C-adapter-other deploy --format json
expect "C: the config reads POOLED_URL, another database, and has an adapter: refused (exit 1)" 1 "$RC" || show "$WORK/C-adapter-other.err"
expect_has "C: names the variable and the adapter" "$WORK/C-adapter-other.err" "POOLED_URL (read by the Prisma config prisma.config.ts, whose driver adapter at line 4"
expect "C: adapter, another database: Prisma was not started" no "$(started)"
POOLED_URL=$DB gate_in "$PROJ" C-adapter-same deploy --format json
expect "C: POOLED_URL on the target: deploys (exit 0)" 0 "$RC" || show "$WORK/C-adapter-same.err"
expect_has "C: ... and says it reaches the target" "$WORK/C-adapter-same.out" "POOLED_URL (read by the Prisma config"
mkdir -p "$PROJ/db/migrations/20240103000000_more"
printf 'ALTER TABLE "User" ADD COLUMN "y" TEXT;\n' >"$PROJ/db/migrations/20240103000000_more/migration.sql"
POOLED_URL=not-a-url gate_in "$PROJ" C-adapter-nourl deploy --format json
expect "C: a variable that is no postgres URL is not a database: deploys (exit 0)" 0 "$RC" || show "$WORK/C-adapter-nourl.err"
# a read inside a template literal's ${...} is a read too
cat >"$PROJ/prisma.config.ts" <<EOF
import base from '$CONFIG'
const pooled = \`\${process.env.POOLED_URL}?application_name=app\`
export default {
  ...base,
  migrations: { path: "db/migrations" },
}
EOF
mkdir -p "$PROJ/db/migrations/20240104000000_tpl"
printf 'ALTER TABLE "User" ADD COLUMN "z" TEXT;\n' >"$PROJ/db/migrations/20240104000000_tpl/migration.sql"
POOLED_URL=$OTHER gate_in "$PROJ" C-adapter-tpl deploy --format json
expect "C: the config reads POOLED_URL in a template literal, another database: refused (exit 1)" 1 "$RC" || show "$WORK/C-adapter-tpl.err"
expect_has "C: ... names it" "$WORK/C-adapter-tpl.err" "POOLED_URL (read by the Prisma config prisma.config.ts, whose driver adapter at line 4"
expect "C: template literal, another database: Prisma was not started" no "$(started)"
POOLED_URL=$DB gate_in "$PROJ" C-adapter-tpl-same deploy --format json
expect "C: ... on the target: deploys (exit 0)" 0 "$RC" || show "$WORK/C-adapter-tpl-same.err"
# a postgres URL written in the config's code: the adapter may connect through it
OTHER_PW=$(createdb c_other_pw gate_pw)
adapter_config() {
	cat >"$PROJ/prisma.config.ts" <<EOF
import base from '$CONFIG'
const replica = $1
export default {
  ...base,
  migrations: { path: "db/migrations" },
}
EOF
}
mkdir -p "$PROJ/db/migrations/20240105000000_lit"
printf 'ALTER TABLE "User" ADD COLUMN "v" TEXT;\n' >"$PROJ/db/migrations/20240105000000_lit/migration.sql"
adapter_config "'$OTHER_PW'"
gate_in "$PROJ" C-adapter-lit deploy --format json
expect "C: a postgres URL literal in the config, another database: refused (exit 1)" 1 "$RC" || show "$WORK/C-adapter-lit.err"
expect_has "C: ... names it" "$WORK/C-adapter-lit.err" "a postgres URL written in the Prisma config prisma.config.ts (its driver adapter at line 4 may connect through it) points at"
expect_has "C: ... and its database" "$WORK/C-adapter-lit.err" "/c_other_pw"
expect_lacks "C: ... no password in stderr" "$WORK/C-adapter-lit.err" "secret-pw"
expect_lacks "C: ... no password in the report" "$WORK/C-adapter-lit.out" "secret-pw"
expect "C: literal, another database: Prisma was not started" no "$(started)"
adapter_config '`postgresql://gate_pw:${process.env.PW}@127.0.0.1/c_app`'
gate_in "$PROJ" C-adapter-built deploy --format json
expect "C: a postgres URL built in a template literal: refused (exit 1)" 1 "$RC" || show "$WORK/C-adapter-built.err"
expect_has "C: ... says where and why" "$WORK/C-adapter-built.err" "builds a postgres URL in a template literal (line 2)"
expect "C: built, Prisma was not started" no "$(started)"
adapter_config "'$DB'"
gate_in "$PROJ" C-adapter-lit-same deploy --format json
expect "C: a postgres URL literal on the target: deploys (exit 0)" 0 "$RC" || show "$WORK/C-adapter-lit-same.err"

# --- U: a migration Prisma applies that the plan did not contain -------------------------------
DB=$(createdb u_app)
export DATABASE_URL=$DB
PROJ=$WORK/u
new_project "$PROJ"
add_migration "$PROJ" 20240101000000_init "$INIT"
policy "$PROJ" ""
SNEAK_MIGRATION=20240101000001_sneaky gate_in "$PROJ" U deploy --format json
expect "U: a row Prisma wrote for an unplanned migration is exit 5" 5 "$RC" || show "$WORK/U.err"
expect "U: the report names it" 20240101000001_sneaky "$(jget "$WORK/U.out" "(r.deploy.unplanned || []).join(' ')")"
expect_has "U: recovery: no down migrations" "$WORK/U.out" "Prisma has no down migrations"
expect_has "U: recovery: how to inspect it" "$WORK/U.out" "SELECT migration_name, started_at, finished_at, logs FROM _prisma_migrations"
expect_has "U: stderr names it" "$WORK/U.err" "Prisma applied 20240101000001_sneaky, which the plan did not contain"
add_migration "$PROJ" 20240101000002_more 'ALTER TABLE "User" ADD COLUMN "n" TEXT;\n'
SNEAK_MIGRATION=20240101000003_sneaky2 gate_in "$PROJ" U-md deploy --format markdown
expect "U: again with a Markdown report: exit 5" 5 "$RC"
expect_has "U: the Markdown report names it" "$WORK/U-md.out" "**Applied but not planned:** \`20240101000003_sneaky2\`"
SNEAK_MIGRATION= gate_in "$PROJ" U-text deploy
expect_has "U: text report after the next (clean) deploy has no unplanned list" "$WORK/U-text.out" "nothing was pending"

# --- D: directUrl and the database actually migrated -----------------------------------------
PROD=$(createdb d_prod gate_pw)
STAGING=$(createdb d_staging gate_pw)
PORT=${STAGING##*127.0.0.1:}
PORT=${PORT%%/*}
STAGING_LOCALHOST="postgresql://gate_pw:secret-pw@localhost:$PORT/d_staging?connect_timeout=7&application_name=x"
PROJ=$WORK/d
new_project "$PROJ"
sed -i 's|url      = env("DATABASE_URL")|url       = env("APP_DB_URL")\n  directUrl = env("DIRECT_URL")|' "$PROJ/prisma/schema.prisma"
add_migration "$PROJ" 20240101000000_init "$INIT"
dpolicy() {
	cat >"$PROJ/prisma-gate.yml" <<EOF
version: 1
project:
  prisma: [sh, $WORK/rec-prisma.sh, --config, $CONFIG]
targets:
  production:
    url_env: PROD_URL
  staging:
    url_env: STAGING_URL
$1
default_target: production
EOF
}
dpolicy ""
export PROD_URL=$PROD STAGING_URL=$STAGING DATABASE_URL=$PROD APP_DB_URL=$PROD
DIRECT_URL=$PROD gate_in "$PROJ" D-prod deploy -t staging --format json
expect "D: DIRECT_URL on production while deploying staging: refused (exit 1)" 1 "$RC" || show "$WORK/D-prod.err"
expect "D: stage refused" refused "$(jget "$WORK/D-prod.out" r.deploy.stage)"
expect "D: Prisma was not started" no "$(started)"
expect_has "D: names the direct URL's database" "$WORK/D-prod.err" "127.0.0.1:$PORT/d_prod"
expect_has "D: names the target's database" "$WORK/D-prod.err" "127.0.0.1:$PORT/d_staging"
expect_lacks "D: no password in stderr" "$WORK/D-prod.err" "secret-pw"
expect_lacks "D: no password in the report" "$WORK/D-prod.out" "secret-pw"
expect "D: production untouched" "" "$(tables d_prod)"
expect "D: staging untouched" "" "$(tables d_staging)"
check "D: the report carries the target server's system_identifier" test -n "$(jget "$WORK/D-prod.out" "r.target.server.system_identifier")"

dpolicy "    direct_url_env: STAGING_DIRECT_URL"
# The fixture's config picks its URL by a name computed in code (process.env[name]), and its
# driver adapter connects through it: any postgres URL in the environment may be the one, so
# production's, in the job deploying staging, is refused, named.
STAGING_DIRECT_URL=$STAGING_LOCALHOST DIRECT_URL=$PROD gate_in "$PROJ" D-any deploy -t staging --format json
expect "D: production's URL in the environment, a config reading names computed in code: refused (exit 1)" 1 "$RC" || show "$WORK/D-any.err"
expect_has "D: ... names the variable and why" "$WORK/D-any.err" "PROD_URL (in the environment; the Prisma config $CONFIG reads variables by a name computed in code, process.env[...] at line"
expect_has "D: ... and the database it reaches" "$WORK/D-any.err" "127.0.0.1:$PORT/d_prod"
expect_lacks "D: ... no password" "$WORK/D-any.err" "secret-pw"
expect "D: ... Prisma was not started" no "$(started)"
expect "D: ... staging untouched" "" "$(tables d_staging)"
unset PROD_URL # the staging job's environment
STAGING_DIRECT_URL=$STAGING_LOCALHOST DIRECT_URL=$PROD gate_in "$PROJ" D-direct deploy -t staging --format json
expect "D: direct_url_env naming staging (spelled localhost, other params): deploys (exit 0)" 0 "$RC" || show "$WORK/D-direct.err"
expect "D: the child's DIRECT_URL is the staging direct URL" "$STAGING_LOCALHOST" "$(env_of DIRECT_URL)"
expect "D: the child's url variable (APP_DB_URL) is the target's URL" "$STAGING" "$(env_of APP_DB_URL)"
expect "D: the child's DATABASE_URL is the target's URL" "$STAGING" "$(env_of DATABASE_URL)"
expect "D: staging was migrated" "Audit User _prisma_migrations" "$(tables d_staging)"
expect "D: production untouched" "" "$(tables d_prod)"

add_migration "$PROJ" 20240102000000_more 'ALTER TABLE "User" ADD COLUMN "y" TEXT;\n'
dpolicy ""
gate_in "$PROJ" D-unset deploy -t staging --format json
expect "D: DIRECT_URL unset: deploys (exit 0)" 0 "$RC" || show "$WORK/D-unset.err"
expect "D: the child's DIRECT_URL is the target's URL" "$STAGING" "$(env_of DIRECT_URL)"
expect "D: staging got the migration" 1 "$(q d_staging "SELECT count(*) FROM _prisma_migrations WHERE migration_name = '20240102000000_more'")"

add_migration "$PROJ" 20240103000000_more 'ALTER TABLE "User" ADD COLUMN "z" TEXT;\n'
DIRECT_URL=$STAGING_LOCALHOST gate_in "$PROJ" D-same deploy -t staging --format json
expect "D: DIRECT_URL set to the target under another spelling: same database, deploys" 0 "$RC" || show "$WORK/D-same.err"
expect "D: still nothing in production" "" "$(tables d_prod)"

add_migration "$PROJ" 20240104000000_more 'ALTER TABLE "User" ADD COLUMN "w" TEXT;\n'
DIRECT_URL="postgresql://gate_pw:secret-pw@127.0.0.1:1/d_staging?connect_timeout=2" gate_in "$PROJ" D-down deploy -t staging --format json
expect "D: a DIRECT_URL that cannot be reached: exit 3" 3 "$RC"
expect "D: unreachable: Prisma was not started" no "$(started)"

sed -i 's|directUrl = env("DIRECT_URL")|directUrl = env("DIRECT_URL")\n  shadowDatabaseUrl = env("SHADOW_URL")|' "$PROJ/prisma/schema.prisma"
SHADOW_URL=$STAGING_LOCALHOST gate_in "$PROJ" D-shadow deploy -t staging --format json
expect "D: a shadow URL on the target database: refused (exit 1)" 1 "$RC"
expect_has "D: says it is the target itself" "$WORK/D-shadow.err" "is the target database itself"
expect "D: shadow: Prisma was not started" no "$(started)"

STAGING_URL="postgresql://gate_pw:secret-pw@127.0.0.2:$PORT/d_staging?hostaddr=127.0.0.1" gate_in "$PROJ" D-hostaddr deploy -t staging --format json
expect "D: hostaddr that is not the host's address: refused (exit 1)" 1 "$RC" || show "$WORK/D-hostaddr.err"
expect_has "D: explains Prisma ignores hostaddr" "$WORK/D-hostaddr.err" "Prisma ignores hostaddr"
expect "D: hostaddr: Prisma was not started" no "$(started)"
expect "D: hostaddr: the reason is printed once" 1 "$(grep -c 'Prisma ignores hostaddr' "$WORK/D-hostaddr.err")" || show "$WORK/D-hostaddr.err"
STAGING_URL="postgresql://gate_pw:secret-pw@127.0.0.2:$PORT/d_staging?hostaddr=127.0.0.1" gate_in "$PROJ" D-hostaddr-plan plan -t staging --format json
expect "D: plan with that hostaddr is refused as deploy is (approve signs nothing deploy refuses)" "1 refused" "$RC $(jget "$WORK/D-hostaddr-plan.out" r.plan.decision)"
expect_has "D: plan explains Prisma ignores hostaddr" "$WORK/D-hostaddr-plan.out" "Prisma ignores hostaddr"
STAGING_URL="postgresql://gate_pw:secret-pw@localhost:$PORT/d_staging?hostaddr=127.0.0.1" gate_in "$PROJ" D-hostaddr-ok plan -t staging --format json
expect "D: hostaddr that the host name resolves to is accepted; the server reached is reported" 127.0.0.1 "$(jget "$WORK/D-hostaddr-ok.out" "r.target.server.addr")"

cp "$PROJ/prisma/schema.prisma" "$WORK/d-schema.prisma"
sed -i "s|directUrl = env(\"DIRECT_URL\")|directUrl = \"$PROD\"|" "$PROJ/prisma/schema.prisma"
gate_in "$PROJ" D-literal deploy -t staging --format json
expect "D: a literal directUrl on production: refused (exit 1)" 1 "$RC" || show "$WORK/D-literal.err"
expect_has "D: literal: names it" "$WORK/D-literal.err" "the schema's directUrl (a literal) points at 127.0.0.1:$PORT/d_prod"
expect_lacks "D: literal: no password in stderr" "$WORK/D-literal.err" "secret-pw"
expect_lacks "D: literal: no password in the report" "$WORK/D-literal.out" "secret-pw"
expect "D: literal: Prisma was not started" no "$(started)"
cp "$WORK/d-schema.prisma" "$PROJ/prisma/schema.prisma"

# --- K: a copy of the cluster (same system_identifier, port and database name) -------------
# pg_basebackup of the test cluster, started on 127.0.0.2 with the same port:
# by identity alone it looks like the target; the gate's lock says otherwise.
BIN=${PG_BINDIR:-/usr/lib/postgresql/15/bin}
CLONE=
# shellcheck disable=SC2317 # called through trap
stop_clone() {
	[ -n "$CLONE" ] || return 0
	as_pg "$BIN/pg_ctl" -D "$CLONE/data" -m immediate -s stop >/dev/null 2>&1
	rm -rf "$CLONE"
}
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ -x "$BIN/pg_basebackup" ]; then
	trap 'stop_clone; cleanup' EXIT
	CLONE=$(mktemp -d "${TMPDIR:-/tmp}/gate-clone.XXXXXX")
	chmod 755 "$CLONE"
	[ "$(id -u)" = 0 ] && chown postgres "$CLONE"
	if as_pg "$BIN/pg_basebackup" -D "$CLONE/data" -h 127.0.0.1 -p "$PORT" -U postgres -X stream -c fast >"$WORK/clone.log" 2>&1 &&
		as_pg sh -c "printf 'host all all 127.0.0.0/8 trust\n' >>'$CLONE/data/pg_hba.conf'" &&
		as_pg "$BIN/pg_ctl" -D "$CLONE/data" -l "$CLONE/log" -w -t 60 -s \
			-o "-p $PORT -c listen_addresses=127.0.0.2 -c unix_socket_directories=$CLONE" start >>"$WORK/clone.log" 2>&1; then
		add_migration "$PROJ" 20240105000000_more 'ALTER TABLE "User" ADD COLUMN "v" TEXT;\n'
		CLONE_URL="postgresql://gate_pw:secret-pw@127.0.0.2:$PORT/d_staging"
		expect "K: the copy reports the same system_identifier" "$(q d_staging "SELECT system_identifier FROM pg_control_system()")" \
			"$(psql -X -At -h 127.0.0.2 -p "$PORT" -U postgres -d d_staging -c "SELECT system_identifier FROM pg_control_system()")"
		DIRECT_URL=$CLONE_URL gate_in "$PROJ" K deploy -t staging --format json
		expect "K: DIRECT_URL on a copy of the cluster (same identity): refused (exit 1)" 1 "$RC" || show "$WORK/K.err"
		expect_has "K: says it is a copy" "$WORK/K.err" "a copy of the cluster"
		expect "K: copy: Prisma was not started" no "$(started)"
		expect "K: the copy was not migrated" 0 "$(psql -X -At -h 127.0.0.2 -p "$PORT" -U postgres -d d_staging -c "SELECT count(*) FROM _prisma_migrations WHERE migration_name = '20240105000000_more'")"
	else
		show "$WORK/clone.log"
		not_ok "K: make a copy of the cluster on 127.0.0.2 (pg_basebackup)"
	fi
	stop_clone
	CLONE=
else
	echo "# K skipped: $BIN/pg_basebackup not found"
fi

# --- F: a plan that cannot be computed ----------------------------------------------------
# a migration folder without migration.sql (Prisma: P3015): plan, approve and
# deploy compute the plan the same way and stop there (exit 3)
DB=$(createdb f_app)
export DATABASE_URL=$DB
PROJ=$WORK/f
new_project "$PROJ"
policy "$PROJ" ""
add_migration "$PROJ" 20240101000000_init "$INIT"
mkdir "$PROJ/prisma/migrations/20240102000000_empty"
gate_in "$PROJ" F-plan plan
expect "F: plan, a folder without migration.sql: exit 3" 3 "$RC"
expect_has "F: plan names the folder" "$WORK/F-plan.err" "20240102000000_empty"
expect_has "F: ... and P3015" "$WORK/F-plan.err" "P3015"
gate_in "$PROJ" F-approve approve
expect "F: approve: exit 3" 3 "$RC"
expect "F: approve prints no token" "" "$(cat "$WORK/F-approve.out")"
expect "F: approve says what plan says" "$(cat "$WORK/F-plan.err")" "$(cat "$WORK/F-approve.err")"
gate_in "$PROJ" F-deploy deploy
expect "F: deploy: exit 3" 3 "$RC"
expect "F: deploy: Prisma was not started" no "$(started)"
expect "F: deploy: nothing applied (no table created)" "" "$(tables "$DB")"
# the JSON reports (checked against docs/report.schema.json by the wrapper):
# no half-computed plan ("decision": "nothing" would read as nothing pending),
# the error in the checks
gate_in "$PROJ" F-plan-json plan --format json
expect "F: plan --format json: exit 3 (the report is valid)" 3 "$RC" || show "$WORK/F-plan-json.err"
expect "F: plan JSON: no plan object, verdict error" "undefined error" \
	"$(jget "$WORK/F-plan-json.out" "typeof r.plan + ' ' + r.verdict")"
expect_has "F: plan JSON: the plan check says why" "$WORK/F-plan-json.out" "20240102000000_empty"
gate_in "$PROJ" F-deploy-json deploy --format json
expect "F: deploy --format json: exit 3 (the report is valid)" 3 "$RC" || show "$WORK/F-deploy-json.err"
expect "F: deploy JSON: no plan object" undefined "$(jget "$WORK/F-deploy-json.out" "typeof r.plan")"
# the text and Markdown reports say that there is no plan, why, and what
# follows, not "0 migrations, 0 findings ...", which reads as an empty plan
WHY="migration folder 'prisma/migrations/20240102000000_empty' has no migration.sql (Prisma fails on it with P3015)"
expect "F: plan's text report: no plan, why, and what follows" \
	"No plan for 127.0.0.1:$PGPORT/f_app (schema public): it could not be computed
  error: $WHY
  nothing can be approved or deployed without a plan (exit 3)" "$(cat "$WORK/F-plan.out")"
expect "F: deploy's text report: stopped at the plan, why" \
	"Deploy stopped: the plan could not be computed; nothing was changed
  error: $WHY" "$(cat "$WORK/F-deploy.out")"
gate_in "$PROJ" F-plan-md plan --format markdown
expect "F: plan --format markdown: exit 3" 3 "$RC"
expect_has "F: plan's Markdown: no plan, why, what follows" "$WORK/F-plan-md.out" \
	"**No plan could be computed:** ${WHY//_/\\_} · exit 3 · nothing can be approved or deployed without a plan"
expect_lacks "F: plan's Markdown: no migration count" "$WORK/F-plan-md.out" "0 migrations"
gate_in "$PROJ" F-deploy-md deploy --format markdown
expect "F: deploy --format markdown: exit 3" 3 "$RC"
expect_has "F: deploy's Markdown: no plan, why, nothing deployed" "$WORK/F-deploy-md.out" \
	"**No plan could be computed:** ${WHY//_/\\_} · exit 3 · nothing was deployed"
expect_lacks "F: deploy's Markdown: no migration count" "$WORK/F-deploy-md.out" "0 migrations"
# a target that cannot be reached: the reason is in the report too, not only on stderr
rm -r "$PROJ/prisma/migrations/20240102000000_empty"
DATABASE_URL="postgresql://postgres@127.0.0.1:1/f_app" gate_in "$PROJ" F-down plan --format json
expect "F: plan, target unreachable: exit 3 (the report is valid)" 3 "$RC" || show "$WORK/F-down.err"
expect "F: ... its JSON has the db.connection check in error, naming the target" "error 1 f_app" \
	"$(jget "$WORK/F-down.out" "(r.checks.find(c => c.id === 'db.connection') || {}).status + ' ' + r.target.port + ' ' + r.target.database")"
expect_has "F: ... and why" "$WORK/F-down.out" "cannot connect to database 'f_app' on 127.0.0.1:1"
DATABASE_URL="postgresql://postgres@127.0.0.1:1/f_app" gate_in "$PROJ" F-down-text plan
expect_has "F: ... its text report says no plan could be computed" "$WORK/F-down-text.out" \
	"No plan for 127.0.0.1:1/f_app (schema public): it could not be computed"
expect_lacks "F: ... not an empty plan" "$WORK/F-down-text.out" "0 migrations"
DATABASE_URL="postgresql://postgres@127.0.0.1:1/f_app" gate_in "$PROJ" F-down-deploy deploy --format json
expect "F: deploy, target unreachable: exit 3, the check in its JSON" "3 error" \
	"$RC $(jget "$WORK/F-down-deploy.out" "(r.checks.find(c => c.id === 'db.connection') || {}).status")"

finish
