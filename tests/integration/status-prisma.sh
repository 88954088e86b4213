#!/bin/bash
# tests/integration/status-prisma.sh — `prisma-gate status` against the rows
# the REAL Prisma CLI (ci/prisma.sh, 6.19.3) writes into a throwaway
# PostgreSQL 15 (ci/pg.sh).
#
# One project goes through: empty database, deploy (LF, CRLF, invalid
# UTF-8, `_add_1` vs `_add1` ordering), a failing migration, `resolve
# --rolled-back`, a fixed re-deploy (two rows for one name), `resolve
# --applied`, an edit after apply, CRLF<->LF conversion, a folder removed,
# a BOM. At every step: our states equal what the rows say, our checksums
# equal the `checksum` column Prisma wrote (psql), and our prediction of
# `prisma migrate status` equals the real CLI's exit status.
#
# Ends with "N passed, N failed"; skips when npm/node or PostgreSQL is missing.

# shellcheck source=tests/integration/status-lib.sh
. "$(dirname "$0")/status-lib.sh"

need_prisma
start_cluster
app_database
PROJ=$WORK/proj
M=$PROJ/prisma/migrations
new_project "$PROJ"

add_migration "$PROJ" 20240101000000_init 'CREATE TABLE "User" ("id" SERIAL NOT NULL, "email" TEXT, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\n'
add_migration "$PROJ" 20240102000000_crlf '-- AlterTable\r\nALTER TABLE "User" ADD COLUMN "a" TEXT;\r\n'
add_migration "$PROJ" 20240103000000_utf8 '-- caf\xe9 (Latin-1, not UTF-8)\nALTER TABLE "User" ADD COLUMN "b" TEXT;\n'
# ICU order: `_` sorts before digits, so add_1 runs first (byte order says add1)
add_migration "$PROJ" 20240104000000_add_1 'CREATE TABLE "T" ("x" INTEGER);\n'
add_migration "$PROJ" 20240104000000_add1 'ALTER TABLE "T" ADD COLUMN "y" INTEGER;\n'
ALL="20240101000000_init 20240102000000_crlf 20240103000000_utf8 20240104000000_add_1 20240104000000_add1"

# row_sum NAME [WHERE]: the checksum Prisma stored for NAME's latest row
row_sum() { q $DB "SELECT checksum FROM _prisma_migrations WHERE migration_name = '$1' ${2:-} ORDER BY started_at DESC LIMIT 1"; }

# compare_prisma STEP: the real `prisma migrate status` exit equals our prediction
compare_prisma() {
	local real predicted
	prisma "$PROJ" "$WORK/$1.prisma" migrate status
	real=$?
	predicted=$(jget "$WORK/$1.out" 'r.history.prisma_migrate_status.exit_code')
	if [ "$real" = "$predicted" ]; then
		ok "$1: real \`prisma migrate status\` exits $real, as predicted"
	else
		show "$WORK/$1.prisma"
		not_ok "$1: real \`prisma migrate status\` exits $real, predicted $predicted"
	fi
}

# sums_agree STEP NAME...: our checksum of each NAME = the row's = db_checksum
sums_agree() {
	local step=$1 n ours row dbs bad=""
	shift
	for n in "$@"; do
		ours=$(sum "$WORK/$step.out" "$n")
		row=$(row_sum "$n")
		dbs=$(jget "$WORK/$step.out" "r.migrations.find(m => m.name === '$n').db_checksum")
		[ "$ours" = "$row" ] && [ "$dbs" = "$row" ] || bad="$bad $n(ours=$ours row=$row db_checksum=$dbs)"
	done
	expect "$step: checksums equal the rows Prisma wrote" "" "$bad"
}

# --- A: empty database --------------------------------------------------------
gate A
expect "A: exit 1 on an empty database" 1 "$RC"
expect "A: every migration pending, in ICU order" \
	"$(for n in $ALL; do printf '%s=pending ' "$n"; done | sed 's/ $//')" "$(states "$WORK/A.out")"
expect "A: strategy empty" empty "$(jget "$WORK/A.out" r.history.strategy)"
compare_prisma A

