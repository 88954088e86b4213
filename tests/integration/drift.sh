#!/bin/bash
# tests/integration/drift.sh — `prisma-gate drift` on a throwaway
# PostgreSQL 15 (ci/pg.sh) after a deploy with the REAL Prisma CLI
# (ci/prisma.sh, recipe A). No drift right after the deploy; then each
# manual change, one at a time and undone afterwards, is reported as the
# right object with its before/after: an added column, a dropped index, a
# changed default, an extra table, a changed column type, a dropped
# foreign key, changed nullability, an extra view, function and trigger,
# a changed function body, an added extension, an added enum value. Each
# verdict is compared with Prisma's own drift check (`db pull --print`,
# then `migrate diff --from-migrations ... --to-schema-datamodel FILE
# --exit-code`): both agree wherever Prisma compares the object; views,
# functions, triggers and extensions are invisible to Prisma (its engine
# does not diff them), which the test records. Also: history drift (an
# edited migration), a pending migration listed but not counted, the
# digest stable for the same drift and different for another, the
# Markdown report's Mermaid picture, the JUnit test cases, the catalog
# query count independent of the number of objects, no shadow database
# left behind.
#
# Ends with "N passed, N failed"; skips when npm/node or PostgreSQL is missing.

# shellcheck source=tests/integration/status-lib.sh
. "$(dirname "$0")/status-lib.sh"

need_prisma
start_cluster
app_database

# db.c's multi-statement round trip (the introspection's), its sent query
# read result by result (a warm drift's one round trip) and its wait for
# a closed session's backend (before a shadow's DROP) against this real
# server: test_history's test_exec_each, test_send_next, test_close_wait and
# test_index_definitions (GATE_TEST_HISTORY: the build's, sanitized under make asan), skipped
# without a server
TEST_HISTORY=${GATE_TEST_HISTORY:-$ROOT/build/tests/test_history}
if [ -x "$TEST_HISTORY" ]; then
	if GATE_TEST_PG_URL=$DATABASE_URL "$TEST_HISTORY" >"$WORK/exec-each.log" 2>&1 &&
		grep -q "OK \] test_exec_each" "$WORK/exec-each.log" &&
		grep -q "OK \] test_close_wait" "$WORK/exec-each.log" &&
		grep -q "OK \] test_send_next" "$WORK/exec-each.log" &&
		grep -q "OK \] test_index_definitions" "$WORK/exec-each.log"; then
		ok "gate_db_exec_each, gate_db_send/next, gate_db_close_wait and the index definitions on a real server (test_history)"
	else
		not_ok "gate_db_exec_each, gate_db_send/next, gate_db_close_wait and the index definitions on a real server (test_history)"
		tail -20 "$WORK/exec-each.log" | sed 's/^/#   /'
	fi
else
	echo "# $TEST_HISTORY not built (make unit): gate_db_exec_each not run here"
fi
PROJ=$WORK/proj
new_project "$PROJ"
CLI=$ROOT/tests/prisma/node_modules/prisma/build/index.js
CONFIG=$ROOT/tests/prisma/prisma.config.ts
cat >"$PROJ/prisma-gate.yml" <<EOF
version: 1
project:
  prisma: [node, $CLI, --config, $CONFIG]
drift:
  shadow: create
EOF

add_migration "$PROJ" 20240101000000_init '-- CreateEnum
CREATE TYPE "Role" AS ENUM ('"'USER'"', '"'ADMIN'"');

-- CreateTable
CREATE TABLE "User" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "score" INTEGER NOT NULL DEFAULT 0,
    "role" "Role" NOT NULL DEFAULT '"'USER'"',
    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Post" (
    "id" SERIAL NOT NULL,
    "title" TEXT NOT NULL,
    "userId" INTEGER NOT NULL,
    CONSTRAINT "Post_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE INDEX "Post_userId_idx" ON "Post"("userId");

-- AddForeignKey
ALTER TABLE "Post" ADD CONSTRAINT "Post_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
'
add_migration "$PROJ" 20240102000000_trim 'CREATE FUNCTION "trim_title"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.title := btrim(NEW.title);
    RETURN NEW;
END
$$;
CREATE TRIGGER "Post_trim" BEFORE INSERT ON "Post" FOR EACH ROW EXECUTE FUNCTION "trim_title"();
CREATE VIEW "UserEmail" AS SELECT "id", "email" FROM "User";
'

prisma "$PROJ" "$WORK/deploy.out" migrate deploy
expect "deploy with the real Prisma CLI" 0 "$?" || show "$WORK/deploy.out"

# shadows: temporary shadow databases left on the server
shadows() { q postgres "SELECT count(*) FROM pg_database WHERE datname LIKE 'prisma_gate_shadow_%'"; }

# prisma_drift NAME: Prisma's own live drift check (db pull --print, then
# migrate diff from the migrations to the pulled schema with --exit-code):
# prints "drift", "clean" or "error (rc)"
prisma_drift() {
	local rc
	prisma "$PROJ" "$WORK/$1-pull.out" db pull --print
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "error (pull $rc)"
		return
	fi
	sed -n '/^\(generator\|datasource\)/,$p' "$WORK/$1-pull.out" >"$WORK/$1-live.prisma"
	prisma "$PROJ" "$WORK/$1-diff.out" migrate diff --from-migrations prisma/migrations \
		--to-schema-datamodel "$WORK/$1-live.prisma" --exit-code
	case $? in
	0) echo clean ;;
	2) echo drift ;;
	*) echo "error ($?)" ;;
	esac
}

