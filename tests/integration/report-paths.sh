#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/integration/report-paths.sh — what is at a report's path decides
# how it is written, and two reports never share a path:
#   - a character device is written in place (as root, --report
#     json=/dev/null used to turn /dev/null into a regular file);
#   - a FIFO is written in place: its reader gets the report; with no
#     reader within 10 s, the write fails, named (exit 3), never a hang;
#   - a path under /dev or /proc (/dev/stdout, /dev/fd/N) is opened and
#     appended to, never replaced (stdout redirected to a file keeps what
#     was printed), and never created;
#   - a symlink to a regular file: the file it points to gets the report,
#     the link stays; a symlink to nothing, a directory: refused, named;
#   - a regular file or a new path: temp file + rename, as before;
#   - two formats to one path from flags (--report json=X --report
#     sarif=X), or a flag and the policy's reports:, by name or through a
#     symlink or ./: a usage error (exit 2), nothing written; so is
#     plan's or deploy's --checklist PATH on a report's path.
#
# Usage: tests/integration/report-paths.sh   (PRISMA_GATE=path/to/prisma-gate)

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# the binary itself, not tests/tools/checked-gate.sh: that wrapper reads each
# report back after the run (a FIFO would block it) and the reports here are
# not the point (report-files.sh checks them)
GATE=${PRISMA_GATE_REAL:-${PRISMA_GATE:-$ROOT/prisma-gate}}
export NO_COLOR=1 LC_ALL=C
unset GITHUB_ACTIONS GITHUB_STEP_SUMMARY GITHUB_OUTPUT

# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"

[ -x "$GATE" ] || {
	not_ok "prisma-gate binary at $GATE (run make)"
	finish
}
W=$(mktemp -d "${TMPDIR:-/tmp}/gate-report-paths.XXXXXX")
READER=
# shellcheck disable=SC2317 # called through trap
cleanup() {
	if [ -n "$READER" ]; then kill "$READER" 2>/dev/null; fi
	rm -rf "$W"
}
trap cleanup EXIT
cd "$W" || exit 1
printf 'CREATE TABLE "T" ("id" INTEGER);\n' >a.sql

# lint_to NAME ARGS...: prisma-gate lint a.sql ARGS; $W/NAME.err, RC
lint_to() {
	local name=$1
	shift
	"$GATE" lint a.sql "$@" >"$W/$name.out" 2>"$W/$name.err"
	RC=$?
}

# --- a character device ------------------------------------------------------------
# As root, a private copy of /dev/null (mknod): a gate that replaces the
# device must not take the machine's /dev/null with it. Others cannot
# replace /dev/null, so they write to it.
NULL=/dev/null
if [ "$(id -u)" = 0 ] && mknod "$W/null" c 1 3 2>/dev/null; then NULL=$W/null; fi
lint_to null --report "json=$NULL"
expect "a character device ($NULL): exit 0" 0 "$RC"
expect "$NULL is still a character device" yes "$([ -c "$NULL" ] && echo yes || echo no)"
expect "$NULL: no temp file left" "" "$(find "$(dirname "$NULL")" -maxdepth 1 -name 'null.tmp-*' 2>/dev/null)"

# --- a process's stdout (/proc/self/fd/1 rather than /dev/stdout: a gate that
# --- replaces the path must not take the machine's /dev/stdout with it) ----------
printf 'before\n' >so.txt
"$GATE" lint a.sql --report json=/proc/self/fd/1 >>so.txt 2>so.err
expect "stdout redirected to a file: exit 0" 0 "$?"
expect "stdout redirected to a file: what was there stays (appended to)" before "$(head -n 1 so.txt)"
expect_has "stdout redirected to a file: the JSON report is in it" so.txt '"format_version": 1'
expect_has "stdout redirected to a file: and the text report after it" so.txt "1 migration, "
lint_to nofd --report json=/proc/self/fd/9
expect "a descriptor that is not open: exit 3" 3 "$RC"
expect_has "... named" nofd.err "cannot write '/proc/self/fd/9'"

# --- a FIFO: its reader gets the report ----------------------------------------------
mkfifo fifo
timeout 10 cat fifo >fifo.got &  # a gate that replaces the FIFO leaves it waiting
READER=$!
lint_to fifo --report json=fifo
expect "FIFO: exit 0" 0 "$RC"
wait "$READER"
READER=
expect "FIFO: still a FIFO" yes "$([ -p fifo ] && echo yes || echo no)"
expect_has "FIFO: the reader got the JSON report" fifo.got '"format_version": 1'