# --- B: deploy ------------------------------------------------------------------
prisma "$PROJ" "$WORK/B.deploy" migrate deploy
check "B: prisma migrate deploy succeeds" test $? -eq 0 || show "$WORK/B.deploy"
gate B
expect "B: exit 0 when everything is applied" 0 "$RC"
expect "B: every migration applied" \
	"$(for n in $ALL; do printf '%s=applied ' "$n"; done | sed 's/ $//')" "$(states "$WORK/B.out")"
sums_agree B $ALL
expect "B: Prisma applied in our order (started_at order of the rows)" \
	"$(echo $ALL)" "$(q $DB "SELECT string_agg(migration_name, ' ' ORDER BY started_at) FROM _prisma_migrations")"
raw=$(sha256sum "$M/20240103000000_utf8/migration.sql" | cut -d' ' -f1)
check "B: invalid UTF-8: the stored checksum is not of the raw bytes (Node replaced them)" \
	test "$raw" != "$(row_sum 20240103000000_utf8)"
raw=$(sha256sum "$M/20240102000000_crlf/migration.sql" | cut -d' ' -f1)
expect "B: CRLF: the stored checksum is of the raw bytes" "$raw" "$(row_sum 20240102000000_crlf)"
compare_prisma B
gate B-text status
expect "B: text format exits 0 too" 0 "$RC"
check "B: text shows the strategy and the last migration" \
	grep -q 'Last migration   20240104000000_add1' "$WORK/B-text.out"

# --- C: a migration that fails ----------------------------------------------------
add_migration "$PROJ" 20240105000000_tag 'CREATE TABLE "Tag" ("id" INTEGER);\nALTER TABLE "Nope" ADD COLUMN "x" INTEGER;\n'
prisma "$PROJ" "$WORK/C.deploy" migrate deploy
check "C: prisma migrate deploy fails on the broken migration" test $? -ne 0
gate C
expect "C: exit 1" 1 "$RC"
expect "C: state failed" failed "$(state "$WORK/C.out" 20240105000000_tag)"
expect "C: history.failed fails" fail "$(check_status "$WORK/C.out" history.failed)"
expect "C: the row is failed in the database (finished_at and rolled_back_at NULL)" t \
	"$(q $DB "SELECT finished_at IS NULL AND rolled_back_at IS NULL FROM _prisma_migrations WHERE migration_name = '20240105000000_tag'")"
sums_agree C 20240105000000_tag
check "C: the note says deploy refuses (P3009)" \
	grep -q 'P3009' <<<"$(jget "$WORK/C.out" "r.migrations.find(m => m.name === '20240105000000_tag').note")"
compare_prisma C

# --- D: resolve --rolled-back --------------------------------------------------
prisma "$PROJ" "$WORK/D.resolve" migrate resolve --rolled-back 20240105000000_tag
check "D: prisma migrate resolve --rolled-back succeeds" test $? -eq 0 || show "$WORK/D.resolve"
gate D
expect "D: a migration whose only row is rolled back is pending" pending "$(state "$WORK/D.out" 20240105000000_tag)"
expect "D: exit 1 (deploy would apply it again)" 1 "$RC"
check "D: its row is rolled back" \
	test "$(q $DB "SELECT count(*) FROM _prisma_migrations WHERE migration_name = '20240105000000_tag' AND rolled_back_at IS NOT NULL")" = 1
expect "D: we know Prisma's status says up to date here" 0 \
	"$(jget "$WORK/D.out" r.history.prisma_migrate_status.exit_code)"
compare_prisma D

# --- E: fix it and deploy again: two rows for one name ------------------------
add_migration "$PROJ" 20240105000000_tag 'CREATE TABLE "Tag" ("id" INTEGER);\n'
prisma "$PROJ" "$WORK/E.deploy" migrate deploy
check "E: deploy of the fixed migration succeeds" test $? -eq 0 || show "$WORK/E.deploy"
gate E
expect "E: exit 0" 0 "$RC"
expect "E: applied" applied "$(state "$WORK/E.out" 20240105000000_tag)"
expect "E: two rows: rolled-back then applied" "rolled-back applied" \
	"$(jget "$WORK/E.out" "r.migrations.find(m => m.name === '20240105000000_tag').rows.map(x => x.state).join(' ')")"
sums_agree E 20240105000000_tag
expect "E: Prisma's engine counts it as edited (first row differs)" true \
	"$(jget "$WORK/E.out" "r.migrations.find(m => m.name === '20240105000000_tag').prisma_edited")"
