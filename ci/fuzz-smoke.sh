#!/bin/bash
# SPDX-License-Identifier: MIT
# ci/fuzz-smoke.sh - run each libFuzzer harness built by `make fuzz` for
# FUZZ_SECONDS (default 20) on a scratch corpus seeded read-only from the
# golden inputs, with its dictionary (tests/fuzz/README.md). A crash, leak,
# sanitizer report or timeout fails the target and prints the reproducer
# and the command that re-runs it. Ends with "N passed, N failed"
# (tests/lib.sh). FUZZ_TARGETS (e.g. "sql") runs only some.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
B=${FUZZ_B:-build-fuzz}
SECS=${FUZZ_SECONDS:-20}
TARGETS=${FUZZ_TARGETS:-policy sql http_status ghsafe token url migrations config}

# TARGET -> its -max_len (bytes) and seed directories
seeds() {
	case $1 in
	policy) echo "4096 tests/golden/policy/data examples/events" ;;
	sql) echo "8192 tests/golden/sql examples/events/prisma examples/events/next" ;;
	http_status) echo "8192 tests/golden/sql tests/golden/report tests/data" ;;
	ghsafe) echo "4096 tests/golden/report tests/golden/sql" ;;
	token) echo "512" ;;
	url) echo "600" ;;
	migrations) echo "2048" ;;
	config) echo "8192 tests/fuzz/config" ;;
	*) return 1 ;;
	esac
}

for t in $TARGETS; do
	bin=$B/fuzz/fuzz_$t
	if ! args=$(seeds "$t"); then
		not_ok "$t: unknown target"
		continue
	fi
	if [ ! -x "$bin" ]; then
		not_ok "$t: $bin not built (make fuzz)"
		continue
	fi
	# shellcheck disable=SC2086
	set -- $args
	max=$1
	shift
	corpus=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-$t.XXXXXX") || exit 2
	art=$B/artifacts/$t
	log=$B/fuzz-$t.log
	mkdir -p "$art"
	# the scratch corpus first: libFuzzer writes new inputs only there
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		"$bin" -max_total_time="$SECS" -max_len="$max" -timeout=10 -rss_limit_mb=2048 \
		-dict="tests/fuzz/$t.dict" -artifact_prefix="$art/" -print_final_stats=1 \
		"$corpus" "$@" >"$log" 2>&1
	status=$?
	rm -rf "$corpus"
	if [ "$status" = 0 ]; then
		ok "$t: ${SECS}s, $(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 |
			sed -E 's/^#([0-9]+)[[:space:]]+DONE[[:space:]]+/\1 runs, /')"
		continue
	fi
	not_ok "$t: exit $status (log: $log)"
	# shellcheck disable=SC2119 # show reads stdin
	grep -E 'ERROR: |SUMMARY: |runtime error:|^    #[0-9] ' "$log" | head -n 20 | show
	repro=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
	if [ -n "$repro" ]; then
		echo "#   reproducer: $repro"
		echo "#   re-run:     $bin $repro"
	fi
done
finish
