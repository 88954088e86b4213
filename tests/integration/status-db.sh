#!/bin/bash
# tests/integration/status-db.sh — `prisma-gate status` scenarios on a
# throwaway PostgreSQL 15 (ci/pg.sh): usage errors; an unreachable host, a
# missing database and a wrong password (exit 3, host and database named,
# the password nowhere in stdout, stderr or the report); the baseline case
# (tables, no history: P3005, with the real Prisma CLI to confirm and to
# baseline); an empty database; `?schema=` (history in a non-public schema,
# written by the real Prisma CLI) also with pgbouncer=true; the lock file
# (P3019, Prisma's whitespace quirk, missing = warning); a table that is not
# Prisma's; legacy unpadded checksums and several rows per name (rows
# written with psql); a folder without migration.sql (P3015); and that
# status is read-only and ignores Prisma's advisory lock.
#
# Ends with "N passed, N failed"; skips when PostgreSQL or node is missing
# (and the Prisma parts when the Prisma CLI fixture cannot be installed).

# shellcheck source=tests/integration/status-lib.sh
. "$(dirname "$0")/status-lib.sh"

start_cluster
HAVE_PRISMA=1
if ! "$PRISMA_SH" install >"$WORK/prisma-install.log" 2>&1; then
	HAVE_PRISMA=
	echo "# Prisma CLI fixture unavailable: the baseline/schema parts that need it are skipped"
fi

PROJ=$WORK/proj
M=$PROJ/prisma/migrations
new_project "$PROJ"
add_migration "$PROJ" 20240101000000_init 'CREATE TABLE "User" ("id" SERIAL PRIMARY KEY, "email" TEXT);\n'
add_migration "$PROJ" 20240102000000_post 'CREATE TABLE "Post" ("id" SERIAL PRIMARY KEY);\n'
S1=$(sha256sum "$M/20240101000000_init/migration.sql" | cut -d' ' -f1)
S2=$(sha256sum "$M/20240102000000_post/migration.sql" | cut -d' ' -f1)

# no_secret NAME SECRET FILE...: SECRET appears in none of the files
no_secret() {
	local name=$1 secret=$2
	shift 2
	if grep -l -F -- "$secret" "$@" >/dev/null 2>&1; then
		not_ok "$name: '$secret' found in $(grep -l -F -- "$secret" "$@" | tr '\n' ' ')"
	else
		ok "$name"
	fi
}

# make_history DB: Prisma's table (its DDL: docs/internals/prisma-migrate.md 1)
make_history() {
	q "$1" 'CREATE TABLE _prisma_migrations (
	    id VARCHAR(36) PRIMARY KEY NOT NULL, checksum VARCHAR(64) NOT NULL,
	    finished_at TIMESTAMPTZ, migration_name VARCHAR(255) NOT NULL, logs TEXT,
	    rolled_back_at TIMESTAMPTZ, started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
	    applied_steps_count INTEGER NOT NULL DEFAULT 0)' >/dev/null
}
# add_row DB NAME CHECKSUM STARTED FINISHED ROLLED_BACK (SQL expressions)
add_row() {
	q "$1" "INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, finished_at, rolled_back_at, applied_steps_count)
	    VALUES (gen_random_uuid()::text, '$3', '$2', $4, $5, $6, 1)" >/dev/null
}