# item FILE KIND NAME: "change | before | after" of the drift item, or "absent"
item() {
	jget "$1" "(i => i ? i.change + ' | ' + i.before + ' | ' + i.after : 'absent')(r.drift.items.find(i => i.kind === '$2' && i.name === '$3'))"
}
nitems() { jget "$1" "r.drift.items.length"; }

# --- A: no drift right after the deploy ---------------------------------------
gate A drift --format json
expect "A: drift exits 0 after a clean deploy" 0 "$RC" || {
	show "$WORK/A.err"
	jget "$WORK/A.out" "JSON.stringify(r.drift.items, null, 1)" | show
}
expect "A: no items" 0 "$(nitems "$WORK/A.out")"
expect "A: evaluated" true "$(jget "$WORK/A.out" r.drift.evaluated)"
expect "A: two migrations replayed" 2 "$(jget "$WORK/A.out" r.drift.replayed)"
expect "A: digest is sha256 hex" 64 "$(jget "$WORK/A.out" "r.drift.digest.length")"
CLEAN_DIGEST=$(jget "$WORK/A.out" r.drift.digest)
Q1=$(jget "$WORK/A.out" r.drift.objects.catalog_queries)
expect "A: Prisma's check agrees (no drift)" clean "$(prisma_drift A)"
expect "A: no shadow database left" 0 "$(shadows)"
gate A-text drift
check "A: text says no drift" grep -q '; no drift$' "$WORK/A-text.out"

