#!/bin/bash
# tests/integration/plan-scale.sh — `plan` over a database with 10,000
# tables, all touched by the pending migration, on a throwaway
# PostgreSQL 15 (ci/pg.sh):
#
#   T  plan measures every table in one catalog query and decides (exit 0
#      or 1, never 3): the table names travel as array literals, not as an
#      IN list of rows, which overflowed PostgreSQL's stack ("stack depth
#      limit exceeded") at this size; every table is found and measured.
#
# Ends with "N passed, N failed"; skips when npm/node or PostgreSQL is
# missing.

# shellcheck source=tests/integration/status-lib.sh
. "$(dirname "$0")/status-lib.sh"

need_prisma
start_cluster
unset PRISMA_GATE_CONFIRM PRISMA_GATE_SECRET
CLI=$ROOT/tests/prisma/node_modules/prisma/build/index.js
CONFIG=$ROOT/tests/prisma/prisma.config.ts
N=${PLAN_SCALE_TABLES:-10000}

DATABASE_URL=$(createdb scale) || {
	not_ok "createdb scale"
	finish
}
export DATABASE_URL
DB=scale

# --- T: 10,000 tables --------------------------------------------------------------
# one statement per transaction: 10,000 tables in one would exhaust the lock table
awk -v n="$N" 'BEGIN { for (i = 1; i <= n; i++) printf "CREATE TABLE \"t%d\" (id int);\n", i }' >"$WORK/tables.sql"
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -f "$WORK/tables.sql" >"$WORK/tables.log" 2>&1 || show "$WORK/tables.log"
expect "T: the database holds $N tables" "$N" "$(q "$DB" "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename ~ '^t[0-9]+\$'")"
PROJ=$WORK/scale
new_project "$PROJ"
cat >"$PROJ/prisma-gate.yml" <<EOF
version: 1
project:
  prisma: [node, $CLI, --config, $CONFIG]
deploy:
  auto_max_risk: medium
  confirm_max_risk: high
EOF
mkdir -p "$PROJ/prisma/migrations/20240101000000_wide"
awk -v n="$N" 'BEGIN { for (i = 1; i <= n; i++) printf "ALTER TABLE \"t%d\" ADD COLUMN \"c\" INTEGER;\n", i }' \
	>"$PROJ/prisma/migrations/20240101000000_wide/migration.sql"
gate T-plan plan --format json
case $RC in
0 | 1) ok "T: plan over $N tables decides (exit $RC)" ;;
*)
	not_ok "T: plan over $N tables decides (exit $RC, want 0 or 1)"
	show "$WORK/T-plan.err"
	;;
esac
expect "T: no stack-depth failure" "" "$(grep -o 'stack depth limit exceeded' "$WORK/T-plan.err" | head -n 1)"
expect "T: every table is measured (exists, 0 rows)" "$N" "$(jget "$WORK/T-plan.out" "r.plan.tables.filter(t => t.exists && t.rows === 0).length")"
# informational: the CPU time and peak memory of one more plan (bench/README.md)
if [ -x /usr/bin/time ]; then
	(cd "$PROJ" && /usr/bin/time -f '%U %S %M' -o "$WORK/T-time" "${PRISMA_GATE_REAL:-$GATE}" plan --format json >/dev/null 2>&1)
	awk '{ printf "# plan over %s tables: cpu %.2f s (user+sys), peak %d KiB\n", n, $1 + $2, $3 }' n="$N" <(tail -n 1 "$WORK/T-time")
fi

finish