# --- usage errors (exit 2, nothing evaluated) ----------------------------------
(cd "$PROJ" && env -u DATABASE_URL "$GATE" status) >"$WORK/u1.out" 2>"$WORK/u1.err"
expect "no DATABASE_URL: exit 2" 2 $?
check "no DATABASE_URL: says so" grep -q 'DATABASE_URL is not set' "$WORK/u1.err"
(cd "$PROJ" && DATABASE_URL='mysql://root:u-secret-1@h/d' "$GATE" status) >"$WORK/u2.out" 2>"$WORK/u2.err"
expect "a mysql:// URL: exit 2" 2 $?
check "a mysql:// URL: names the scheme" grep -q "scheme 'mysql'" "$WORK/u2.err"
no_secret "a mysql:// URL: the password is not printed" u-secret-1 "$WORK/u2.out" "$WORK/u2.err"
(cd "$PROJ" && DATABASE_URL='postgresql://u:u-secret-2@h:99999/d' "$GATE" status -f json) >"$WORK/u3.out" 2>"$WORK/u3.err"
expect "a bad port: exit 2" 2 $?
no_secret "a bad port: the password is not printed" u-secret-2 "$WORK/u3.out" "$WORK/u3.err"
(cd "$PROJ" && DATABASE_URL=$GATE_TEST_PG_URL "$GATE" status -t production) >/dev/null 2>"$WORK/u4.err"
expect "-t without a policy: exit 2" 2 $?
(cd "$PROJ" && DATABASE_URL=$GATE_TEST_PG_URL "$GATE" status extra) >/dev/null 2>"$WORK/u5.err"
expect "an argument: exit 2" 2 $?
(cd "$PROJ" && DATABASE_URL=$GATE_TEST_PG_URL "$GATE" health --migrations x) >/dev/null 2>"$WORK/u6.err"
expect "--migrations is not a health option: exit 2" 2 $?

# --- unreachable, missing database, wrong password (exit 3) ------------------------
export DATABASE_URL="postgresql://postgres:pw-unreach-7d1@127.0.0.1:1/appdb"
gate R1
expect "unreachable: exit 3" 3 "$RC"
check "unreachable: stderr names host:port and database" \
	grep -q "database 'appdb' on 127.0.0.1:1" "$WORK/R1.err"
expect "unreachable: report verdict error, exit_code 3" "error 3" \
	"$(jget "$WORK/R1.out" "r.verdict + ' ' + r.exit_code")"
expect "unreachable: check db.connection is an error" error "$(check_status "$WORK/R1.out" db.connection)"
expect "unreachable: local migrations listed, state unknown" "unknown unknown" \
	"$(jget "$WORK/R1.out" "r.migrations.map(m => m.state).join(' ')")"
expect "unreachable: local checksums still computed" "$S1" "$(sum "$WORK/R1.out" 20240101000000_init)"
expect "unreachable: target names host, port, database" "127.0.0.1 1 appdb" \
	"$(jget "$WORK/R1.out" "r.target.host + ' ' + r.target.port + ' ' + r.target.database")"
gate R1t status -v
expect "unreachable (text, -v): exit 3" 3 "$RC"
no_secret "unreachable: the password is nowhere" pw-unreach-7d1 "$WORK"/R1*.out "$WORK"/R1*.err

export DATABASE_URL="postgresql://postgres@no-such-host.invalid:5432/appdb?connect_timeout=3"
gate R2
expect "unknown host name: exit 3" 3 "$RC"
check "unknown host name: named" grep -q "no-such-host.invalid:5432" "$WORK/R2.err"

export DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/nosuchdb"
gate R3
expect "missing database: exit 3" 3 "$RC"
check "missing database: P1003" grep -q 'P1003' "$WORK/R3.err"

PWDB_URL=$(createdb pwdb gate_pw)
WRONG=${PWDB_URL/secret-pw/Wr0ng-pw-93f1}
export DATABASE_URL=$WRONG
gate P1
expect "wrong password: exit 3" 3 "$RC"
check "wrong password: authentication failure for gate_pw, host and database named" \
	grep -q "database 'pwdb' on 127.0.0.1:$PGPORT as user 'gate_pw'.*password authentication failed.*P1000" "$WORK/P1.err"
gate P1t status -v
gate P1q status -q -f json
no_secret "wrong password: the password is in no output (json, text, -v, -q)" Wr0ng-pw-93f1 \
	"$WORK"/P1*.out "$WORK"/P1*.err