# a FIFO nobody reads: the gate waits 10 s for a reader, then says so (exit 3)
# rather than hanging the job for ever; a reader that comes late gets it
mkfifo lonely
START=$(date +%s)
timeout 60 "$GATE" lint a.sql --report json=lonely >lonely.out 2>lonely.err
RC=$?
expect "a FIFO nobody reads: exit 3, not a hang" 3 "$RC"
expect_has "... named" lonely.err "cannot write 'lonely': no process opened the FIFO for reading within 10 s"
# it did wait for a reader (not refused at once); the upper bound is the
# timeout above, so a loaded machine cannot fail this
expect "... after waiting for a reader" yes "$(t=$(($(date +%s) - START)); [ "$t" -ge 9 ] && echo yes || echo "no ($t s)")"
expect "... still a FIFO" yes "$([ -p lonely ] && echo yes || echo no)"
(sleep 2 && timeout 20 cat lonely >late.got) &
READER=$!
lint_to late --report json=lonely
expect "a FIFO whose reader comes 2 s late: exit 0" 0 "$RC"
wait "$READER"
READER=
expect_has "... the reader got the JSON report" late.got '"format_version": 1'

# --- symlinks ------------------------------------------------------------------------
mkdir reports
printf 'old\n' >reports/target.json
ln -s reports/target.json link.json
lint_to link --report json=link.json
expect "symlink: exit 0" 0 "$RC"
expect "symlink: the link stays a link to the same file" "yes reports/target.json" \
	"$([ -L link.json ] && echo yes || echo no) $(readlink link.json)"
expect_has "symlink: the file it points to holds the report" reports/target.json '"format_version": 1'
expect "symlink: no temp file left" "" "$(ls reports link.json.tmp-* 2>/dev/null | grep tmp-)"
ln -s reports/missing.json dangling.json
lint_to dangling --report json=dangling.json
expect "a symlink to nothing: the report fails (exit 3)" 3 "$RC"
expect_has "a symlink to nothing: named" dangling.err "cannot write 'dangling.json': it is a symbolic link to nothing"
expect "a symlink to nothing: nothing created" no "$([ -e reports/missing.json ] && echo yes || echo no)"
lint_to dir --report json=reports
expect "a directory: the report fails (exit 3)" 3 "$RC"
expect_has "a directory: named" dir.err "cannot write 'reports': it is a directory"

# --- a regular file and a new path (unchanged: temp file + rename) -------------------
lint_to new --report json=out/new.json
expect "a new path: exit 0" 0 "$RC"
expect_has "a new path: written" out/new.json '"format_version": 1'

# --- two reports to one path -----------------------------------------------------------
printf 'keep\n' >X
lint_to same --report json=X --report sarif=X
expect "--report json=X --report sarif=X: usage error" 2 "$RC"
expect_has "... says so" same.err "the json and sarif reports would both be written to 'X'"
expect "... X untouched" keep "$(head -c 20 X)"
lint_to dot --report json=X --report junit=./X
expect "X and ./X: usage error" 2 "$RC"
ln -s X Y
lint_to sym --report json=Y --report gitlab=X
expect "a symlink and its target: usage error" 2 "$RC"
expect_has "... names both" sym.err "the json report ('Y') and the gitlab report ('X') would be written to one file"
lint_to newdup --report markdown=fresh.md --report text=./fresh.md
expect "a new path twice (./): usage error" 2 "$RC"
expect "... nothing written" no "$([ -e fresh.md ] && echo yes || echo no)"
cat >prisma-gate.yml <<'EOF'
version: 1
reports:
  json: gate.json
EOF
lint_to pol --report sarif=gate.json
expect "the policy's json: X plus --report sarif=X: usage error" 2 "$RC"
expect "... nothing written" no "$([ -e gate.json ] && echo yes || echo no)"
lint_to polcmd --report sarif='{command}.json' --report junit=lint.json
expect "--report sarif={command}.json and junit=lint.json under lint: usage error" 2 "$RC"
# --checklist PATH (and --report checklist=PATH) is an output file too: the
# check is made before plan connects (nothing listens on port 1)
printf 'keep\n' >C
DATABASE_URL=postgresql://u:pw@127.0.0.1:1/db "$GATE" plan --checklist C --report json=C \
	>cl.out 2>cl.err
expect "plan --checklist C --report json=C: usage error" 2 "$?"
expect_has "... names both" cl.err "the deployment checklist ('C') and the json report ('C') would be written to one file"
expect "... C untouched" keep "$(head -c 20 C)"
DATABASE_URL=postgresql://u:pw@127.0.0.1:1/db "$GATE" plan --report checklist=./C --report sarif=C \
	>cl2.out 2>cl2.err
expect "plan --report checklist=./C --report sarif=C: usage error" 2 "$?"
DATABASE_URL=postgresql://u:pw@127.0.0.1:1/db "$GATE" plan --checklist gate.json >cl3.out 2>cl3.err
expect "plan --checklist X with the policy's json: X: usage error" 2 "$?"
DATABASE_URL=postgresql://u:pw@127.0.0.1:1/db "$GATE" plan --checklist C2 --report json=C3 \
	>cl4.out 2>cl4.err
expect "plan --checklist and a report on two paths: not a usage error (no database: 3)" 3 "$?"
lint_to override --report json=gate.json
expect "a flag overriding the policy's json with its own path: fine" 0 "$RC"
lint_to two --report json=a.json --report json=b.json
expect "two json reports to two paths: fine" 0 "$RC"
rm prisma-gate.yml
finish
