#!/bin/bash
# tests/integration/shadow.sh — the shadow database and the replay, through
# `prisma-gate check`'s test apply (migrations.test-apply), against a
# throwaway PostgreSQL 15 (ci/pg.sh) and git repositories built here:
#
#   R  the target refused as its own shadow, also under another spelling of
#      its URL (host name instead of 127.0.0.1, extra parameters); a replay
#      cache database refused as a configured shadow;
#   E  a non-empty shadow refused, accepted with drift.reset_shadow: true;
#      a configured shadow is left empty after a run;
#   T  drift.shadow: create: the temporary prisma_gate_shadow_<hex> database
#      is dropped after success, a replay failure, a timeout (drift.timeout),
#      SIGTERM and SIGINT; a role without CREATEDB gets a clear error;
#   F  a broken branch migration: a failed check (exit 1) naming the
#      migration, file:line, the failing statement, PostgreSQL's message and
#      SQLSTATE;
#   C  the replay cache: a second run starts from the base's cached prefix
#      and replays only the new migration (verbose output lists what was
#      replayed); pruning keeps drift.cache databases;
#   N  no shadow configured: the check is skipped and says how to turn it on.
#
# Ends with "N passed, N failed"; skips when PostgreSQL, git or node is missing.

# shellcheck source=tests/integration/check-lib.sh
. "$(dirname "$0")/check-lib.sh"

PGDIR=
# shellcheck disable=SC2317 # called through trap
cleanup_all() {
	pg_stop "$PGDIR"
	rm -rf "$W"
}
trap cleanup_all EXIT

PGDIR=$(mktemp -d "${TMPDIR:-/tmp}/gate-shadow-pg.XXXXXX")
rc=0
pg_start "$PGDIR" "$W/pg-start.err" || rc=$?
if [ $rc -ne 0 ]; then
	show "$W/pg-start.err"
	[ $rc -eq 77 ] && skip_all "PostgreSQL 15 server binaries not found"
	not_ok "start a PostgreSQL cluster (ci/pg.sh start)"
	finish
fi

# the binary itself (not a wrapper script), so that signals reach prisma-gate
REAL=${PRISMA_GATE_REAL:-$GATE}

q() { psql -X -At -v ON_ERROR_STOP=1 -d "$1" -c "$2" 2>&1; }
q postgres "CREATE DATABASE app" >/dev/null
q postgres "CREATE DATABASE shadow" >/dev/null
q postgres "CREATE ROLE nocreate LOGIN" >/dev/null
q postgres "CREATE DATABASE app_nc OWNER nocreate" >/dev/null
APP_URL="postgresql://postgres@127.0.0.1:$PGPORT/app"
SHADOW_URL="postgresql://postgres@127.0.0.1:$PGPORT/shadow"
export DATABASE_URL=$APP_URL SHADOW_DATABASE_URL=$SHADOW_URL

# temporaries: the prisma_gate_shadow_% databases left on the server
temporaries() { q postgres "SELECT count(*) FROM pg_database WHERE datname LIKE 'prisma\_gate\_shadow\_%'"; }
caches() { q postgres "SELECT string_agg(datname, ' ' ORDER BY datname) FROM pg_database WHERE datname LIKE 'prisma\_gate\_cache\_%'"; }
ncaches() { q postgres "SELECT count(*) FROM pg_database WHERE datname LIKE 'prisma\_gate\_cache\_%'"; }
shadow_tables() { q shadow "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')"; }

# policy FILE [DRIFT-YAML-LINES]: a policy with target app (shadow_url_env)
policy() {
	cat >"$1" <<EOF
version: 1
targets:
  app:
    url_env: DATABASE_URL
    shadow_url_env: SHADOW_DATABASE_URL
drift:
${2:-  cache: 0}
EOF
}

new_repo "$W/tpl"

# clone NAME: a fresh clone of the template on branch feature; prints its path
clone() {
	git clone -q "$W/tpl" "$W/$1"
	(cd "$W/$1" && git checkout -q -b feature)
	echo "$W/$1"
}

ADD_LOCATION='-- AlterTable
ALTER TABLE "events" ADD COLUMN     "location" TEXT;
'
# line 4 fails: "place" does not exist
BROKEN='-- AlterTable
ALTER TABLE "events" ADD COLUMN "location" TEXT;

CREATE INDEX "events_place_idx" ON "events"("place");
'