# a password with URL-special characters, percent-encoded
q postgres "ALTER ROLE gate_pw PASSWORD 'p@ss:w/rd%1'" >/dev/null
export DATABASE_URL="postgresql://gate_pw:p%40ss%3Aw%2Frd%251@127.0.0.1:$PGPORT/pwdb"
gate P2
expect "encoded password: connects (empty database, migrations pending: exit 1)" 1 "$RC"
export DATABASE_URL="postgresql://gate_pw:p%40ss%3Aw%2Frd%252@127.0.0.1:$PGPORT/pwdb"
gate P3 status -v
expect "wrong encoded password: exit 3" 3 "$RC"
no_secret "wrong encoded password: neither form is printed" 'p%40ss%3Aw%2Frd%252' "$WORK/P3.out" "$WORK/P3.err"
no_secret "wrong encoded password: decoded form not printed" 'p@ss:w/rd%2' "$WORK/P3.out" "$WORK/P3.err"

# --- empty database ------------------------------------------------------------------
export DATABASE_URL=$(createdb empty)
gate E1
expect "empty database: exit 1" 1 "$RC"
expect "empty database: strategy empty, both pending" "empty pending pending" \
	"$(jget "$WORK/E1.out" "r.history.strategy + ' ' + r.migrations.map(m => m.state).join(' ')")"
check "empty database: next step is prisma migrate deploy" \
	grep -q 'npx prisma migrate deploy' <<<"$(jget "$WORK/E1.out" 'r.history.next.join("\n")')"
(cd "$WORK" && "$GATE" status --migrations nowhere -f json) >"$WORK/E2.out" 2>"$WORK/E2.err"
expect "no migrations directory, no history: exit 1 (Prisma: not managed)" 1 $?
expect "no migrations directory: a warning" warn "$(check_status "$WORK/E2.out" migrations.directory)"
expect "no history and no migrations: history.table fails" fail "$(check_status "$WORK/E2.out" history.table)"

# --- read-only, no advisory lock ----------------------------------------------------
export DATABASE_URL=$(createdb ro)
make_history ro
add_row ro 20240101000000_init "$S1" "now()" "now()" NULL
add_row ro 20240102000000_post "$S2" "now()" "now()" NULL
q postgres "ALTER DATABASE ro SET log_statement = 'all'" >/dev/null
log=$GATE_TEST_PG_DIR/postgres.log
before=$(wc -l <"$log")
# another session holds Prisma's advisory lock while status runs
psql -X -q -d ro -c 'SELECT pg_advisory_lock(72707369); SELECT pg_sleep(20)' >/dev/null 2>&1 &
locker=$!
for _ in $(seq 50); do
	[ "$(q postgres "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 72707369")" = 1 ] && break
	sleep 0.1
done
t0=$(date +%s%N)
gate RO
t1=$(date +%s%N)
kill "$locker" 2>/dev/null
wait "$locker" 2>/dev/null
expect "with Prisma's advisory lock held elsewhere: exit 0" 0 "$RC"
check "with Prisma's advisory lock held elsewhere: does not wait ($(((t1 - t0) / 1000000)) ms)" \
	test $(((t1 - t0) / 1000000)) -lt 3000
# our session's lines only (the locker logs its own statement)
tail -n +"$((before + 1))" "$log" >"$WORK/ro.all"
pid=$(grep -o '\[[0-9]*\] LOG:  statement: BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' "$WORK/ro.all" |
	head -n 1 | cut -d' ' -f1)
if [ -n "$pid" ]; then grep -F "$pid" "$WORK/ro.all" >"$WORK/ro.log"; else : >"$WORK/ro.log"; fi
check "the server logged our statements" grep -q '_prisma_migrations' "$WORK/ro.log"
check "status reads in a READ ONLY transaction" grep -q 'READ ONLY' "$WORK/ro.log"
if grep -qiwE 'insert|update|delete|merge|create|alter|drop|truncate|grant|lock' "$WORK/ro.log" ||
	grep -qi 'pg_advisory' "$WORK/ro.log"; then
	show "$WORK/ro.log"
	not_ok "status sends no write and takes no advisory lock"
else
	ok "status sends no write and takes no advisory lock"
