#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/tools/valgrind-gate.sh - prisma-gate under valgrind memcheck, as
# `make valgrind` runs the golden suite: the real binary
# ($PRISMA_GATE_REAL) with the same arguments, stdin, stdout and stderr.
# valgrind's own output goes to a file of its own, so stdout and stderr
# stay byte-identical to a plain run; when memcheck reports anything
# (invalid reads or writes, uninitialised values, definite or indirect
# leaks) that report is printed on stderr and the exit status is 98, so
# the case fails. Otherwise the exit status is the real one.
set -u
REAL=${PRISMA_GATE_REAL:?PRISMA_GATE_REAL is not set}
log=$(mktemp "${TMPDIR:-/tmp}/valgrind-gate.XXXXXX") || exit 2
valgrind --quiet --tool=memcheck --error-exitcode=98 --leak-check=full \
    --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
    --track-origins=yes --suppressions="$(dirname "$0")/valgrind.supp" \
    --log-file="$log" "$REAL" "$@"
status=$?
if [ -s "$log" ]; then
    echo "valgrind-gate: memcheck report for prisma-gate $*:" >&2
    cat "$log" >&2
    status=98
fi
rm -f "$log"
exit "$status"