# a good change and a broken one
R=$(clone good)
(cd "$R" && write_schema prisma '  location  String?' &&
	add_migration . 20240201000000_add_location "$ADD_LOCATION" && commit_all . good)
B=$(clone broken)
(cd "$B" && write_schema prisma '  location  String?' &&
	add_migration . 20240201000000_add_location "$BROKEN" && commit_all . broken)

# ------------------------------------------------------------------ N: off
cd "$R" || exit 1
policy "$W/none.yml"
sed -i '/shadow_url_env/d' "$W/none.yml"
gate none check -p "$W/none.yml" --format json
expect "N: no shadow configured: exit 0" 0 "$RC"
expect "N: test-apply skipped" skip "$(statuses none migrations.test-apply)"
expect_has "N: says how to turn it on" "$W/none.out" "drift.shadow: create"

# ------------------------------------------------------- URL shadow: success
policy "$W/url.yml"
gate url check -p "$W/url.yml" --format json -v
expect "url shadow, good change: exit 0" 0 "$RC"
expect "url shadow: test-apply passes" pass "$(statuses url migrations.test-apply)"
expect_has "url shadow: says what it applied" "$W/url.out" "1 new migration applied on a shadow database after the base's 1"
expect_has "url shadow: replayed the base's migration" "$W/url.err" "replay: 20240101000000_init (1/2)"
expect_has "url shadow: replayed the new migration" "$W/url.err" "replay: 20240201000000_add_location (2/2)"
expect "E: the configured shadow is left empty after the run" 0 "$(shadow_tables)"
expect "url shadow: the target is untouched" 0 "$(q app "SELECT count(*) FROM pg_class WHERE relname = 'events'")"

# --------------------------------------------------- R: target as its own shadow
for spelling in "postgresql://postgres@localhost:$PGPORT/app" \
	"postgresql://postgres@127.0.0.1:$PGPORT/app?connect_timeout=7&application_name=other" \
	"postgres://postgres@localhost:$PGPORT/app?schema=public&sslmode=disable"; do
	SHADOW_DATABASE_URL=$spelling gate self check -p "$W/url.yml" --format json
	expect "R: target as shadow ($spelling): exit 3" 3 "$RC"
	expect "R: target as shadow ($spelling): test-apply error" error "$(statuses self migrations.test-apply)"
	expect_has "R: target as shadow ($spelling): says why" "$W/self.out" "points at the target's own database 'app'"
done
expect "R: nothing was replayed into the target" 0 "$(q app "SELECT count(*) FROM pg_class WHERE relname = 'events'")"
q postgres "CREATE DATABASE prisma_gate_cache_0123456789abcdef" >/dev/null
SHADOW_DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/prisma_gate_cache_0123456789abcdef" \
	gate cacheshadow check -p "$W/url.yml" --format json
expect "R: a cache database as shadow: exit 3" 3 "$RC"
expect_has "R: a cache database as shadow: says why" "$W/cacheshadow.out" "a replay cache"
q postgres "DROP DATABASE prisma_gate_cache_0123456789abcdef" >/dev/null

# ------------------------------------------------------- E: non-empty shadow
q shadow "CREATE TABLE leftover (id int); CREATE SCHEMA other_app" >/dev/null
gate full check -p "$W/url.yml" --format json
expect "E: non-empty shadow refused: exit 3" 3 "$RC"
expect_has "E: non-empty shadow: names what it holds" "$W/full.out" "table leftover"
expect_has "E: non-empty shadow: says how to accept it" "$W/full.out" "drift.reset_shadow: true"
expect "E: the refused shadow is untouched" 1 "$(q shadow "SELECT count(*) FROM pg_class WHERE relname = 'leftover'")"
policy "$W/reset.yml" "  reset_shadow: true"
gate reset check -p "$W/reset.yml" --format json
expect "E: reset_shadow with another schema left: exit 3" 3 "$RC"
expect_has "E: reset resets only the schema in use, as Prisma does" "$W/reset.out" "still holds schema other_app"
expect "E: the reset dropped public's table" 0 "$(q shadow "SELECT count(*) FROM pg_class WHERE relname = 'leftover'")"
q shadow "CREATE TABLE leftover (id int); DROP SCHEMA other_app" >/dev/null
gate reset2 check -p "$W/reset.yml" --format json
expect "E: reset_shadow: true accepts a non-empty shadow: exit 0" 0 "$RC"
expect "E: reset_shadow: test-apply passes" pass "$(statuses reset2 migrations.test-apply)"
expect "E: after the reset run the shadow is empty" 0 "$(shadow_tables)"