fi
q postgres "ALTER DATABASE ro RESET log_statement" >/dev/null

# --- lock file -----------------------------------------------------------------------
printf 'provider = "mysql"\n' >"$M/migration_lock.toml"
gate L1
expect "lock file names mysql: exit 1" 1 "$RC"
expect "lock file names mysql: check fails" fail "$(check_status "$WORK/L1.out" migrations.lock-file)"
check "lock file names mysql: P3019 and the provider Prisma read" \
	grep -q "P3019.*" <<<"$(jget "$WORK/L1.out" "r.checks.find(c => c.id === 'migrations.lock-file').message")"
expect "lock file: Prisma's status fails too (predicted)" 1 "$(jget "$WORK/L1.out" r.history.prisma_migrate_status.exit_code)"
printf 'provider="postgresql"\n' >"$M/migration_lock.toml"
gate L2
expect "provider=\"postgresql\" without spaces is a mismatch for Prisma: exit 1" 1 "$RC"
check "... Prisma reads it as provider=\"postgresql" \
	grep -qF 'provider="postgresql`' <<<"$(jget "$WORK/L2.out" "r.checks.find(c => c.id === 'migrations.lock-file').message")"
printf 'provider = "postgresql"\r\n' >"$M/migration_lock.toml"
gate L3
expect "a CRLF lock file is fine: exit 0" 0 "$RC"
rm "$M/migration_lock.toml"
gate L4
expect "no lock file: still exit 0" 0 "$RC"
expect "no lock file: a warning" warn "$(check_status "$WORK/L4.out" migrations.lock-file)"
check "no lock file: warned on stderr" grep -q 'migration_lock.toml' "$WORK/L4.err"
printf '# Please do not edit this file manually\nprovider = "postgresql"\n' >"$M/migration_lock.toml"

# --- rows written by hand: legacy checksums, several rows per name ------------------
export DATABASE_URL=$(createdb rows)
make_history rows
legacy=$(printf '%s' "$S1" | sed 's/../&\n/g' | sed 's/^0//' | tr -d '\n')
add_row rows 20240101000000_init "$legacy" "now() - interval '2 min'" "now() - interval '2 min'" NULL
upper=$(printf '%s' "$S2" | tr a-f A-F)
add_row rows 20240102000000_post "$upper" "now() - interval '1 min'" "now() - interval '1 min'" NULL
gate W1
if [ "$legacy" = "$S1" ]; then
	not_ok "legacy checksum: test data has no byte below 0x10 (pick another file)"
else
	expect "legacy unpadded checksum (${#legacy} chars) matches: applied" applied "$(state "$WORK/W1.out" 20240101000000_init)"
fi
expect "an upper-case checksum does not match (Prisma compares strings): modified" modified \
	"$(state "$WORK/W1.out" 20240102000000_post)"
q rows "DELETE FROM _prisma_migrations" >/dev/null
add_row rows 20240101000000_init "$S1" "now() - interval '3 min'" "now() - interval '3 min'" NULL
add_row rows 20240101000000_init "$S1" "now() - interval '2 min'" "now() - interval '2 min'" NULL
add_row rows 20240102000000_post "$S2" "now() - interval '1 min'" "now() - interval '1 min'" NULL
add_row rows 20240102000000_post "$S2" "now()" NULL NULL
add_row rows 20231231000000_gone "$S2" "now() - interval '5 min'" NULL "now() - interval '4 min'"
gate W2
expect "two applied rows for one name: applied" applied "$(state "$WORK/W2.out" 20240101000000_init)"
expect "an applied and a failed row for one name: failed (P3009)" failed "$(state "$WORK/W2.out" 20240102000000_post)"
expect "a rolled-back row whose folder is gone: missing-locally" missing-locally \
	"$(state "$WORK/W2.out" 20231231000000_gone)"
expect "the database-only migration is listed first (name order), with no path" "20231231000000_gone null false" \
	"$(jget "$WORK/W2.out" "[r.migrations[0].name, r.migrations[0].path, r.migrations[0].local].join(' ').replace(/ $/, ' null').replace('  ', ' null ')")"
