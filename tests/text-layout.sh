#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/text-layout.sh - the text report of lint (and of detect, for the
# other commands) as a terminal shows it
# (stdout on a pseudo-terminal, tests/tools/pty-run.py) and as a file or
# CI log gets it:
#   - on a terminal, every line fits its width: the terminal's own
#     (TIOCGWINSZ), or $COLUMNS, which overrides it; measured here in
#     columns with `wc -L` (glibc's wcwidth: wide CJK characters take two);
#     no word is split, no text is lost, continuation lines hang under
#     the finding's risk column; no break makes a line that starts with
#     "::" (a GitHub workflow command) however wide the terminal;
#   - not a terminal (a pipe, a file): no wrapping, whatever $COLUMNS says;
#   - each rule's help is shown once per run (at its first finding), every
#     finding's with -v, and the summary counts are the same either way;
#   - on every history of ../shared/corpus when present: the same, at 100
#     columns, and the help lines are exactly one per rule that has help.
# Ends with "N passed, N failed" (tests/lib.sh).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
PG=${PRISMA_GATE:-$ROOT/prisma-gate}
PTY="python3 $ROOT/tests/tools/pty-run.py"
CORPUS=${GATE_CORPUS:-../shared/corpus}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
[ -n "${KEEP:-}" ] && trap - EXIT && echo "# kept $tmp"
unset GITHUB_ACTIONS NO_COLOR FORCE_COLOR CLICOLOR_FORCE
export LC_ALL=C.UTF-8

if ! command -v python3 >/dev/null 2>&1; then
	skip_all "python3 (runs the pseudo-terminal) is not installed"
fi

# cols FILE: the widest line of FILE in terminal columns, as glibc's wcwidth
# counts them (wide CJK characters take two); colour sequences take none
cols() { sed 's/\x1b\[[0-9;]*m//g' "$1" | wc -L; }

# words FILE: its words, one a line (what wrapping must keep)
words() { tr -s ' \n' '\n\n' <"$1"; }

# commands FILE: the lines whose first non-blank characters are "::"
commands() { grep -nE '^[[:space:]]*::' "$1"; }

# a history (m): the golden one and migrations whose names are CJK (two
# columns a character); mh: that and a column name that holds workflow
# commands (" ::error::...")
H=$tmp/h
mkdir -p "$H"
cp -R tests/golden/cli/data/history/migrations "$H/m"
mkdir "$H/m/20240105000000_wide" "$H/m/20240106000000_wide_required"
cat >"$H/m/20240105000000_wide/migration.sql" <<'EOF'
-- CreateTable
CREATE TABLE "顧客情報テーブル" ("id" SERIAL NOT NULL, CONSTRAINT "顧客情報テーブル_pkey" PRIMARY KEY ("id"));
EOF
cat >"$H/m/20240106000000_wide_required/migration.sql" <<'EOF'
-- AlterTable
ALTER TABLE "Post" DROP COLUMN "title";
-- AlterTable
ALTER TABLE "顧客情報テーブル" ADD COLUMN "氏名と連絡先と登録日時の情報" TIMESTAMP(3) NOT NULL;
EOF
cp -R "$H/m" "$H/mh"
mkdir "$H/mh/20240107000000_hostile"
cat >"$H/mh/20240107000000_hostile/migration.sql" <<'EOF'
-- AlterTable
ALTER TABLE "Post" ADD COLUMN "a ::error::one ::warning::two ::add-mask::three ::stop-commands::x" TEXT;
ALTER TABLE "Post" DROP COLUMN "a ::error::one ::warning::two ::add-mask::three ::stop-commands::x";
EOF
cd "$H" || exit 2

# ------------------------------------------------------------ not a terminal
COLUMNS=40 "$PG" lint --no-color m >"$tmp/pipe" 2>"$tmp/pipe.err"
expect "lint of the history: gate closed (exit 1)" 1 "$?"
check "not a terminal: long lines stay long, whatever COLUMNS says" test "$(cols "$tmp/pipe")" -gt 150
"$PG" lint --no-color m >"$tmp/pipe2" 2>/dev/null
check "not a terminal: COLUMNS changes nothing" cmp -s "$tmp/pipe" "$tmp/pipe2"
"$PG" lint --no-color --report "text=$tmp/report.txt" m >/dev/null 2>&1
check "a text report file is not wrapped" test "$(cols "$tmp/report.txt")" -gt 150

