#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/tools/checked-gate.sh - prisma-gate as every test suite runs it
# (the Makefile points PRISMA_GATE here): runs the real binary
# ($PRISMA_GATE_REAL) with the same arguments, stdin, stdout and stderr
# (a text report goes straight to stdout, a terminal or not), then checks
# every report the run produced against its consumer's schema:
#
#   --format json  / --report json=P     docs/report.schema.json
#   --format sarif / --report sarif=P    tests/data/sarif-2.1.0-subset.schema.json
#   --format gitlab / --report gitlab=P  tests/data/gitlab-codequality.schema.json
#   --format junit / --report junit=P    xmllint --schema tests/data/junit.xsd,
#                                        and the counts add up
#   --format github                      every line is one workflow command
#
# A report that does not pass: the reason on stderr and exit status 99, so
# the test that produced it fails. The exit status is otherwise the real one.
# Reports named by a policy's reports: are checked by tests/report-files.sh.
set -u
# The harness's own database URLs (tests/lib.sh, ci/pg.sh) are not the
# project's environment: with a Prisma config whose driver adapter reads
# variables by a computed name (the fixture's does), deploy checks every
# postgres URL in the environment, and these name the cluster's postgres
# database, not the target.
unset GATE_TEST_PG_URL GATE_TEST_PG_PW_URL
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
REAL=${PRISMA_GATE_REAL:?PRISMA_GATE_REAL is not set}
CHECK=${JSON_SCHEMA_CHECK:-$ROOT/build/tests/json-schema-check}

# what the arguments ask for (global options may come before or after the command)
format=text
dir=.
cmd=
reports=
expect_value=
for a in "$@"; do
    if [ -n "$expect_value" ]; then
        case $expect_value in
        format) format=$a ;;
        report) reports="$reports
$a" ;;
        chdir) dir=$a ;;
        esac
        expect_value=
        continue
    fi
    case $a in
    -f | --format) expect_value=format ;;
    --format=*) format=${a#--format=} ;;
    -f?*) format=${a#-f} ;;
    --report) expect_value=report ;;
    --report=*) reports="$reports
${a#--report=}" ;;
    -C) expect_value=chdir ;;
    -C?*) dir=${a#-C} ;;
    -p | --policy | -t | --target | --fail-on | --migrations | --schema | --base | --url | \
        --expect | --expect-status | --timeout | --retries | --backoff | --confirm | --plan | \
        --checklist) expect_value=skip ;;
    -*) ;;
    *) [ -z "$cmd" ] && cmd=$a ;;
    esac
done
case $cmd in
rules | explain | init | approve | targets | summary | "") exec "$REAL" "$@" ;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
if [ "$format" = text ]; then
    # nothing to check in a text report: stdout stays what it is (a terminal
    # the report is wrapped to, say: tests/text-layout.sh)
    "$REAL" "$@"
    status=$?
else
    "$REAL" "$@" >"$tmp/stdout"
    status=$?
    cat "$tmp/stdout"
fi

bad=0
complain() {
    echo "checked-gate: $1" >&2
    bad=1
}

check_json() { # schema file what
    if ! "$CHECK" "$1" "$2" >"$tmp/why" 2>&1; then
        complain "$3 does not match $(basename "$1"):"
        sed 's/^/  /' "$tmp/why" >&2
    fi
}

check_junit() { # file what
    if ! xmllint --noout --schema "$ROOT/tests/data/junit.xsd" "$1" >"$tmp/why" 2>&1; then
        complain "$2 is not valid JUnit XML:"
        sed 's/^/  /' "$tmp/why" >&2
        return
    fi
    for c in tests:testcase failures:testcase[failure] errors:testcase[error] \
        skipped:testcase[skipped]; do
        attr=${c%%:*}
        xp=${c#*:}
        for scope in testsuites testsuites/testsuite; do
            said=$(xmllint --xpath "string(/$scope/@$attr)" "$1" 2>/dev/null)
            n=$(xmllint --xpath "count(/$scope//$xp)" "$1" 2>/dev/null)
            if [ "$said" != "$n" ]; then
                complain "$2: $scope says $attr=\"$said\" but holds $n"
            fi
        done
    done
}

check_github() { # file what
    if grep -v '^::\(error\|warning\|notice\) [^:]*::' "$1" | grep -q .; then
        complain "$2: a line that is not a workflow command:"
        grep -v '^::\(error\|warning\|notice\) [^:]*::' "$1" | head -3 >&2
    fi
}

check() { # format file what
    [ -s "$2" ] || return 0 # nothing written (usage error): nothing to check
    case $1 in
    json) check_json "$ROOT/docs/report.schema.json" "$2" "$3" ;;
    sarif) check_json "$ROOT/tests/data/sarif-2.1.0-subset.schema.json" "$2" "$3" ;;
    gitlab) check_json "$ROOT/tests/data/gitlab-codequality.schema.json" "$2" "$3" ;;
    junit) check_junit "$2" "$3" ;;
    github) check_github "$2" "$3" ;;
    esac
}

check "$format" "$tmp/stdout" "the $format report on stdout"
echo "$reports" | while IFS= read -r spec; do
    [ -n "$spec" ] || continue
    f=${spec%%=*}
    p=${spec#*=}
    p=$(echo "$p" | sed "s/{command}/$cmd/g")
    case $p in /*) ;; *) p=$dir/$p ;; esac
    if [ "$status" -le 1 ] && [ ! -f "$p" ]; then
        echo "checked-gate: --report $spec: no file $p" >&2
        exit 1
    fi
    if [ -f "$p" ]; then
        check "$f" "$p" "--report $spec"
        [ $bad = 0 ] || exit 1
    fi
done || bad=1
[ $bad = 0 ] || exit 99
exit "$status"