# scenario NAME PRISMA-VERDICT KIND OBJECT WANT CHANGE-SQL UNDO-SQL
# runs drift after CHANGE-SQL, expects exit 1 and the item KIND OBJECT to be
# WANT ("change | before | after"), compares with Prisma's check, undoes.
scenario() {
	local name=$1 pv=$2 kind=$3 object=$4 want=$5 change=$6 undo=$7 out got
	out=$(q $DB "$change")
	[ $? -eq 0 ] || {
		not_ok "$name: apply the change ($out)"
		return
	}
	gate "$name" drift --format json
	expect "$name: drift exits 1" 1 "$RC" || show "$WORK/$name.err"
	got=$(item "$WORK/$name.out" "$kind" "$object")
	# a WANT ending in ": " fixes only the start (a digest follows)
	[[ $want == *": " ]] && got=${got:0:${#want}}
	expect "$name: $kind $object" "$want" "$got"
	expect "$name: Prisma's check says $pv" "$pv" "$(prisma_drift "$name")"
	out=$(q $DB "$undo")
	[ $? -eq 0 ] || not_ok "$name: undo the change ($out)"
}

scenario B drift column nickname 'in database only | null | text' \
	'ALTER TABLE "User" ADD COLUMN "nickname" TEXT' 'ALTER TABLE "User" DROP COLUMN "nickname"'
expect "B: an extra nullable column is left alone" none "$(jget "$WORK/B.out" "r.drift.items[0].remedy_kind")"
check "B: with a note" grep -q 'left alone' "$WORK/B.out"

scenario C drift index Post_userId_idx 'in migrations only | CREATE INDEX "Post_userId_idx" ON public."Post" USING btree ("userId") | null' \
	'DROP INDEX "Post_userId_idx"' 'CREATE INDEX "Post_userId_idx" ON "Post"("userId")'
expect "C: remedy is CREATE INDEX CONCURRENTLY from the shadow" 'CREATE INDEX CONCURRENTLY "Post_userId_idx" ON public."Post" USING btree ("userId");' "$(jget "$WORK/C.out" "r.drift.items[0].remedy")"

# C2: a renamed index is paired with its migration by the name-free shape
# (cut from the definition on either side: a quoted name, a bare one)
scenario C2 drift index post_uid 'changed | name: Post_userId_idx | name: post_uid' \
	'ALTER INDEX "Post_userId_idx" RENAME TO post_uid' 'ALTER INDEX post_uid RENAME TO "Post_userId_idx"'
expect "C2: one item, not a dropped and an extra index" 1 "$(nitems "$WORK/C2.out")"

scenario D drift column score 'changed | default: 0 | default: 5' \
	'ALTER TABLE "User" ALTER COLUMN "score" SET DEFAULT 5' 'ALTER TABLE "User" ALTER COLUMN "score" SET DEFAULT 0'
expect "D: remedy restores the default" 'ALTER TABLE "public"."User" ALTER COLUMN "score" SET DEFAULT 0;' "$(jget "$WORK/D.out" "r.drift.items[0].remedy")"
D_DIGEST=$(jget "$WORK/D.out" r.drift.digest)

scenario E drift table audit 'in database only | null | (at timestamp with time zone, id integer NOT NULL)' \
	'CREATE TABLE audit (id integer NOT NULL, at timestamptz)' 'DROP TABLE audit'
expect "E: the table once, not its columns" 1 "$(nitems "$WORK/E.out")"
expect "E: remedy: the Prisma capture steps" prisma "$(jget "$WORK/E.out" "r.drift.items[0].remedy_kind")"
check "E: capture steps: migrate diff --from-migrations ... --to-url" grep -q 'migrate diff --from-migrations .*prisma/migrations.* --to-url \\"\$DATABASE_URL\\" --script' "$WORK/E.out"
check "E: ... then migrate resolve --applied" grep -q 'migrate resolve --applied' "$WORK/E.out"

scenario F drift column name 'changed | type: text | type: character varying(100)' \
	'ALTER TABLE "User" ALTER COLUMN "name" TYPE varchar(100)' 'ALTER TABLE "User" ALTER COLUMN "name" TYPE text'

scenario G drift constraint Post_userId_fkey 'in migrations only | FOREIGN KEY ("userId") REFERENCES "User"(id) ON UPDATE CASCADE ON DELETE RESTRICT | null' \
	'ALTER TABLE "Post" DROP CONSTRAINT "Post_userId_fkey"' \
	'ALTER TABLE "Post" ADD CONSTRAINT "Post_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE'

scenario H drift column name 'changed | nullable: no | nullable: yes' \
	'ALTER TABLE "User" ALTER COLUMN "name" DROP NOT NULL' 'ALTER TABLE "User" ALTER COLUMN "name" SET NOT NULL'

# views, functions, triggers and extensions: Prisma does not compare them
scenario I clean view active 'in database only | null | definition: (see the database)' \
	'CREATE VIEW active AS SELECT id FROM "User" WHERE score > 0' 'DROP VIEW active'

# J: only the change and the kind of definition are fixed (the digest is the server's text)
scenario J clean function 'bump()' 'in database only | null | returns: integer; definition_sha256: ' \
	'CREATE FUNCTION bump() RETURNS integer LANGUAGE sql AS $$SELECT 1$$' 'DROP FUNCTION bump()'

scenario K clean trigger Post_trim2 'in database only | null | CREATE TRIGGER "Post_trim2" BEFORE UPDATE ON public."Post" FOR EACH ROW EXECUTE FUNCTION trim_title()' \
	'CREATE TRIGGER "Post_trim2" BEFORE UPDATE ON "Post" FOR EACH ROW EXECUTE FUNCTION "trim_title"()' 'DROP TRIGGER "Post_trim2" ON "Post"'

TRIM_SQL=$(sed -n '1,6p' "$PROJ/prisma/migrations/20240102000000_trim/migration.sql" | sed 's/^CREATE FUNCTION/CREATE OR REPLACE FUNCTION/')
scenario L clean function 'trim_title()' 'changed | definition_sha256: ' \
	'CREATE OR REPLACE FUNCTION "trim_title"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$' \
	"$TRIM_SQL"
expect "L: the body's digest changed" definition_sha256 "$(jget "$WORK/L.out" "r.drift.items[0].changes[0].attribute")"
expect "L: before and after differ" true "$(jget "$WORK/L.out" "r.drift.items[0].changes[0].before !== r.drift.items[0].changes[0].after")"

scenario M clean extension citext 'in database only | null | version: 1.6' \
	'CREATE EXTENSION citext' 'DROP EXTENSION citext'
expect "M: the extension's own functions and types are not listed" 1 "$(nitems "$WORK/M.out")"

# after every undo: clean again, the same digest as at first
gate N drift --format json
expect "N: no drift after the undos" 0 "$RC" || jget "$WORK/N.out" "JSON.stringify(r.drift.items)" | show
expect "N: the digest of no drift is stable" "$CLEAN_DIGEST" "$(jget "$WORK/N.out" r.drift.digest)"

# the same drift twice: the same digest; another: another
q $DB 'ALTER TABLE "User" ALTER COLUMN "score" SET DEFAULT 5' >/dev/null
gate O drift --format json
expect "O: same drift, same digest" "$D_DIGEST" "$(jget "$WORK/O.out" r.drift.digest)"
q $DB 'ALTER TABLE "User" ALTER COLUMN "score" SET DEFAULT 6' >/dev/null
gate O2 drift --format json
check "O: other drift, other digest" test "$D_DIGEST" != "$(jget "$WORK/O2.out" r.drift.digest)"
q $DB 'ALTER TABLE "User" ALTER COLUMN "score" SET DEFAULT 0' >/dev/null

# --- P: several changes at once: reports -----------------------------------------
q $DB 'ALTER TABLE "User" ADD COLUMN "nickname" TEXT; ALTER TABLE "User" ALTER COLUMN "name" TYPE varchar(100); ALTER TABLE "Post" DROP CONSTRAINT "Post_userId_fkey"; CREATE TABLE audit (id integer)' >/dev/null
gate P drift --format markdown
expect "P: markdown exits 1" 1 "$RC"
expect_has "P: a Mermaid ER picture" "$WORK/P.out" '```mermaid'
expect_has "P: erDiagram" "$WORK/P.out" 'erDiagram'
expect_has "P: the added column marked" "$WORK/P.out" 'text nickname "added"'
expect_has "P: the changed column marked" "$WORK/P.out" 'nickname "added"'
expect_has "P: the changed type marked" "$WORK/P.out" 'name "changed"'
expect_has "P: the extra table labelled" "$WORK/P.out" '"public.audit (in database only)"'
gate P-junit drift --format junit
expect_has "P: a JUnit test case per kind" "$WORK/P-junit.out" 'classname="prisma-gate.drift.drift" name="column"'
expect_has "P: the constraint case fails" "$WORK/P-junit.out" '1 constraint difference'
gate P-json drift --format json
expect "P: counts (column and table; key; type)" "2 1 1 4" "$(jget "$WORK/P-json.out" "[r.drift.counts.database_only, r.drift.counts.migrations_only, r.drift.counts.changed, r.drift.counts.total].join(' ')")"
expect "P: catalog queries do not grow with the objects" "$Q1" "$(jget "$WORK/P-json.out" r.drift.objects.catalog_queries)"
# GitHub: the drift-digest step output
GH=$WORK/gh
mkdir -p "$GH"
: >"$GH/output"
: >"$GH/summary"
(cd "$PROJ" && GITHUB_ACTIONS=true GITHUB_OUTPUT=$GH/output GITHUB_STEP_SUMMARY=$GH/summary "$GATE" drift --format json) >/dev/null 2>"$WORK/gh.err"
expect "P: drift-digest step output" "$(jget "$WORK/P-json.out" r.drift.digest)" "$(sed -n '/^drift-digest<</{n;p;}' "$GH/output")"
expect_has "P: step summary has the drift section" "$GH/summary" '### Drift'
q $DB 'ALTER TABLE "User" DROP COLUMN "nickname"; ALTER TABLE "User" ALTER COLUMN "name" TYPE text; ALTER TABLE "Post" ADD CONSTRAINT "Post_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE; DROP TABLE audit' >/dev/null

# --- Q: history: a pending migration is listed, not drift; an edited one is drift
add_migration "$PROJ" 20240103000000_later 'CREATE TABLE "Later" ("id" integer);\n'
gate Q drift --format json
expect "Q: a pending migration alone is no drift" 0 "$RC" || jget "$WORK/Q.out" "JSON.stringify(r.drift.items)" | show
expect "Q: listed as pending" 20240103000000_later "$(jget "$WORK/Q.out" "r.drift.pending.join(' ')")"
rm -r "$PROJ/prisma/migrations/20240103000000_later"
cp "$PROJ/prisma/migrations/20240102000000_trim/migration.sql" "$WORK/trim.keep"
printf '\n-- edited after it was applied\n' >>"$PROJ/prisma/migrations/20240102000000_trim/migration.sql"
gate R drift --format json
expect "R: an edited migration is drift" 1 "$RC"
expect "R: reported as edited" edited "$(jget "$WORK/R.out" "(r.drift.items.find(i => i.kind === 'migration' && i.name === '20240102000000_trim') || {}).change")"
expect "R: counted as history" 1 "$(jget "$WORK/R.out" r.drift.counts.history)"
cp "$WORK/trim.keep" "$PROJ/prisma/migrations/20240102000000_trim/migration.sql"

# --- U: what Prisma does not compare, several at once: RLS and a policy, a check
# constraint, a partial index, a sequence, a materialized view
q $DB 'ALTER TABLE "Post" ENABLE ROW LEVEL SECURITY; CREATE POLICY own ON "Post" FOR SELECT TO public USING ("userId" > 0); ALTER TABLE "User" ADD CONSTRAINT score_positive CHECK (score >= 0); CREATE INDEX "Post_title_short" ON "Post"(title) WHERE length(title) < 10; CREATE SEQUENCE ticket_seq START 100; CREATE MATERIALIZED VIEW post_count AS SELECT count(*) AS n FROM "Post"' >/dev/null
gate U drift --format json
expect "U: drift exits 1" 1 "$RC"
expect "U: RLS enabled on Post" 'changed | row_level_security: no | row_level_security: yes' "$(item "$WORK/U.out" table Post)"
expect "U: the policy" 'in database only | null | mode: permissive; command: SELECT; roles: public; using: ("userId" > 0)' "$(item "$WORK/U.out" policy own)"
expect "U: the check constraint" 'in database only | null | CHECK ((score >= 0))' "$(item "$WORK/U.out" constraint score_positive)"
expect "U: the partial index" 'in database only | null | CREATE INDEX "Post_title_short" ON public."Post" USING btree (title) WHERE (length(title) < 10)' "$(item "$WORK/U.out" index Post_title_short)"
expect "U: the sequence" 'in database only | null | type: bigint; start: 100; increment: 1; min: 1; max: 9223372036854775807; cache: 1; cycle: no' "$(item "$WORK/U.out" sequence ticket_seq)"
expect "U: the materialized view" 'in database only' "$(item "$WORK/U.out" 'materialized view' post_count | cut -d' ' -f1-3)"
q $DB 'DROP MATERIALIZED VIEW post_count; DROP SEQUENCE ticket_seq; DROP INDEX "Post_title_short"; ALTER TABLE "User" DROP CONSTRAINT score_positive; DROP POLICY own ON "Post"; ALTER TABLE "Post" DISABLE ROW LEVEL SECURITY' >/dev/null
gate U2 drift --format json
expect "U: clean again after the undo" 0 "$RC"

# --- W: the shadow from the target's shadow_url_env (a policy target) --------------
SHADOW_DATABASE_URL=$(createdb shadowdb) || not_ok "createdb shadowdb"
export SHADOW_DATABASE_URL
cp "$PROJ/prisma-gate.yml" "$WORK/policy.keep"
cat >"$PROJ/prisma-gate.yml" <<EOF
version: 1
project:
  prisma: [node, $CLI, --config, $CONFIG]
targets:
  main: {url_env: DATABASE_URL, shadow_url_env: SHADOW_DATABASE_URL}
default_target: main
EOF
gate W drift --format json
expect "W: configured shadow: no drift" 0 "$RC" || show "$WORK/W.err"
expect "W: the configured shadow was used" 'shadow database "shadowdb"' "$(jget "$WORK/W.out" r.drift.shadow)"
gate W2 drift --format json
expect "W: the shadow is left empty: a second run works" 0 "$RC" || show "$WORK/W2.err"
q shadowdb 'CREATE TABLE x (id int)' >/dev/null
q $DB 'ALTER TABLE "User" ALTER COLUMN "score" SET DEFAULT 9' >/dev/null
gate W3 drift --format json
expect "W: a non-empty shadow is refused (exit 3)" 3 "$RC"
q shadowdb 'DROP TABLE x' >/dev/null
gate W4 drift --format json
expect "W: drift through the configured shadow" "changed | default: 0 | default: 9" "$(item "$WORK/W4.out" column score)"
check "W: the capture steps name the shadow's variable" grep -qF 'shadow-database-url \"$SHADOW_DATABASE_URL\"' "$WORK/W4.out"
q $DB 'ALTER TABLE "User" ALTER COLUMN "score" SET DEFAULT 0' >/dev/null
cp "$WORK/policy.keep" "$PROJ/prisma-gate.yml"
unset SHADOW_DATABASE_URL

# --- X: the replay cache's snapshot: a warm run reads the cache's model from its
# comment and does not open the cache database; it reports what a cold run
# reports; a snapshot that does not fit (another introspection, other
# settings, a text that does not match its checksum) is not used --------------
cp "$PROJ/prisma-gate.yml" "$WORK/policy.keep"
sed -i 's/^  shadow: create$/  shadow: create\n  cache: 1/' "$PROJ/prisma-gate.yml"
# caches: the replay cache databases on the server
ncaches() { q postgres "SELECT count(*) FROM pg_database WHERE datname LIKE 'prisma\_gate\_cache\_%'"; }
cachedb() { q postgres "SELECT datname FROM pg_database WHERE datname LIKE 'prisma\_gate\_cache\_%'"; }
gate X1 drift --format json -v
expect "X: a cold run with the cache: exit 0" 0 "$RC" || show "$WORK/X1.err"
expect_has "X: it keeps the shadow's model as the cache's snapshot" "$WORK/X1.err" "kept the model of replay cache"
expect "X: one cache database" 1 "$(ncaches)"
CACHE=$(cachedb)
# drift of several kinds, then the same run warm (snapshot) and cold (no cache)
q $DB 'ALTER TABLE "User" ADD COLUMN "k_extra" TEXT; ALTER TABLE "User" ALTER COLUMN "score" SET DEFAULT 7; DROP INDEX "Post_userId_idx"; CREATE VIEW k_view AS SELECT 1 AS one' >/dev/null
# the cache database cannot be connected to: a warm run that opened it would fail over to a copy
q postgres "ALTER DATABASE \"$CACHE\" ALLOW_CONNECTIONS false" >/dev/null
CACHE_ROW=$(q postgres "SELECT oid, datfrozenxid, datminmxid FROM pg_database WHERE datname = '$CACHE'")
gate X2 drift --format json -v
expect "X: warm run on drift: exit 1" 1 "$RC" || show "$WORK/X2.err"
expect_has "X: warm run uses the snapshot" "$WORK/X2.err" "its snapshot is the shadow's model, the database is not opened"
expect_lacks "X: warm run makes no temporary shadow" "$WORK/X2.err" "created temporary database"
expect "X: the cache database is unchanged" "$CACHE_ROW" "$(q postgres "SELECT oid, datfrozenxid, datminmxid FROM pg_database WHERE datname = '$CACHE'")"
q postgres "ALTER DATABASE \"$CACHE\" ALLOW_CONNECTIONS true" >/dev/null
cp "$WORK/policy.keep" "$PROJ/prisma-gate.yml"
gate X3 drift --format json
sed -i 's/^  shadow: create$/  shadow: create\n  cache: 1/' "$PROJ/prisma-gate.yml"
expect "X: cold run (no cache) on the same drift: exit 1" 1 "$RC"
expect "X: warm and cold report the same items" "$(jget "$WORK/X3.out" "JSON.stringify(r.drift.items)")" "$(jget "$WORK/X2.out" "JSON.stringify(r.drift.items)")"
expect "X: warm and cold have the same digest" "$(jget "$WORK/X3.out" r.drift.digest)" "$(jget "$WORK/X2.out" r.drift.digest)"
expect "X: four items (column, default, index, view)" 4 "$(nitems "$WORK/X2.out")"
D_X=$(jget "$WORK/X3.out" r.drift.digest)

# snapshot_edit SQL_BODY SQL_VERSION FIX_SUM: rewrite the cache's snapshot in place:
# body and version field through SQL expressions over b (body) and v (version);
# FIX_SUM true: the checksum made to match the new body
snapshot_edit() {
	q postgres "DO \$\$ DECLARE c text; h text; blk text; b text; v text; p text[]; BEGIN
	SELECT shobj_description(oid, 'pg_database') INTO c FROM pg_database WHERE datname = '$CACHE';
	h := split_part(c, E'\\n', 1); blk := split_part(c, E'\\n', 2);
	b := substr(c, length(h) + length(blk) + 3); p := string_to_array(blk, ' ');
	v := p[3]; b := $1; p[3] := $2;
	IF $3 THEN p[5] := encode(sha256(convert_to(b, 'UTF8')), 'hex'); END IF;
	EXECUTE format('COMMENT ON DATABASE %I IS %L', '$CACHE', h || E'\\n' || array_to_string(p, ' ') || E'\\n' || b);
	END \$\$" >/dev/null
}
# a snapshot whose checksum matches is what a warm run compares: an edited one shows
snapshot_edit "replace(b, E'\\tk_nothing', E'\\tk_nothing')" v true
gate X4 drift --format json -v
expect "X: an unchanged rewrite is still used" "$D_X" "$(jget "$WORK/X4.out" r.drift.digest)"
expect_has "X: ... from the snapshot" "$WORK/X4.err" "its snapshot is the shadow's model"
snapshot_edit "replace(b, E'\\tUserEmail\\t', E'\\tUserMail\\t')" v true
gate X5 drift --format json -v
expect "X: the warm run compares the snapshot's model (an edited view name shows)" "in migrations only" "$(jget "$WORK/X5.out" "(r.drift.items.find(i => i.kind === 'view' && i.name === 'UserMail') || {}).change")"
# the same edit without the checksum: not used, the cache is read instead
snapshot_edit "replace(b, E'\\tUserMail\\t', E'\\tUserEmail2\\t')" v false
gate X6 drift --format json -v
expect_has "X: a snapshot that does not match its checksum is not used" "$WORK/X6.err" "snapshot not used: its text does not match its checksum"
expect "X: ... the drift is read from the cache database" "$D_X" "$(jget "$WORK/X6.out" r.drift.digest)"
expect_has "X: ... and a fresh snapshot kept" "$WORK/X6.err" "kept the model of replay cache"
# another introspection's snapshot (its version differs), even with a matching checksum
snapshot_edit "replace(b, E'\\tUserEmail\\t', E'\\tUserMail\\t')" "'0000000000000000'" true
gate X7 drift --format json -v
expect_has "X: another introspection's snapshot is not used" "$WORK/X7.err" "snapshot not used: it was taken for another set, by another introspection or under other settings"
expect "X: ... the drift is read from the cache database" "$D_X" "$(jget "$WORK/X7.out" r.drift.digest)"
# other output settings on the server's side (extra_float_digits): not used
(cd "$PROJ" && PGOPTIONS="-c extra_float_digits=2" "$GATE" drift --format json -v) >"$WORK/X8.out" 2>"$WORK/X8.err"
expect_has "X: a snapshot taken under other settings is not used" "$WORK/X8.err" "snapshot not used: it was taken for another set, by another introspection or under other settings"
expect "X: ... same drift" "$D_X" "$(jget "$WORK/X8.out" r.drift.digest)"
# concurrent warm runs from the snapshot (X8b keeps one for the usual settings again):
# all read the same, nothing left behind, one cache
gate X8b drift --format json -v
expect_has "X: the snapshot kept again" "$WORK/X8b.err" "kept the model of replay cache"
for i in 1 2 3 4; do
	(cd "$PROJ" && "$GATE" drift --format json -v) >"$WORK/X9-$i.out" 2>"$WORK/X9-$i.err" &
done
wait
for i in 1 2 3 4; do
	expect "X: concurrent warm run $i: same drift" "$D_X" "$(jget "$WORK/X9-$i.out" r.drift.digest)" || show "$WORK/X9-$i.err"
	expect_has "X: concurrent warm run $i: from the snapshot" "$WORK/X9-$i.err" "its snapshot is the shadow's model"
done
expect "X: still one cache database" 1 "$(ncaches)"
expect "X: no temporary shadow left" 0 "$(shadows)"
q $DB 'ALTER TABLE "User" DROP COLUMN "k_extra"; ALTER TABLE "User" ALTER COLUMN "score" SET DEFAULT 0; CREATE INDEX "Post_userId_idx" ON "Post"("userId"); DROP VIEW k_view' >/dev/null
gate X10 drift --format json -v
expect "X: undone: no drift, warm" 0 "$RC"

# --- Z: a warm run is one connection: the history, the cache listing with its
# snapshot and the target's catalog on the target's connection, in one round
# trip; when the history does not match what it asked for (a pending
# migration), when there is no history table, or when the role may not create
# databases, it still answers as before ---------------------------------------
q postgres "ALTER SYSTEM SET log_connections = on" >/dev/null
q postgres "SELECT pg_reload_conf()" >/dev/null
sleep 0.5
# conns: the connections to database $DB the server logged from line $1 on
conns() { tail -n +"$1" "$PGDIR/postgres.log" | grep -c "connection authorized: user=[^ ]* database=$DB "; }
L0=$(($(wc -l <"$PGDIR/postgres.log") + 1))
gate Z1 drift --format json -v
expect "Z: warm, no drift: exit 0" 0 "$RC" || show "$WORK/Z1.err"
expect_has "Z: from the snapshot" "$WORK/Z1.err" "its snapshot is the shadow's model"
expect "Z: one connection to the target" 1 "$(conns "$L0")"
expect_has "Z: the target's model is the snapshot's: its text is not read" "$WORK/Z1.err" "the target's model is the snapshot's"
expect_lacks "X: with drift the snapshot's text is read" "$WORK/X2.err" "the target's model is the snapshot's"
q postgres "ALTER SYSTEM RESET log_connections" >/dev/null
q postgres "SELECT pg_reload_conf()" >/dev/null
# a migration on disk that is not applied: the listing asked for all of them
# misses; the shadow lists the caches itself and still finds the applied set's
add_migration "$PROJ" 20991231000000_z_pending 'CREATE TABLE "ZPending" (id integer);\n'
gate Z2 drift --format json -v
expect "Z: a pending migration: no drift" 0 "$RC" || show "$WORK/Z2.err"
expect "Z: ... listed as pending" '["20991231000000_z_pending"]' "$(jget "$WORK/Z2.out" "r.drift.pending")"
expect_has "Z: ... the applied set from the snapshot" "$WORK/Z2.err" "its snapshot is the shadow's model"
rm -r "$PROJ/prisma/migrations/20991231000000_z_pending"
# a role that may read everything but not create databases: a warm run only
# reads (no temporary database), a run that must build the shadow is refused
q $DB "CREATE ROLE z_reader LOGIN; GRANT SELECT ON ALL TABLES IN SCHEMA public TO z_reader" >/dev/null
(cd "$PROJ" && DATABASE_URL="postgresql://z_reader@$PGHOST:$PGPORT/$DB" "$GATE" drift --format json) \
	>"$WORK/Z3.out" 2>"$WORK/Z3.err"
expect "Z: no CREATEDB, warm: nothing to create, no drift (exit 0)" 0 "$?" || show "$WORK/Z3.err"
cp "$PROJ/prisma-gate.yml" "$WORK/policy.z"
cp "$WORK/policy.keep" "$PROJ/prisma-gate.yml"
(cd "$PROJ" && DATABASE_URL="postgresql://z_reader@$PGHOST:$PGPORT/$DB" "$GATE" drift --format json) \
	>"$WORK/Z3b.out" 2>"$WORK/Z3b.err"
expect "Z: no CREATEDB, the shadow to build: exit 3" 3 "$?"
expect_has "Z: ... says so, naming the role" "$WORK/Z3b.err" "needs a role that may create databases: cannot create the temporary shadow database"
expect_has "Z: ... the fix" "$WORK/Z3b.err" 'ALTER ROLE "z_reader" CREATEDB'
expect "Z: ... nothing left" 0 "$(shadows)"
cp "$WORK/policy.z" "$PROJ/prisma-gate.yml"
# the listing fails in the round trip (the role may not read comments): what
# follows did not run, the transaction it left is rolled back, and the
# shadow's own listing fails the same way and says why (exit 3)
q $DB "REVOKE SELECT ON pg_shdescription FROM PUBLIC" >/dev/null
(cd "$PROJ" && DATABASE_URL="postgresql://z_reader@$PGHOST:$PGPORT/$DB" "$GATE" drift --format json) \
	>"$WORK/Z3c.out" 2>"$WORK/Z3c.err"
expect "Z: the listing refused: exit 3" 3 "$?"
expect_has "Z: ... the listing's own error" "$WORK/Z3c.err" "permission denied for table pg_shdescription"
expect_lacks "Z: ... not an aborted transaction's" "$WORK/Z3c.err" "current transaction is aborted"
q $DB "GRANT SELECT ON pg_shdescription TO PUBLIC" >/dev/null
# another cache used more recently (a fake one): this run's cache is not the
# newest, so its comment is rewritten (recency) with the snapshot read whole,
# and pruning (drift.cache: 1) drops the other
CACHE_Z=$(cachedb)
USED_Z=$(q postgres "SELECT substring(shobj_description(oid, 'pg_database') FROM 'used=([0-9]+)') FROM pg_database WHERE datname = '$CACHE_Z'")
q postgres "CREATE DATABASE prisma_gate_cache_00000000000000z6" >/dev/null
q postgres "COMMENT ON DATABASE prisma_gate_cache_00000000000000z6 IS 'prisma-gate replay cache; used=$((USED_Z + 1)); migrations=1; schema=public'" >/dev/null
gate Z6 drift --format json -v
expect "Z: not the newest cache: no drift" 0 "$RC" || show "$WORK/Z6.err"
expect_has "Z: ... from the snapshot" "$WORK/Z6.err" "its snapshot is the shadow's model"
expect "Z: ... the other cache pruned, this one kept" "$CACHE_Z" "$(cachedb)"
gate Z7 drift --format json -v
expect_has "Z: ... its snapshot kept whole (the next run does not read its text)" "$WORK/Z7.err" "the target's model is the snapshot's"
# no _prisma_migrations: its query fails in the round trip; read again one by one
q $DB 'ALTER TABLE _prisma_migrations RENAME TO z_history' >/dev/null
gate Z4 drift --format json -v
expect "Z: no history table: could not compare the history... exit 1 (every applied migration missing)" 1 "$RC" || show "$WORK/Z4.err"
expect_lacks "Z: ... no query error" "$WORK/Z4.err" "error:"
q $DB 'ALTER TABLE z_history RENAME TO _prisma_migrations' >/dev/null
gate Z5 drift --format json
expect "Z: history back: no drift" 0 "$RC" || show "$WORK/Z5.err"
cp "$WORK/policy.keep" "$PROJ/prisma-gate.yml"
q postgres "DROP DATABASE \"$CACHE\"" >/dev/null

# --- Y: a migration holds a table drift reads: drift gives up, it does not hang -----
# A view's definition is printed with its table opened (ACCESS SHARE), which
# waits behind ACCESS EXCLUSIVE: lock_timeout (5 s) ends the read, exit 3,
# and the first connection does not try again.
q $DB 'CREATE VIEW y_view AS SELECT id FROM "User"' >/dev/null
psql -X -q -d "$DB" -c 'BEGIN; LOCK TABLE "User" IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(20); COMMIT' \
	>"$WORK/Y-lock.out" 2>&1 &
LOCKER=$!
for _ in $(seq 100); do
	[ "$(q $DB "SELECT count(*) FROM pg_locks WHERE mode = 'AccessExclusiveLock' AND relation = (SELECT oid FROM pg_class WHERE relname = 'User' AND relnamespace = 'public'::regnamespace) AND granted" 2>/dev/null)" = 1 ] && break
	sleep 0.1
done
gate Y drift --format json
expect "Y: a table under ACCESS EXCLUSIVE: could not evaluate (exit 3)" 3 "$RC" || show "$WORK/Y.err"
check "Y: it gave up while the lock was still held (it did not wait for it)" kill -0 "$LOCKER"
expect_has "Y: says why and what to do" "$WORK/Y.err" "holds a lock on a table whose definition is read here"
expect_has "Y: PostgreSQL's lock timeout" "$WORK/Y.err" "55P03"
# the same with the replay cache (one connection: the catalog is read in the
# history's round trip, its error read after the replay)
cp "$PROJ/prisma-gate.yml" "$WORK/policy.keep"
sed -i 's/^  shadow: create$/  shadow: create\n  cache: 1/' "$PROJ/prisma-gate.yml"
gate Y2 drift --format json
cp "$WORK/policy.keep" "$PROJ/prisma-gate.yml"
expect "Y: with the cache: exit 3" 3 "$RC" || show "$WORK/Y2.err"
check "Y: with the cache: gave up while the lock was still held" kill -0 "$LOCKER"
expect_has "Y: with the cache: says why" "$WORK/Y2.err" "holds a lock on a table whose definition is read here"
kill "$LOCKER" 2>/dev/null
wait "$LOCKER" 2>/dev/null
q postgres "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(20)%' AND pid <> pg_backend_pid()" >/dev/null
q $DB 'DROP VIEW y_view' >/dev/null
expect "Y: no shadow database left" 0 "$(shadows)"

# --- S: enum value (last: PostgreSQL cannot drop an enum value) ---------------
scenario S drift enum Role "changed | values: 'USER', 'ADMIN' | values: 'USER', 'ADMIN', 'GUEST'" \
	"ALTER TYPE \"Role\" ADD VALUE 'GUEST'" 'SELECT 1'

# --- V: a target in another schema (?schema=tenant): compared there --------------
URL2=$(createdb app2) || not_ok "createdb app2"
(
	export DATABASE_URL="$URL2?schema=tenant"
	prisma "$PROJ" "$WORK/V-deploy.out" migrate deploy || { echo "deploy"; exit 1; }
	(cd "$PROJ" && "$GATE" drift --format json) >"$WORK/V.out" 2>"$WORK/V.err" || { echo "clean: $?"; exit 1; }
	q app2 'ALTER TABLE tenant."User" ADD COLUMN extra integer' >/dev/null
	(cd "$PROJ" && "$GATE" drift --format json) >"$WORK/V2.out" 2>"$WORK/V2.err"
	echo "rc $?"
) >"$WORK/V.log" 2>&1
expect "V: deployed into schema tenant, then no drift, then drift" "rc 1" "$(cat "$WORK/V.log")" || show "$WORK/V.err" "$WORK/V-deploy.out"
expect "V: the target's schema" tenant "$(jget "$WORK/V2.out" r.target.schema)"
expect "V: the added column, in schema tenant" "tenant.User.extra in database only" "$(jget "$WORK/V2.out" "r.drift.items.map(i => i.schema + '.' + i.table + '.' + i.name + ' ' + i.change).join('; ')")"

# --- T: could not evaluate: no shadow configured (exit 3, no digest) --------------
cp "$PROJ/prisma-gate.yml" "$WORK/policy.keep"
sed -i '/^drift:/,$d' "$PROJ/prisma-gate.yml"
gate T drift --format json
expect "T: no shadow configured: exit 3" 3 "$RC"
expect "T: not evaluated" false "$(jget "$WORK/T.out" r.drift.evaluated)"
expect "T: no digest" null "$(jget "$WORK/T.out" r.drift.digest)"
check "T: the error names the shadow" grep -qi 'shadow' "$WORK/T.err"
gate T-junit drift --format junit
expect_has "T: JUnit has an error case" "$WORK/T-junit.out" 'could-not-evaluate'
cp "$WORK/policy.keep" "$PROJ/prisma-gate.yml"

expect "no shadow database left after all runs" 0 "$(shadows)"
finish
