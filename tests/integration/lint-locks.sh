#!/bin/bash
# tests/integration/lint-locks.sh - the lock levels and rewrites the lint
# rules claim, proven on a real PostgreSQL 15 (ci/pg.sh).
#
# For each case: a fresh database gets the case's history (the earlier
# migrations of a golden .d case, or a few CREATE TABLEs for a lone .sql
# case); a first connection runs the case's statements in one transaction,
# as Prisma does, prints the tables' relfilenode as it sees them and
# sleeps; a second connection reads from pg_locks which relation locks the
# first backend holds (the strongest mode per table) and compares the
# relfilenodes with those before (a changed one: the table was rewritten);
# then it cancels the first, which rolls everything back.
#
# Each case asserts what PostgreSQL took against what the finding claims
# (the lock mode named in its message, "rewrites" or not) and against the
# lock the binary documents for its rule (the lock column of docs/rules.md).
#
# What PostgreSQL took per rule, and for the lock levels tools dispute (ADD
# CHECK, ADD UNIQUE, ADD FOREIGN KEY on both tables, SET NOT NULL, VALIDATE
# CONSTRAINT, REINDEX, COMMENT, ALTER TYPE ... ADD VALUE), is recorded in
# src/lint/lock_truth.tsv, from which the build generates that lock column:
# a run fails when PostgreSQL took anything else than the file says;
# LOCKS_UPDATE=1 rewrites the file instead (then rebuild, regenerate
# docs/rules.md with `prisma-gate rules --format markdown`, run again).
#
# Ends with "N passed, N failed"; skips when PostgreSQL or node is missing.

# shellcheck source=tests/integration/status-lib.sh
. "$(dirname "$0")/status-lib.sh"

GOLDEN=$ROOT/tests/golden/sql
TRUTH=$ROOT/src/lint/lock_truth.tsv
start_cluster
PG_MAJOR=$(q postgres "SELECT current_setting('server_version_num')::int / 10000")
: >"$WORK/truth.tsv"

# mode_name N: PostgreSQL's lock mode for rank N (weakest 1 .. strongest 8)
MODES=(none AccessShareLock RowShareLock RowExclusiveLock ShareUpdateExclusiveLock ShareLock
	ShareRowExclusiveLock ExclusiveLock AccessExclusiveLock)

# rank_sql: a SQL CASE giving l.mode its rank
rank_sql() {
	local i s="CASE l.mode"
	for i in 1 2 3 4 5 6 7 8; do s="$s WHEN '${MODES[$i]}' THEN $i"; done
	echo "$s END"
}

# tables_sql: relname|relfilenode of the ordinary tables of schema public
TABLES_SQL="SELECT relname || '|' || relfilenode FROM pg_class
    WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'm') ORDER BY 1"

