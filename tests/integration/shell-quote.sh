#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/integration/shell-quote.sh — the shell commands the gate suggests
# quote every value they paste for the shell. A migration folder named
# 20240101000000_init$(id>PWNED) used to yield
#   npx prisma migrate resolve --applied "20240101000000_init$(id>PWNED)"
# and double quotes still run $(...). Each suggested command (status's next
# steps in JSON and text, plan's problems) is pasted into sh with a
# stand-in `npx` that records its arguments: nothing else runs (no PWNED
# file) and the folder name arrives as one argument, unchanged.
#
# Usage: tests/integration/shell-quote.sh   (PRISMA_GATE=path/to/prisma-gate)

# shellcheck source=tests/integration/status-lib.sh
. "$(dirname "$0")/status-lib.sh"

start_cluster

# the stand-in: one argument per line into $NPX_LOG
BIN=$WORK/bin
mkdir -p "$BIN"
cat >"$BIN/npx" <<'EOF'
#!/bin/sh
for a in "$@"; do printf '%s\n' "$a"; done >>"$NPX_LOG"
EOF
chmod +x "$BIN/npx"

PROJ=$WORK/proj
new_project "$PROJ"
# shellcheck disable=SC2016 # the $( ) and backquotes are the point
NAMES=(
	'20240101000000_init$(id>PWNED)'
	"20240102000000_it's\$(touch PWNED)"
	'20240103000000_x`touch PWNED`;touch PWNED'
)
for n in "${NAMES[@]}"; do
	add_migration "$PROJ" "$n" 'CREATE TABLE "T" ("x" INTEGER);\n'
done

# paste NAME COMMAND: COMMAND run by sh in a scratch directory; nothing but
# the stand-in runs, and it gets the folder name whole
paste_cmd() {
	local name=$1 cmd=$2 dir
	dir=$(mktemp -d "$WORK/paste.XXXXXX")
	: >"$dir/npx.log"
	(cd "$dir" && PATH="$BIN:$PATH" NPX_LOG="$dir/npx.log" sh -c "$cmd") >"$dir/sh.out" 2>&1
	if ls "$dir" | grep -q PWNED || ls "$PROJ" | grep -q PWNED; then
		not_ok "$name: pasting it ran something else ($cmd)"
	else
		ok "$name: pasting it into sh runs nothing else"
	fi
	expect "$name: the stand-in got the migration name as one argument" 1 \
		"$(grep -cxF -- "$3" "$dir/npx.log")"
}

# --- baseline: tables but no _prisma_migrations --------------------------------
export DATABASE_URL=$(createdb legacy)
q legacy 'CREATE TABLE "User" ("id" SERIAL PRIMARY KEY)' >/dev/null
gate B status --format json
expect "baseline: exit 1" 1 "$RC"
i=0
for n in "${NAMES[@]}"; do
	i=$((i + 1))
	cmd=$(jget "$WORK/B.out" "r.history.next.filter(s => s.startsWith('npx prisma migrate resolve')).find(s => s.includes('${n:0:14}')) || ''")
	if [ -z "$cmd" ]; then
		not_ok "baseline $i: a resolve step for $n"
		show "$WORK/B.out"
		continue
	fi
	paste_cmd "baseline $i (status --format json)" "$cmd" "$n"
done
gate B-text status
i=0
for n in "${NAMES[@]}"; do
	i=$((i + 1))
	cmd=$(grep -F 'migrate resolve --applied' "$WORK/B-text.out" | grep -F -- "${n:0:14}" | head -n 1 | sed 's/^[^n]*npx/npx/')
	paste_cmd "baseline $i (status, text)" "$cmd" "$n"
done

# --- a failed migration: status's next steps and plan's problems ----------------
export DATABASE_URL=$(createdb failed)
q failed 'CREATE TABLE _prisma_migrations (
    id VARCHAR(36) PRIMARY KEY NOT NULL, checksum VARCHAR(64) NOT NULL,
    finished_at TIMESTAMPTZ, migration_name VARCHAR(255) NOT NULL, logs TEXT,
    rolled_back_at TIMESTAMPTZ, started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count INTEGER NOT NULL DEFAULT 0)' >/dev/null
n=${NAMES[0]}
q failed "INSERT INTO _prisma_migrations (id, checksum, migration_name) VALUES ('a', 'x', \$q\$$n\$q\$)" >/dev/null
gate F status --format json
for flag in rolled-back applied; do
	cmd=$(jget "$WORK/F.out" "r.history.next.find(s => s.startsWith('npx prisma migrate resolve --$flag')) || ''")
	paste_cmd "failed: status's --$flag step" "$cmd" "$n"
done
gate P plan --format json
problem=$(jget "$WORK/P.out" "(r.plan.problems || []).find(s => s.includes('P3009')) || ''")
cmd=$(printf '%s' "$problem" | sed -n 's/.*run `\([^`]*\)`.*/\1/p' | sed 's/^prisma /npx prisma /')
if [ -n "$cmd" ]; then
	paste_cmd "failed: plan's resolve command" "$cmd" "$n"
else
	not_ok "plan names the failed migration's resolve command"
	show "$WORK/P.out" | head -n 40
fi
finish