# ------------------------------------------------------------ F: a broken migration
cd "$B" || exit 1
gate broken check -p "$W/url.yml" --format json
expect "F: broken migration: exit 1" 1 "$RC"
expect "F: test-apply fails" fail "$(statuses broken migrations.test-apply)"
M=$(messages broken migrations.test-apply)
case "$M" in *'migration 20240201000000_add_location failed to apply at prisma/migrations/20240201000000_add_location/migration.sql:4:'*) ok "F: names the migration and file:line" ;; *) not_ok "F: names the migration and file:line ($M)" ;; esac
case "$M" in *'column "place" does not exist'*'(SQLSTATE 42703)'*) ok "F: PostgreSQL's message and SQLSTATE" ;; *) not_ok "F: PostgreSQL's message and SQLSTATE ($M)" ;; esac
case "$M" in *'statement: CREATE INDEX "events_place_idx" ON "events"("place")'*) ok "F: the failing statement" ;; *) not_ok "F: the failing statement ($M)" ;; esac
expect "F: the check's line" 4 "$(jget "$W/broken.out" "r.checks.find(c => c.id === 'migrations.test-apply').line")"
expect "F: the check's path" prisma/migrations/20240201000000_add_location/migration.sql "$(jget "$W/broken.out" "r.checks.find(c => c.id === 'migrations.test-apply').path")"
expect "F: the shadow is empty again after the failure" 0 "$(shadow_tables)"
gate broken-text check -p "$W/url.yml"
expect "F: text report: exit 1" 1 "$RC"
expect_has "F: text report names the statement" "$W/broken-text.out" 'CREATE INDEX "events_place_idx"'

# ------------------------------------------------------------- T: temporary shadow
cd "$R" || exit 1
policy "$W/create.yml" "  shadow: create"
gate create check -p "$W/create.yml" --format json -v
expect "T: create, good change: exit 0" 0 "$RC"
expect "T: create: test-apply passes" pass "$(statuses create migrations.test-apply)"
expect_has "T: create: a temporary database was made" "$W/create.err" "created temporary database 'prisma_gate_shadow_"
expect_has "T: create: and dropped" "$W/create.err" "dropped temporary database 'prisma_gate_shadow_"
expect "T: no temporary database left after success" 0 "$(temporaries)"
cd "$B" || exit 1
gate create-broken check -p "$W/create.yml" --format json
expect "T: create, broken change: exit 1" 1 "$RC"
expect "T: no temporary database left after a replay failure" 0 "$(temporaries)"

# a target in another schema (?schema=tenant): the shadow replays into that schema
cd "$R" || exit 1
DATABASE_URL="$APP_URL?schema=tenant" gate tenant check -p "$W/create.yml" --format json
expect "T: ?schema=tenant, temporary shadow: exit 0" 0 "$RC"
expect "T: ?schema=tenant, temporary shadow: test-apply passes" pass "$(statuses tenant migrations.test-apply)"
DATABASE_URL="$APP_URL?schema=tenant" gate tenant-url check -p "$W/url.yml" --format json
expect "E: ?schema=tenant, configured shadow: exit 0" 0 "$RC"
expect "E: ?schema=tenant: the configured shadow is left as found (public only)" public "$(q shadow "SELECT string_agg(nspname, ' ') FROM pg_namespace WHERE nspname NOT LIKE 'pg\_%' AND nspname <> 'information_schema'")"
cd "$B" || exit 1

# a role without CREATEDB
DATABASE_URL="postgresql://nocreate@127.0.0.1:$PGPORT/app_nc" gate nocreate check -p "$W/create.yml" --format json
expect "T: no CREATEDB: exit 3" 3 "$RC"
expect_has "T: no CREATEDB: says so" "$W/nocreate.out" "CREATEDB"
expect "T: no CREATEDB: nothing left" 0 "$(temporaries)"