# run_case NAME SETUP_FILE STMT_FILE: $WORK/NAME.locks ("table Mode" lines,
# strongest per table) and $WORK/NAME.rewritten (tables rewritten)
run_case() {
	local name=$1 setup=$2 stmts=$3 db bpid spid i
	db=$(createdb "lt_$name") || {
		not_ok "$name: create its database"
		return 1
	}
	if ! psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$setup" >"$WORK/$name.setup" 2>&1; then
		not_ok "$name: replay its history"
		show "$WORK/$name.setup"
		return 1
	fi
	q "$db" "$TABLES_SQL" | sort >"$WORK/$name.before"
	{
		echo "SET application_name = 'locktruth_$name';"
		echo "BEGIN;"
		cat "$stmts"
		echo ";"
		echo "SELECT 'FILE|' || relname || '|' || relfilenode FROM pg_class"
		echo "    WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'm');"
		echo "SELECT pg_sleep(120);"
		echo "ROLLBACK;"
	} >"$WORK/$name.tx.sql"
	psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" -f "$WORK/$name.tx.sql" >"$WORK/$name.s1" 2>&1 &
	spid=$!
	bpid=
	for i in $(seq 1 400); do
		bpid=$(q "$db" "SELECT pid FROM pg_stat_activity
		    WHERE application_name = 'locktruth_$name' AND wait_event = 'PgSleep'")
		[ -n "$bpid" ] && break
		kill -0 "$spid" 2>/dev/null || break
		sleep 0.05
	done
	if [ -z "$bpid" ]; then
		not_ok "$name: the statements run in one transaction"
		show "$WORK/$name.s1"
		kill "$spid" 2>/dev/null
		wait "$spid" 2>/dev/null
		return 1
	fi
	q "$db" "SELECT c.relname, max($(rank_sql)) FROM pg_locks l
	    JOIN pg_class c ON c.oid = l.relation
	    WHERE l.pid = $bpid AND l.locktype = 'relation' AND l.granted
	      AND c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'm')
	    GROUP BY c.relname ORDER BY 1" >"$WORK/$name.ranks"
	q "$db" "SELECT pg_cancel_backend($bpid)" >/dev/null
	wait "$spid" 2>/dev/null
	while IFS='|' read -r rel rank; do
		[ -n "$rel" ] && echo "$rel ${MODES[$rank]}"
	done <"$WORK/$name.ranks" >"$WORK/$name.locks"
	grep '^FILE|' "$WORK/$name.s1" | cut -d'|' -f2- | sort >"$WORK/$name.after"
	join -t'|' "$WORK/$name.before" "$WORK/$name.after" |
		awk -F'|' '$2 != $3 { print $1 }' >"$WORK/$name.rewritten"
	sed "s/^/# lock: $name: /" "$WORK/$name.locks"
	return 0
}

# lock_of NAME TABLE: the strongest mode NAME's statements took on TABLE
lock_of() { awk -v t="$2" '$1 == t { print $2 }' "$WORK/$1.locks"; }

# sql_mode MODE: AccessExclusiveLock -> ACCESS EXCLUSIVE, nothing -> none
sql_mode() {
	[ -n "$1" ] || {
		echo none
		return
	}
	printf '%s\n' "$1" | sed -e 's/Lock$//' -e 's/\([a-z]\)\([A-Z]\)/\1 \2/g' | tr '[:lower:]' '[:upper:]'
}

# record RULE NAME TABLE DISPUTED STATEMENT: a row of src/lint/lock_truth.tsv,
# what PostgreSQL took on TABLE in case NAME (RULE "-": no rule's; DISPUTED
# yes|no: a level tools disagree about)
record() {
	local rewrite=no
	grep -qxF -- "$3" "$WORK/$2.rewritten" && rewrite=yes
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$5" "$3" "$(sql_mode "$(lock_of "$2" "$3")")" \
		"$rewrite" "$PG_MAJOR" "$4" >>"$WORK/truth.tsv"
}

# expect_lock NAME TABLE MODE
expect_lock() { expect "$1: PostgreSQL takes $3 on $2" "$3" "$(lock_of "$1" "$2")"; }

# expect_rewrite NAME TABLE yes|no
expect_rewrite() {
	local got=no
	grep -qxF -- "$2" "$WORK/$1.rewritten" && got=yes
	expect "$1: $2 rewritten: $3" "$3" "$got"
}

# lint NAME PATH: prisma-gate's JSON report on the golden case
lint() { "$GATE" lint --format json --fail-on critical "$2" >"$WORK/$1.json" 2>"$WORK/$1.lint.err"; }

# expect_claim NAME RULE TABLE TEXT: a finding of RULE on TABLE says TEXT
expect_claim() {
	local got
	got=$(jget "$WORK/$1.json" "r.migrations.flatMap(m => m.findings).some(f =>
	    f.rule === '$2' && f.table === '$3' && f.message.includes($(printf '%s' "$4" | node -e 'process.stdout.write(JSON.stringify(require("fs").readFileSync(0, "utf8")))')))")
	expect "$1: $2 on $3 claims '$4'" true "$got"
}

# the rules' declared locks (the lock column of the rules reference)
"$GATE" rules --format json >"$WORK/rules.json" 2>"$WORK/rules.err"