# ---------------------------------------------------------------- a terminal
COLUMNS=60 $PTY 200 "$PG" lint --no-color m >"$tmp/tty60" 2>/dev/null
expect "on a terminal: the same exit status" 1 "$?"
w=$(cols "$tmp/tty60")
check "COLUMNS=60 overrides the terminal's 200: every line fits 60 columns (widest $w)" test "$w" -le 60
check "COLUMNS=60: lines were wrapped (more lines than in a pipe)" \
	test "$(wc -l <"$tmp/tty60")" -gt "$(wc -l <"$tmp/pipe")"
words "$tmp/pipe" >"$tmp/w.pipe"
words "$tmp/tty60" >"$tmp/w.tty"
check "COLUMNS=60: no word split, none lost (the same words as in a pipe)" cmp -s "$tmp/w.pipe" "$tmp/w.tty"
check "a wide (CJK) name is measured in columns and wrapped" grep -q '^ *"顧客情報テーブル" without a default' "$tmp/tty60"
check "a finding's message continues under its risk column (hanging indent)" \
	grep -qE '^  5:20  critical  ban-drop-column  dropping column$' "$tmp/tty60"
check "...the next line starts at that column" grep -qxF '        "User"."nick" destroys its data' "$tmp/tty60"
check "help continues under the text after 'help: '" grep -qE '^              [a-z(]' "$tmp/tty60"
check "the summary line is wrapped with a hanging indent" grep -qE '^  [a-z0-9(]' "$tmp/tty60"

env -u COLUMNS $PTY 72 "$PG" lint --no-color m >"$tmp/tty72" 2>/dev/null
w=$(cols "$tmp/tty72")
check "no COLUMNS: the terminal's width (72) is used (widest line $w)" test "$w" -le 72 -a "$w" -gt 60

$PTY 72 "$PG" lint m >"$tmp/color" 2>/dev/null
check "in colour on a terminal: colour sequences are written" grep -q $'\x1b\\[' "$tmp/color"
w=$(cols "$tmp/color")
check "in colour: colour sequences take no columns (widest line $w of 72)" test "$w" -le 72 -a "$w" -gt 60

# script(1) (util-linux) gives the pseudo-terminal here: one run per width
bad=0
for c in $(seq 20 4 140); do
	COLUMNS=$c script -qec "$(printf '%q ' "$PG" lint --no-color mh)" /dev/null 2>/dev/null |
		tr -d '\r' >"$tmp/tty"
	if commands "$tmp/tty" >"$tmp/cmds"; then
		bad=$((bad + 1))
		echo "# COLUMNS=$c:"
		show "$tmp/cmds"
	fi
done
check "...whose text is in the report" grep -qF '::error::one ::warning::two' "$tmp/tty"
expect "a name holding ' ::error::': no width from 20 to 140 makes a line that starts with '::'" 0 "$bad"

# ------------------------------------------------------- help once, and -v
"$PG" lint -v --no-color m >"$tmp/verbose" 2>/dev/null
expect "ban-drop-column: its help shown once without -v" 1 \
	"$(grep -c 'help: expand/contract: remove the field' "$tmp/pipe")"
expect "ban-drop-column: every finding's help with -v" \
	"$(grep -cE '^ +[0-9]+:[0-9]+ +critical +ban-drop-column ' "$tmp/verbose")" \
	"$(grep -c 'help: expand/contract: remove the field' "$tmp/verbose")"
check "a note says where the other help went" grep -qF 'help is shown once per rule' "$tmp/pipe"
expect_lacks "no note with -v" "$tmp/verbose" 'help is shown once per rule'
summary() { tail -n 1 "$1" | sed -e 's/, [0-9]* info not shown (-v shows)//' -e 's/ ([0-9]* with nothing to show, not listed)//'; }
expect "the summary counts are the same with -v" "$(summary "$tmp/pipe")" "$(summary "$tmp/verbose")"
check "Prisma's warning: a mark without -v" grep -qF '[prisma warned too]' "$tmp/pipe"
check "Prisma's warning: its text with -v" grep -qF 'prisma warned: You are about to drop the column' "$tmp/verbose"
check "migrations without findings are counted, not listed" \
	grep -qE '^6 migrations \(3 with nothing to show, not listed\)' "$tmp/pipe"
