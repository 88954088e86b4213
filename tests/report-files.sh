#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/report-files.sh - report files and CI integration end to end:
#   - the policy's reports: (every format, {command}), checked against
#     their schemas; flags override the policy per format;
#   - written also when the gate is closed, when an input cannot be read and
#     when the policy is invalid; atomic (no temp file left, an old report
#     survives a failed write);
#   - `init` writes a policy that loads, and refuses to overwrite;
#   - GitHub Actions: masks first, ten annotations per kind plus a count,
#     the step summary (within 1 MiB, also when the step wrote most of it),
#     outputs with random heredoc delimiters, reports.github: false, and
#     stop-commands around text that quotes SQL.
# Last line: "report-files: N passed, M failed".
set -u
LC_ALL=C
export LC_ALL
NO_COLOR=1
export NO_COLOR
unset GITHUB_ACTIONS GITHUB_STEP_SUMMARY GITHUB_OUTPUT GITHUB_WORKSPACE GITLAB_CI
cd "$(dirname "$0")/.." || exit 2
ROOT=$(pwd)
PG=${PRISMA_GATE:-$ROOT/prisma-gate}
CHECK=${JSON_SCHEMA_CHECK:-$ROOT/build/tests/json-schema-check}
DATA=$ROOT/tests/golden/report/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0
fail=0

ok() {
    pass=$((pass + 1))
}
bad() {
    echo "FAIL $1"
    [ -f "$tmp/err" ] && sed 's/^/  stderr: /' "$tmp/err" | head -20
    fail=$((fail + 1))
}
# valid FORMAT FILE: the file passes its consumer's schema
valid() {
    case $1 in
    json) "$CHECK" "$ROOT/docs/report.schema.json" "$2" ;;
    sarif) "$CHECK" "$ROOT/tests/data/sarif-2.1.0-subset.schema.json" "$2" ;;
    gitlab) "$CHECK" "$ROOT/tests/data/gitlab-codequality.schema.json" "$2" ;;
    junit) xmllint --noout --schema "$ROOT/tests/data/junit.xsd" "$2" 2>&1 ;;
    *) [ -s "$2" ] ;;
    esac
}

# ---- the policy's reports -------------------------------------------------
mkdir -p "$tmp/p1"
cp "$DATA/many.sql" "$tmp/p1/"
cat >"$tmp/p1/prisma-gate.yml" <<'EOF'
version: 1
reports:
  json: out/{command}.json
  junit: out/{command}-junit.xml
  sarif: out/{command}.sarif
  gitlab: out/gl-code-quality.json
  markdown: out/summary.md
  text: out/{command}.txt