# expect_declared NAME RULE TABLE: RULE fires in NAME, and the lock it declares
# is the one PostgreSQL took on TABLE
expect_declared() {
	local declared mode fired
	fired=$(jget "$WORK/$1.json" "r.migrations.flatMap(m => m.findings).some(f => f.rule === '$2')")
	expect "$1: $2 fires" true "$fired"
	declared=$(jget "$WORK/rules.json" "(r.find(x => x.rule === '$2') || {}).lock || ''")
	# "SHARE ROW EXCLUSIVE" -> ShareRowExclusiveLock
	mode=$(printf '%s\n' "$declared" | tr '[:upper:]' '[:lower:]' |
		awk '{ s = ""; for (i = 1; i <= NF; i++) s = s toupper(substr($i, 1, 1)) substr($i, 2); print s "Lock" }')
	expect "$1: $2 declares the lock PostgreSQL takes on $3 ($declared)" "$mode" "$(lock_of "$1" "$3")"
}

# history_of CASE.d: its migrations but the last, concatenated; last_of: the last
history_of() {
	local d
	for d in $(find "$1" -mindepth 1 -maxdepth 1 -type d | sort | sed '$d'); do
		cat "$d/migration.sql"
		echo
	done
}
last_of() { cat "$(find "$1" -mindepth 1 -maxdepth 1 -type d | sort | tail -n 1)/migration.sql"; }

# golden_d NAME CASE.d: run a .d golden case (history replayed)
golden_d() {
	history_of "$GOLDEN/$2" >"$WORK/$1.setup.sql"
	last_of "$GOLDEN/$2" >"$WORK/$1.stmts.sql"
	lint "$1" "$GOLDEN/$2"
	run_case "$1" "$WORK/$1.setup.sql" "$WORK/$1.stmts.sql"
}

# golden_sql NAME CASE.sql SETUP: a lone .sql golden case on tables SETUP creates
golden_sql() {
	printf '%s\n' "$3" >"$WORK/$1.setup.sql"
	lint "$1" "$GOLDEN/$2"
	run_case "$1" "$WORK/$1.setup.sql" "$GOLDEN/$2"
}

# inline NAME SETUP STMTS: statements no golden case holds
inline() {
	printf '%s\n' "$2" >"$WORK/$1.setup.sql"
	printf '%s\n' "$3" >"$WORK/$1.stmts.sql"
	lint "$1" "$WORK/$1.stmts.sql"
	run_case "$1" "$WORK/$1.setup.sql" "$WORK/$1.stmts.sql"
}

# --- indexes ------------------------------------------------------------------------
if golden_sql create_index 2400-require-concurrent-index-creation-prisma.sql \
	'CREATE TABLE "Account" ("id" TEXT PRIMARY KEY, "userId" TEXT, "provider" TEXT, "createdAt" TIMESTAMP(3));'; then
	expect_lock create_index Account ShareLock
	expect_rewrite create_index Account no
	expect_claim create_index require-concurrent-index-creation Account "(SHARE lock)"
	expect_declared create_index require-concurrent-index-creation Account
	record require-concurrent-index-creation create_index Account no "CREATE INDEX"
fi

if golden_d redefine_index 2902-running-under-held-lock-redefine-index.d; then
	expect_lock redefine_index Order AccessExclusiveLock
	expect_claim redefine_index require-concurrent-index-deletion Order "ACCESS EXCLUSIVE lock on \"Order\""
	expect_declared redefine_index require-concurrent-index-deletion Order
	expect_claim redefine_index require-concurrent-index-creation Order "line 2's ACCESS EXCLUSIVE lock on \"Order\" is held"
	record require-concurrent-index-deletion redefine_index Order no "DROP INDEX (then CREATE INDEX)"
fi

if golden_sql reindex 2422-require-concurrent-reindex.sql \
	'CREATE TABLE "Post" ("id" TEXT PRIMARY KEY, "authorId" TEXT); CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");'; then
	expect_lock reindex Post ShareLock
	expect_rewrite reindex Post no
	expect_declared reindex require-concurrent-reindex Post
	record require-concurrent-reindex reindex Post yes "REINDEX INDEX, REINDEX TABLE"
fi