expect "rows: 5, failed rows block deploy" "5 fail" \
	"$(jget "$WORK/W2.out" "r.history.rows + ' ' + r.checks.find(c => c.id === 'history.failed').status")"

# --- not Prisma's table ---------------------------------------------------------------
export DATABASE_URL=$(createdb odd)
q odd 'CREATE TABLE _prisma_migrations (id VARCHAR(36), migration_name TEXT, finished_at TEXT, started_at TIMESTAMPTZ)' >/dev/null
gate X1
expect "a _prisma_migrations that is not Prisma's: exit 3" 3 "$RC"
check "... the error names the missing and mistyped columns" \
	grep -q 'checksum is missing' "$WORK/X1.err"
check "... both of them" grep -q 'finished_at is text' "$WORK/X1.err"
q odd 'DROP TABLE _prisma_migrations' >/dev/null
make_history odd
q odd 'ALTER TABLE _prisma_migrations ADD COLUMN note TEXT' >/dev/null
add_row odd 20240101000000_init "$S1" "now()" "now()" NULL
add_row odd 20240102000000_post "$S2" "now()" "now()" NULL
gate X2
expect "an extra column is fine (Prisma ignores it): exit 0" 0 "$RC"
check "... and is mentioned" grep -q 'note' <<<"$(jget "$WORK/X2.out" "r.checks.find(c => c.id === 'history.table').message")"

# --- a folder without migration.sql (P3015) ----------------------------------------
mkdir "$M/20240103000000_empty"
gate F1
expect "a folder without migration.sql: exit 3" 3 "$RC"
check "... named, with P3015" grep -q "20240103000000_empty.*P3015" "$WORK/F1.err"
rmdir "$M/20240103000000_empty"

# --- baseline: tables but no history (P3005), with the real Prisma CLI ---------------
export DATABASE_URL=$(createdb legacy)
q legacy 'CREATE TABLE "User" ("id" SERIAL PRIMARY KEY, "email" TEXT); CREATE TABLE spatial_ref_sys (srid int)' >/dev/null
gate B1
expect "baseline needed: exit 1" 1 "$RC"
expect "baseline needed: strategy unmanaged, history.table fails" "unmanaged fail" \
	"$(jget "$WORK/B1.out" "r.history.strategy + ' ' + r.checks.find(c => c.id === 'history.table').status")"
expect "baseline needed: the exact resolve steps, one per local migration, in order" \
	"npx prisma migrate resolve --applied '20240101000000_init'|npx prisma migrate resolve --applied '20240102000000_post'" \
	"$(jget "$WORK/B1.out" "r.history.next.filter(s => s.startsWith('npx prisma migrate resolve')).join('|')")"
check "baseline needed: the table count excludes PostGIS's spatial_ref_sys" \
	grep -q 'has 1 table ("User")' <<<"$(jget "$WORK/B1.out" "r.checks.find(c => c.id === 'history.table').message")"
if [ -n "$HAVE_PRISMA" ]; then
	prisma "$PROJ" "$WORK/B1.deploy" migrate deploy
	rc=$?
	check "baseline needed: real prisma migrate deploy refuses with P3005" \
		test $rc -ne 0 -a -n "$(grep P3005 "$WORK/B1.deploy")"
	prisma "$PROJ" "$WORK/B2.resolve" migrate resolve --applied 20240101000000_init
	check "baseline: real prisma migrate resolve --applied succeeds" test $? -eq 0
	gate B2
	expect "baseline: after resolving the first, it is applied and the second pending" \
		"applied pending" "$(state "$WORK/B2.out" 20240101000000_init) $(state "$WORK/B2.out" 20240102000000_post)"
	expect "baseline: the resolve row (0 steps) has our checksum" "$S1 0" \
		"$(q legacy "SELECT checksum || ' ' || applied_steps_count FROM _prisma_migrations")"
	prisma "$PROJ" "$WORK/B3.deploy" migrate deploy
	gate B3
	expect "baseline: after deploy, exit 0" 0 "$RC"