EOF
"$PG" -C "$tmp/p1" lint many.sql >"$tmp/out" 2>"$tmp/err"
st=$?
[ $st = 1 ] && ok || bad "policy reports: exit $st, expected 1 (gate closed)"
for f in json:lint.json junit:lint-junit.xml sarif:lint.sarif gitlab:gl-code-quality.json \
    markdown:summary.md text:lint.txt; do
    fmt=${f%%:*}
    file=$tmp/p1/out/${f#*:}
    if [ -f "$file" ] && valid "$fmt" "$file" >"$tmp/why"; then
        ok
    else
        bad "policy reports: $fmt report $file missing or invalid: $(cat "$tmp/why" 2>/dev/null)"
    fi
done
if ls "$tmp/p1/out" | grep -q 'tmp-'; then bad "policy reports: a temp file was left"; else ok; fi
grep -q '"exit_code": 1' "$tmp/p1/out/lint.json" && ok || bad "policy reports: json lacks exit_code 1"

# a flag overrides the policy's path for its format only
"$PG" -C "$tmp/p1" lint --report json=out/flag.json many.sql >/dev/null 2>"$tmp/err"
[ -f "$tmp/p1/out/flag.json" ] && ok || bad "--report json did not write out/flag.json"
rm -f "$tmp/p1/out/lint.json"
"$PG" -C "$tmp/p1" lint --report json=out/flag.json many.sql >/dev/null 2>"$tmp/err"
[ ! -f "$tmp/p1/out/lint.json" ] && ok || bad "--report json did not override reports.json"
[ -f "$tmp/p1/out/lint.sarif" ] && ok || bad "--report json dropped the policy's sarif"

# ---- written whatever the outcome -------------------------------------------
mkdir -p "$tmp/p2"
"$PG" -C "$tmp/p2" lint --report json=r.json --report junit=r.xml missing.sql >/dev/null 2>"$tmp/err"
st=$?
{ [ $st = 3 ] && valid json "$tmp/p2/r.json" >/dev/null && valid junit "$tmp/p2/r.xml" >/dev/null &&
    grep -q '<error' "$tmp/p2/r.xml"; } && ok || bad "unreadable input: exit $st, reports missing or without the error"
printf 'lint:\n  fail_on: hihg\n' >"$tmp/p2/prisma-gate.yml"
"$PG" -C "$tmp/p2" lint --report json=bad.json --report junit=bad.xml x.sql >/dev/null 2>"$tmp/err"
st=$?
{ [ $st = 2 ] && grep -q '"id": "policy"' "$tmp/p2/bad.json" && valid json "$tmp/p2/bad.json" >/dev/null &&
    grep -q 'hihg' "$tmp/p2/bad.xml"; } && ok || bad "invalid policy: exit $st, reports missing or without the policy error"
rm -f "$tmp/p2/prisma-gate.yml"

# ---- atomic: an old report survives a failed write; no temp file is left ---------
mkdir -p "$tmp/p3/report.json" # a directory where the file should go: rename fails
echo OLD >"$tmp/p3/keep.json"
chmod 0444 "$tmp/p3/keep.json"
"$PG" -C "$tmp/p3" lint --report json=report.json "$DATA/ok.sql" >/dev/null 2>"$tmp/err"
st=$?
{ [ $st = 3 ] && grep -q "cannot write" "$tmp/err"; } && ok || bad "failed write: exit $st (expected 3) or no message"
if ls -a "$tmp/p3" | grep -q 'tmp-'; then bad "failed write left a temp file"; else ok; fi
touch "$tmp/p3/afile"
"$PG" -C "$tmp/p3" lint --report json=afile/r.json "$DATA/ok.sql" >/dev/null 2>"$tmp/err"
[ $? = 3 ] && ok || bad "report under a file: expected exit 3"
# the exit status is final before anything is rendered: stdout and every file agree with it
"$PG" -C "$tmp/p3" lint --format json --report json=afile/x.json "$DATA/ok.sql" >"$tmp/out" 2>"$tmp/err"
st=$?
{ [ $st = 3 ] && grep -q '"exit_code": 3' "$tmp/out" && ! grep -q '"verdict": "pass"' "$tmp/out" &&
    grep -q "afile/x.json" "$tmp/err"; } && ok ||
    bad "unwritable report: exit $st, but stdout says $(grep -o '"exit_code": [0-9]*' "$tmp/out") / $(grep -o '"verdict": "[a-z]*"' "$tmp/out")"
"$PG" -C "$tmp/p3" lint --report json=good.json --report markdown=afile/x.md "$DATA/ok.sql" >/dev/null 2>"$tmp/err"
st=$?
{ [ $st = 3 ] && grep -q '"exit_code": 3' "$tmp/p3/good.json"; } && ok ||
    bad "unwritable report: exit $st, but the report written says $(grep -o '"exit_code": [0-9]*' "$tmp/p3/good.json")"
"$PG" -C "$tmp/p3" lint --report json=keep.json "$DATA/ok.sql" >/dev/null 2>"$tmp/err"
{ [ $? = 0 ] && grep -q format_version "$tmp/p3/keep.json"; } && ok ||
    bad "a report replaces the old file (rename), even a read-only one"

# ---- init ------------------------------------------------------------------------
mkdir -p "$tmp/p4"
"$PG" -C "$tmp/p4" init 2>"$tmp/err"
{ [ $? = 0 ] && [ -f "$tmp/p4/prisma-gate.yml" ]; } && ok || bad "init did not write prisma-gate.yml"
cp "$DATA/ok.sql" "$tmp/p4/"
"$PG" -C "$tmp/p4" lint --format json ok.sql >"$tmp/out" 2>"$tmp/err"
[ $? = 0 ] && ok || bad "the policy init writes does not load"
"$PG" -C "$tmp/p4" init 2>"$tmp/err"
{ [ $? = 2 ] && grep -q 'already exists' "$tmp/err"; } && ok || bad "init overwrote an existing policy"
echo "# mine" >>"$tmp/p4/prisma-gate.yml"
"$PG" -C "$tmp/p4" init --force 2>"$tmp/err"
{ [ $? = 0 ] && ! grep -q '# mine' "$tmp/p4/prisma-gate.yml"; } && ok || bad "init --force did not replace"
"$PG" -C "$tmp/p4" -p custom.yml init 2>"$tmp/err"
[ -f "$tmp/p4/custom.yml" ] && ok || bad "init -p FILE did not write FILE"

# ---- GitHub Actions ------------------------------------------------------------
mkdir -p "$tmp/gh"
cp "$DATA/many.sql" "$tmp/gh/"
gh() { # run prisma-gate as a GitHub Actions step would
    : >"$tmp/gh/summary.md"
    : >"$tmp/gh/output"
    GITHUB_ACTIONS=true GITHUB_WORKSPACE=$tmp/gh GITHUB_STEP_SUMMARY=$tmp/gh/summary.md \
        GITHUB_OUTPUT=$tmp/gh/output DATABASE_URL='postgresql://app:s%40cret@db:5432/app' \
        PRISMA_GATE_CONFIRM=tok123 "$PG" -C "$tmp/gh" "$@" >"$tmp/out" 2>"$tmp/err"
}
gh lint --report json=r.json many.sql
st=$?
[ $st = 1 ] && ok || bad "github: exit $st, expected 1"
head -1 "$tmp/err" | grep -q '^::add-mask::' && ok || bad "github: masks do not come first"
grep -qx '::add-mask::s%2540cret' "$tmp/err" && grep -qx '::add-mask::s@cret' "$tmp/err" &&
    grep -qx '::add-mask::tok123' "$tmp/err" && ok || bad "github: the password or the token is not masked"
[ "$(grep -c '^::error ' "$tmp/err")" = 10 ] && ok || bad "github: not ten ::error annotations"
[ "$(grep -c '^::warning ' "$tmp/err")" = 10 ] && ok || bad "github: not ten ::warning annotations"
grep -q '^::notice title=prisma-gate::5 more errors and 2 more warnings' "$tmp/err" && ok ||
    bad "github: no count of the annotations left out"
grep -q '^::error file=many.sql,line=1,col=1,title=prisma-gate%3A ban-drop-table' "$tmp/err" && ok ||
    bad "github: annotation file= not relative to GITHUB_WORKSPACE or title not escaped"
{ grep -q '^## prisma-gate lint' "$tmp/gh/summary.md" && grep -q '| many.sql |' "$tmp/gh/summary.md"; } &&
    ok || bad "github: step summary without verdict or table"
delim=$(sed -n 's/^verdict<<\(ghadelimiter_[0-9a-f]\{32\}\)$/\1/p' "$tmp/gh/output")
{ [ -n "$delim" ] && grep -qx "$delim" "$tmp/gh/output" &&
    [ "$(sed -n "/^verdict<</{n;p;}" "$tmp/gh/output")" = fail ] &&
    [ "$(sed -n "/^max-risk<</{n;p;}" "$tmp/gh/output")" = critical ] &&
    [ "$(sed -n "/^report-json<</{n;p;}" "$tmp/gh/output")" = r.json ]; } && ok ||
    bad "github: outputs (verdict, max-risk, report-json with a random delimiter) wrong: $(cat "$tmp/gh/output")"
first=$delim
gh lint many.sql
delim=$(sed -n 's/^verdict<<\(ghadelimiter_[0-9a-f]\{32\}\)$/\1/p' "$tmp/gh/output")
[ -n "$delim" ] && [ "$delim" != "$first" ] && ok || bad "github: the heredoc delimiter is not random"
if grep -q 's@cret\|s%40cret\|tok123' "$tmp/gh/output" "$tmp/gh/summary.md" "$tmp/out"; then
    bad "github: a secret in an output, the summary or stdout"
else
    ok
fi
# --format github: the annotations are stdout, not stderr too
gh lint --format github many.sql
{ [ "$(grep -c '^::error ' "$tmp/out")" = 10 ] && ! grep -q '^::error ' "$tmp/err"; } && ok ||
    bad "github: --format github should put the annotations on stdout only"
# text quoting SQL is fenced with stop-commands
gh lint "$DATA/torture/migrations"
tok=$(sed -n '1s/^::stop-commands::\(ghadelimiter_[0-9a-f]\{32\}\)$/\1/p' "$tmp/out")
{ [ -n "$tok" ] && [ "$(tail -1 "$tmp/out")" = "::$tok::" ]; } && ok ||
    bad "github: text report not fenced with ::stop-commands::"
# the policy turns it off
printf 'reports:\n  github: false\n' >"$tmp/gh/prisma-gate.yml"
gh lint many.sql
{ [ ! -s "$tmp/gh/summary.md" ] && [ ! -s "$tmp/gh/output" ] && ! grep -q '^::' "$tmp/err"; } && ok ||
    bad "github: reports.github: false still wrote GitHub output"
rm -f "$tmp/gh/prisma-gate.yml"

# the step summary stays within 1 MiB: a huge run, and a step that wrote most of it already
python_free_sql() { # N: N DROP TABLE statements with long names
    i=0
    while [ $i -lt "$1" ]; do
        echo "DROP TABLE \"a_rather_long_table_name_to_fill_the_summary_quickly_$i\";"
        i=$((i + 1))
    done
}
python_free_sql 6000 >"$tmp/gh/huge.sql"
gh lint huge.sql
size=$(wc -c <"$tmp/gh/summary.md")
{ [ "$size" -le 1048576 ] && [ "$size" -gt 100000 ] && grep -q 'more blocking finding' "$tmp/gh/summary.md"; } &&
    ok || bad "github: summary of a huge run is $size bytes (limit 1 MiB) or does not count what it left out"
head -c 1000000 /dev/zero | tr '\0' 'x' >"$tmp/gh/prefill"
(
    cat "$tmp/gh/prefill" >"$tmp/gh/summary.md"
    GITHUB_ACTIONS=true GITHUB_WORKSPACE=$tmp/gh GITHUB_STEP_SUMMARY=$tmp/gh/summary.md \
        GITHUB_OUTPUT=$tmp/gh/output "$PG" -C "$tmp/gh" lint huge.sql >/dev/null 2>&1
)
size=$(wc -c <"$tmp/gh/summary.md")
[ "$size" -le 1048576 ] && ok || bad "github: step summary grew to $size bytes after the step wrote 1,000,000"

echo "report-files: $pass passed, $fail failed"
[ $fail = 0 ]