# --- constraints ------------------------------------------------------------------------
if golden_sql add_fk 2407-adding-foreign-key-constraint-existing-tables.sql \
	'CREATE TABLE "Category" ("id" TEXT PRIMARY KEY); CREATE TABLE "Post" ("id" TEXT PRIMARY KEY);'; then
	expect_lock add_fk Post AccessExclusiveLock # the ADD COLUMN before it, held
	expect_lock add_fk Category ShareRowExclusiveLock
	expect_rewrite add_fk Post no
	expect_claim add_fk adding-foreign-key-constraint Post "SHARE ROW EXCLUSIVE locks on \"Post\" and \"Category\""
	expect_claim add_fk adding-foreign-key-constraint Post "line 2's ACCESS EXCLUSIVE lock on \"Post\" is held"
fi

if inline fk_only 'CREATE TABLE "User" ("id" TEXT PRIMARY KEY); CREATE TABLE "Post" ("id" TEXT PRIMARY KEY, "authorId" TEXT);' \
	'ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id");'; then
	expect_lock fk_only Post ShareRowExclusiveLock
	expect_lock fk_only User ShareRowExclusiveLock
	expect_claim fk_only adding-foreign-key-constraint Post "SHARE ROW EXCLUSIVE locks on \"Post\" and \"User\""
	expect_declared fk_only adding-foreign-key-constraint Post
	expect_declared fk_only adding-foreign-key-constraint User
	record adding-foreign-key-constraint fk_only Post yes "ADD FOREIGN KEY, the referencing table"
	record - fk_only User yes "ADD FOREIGN KEY, the referenced table"
fi

if golden_d validate 2411-constraint-missing-not-valid-fk-validate-later.d; then
	expect_lock validate Post ShareUpdateExclusiveLock
	expect_lock validate User RowShareLock
	expect_rewrite validate Post no
	record - validate Post yes "VALIDATE CONSTRAINT (a foreign key), the table"
	record - validate User yes "VALIDATE CONSTRAINT (a foreign key), the referenced table"
fi

if golden_sql add_check 2413-constraint-missing-not-valid-check.sql \
	'CREATE TABLE "EmailAccount" ("id" TEXT PRIMARY KEY, "sensitiveDataPolicy" TEXT);
	 CREATE TABLE "TaskQueue" ("id" TEXT PRIMARY KEY, "cronSpreadSeconds" INTEGER);
	 CREATE TABLE "Order" ("id" TEXT PRIMARY KEY);'; then
	expect_lock add_check EmailAccount AccessExclusiveLock
	expect_lock add_check TaskQueue AccessExclusiveLock # NOT VALID: the same lock, no scan
	expect_rewrite add_check EmailAccount no
	expect_claim add_check constraint-missing-not-valid EmailAccount "ACCESS EXCLUSIVE lock"
	expect_declared add_check constraint-missing-not-valid EmailAccount
	record constraint-missing-not-valid add_check EmailAccount yes "ADD CHECK"
	record - add_check TaskQueue yes "ADD CHECK ... NOT VALID"
fi

if golden_sql set_not_null 2415-adding-not-nullable-field-prisma.sql 'CREATE TABLE "User" ("id" TEXT PRIMARY KEY, "email" TEXT);'; then
	expect_lock set_not_null User AccessExclusiveLock
	expect_rewrite set_not_null User no
	expect_claim set_not_null adding-not-nullable-field User "ACCESS EXCLUSIVE"
	expect_declared set_not_null adding-not-nullable-field User
	record adding-not-nullable-field set_not_null User yes "SET NOT NULL"
fi

if golden_sql add_unique 2418-disallowed-unique-constraint.sql \
	'CREATE TABLE "TeamCollection" ("id" TEXT PRIMARY KEY, "teamID" TEXT, "parentID" TEXT, "orderIndex" INTEGER);
	 CREATE TABLE "User" ("id" TEXT PRIMARY KEY);'; then
	expect_lock add_unique TeamCollection AccessExclusiveLock
	expect_rewrite add_unique TeamCollection no
	expect_claim add_unique disallowed-unique-constraint TeamCollection "ACCESS EXCLUSIVE lock"
	expect_declared add_unique disallowed-unique-constraint TeamCollection
	record disallowed-unique-constraint add_unique TeamCollection yes "ADD UNIQUE"