expect_lacks "...and have no header" "$tmp/pipe" "20240103000000_add_tag"

# ------------------------------------- another command's text (detect)
# every command's text report is fitted to a terminal, not only lint's and
# check's: detect needs no database; its "label:  value" lines continue
# under the value
D=$tmp/d
mkdir -p "$D/prisma/migrations/20240101000000_a_rather_long_migration_name"
printf 'CREATE TABLE "User" ("id" SERIAL NOT NULL);\n' \
	>"$D/prisma/migrations/20240101000000_a_rather_long_migration_name/migration.sql"
printf 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n' \
	>"$D/prisma/schema.prisma"
(cd "$D" && "$PG" detect --no-color) >"$tmp/d.pipe" 2>/dev/null
(cd "$D" && $PTY 40 "$PG" detect --no-color) >"$tmp/d.tty" 2>/dev/null
check "detect: not a terminal, a line is longer than 40 columns" test "$(cols "$tmp/d.pipe")" -gt 40
w=$(cols "$tmp/d.tty")
check "detect: on a 40-column terminal every line fits (widest $w)" test "$w" -le 40
words "$tmp/d.pipe" | tr -d '\n' >"$tmp/d.a"
words "$tmp/d.tty" | tr -d '\n' >"$tmp/d.b"
check "detect: wrapping keeps every character" cmp -s "$tmp/d.a" "$tmp/d.b"
# the value column of "  strategy:         migrate ...": where continuations start
vcol=$(grep -m1 'strategy:' "$tmp/d.tty" | awk '{ print index($0, $2) }')
check "detect: a continuation line starts under the value (column $vcol)" \
	grep -qE "^ {$((vcol - 1))}[^ ]" "$tmp/d.tty"
expect "detect: wrapped lines are continuations only (as many label lines)" \
	"$(grep -cE '^  [a-z][a-z ]*:' "$tmp/d.pipe")" "$(grep -cE '^  [a-z][a-z ]*:' "$tmp/d.tty")"

cd "$ROOT" || exit 2

# --------------------------------------------------- real histories (corpus)
if [ -d "$CORPUS" ]; then
	for dir in "$CORPUS"/*/migrations; do
		name=$(basename "$(dirname "$dir")")
		"$PG" lint --no-color --fail-on critical "$dir" >"$tmp/c.txt" 2>/dev/null
		"$PG" lint --format json --fail-on critical "$dir" >"$tmp/c.json" 2>/dev/null
		"$PG" lint -v --no-color --fail-on critical "$dir" >"$tmp/c.v" 2>/dev/null
		want=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(len({f["rule"] for m in r["migrations"] for f in m["findings"]
           if f.get("help") and not f.get("suppressed") and f["severity"] != "info"}))' "$tmp/c.json")
		expect "$name: one help line per rule that has help" "$want" "$(grep -cE '^ +help: ' "$tmp/c.txt")"
		expect "$name: the summary counts are the same with -v" "$(summary "$tmp/c.txt")" "$(summary "$tmp/c.v")"
		COLUMNS=100 $PTY 200 "$PG" lint --no-color --fail-on critical "$dir" >"$tmp/c.tty" 2>/dev/null
		w=$(cols "$tmp/c.tty")
		check "$name: on a 100-column terminal every line fits (widest $w)" test "$w" -le 100
		words "$tmp/c.txt" | tr -d '\n' >"$tmp/c.a"
		words "$tmp/c.tty" | tr -d '\n' >"$tmp/c.b"
		check "$name: wrapping keeps every character" cmp -s "$tmp/c.a" "$tmp/c.b"
		echo "# $name: not a terminal: $(wc -l <"$tmp/c.txt") lines, $(wc -c <"$tmp/c.txt") bytes;" \
			"100 columns: $(wc -l <"$tmp/c.tty") lines"
	done
else
	echo "# corpus: skipped ($CORPUS not found; it is only present in CI)"
fi

finish
