# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# tests/lib.sh - what the shell tests share: the ok / not ok tally that
# ends with "N passed, N failed", expectations on values and files, and a
# throwaway PostgreSQL cluster. Source it (`. "$ROOT/tests/lib.sh"`) after
# setting ROOT to the repository root. Safe under `set -eu`.
#
# A test that wants more on a failed `expect` defines expect_failed().

passed=0
failed=0

ok() {
	passed=$((passed + 1))
	echo "ok - $*"
}

not_ok() {
	failed=$((failed + 1))
	echo "not ok - $*"
}

# check NAME COMMAND...: ok when COMMAND succeeds
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}

# expect NAME WANT GOT
expect() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1 (want '$2', got '$3')"
		if declare -F expect_failed >/dev/null; then expect_failed; fi
	fi
	return 0
}

# expect_has NAME FILE TEXT: FILE contains TEXT (a fixed string)
expect_has() {
	if grep -qF -- "$3" "$2"; then
		ok "$1"
	else
		not_ok "$1 ('$3' not in $(basename "$2"))"
		sed 's/^/#   /' "$2" | head -n 40
	fi
	return 0
}

# expect_lacks NAME FILE TEXT: FILE does not contain TEXT
expect_lacks() {
	if grep -qF -- "$3" "$2"; then
		not_ok "$1 ('$3' found in $(basename "$2"))"
		grep -nF -- "$3" "$2" | sed 's/^/#   /' | head -n 5
	else
		ok "$1"
	fi
	return 0
}

# show FILE...: FILEs as TAP comments
show() { sed 's/^/#   /' "$@"; }

# finish [WHY]: the tally (WHY: what was skipped); exit 1 when anything failed
# shellcheck disable=SC2120 # WHY is optional
finish() {
	echo "$passed passed, $failed failed${1:+ (skipped: $1)}"
	if [ "$failed" -eq 0 ]; then exit 0; fi
	exit 1
}

# skip_all WHY: the tally so far, WHY skipped; exit 0
skip_all() {
	echo "$passed passed, $failed failed (skipped: $*)"
	exit 0
}

# pg_start DIR LOG: a throwaway PostgreSQL 15 cluster in DIR (ci/pg.sh
# start; DIR must not be inside a root-only directory: the server runs as
# postgres), its PGHOST, PGPORT, PGUSER and GATE_TEST_PG_* set in this
# shell. Returns 0; 77 when the server binaries are missing; 1 on another
# failure. LOG keeps ci/pg.sh's messages. Stop it with pg_stop DIR.
pg_start() {
	local env_out
	if ! env_out=$("$ROOT/ci/pg.sh" start "$1" 2>"$2"); then
		if grep -q 'not found' "$2"; then return 77; fi
		return 1
	fi
	eval "$env_out"
}

# pg_stop DIR: stop the cluster (if any) and remove DIR
pg_stop() {
	[ -n "$1" ] || return 0
	"$ROOT/ci/pg.sh" stop "$1" >/dev/null 2>&1 || true
	rm -rf "$1"
}