fi

# --- rewrites -------------------------------------------------------------------------
if golden_d type_bigint 2201-changing-column-type-int-to-bigint.d; then
	expect_lock type_bigint DocumentVersion AccessExclusiveLock
	expect_rewrite type_bigint DocumentVersion yes
	expect_claim type_bigint changing-column-type DocumentVersion "rewrites the table"
	expect_declared type_bigint changing-column-type DocumentVersion
	record changing-column-type type_bigint DocumentVersion no "ALTER COLUMN ... TYPE, integer to bigint"
fi

if golden_d type_metadata 2202-changing-column-type-metadata-only.d; then
	expect_lock type_metadata Item AccessExclusiveLock
	expect_rewrite type_metadata Item no # no finding: binary-coercible
	expect "type_metadata: no changing-column-type finding" false \
		"$(jget "$WORK/type_metadata.json" "r.migrations.flatMap(m => m.findings).some(f => f.rule === 'changing-column-type')")"
	record - type_metadata Item no "ALTER COLUMN ... TYPE, binary-coercible"
fi

if golden_sql set_logged 2430-ban-set-logged-unlogged.sql \
	'CREATE TABLE "Event" ("id" BIGINT PRIMARY KEY); CREATE UNLOGGED TABLE "AuditLog" ("id" BIGINT PRIMARY KEY);'; then
	expect_lock set_logged Event AccessExclusiveLock
	expect_rewrite set_logged Event yes
	expect_rewrite set_logged AuditLog yes
	expect_claim set_logged ban-set-logged-unlogged Event "ACCESS EXCLUSIVE"
	expect_declared set_logged ban-set-logged-unlogged Event
	record ban-set-logged-unlogged set_logged Event no "SET LOGGED"
fi

# --- locks held until commit, data changes, the swap -------------------------------------------
if golden_sql held_update 2900-running-under-held-lock-update.sql \
	'CREATE TABLE "Invoice" ("id" INTEGER PRIMARY KEY); CREATE TABLE "Payment" ("id" INTEGER PRIMARY KEY, "invoiceId" INTEGER, "createdAt" TIMESTAMP(3));'; then
	expect_lock held_update Invoice AccessExclusiveLock
	expect_rewrite held_update Invoice no
	expect_claim held_update changing-existing-rows Invoice "line 2's ACCESS EXCLUSIVE lock on \"Invoice\" is held"
fi

if golden_d swap 2920-changing-column-type-swap-rename.d; then
	expect_lock swap Task AccessExclusiveLock
	expect_rewrite swap Task no # the swap avoids the rewrite; the type still changes
	expect_claim swap changing-column-type Task "from timestamp(3) to bool"
fi

# --- disputed levels with no finding: recorded as PostgreSQL 15 takes them -----------------
if inline comment 'CREATE TABLE "User" ("id" TEXT PRIMARY KEY);' \
	'COMMENT ON TABLE "User" IS '"'"'people'"'"'; COMMENT ON COLUMN "User"."id" IS '"'"'key'"'"';'; then
	expect_lock comment User ShareUpdateExclusiveLock
	record - comment User yes "COMMENT ON TABLE, COMMENT ON COLUMN"
fi

if inline enum_add_value 'CREATE TYPE "Role" AS ENUM ('"'"'USER'"'"'); CREATE TABLE "User" ("id" TEXT PRIMARY KEY, "role" "Role");' \
	'ALTER TYPE "Role" ADD VALUE '"'"'ADMIN'"'"';'; then
	expect "enum_add_value: no lock on the tables using the type" "" "$(lock_of enum_add_value User)"
	record - enum_add_value User yes "ALTER TYPE ... ADD VALUE, a table using the type"
fi

# --- the levels the held-lock model records for statements without a finding -------------------
if inline set_statistics 'CREATE TABLE "User" ("id" TEXT PRIMARY KEY, "email" TEXT);' \
	'ALTER TABLE "User" ALTER COLUMN "email" SET STATISTICS 500;'; then
	expect_lock set_statistics User ShareUpdateExclusiveLock
	record - set_statistics User no "ALTER COLUMN ... SET STATISTICS"