# a slow migration: timeout, SIGTERM, SIGINT
S=$(clone slow)
(cd "$S" && add_migration . 20240201000000_slow 'SELECT pg_sleep(30);
' && commit_all . slow)
cd "$S" || exit 1
policy "$W/timeout.yml" "  shadow: create
  timeout: 6s"
gate timeout check -p "$W/timeout.yml" --format json
expect "T: timeout: exit 3" 3 "$RC"
expect_has "T: timeout: says so" "$W/timeout.out" "timed out while replaying migration 20240201000000_slow"
expect "T: no temporary database left after a timeout" 0 "$(temporaries)"

sleeping() { q postgres "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(30)%' AND datname LIKE 'prisma\_gate\_shadow\_%'"; }
for sig in TERM INT; do
	"$REAL" check -p "$W/create.yml" --format json >"$W/sig$sig.out" 2>"$W/sig$sig.err" &
	pid=$!
	for _ in $(seq 1 100); do
		[ "$(sleeping)" = 1 ] && break
		sleep 0.1
	done
	expect "T: SIG$sig: the migration is running in a temporary database" 1 "$(sleeping)"
	kill -"$sig" "$pid"
	wait "$pid"
	rc=$?
	expect "T: SIG$sig: exit 3 (not evaluated)" 3 "$rc"
	expect_has "T: SIG$sig: says it was stopped" "$W/sig$sig.out" "stopped by SIG$sig while replaying migration 20240201000000_slow"
	expect "T: no temporary database left after SIG$sig" 0 "$(temporaries)"
done

# -------------------------------------------------------------- C: replay cache
cd "$R" || exit 1
policy "$W/cache.yml" "  shadow: create
  cache: 1"
gate cache1 check -p "$W/cache.yml" --format json -v
expect "C: first run: exit 0" 0 "$RC"
expect_has "C: first run replays the base's migration" "$W/cache1.err" "replay: 20240101000000_init (1/2)"
expect_has "C: first run saves the base's prefix" "$W/cache1.err" "saved replay cache 'prisma_gate_cache_"
expect "C: one cache database" 1 "$(ncaches)"
FIRST=$(caches)
gate cache2 check -p "$W/cache.yml" --format json -v
expect "C: second run: exit 0" 0 "$RC"
expect_has "C: second run starts from the cache" "$W/cache2.err" "1 of 2 migrations from replay cache '$FIRST'; replaying 1"
expect_lacks "C: second run does not replay the base's migration" "$W/cache2.err" "replay: 20240101000000_init"
expect_has "C: second run replays only the new migration" "$W/cache2.err" "replay: 20240201000000_add_location (2/2)"
expect_has "C: the report counts it" "$W/cache2.out" "1 replayed, 1 from the replay cache"
expect "C: no temporary database left" 0 "$(temporaries)"
cd "$B" || exit 1
gate cache-broken check -p "$W/cache.yml" --format json -v
expect "C: a broken change on a cached base still fails: exit 1" 1 "$RC"
expect_has "C: ... replaying only the new migration" "$W/cache-broken.err" "1 of 2 migrations from replay cache"

# url mode with the cache: the replay runs in a temporary copy on the shadow's server
cd "$R" || exit 1
policy "$W/urlcache.yml" "  cache: 1"
gate urlcache check -p "$W/urlcache.yml" --format json -v
expect "C: url shadow with the cache: exit 0" 0 "$RC"
expect_has "C: url shadow with the cache: a temporary copy of the cached base" "$W/urlcache.err" "created temporary database 'prisma_gate_shadow_"
expect_has "C: url shadow with the cache: from the base's cache" "$W/urlcache.err" "1 of 2 migrations from replay cache"
expect "C: url shadow with the cache: the configured shadow is untouched" 0 "$(shadow_tables)"
expect "C: url shadow with the cache: no temporary database left" 0 "$(temporaries)"

# pruning: another base history makes another prefix; cache: 1 keeps the newest
new_repo "$W/tpl2"
(cd "$W/tpl2" && add_migration . 20240102000000_more 'CREATE TABLE "more" (id int);
' && commit_all . more)
git clone -q "$W/tpl2" "$W/two"
cd "$W/two" || exit 1
git checkout -q -b feature
add_migration . 20240201000000_add_location "$ADD_LOCATION"
commit_all . two
gate cache3 check -p "$W/cache.yml" --format json -v
expect "C: other base: exit 0" 0 "$RC"
expect_has "C: other base: starts from the shared prefix (init) and replays the rest" "$W/cache3.err" "1 of 3 migrations from replay cache '$FIRST'; replaying 2"
expect_has "C: other base: saves its own base prefix" "$W/cache3.err" "saved replay cache 'prisma_gate_cache_"
expect "C: pruned to drift.cache (1) databases" 1 "$(ncaches)"
if [ "$(caches)" != "$FIRST" ]; then ok "C: the least recently used cache was pruned"; else not_ok "C: the least recently used cache was pruned"; fi
expect_has "C: pruning is reported" "$W/cache3.err" "pruned replay cache '$FIRST'"

finish