expect "E: history.modified warns about it" warn "$(check_status "$WORK/E.out" history.modified)"
compare_prisma E

# --- F: fail, then resolve --applied -------------------------------------------
add_migration "$PROJ" 20240106000000_bad2 'ALTER TABLE "Nope2" ADD COLUMN "x" INTEGER;\n'
prisma "$PROJ" "$WORK/F.deploy" migrate deploy
check "F: deploy fails" test $? -ne 0
prisma "$PROJ" "$WORK/F.resolve" migrate resolve --applied 20240106000000_bad2
check "F: prisma migrate resolve --applied succeeds" test $? -eq 0 || show "$WORK/F.resolve"
gate F
expect "F: exit 0" 0 "$RC"
expect "F: applied" applied "$(state "$WORK/F.out" 20240106000000_bad2)"
expect "F: rows: rolled-back (the failure), applied (resolve, 0 steps)" "rolled-back:0 applied:0" \
	"$(jget "$WORK/F.out" "r.migrations.find(m => m.name === '20240106000000_bad2').rows.map(x => x.state + ':' + x.applied_steps_count).join(' ')")"
sums_agree F 20240106000000_bad2
compare_prisma F

# --- G: edit a migration after it was applied ---------------------------------
cp "$M/20240101000000_init/migration.sql" "$WORK/init.sql"
printf -- '-- edited later\n' >>"$M/20240101000000_init/migration.sql"
gate G
expect "G: exit 1" 1 "$RC"
expect "G: modified" modified "$(state "$WORK/G.out" 20240101000000_init)"
expect "G: history.modified fails" fail "$(check_status "$WORK/G.out" history.modified)"
expect "G: checksum = sha256 of the edited file" \
	"$(sha256sum "$M/20240101000000_init/migration.sql" | cut -d' ' -f1)" "$(sum "$WORK/G.out" 20240101000000_init)"
expect "G: db_checksum = the row" "$(row_sum 20240101000000_init)" \
	"$(jget "$WORK/G.out" "r.migrations.find(m => m.name === '20240101000000_init').db_checksum")"
expect "G: Prisma's status misses it (predicted exit 0)" 0 \
	"$(jget "$WORK/G.out" r.history.prisma_migrate_status.exit_code)"
compare_prisma G

# --- H: line endings converted after apply (git autocrlf) ----------------------
sed 's/$/\r/' "$WORK/init.sql" >"$M/20240101000000_init/migration.sql"
tr -d '\r' <"$M/20240102000000_crlf/migration.sql" >"$WORK/lf.sql"
cp "$WORK/lf.sql" "$M/20240102000000_crlf/migration.sql"
gate H
expect "H: LF->CRLF and CRLF->LF conversions are not edits (exit 0)" 0 "$RC"
expect "H: states" "applied applied" \
	"$(state "$WORK/H.out" 20240101000000_init) $(state "$WORK/H.out" 20240102000000_crlf)"
compare_prisma H

# --- I: a folder missing locally ---------------------------------------------------
mv "$M/20240104000000_add1" "$WORK/add1"
gate I
expect "I: exit 1" 1 "$RC"
expect "I: missing-locally" missing-locally "$(state "$WORK/I.out" 20240104000000_add1)"
expect "I: history.missing-locally fails" fail "$(check_status "$WORK/I.out" history.missing-locally)"
expect "I: Prisma's status misses it (predicted exit 0)" 0 \
	"$(jget "$WORK/I.out" r.history.prisma_migrate_status.exit_code)"
compare_prisma I
mv "$WORK/add1" "$M/20240104000000_add1"

# --- J: a BOM (Prisma sends it; PostgreSQL rejects it) --------------------------
add_migration "$PROJ" 20240107000000_bom '\xef\xbb\xbfCREATE TABLE "Bom" ("id" INTEGER);\n'
prisma "$PROJ" "$WORK/J.deploy" migrate deploy
check "J: deploy of a migration with a BOM fails" test $? -ne 0
gate J
expect "J: failed" failed "$(state "$WORK/J.out" 20240107000000_bom)"
expect "J: checksum = sha256 of the raw bytes, BOM included" \
	"$(sha256sum "$M/20240107000000_bom/migration.sql" | cut -d' ' -f1)" "$(sum "$WORK/J.out" 20240107000000_bom)"
sums_agree J 20240107000000_bom
compare_prisma J

finish