fi

if inline rename_column 'CREATE TABLE "User" ("id" TEXT PRIMARY KEY, "mail" TEXT);' \
	'ALTER TABLE "User" RENAME COLUMN "mail" TO "email";'; then
	expect_lock rename_column User AccessExclusiveLock
	expect_declared rename_column renaming-column User
	record renaming-column rename_column User no "RENAME COLUMN"
fi

if inline disable_trigger 'CREATE TABLE "User" ("id" TEXT PRIMARY KEY);' \
	'ALTER TABLE "User" DISABLE TRIGGER ALL;'; then
	expect_lock disable_trigger User ShareRowExclusiveLock
	record - disable_trigger User no "DISABLE TRIGGER"
fi

if inline truncate 'CREATE TABLE "Session" ("id" TEXT PRIMARY KEY);' 'TRUNCATE "Session";'; then
	expect_lock truncate Session AccessExclusiveLock
	expect_rewrite truncate Session yes
	expect_declared truncate ban-truncate-cascade Session
	record ban-truncate-cascade truncate Session no "TRUNCATE"
fi

# --- the other rules that declare a lock -------------------------------------------------------
if inline add_pk 'CREATE TABLE "Tag" ("id" INTEGER NOT NULL, "name" TEXT);' \
	'ALTER TABLE "Tag" ADD CONSTRAINT "Tag_pkey" PRIMARY KEY ("id");'; then
	expect_declared add_pk adding-serial-primary-key-field Tag
	expect_rewrite add_pk Tag no
	record adding-serial-primary-key-field add_pk Tag no "ADD PRIMARY KEY"
fi

if inline exclusion 'CREATE TABLE "Booking" ("id" INTEGER PRIMARY KEY, "during" TSRANGE);' \
	'ALTER TABLE "Booking" ADD CONSTRAINT "Booking_no_overlap" EXCLUDE USING gist ("during" WITH &&);'; then
	expect_declared exclusion adding-exclusion-constraint Booking
	record adding-exclusion-constraint exclusion Booking no "ADD EXCLUDE"
fi

if inline detach 'CREATE TABLE "Event" ("id" INTEGER, "at" DATE NOT NULL) PARTITION BY RANGE ("at");
	CREATE TABLE "Event_2023" PARTITION OF "Event" FOR VALUES FROM ('"'"'2023-01-01'"'"') TO ('"'"'2024-01-01'"'"');' \
	'ALTER TABLE "Event" DETACH PARTITION "Event_2023";'; then
	expect_declared detach require-concurrent-partition-detach Event
	record require-concurrent-partition-detach detach Event no "DETACH PARTITION"
fi

if inline field_default 'CREATE TABLE "User" ("id" INTEGER PRIMARY KEY);' \
	'ALTER TABLE "User" ADD COLUMN "token" UUID DEFAULT gen_random_uuid();'; then
	expect_declared field_default adding-field-with-default User
	expect_rewrite field_default User yes
	record adding-field-with-default field_default User no "ADD COLUMN ... DEFAULT gen_random_uuid()"
fi

if inline serial_field 'CREATE TABLE "User" ("id" INTEGER PRIMARY KEY);' \
	'ALTER TABLE "User" ADD COLUMN "seq" SERIAL;'; then
	expect_declared serial_field adding-serial-field User
	expect_rewrite serial_field User yes
	record adding-serial-field serial_field User no "ADD COLUMN ... SERIAL"
fi

if inline rename_table 'CREATE TABLE "User" ("id" INTEGER PRIMARY KEY);' \
	'ALTER TABLE "User" RENAME TO "Account";'; then
	expect_declared rename_table renaming-table User # the name other sessions still see
	record renaming-table rename_table User no "RENAME TO"
fi