else
	echo "# skipped: baseline with the real Prisma CLI"
fi

# --- ?schema=: history in a non-public schema ------------------------------------------
TDB_URL=$(createdb tdb)
q tdb 'CREATE SCHEMA tenant' >/dev/null
if [ -n "$HAVE_PRISMA" ]; then
	# The real CLI with ?schema=tenant writes its history into "tenant" (the
	# fixture's adapter honours ?schema= as the native engine does).
	DATABASE_URL="$TDB_URL?schema=tenant" prisma "$PROJ" "$WORK/S.deploy" migrate deploy
	check "schema: real prisma migrate deploy into schema tenant" test $? -eq 0
	# a second deploy finds the history in "tenant": nothing pending, no P3005
	DATABASE_URL="$TDB_URL?schema=tenant" prisma "$PROJ" "$WORK/S2.deploy" migrate deploy
	check "schema: a second deploy into tenant finds its history" test $? -eq 0
	check "schema: the second deploy applied nothing" grep -q 'No pending migrations' "$WORK/S2.deploy"
else
	q tdb 'SET search_path = tenant' >/dev/null
	q tdb "CREATE TABLE tenant._prisma_migrations (id VARCHAR(36) PRIMARY KEY NOT NULL, checksum VARCHAR(64) NOT NULL, finished_at TIMESTAMPTZ, migration_name VARCHAR(255) NOT NULL, logs TEXT, rolled_back_at TIMESTAMPTZ, started_at TIMESTAMPTZ NOT NULL DEFAULT now(), applied_steps_count INTEGER NOT NULL DEFAULT 0);
	    INSERT INTO tenant._prisma_migrations (id, checksum, migration_name, finished_at) VALUES ('a', '$S1', '20240101000000_init', now()), ('b', '$S2', '20240102000000_post', now())" >/dev/null
fi
expect "schema: the history is in tenant, not public" "tenant" \
	"$(q tdb "SELECT string_agg(table_schema, ',') FROM information_schema.tables WHERE table_name = '_prisma_migrations'")"
export DATABASE_URL="$TDB_URL?schema=tenant"
gate S1
expect "schema=tenant: exit 0" 0 "$RC"
expect "schema=tenant: target.schema" tenant "$(jget "$WORK/S1.out" r.target.schema)"
expect "schema=tenant: checksums equal tenant's rows" "$S1 $S2" \
	"$(q tdb "SELECT string_agg(checksum, ' ' ORDER BY started_at) FROM tenant._prisma_migrations")"
export DATABASE_URL="$TDB_URL?schema=tenant&pgbouncer=true&connection_limit=1"
gate S2
expect "schema=tenant&pgbouncer=true (SET search_path after connecting): exit 0" 0 "$RC"
# libpq parameters pass through: the user's options join the schema's search_path
export DATABASE_URL="$TDB_URL?schema=tenant&options=-c%20application_name%3Dfrom-options&sslmode=disable"
gate S2b
expect "schema=tenant with options=-c … and sslmode=disable: exit 0" 0 "$RC"
# this server has no TLS: sslmode=require must reach libpq and fail
export DATABASE_URL="$TDB_URL?schema=tenant&sslmode=require"
gate S2c
expect "sslmode=require is passed to libpq (this server has no TLS): exit 3" 3 "$RC"
check "... libpq says why" grep -qi 'SSL' "$WORK/S2c.err"
export DATABASE_URL="$TDB_URL"
gate S3
expect "no ?schema= reads public: empty, exit 1" "1 empty" "$RC $(jget "$WORK/S3.out" r.history.strategy)"
export DATABASE_URL="$TDB_URL?schema=other"
gate S4
check "schema that does not exist: said so" \
	grep -q 'schema "other" does not exist' <<<"$(jget "$WORK/S4.out" "r.checks.find(c => c.id === 'history.table').message")"

finish