if inline data_change 'CREATE TABLE "User" ("id" INTEGER PRIMARY KEY, "role" TEXT); CREATE TABLE "Session" ("id" INTEGER PRIMARY KEY, "userId" INTEGER);' \
	'UPDATE "User" SET "role" = '"'"'ADMIN'"'"' WHERE "role" = '"'"'OWNER'"'"';
	DELETE FROM "Session" WHERE "userId" IS NULL;'; then
	expect_declared data_change changing-existing-rows User
	expect_declared data_change deleting-existing-rows Session
	expect_rewrite data_change User no
	record changing-existing-rows data_change User no "UPDATE ... WHERE"
	record deleting-existing-rows data_change Session no "DELETE ... WHERE"
fi

# --- the rules whose lock the cases above do not show ------------------------------------------
if inline alter_domain 'CREATE DOMAIN "positive_int" AS INTEGER; CREATE TABLE "Item" ("id" INTEGER PRIMARY KEY, "qty" "positive_int");' \
	'ALTER DOMAIN "positive_int" ADD CONSTRAINT "positive" CHECK (VALUE > 0);'; then
	expect_declared alter_domain ban-alter-domain-with-add-constraint Item
	expect_rewrite alter_domain Item no
	record ban-alter-domain-with-add-constraint alter_domain Item no "ALTER DOMAIN ... ADD CONSTRAINT, a table using the domain"
fi

if inline refresh 'CREATE TABLE "Event" ("id" INTEGER PRIMARY KEY); CREATE MATERIALIZED VIEW "daily_stats" AS SELECT count(*) AS "n" FROM "Event";' \
	'REFRESH MATERIALIZED VIEW "daily_stats";'; then
	expect_declared refresh require-concurrent-refresh daily_stats
	expect_lock refresh Event AccessShareLock # the view's query reads it
	record require-concurrent-refresh refresh daily_stats no "REFRESH MATERIALIZED VIEW, the view"
fi

if inline cluster 'CREATE TABLE "Event" ("id" INTEGER PRIMARY KEY);' 'CLUSTER "Event" USING "Event_pkey";'; then
	expect_declared cluster prefer-repack Event
	expect_rewrite cluster Event yes
	record prefer-repack cluster Event no "CLUSTER"
fi

# --- statement_timeout in Prisma's one-query file (require-statement-timeout's help) -----------
# psql -c sends the string as one simple query, as Prisma sends migration.sql:
# a SET statement_timeout in it cancels a later statement of the same string,
# and the timeout counts per statement (PostgreSQL 13+), not for the whole string.
if db=$(createdb lt_timeout); then
	psql -X -At -d "$db" -c "SET statement_timeout = '300ms'; SELECT pg_sleep(0.2); SELECT pg_sleep(0.2); SELECT pg_sleep(2);" \
		>"$WORK/timeout.out" 2>&1
	expect_has "a SET statement_timeout earlier in the file cancels a later statement" "$WORK/timeout.out" \
		"canceling statement due to statement timeout"
	psql -X -At -d "$db" -c "SET statement_timeout = '300ms'; SELECT pg_sleep(0.2); SELECT pg_sleep(0.2); SELECT 'survived';" \
		>"$WORK/timeout2.out" 2>&1
	expect_has "statement_timeout counts per statement of the file, not for the whole file" "$WORK/timeout2.out" survived
else
	not_ok "create the statement_timeout database"
fi

# --- what PostgreSQL took, against src/lint/lock_truth.tsv ---------------------------------------
if [ -n "${LOCKS_UPDATE:-}" ]; then
	{
		grep '^#' "$TRUTH"
		cat "$WORK/truth.tsv"
	} >"$WORK/truth.new" && mv "$WORK/truth.new" "$TRUTH"
	echo "# LOCKS_UPDATE: wrote $TRUTH; rebuild, regenerate docs/rules.md and run again"
elif grep -v '^#' "$TRUTH" | diff - "$WORK/truth.tsv" >"$WORK/truth.diff"; then
	ok "PostgreSQL $PG_MAJOR took the locks src/lint/lock_truth.tsv records ($(wc -l <"$WORK/truth.tsv") rows)"
else
	not_ok "PostgreSQL $PG_MAJOR took other locks than src/lint/lock_truth.tsv records (< file, > measured; LOCKS_UPDATE=1 rewrites it):"
	show "$WORK/truth.diff"
fi

finish
