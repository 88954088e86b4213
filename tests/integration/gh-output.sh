#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/integration/gh-output.sh — under GITHUB_ACTIONS=true no line the
# gate writes (stdout, stderr, $GITHUB_OUTPUT, the step summary) is a
# workflow command it did not mean to write: its own annotations
# (::error/::warning/::notice ... title=prisma-gate...), ::add-mask::, its
# progress groups (::group::TITLE ... ::endgroup::) and its
# ::stop-commands::TOKEN ... ::TOKEN:: fences are the only lines that
# start with "::", and no line holds "##[" (the runner's older form).
#
# A: real migration folders whose names hold a newline and a workflow
#    command ("20240102000000_x\n::stop-commands::hideall" used to print a
#    raw ::stop-commands:: line that silenced the gate's annotations):
#    lint, lint -v, check, status, plan, each report format on stdout
#    (JUnit stays valid XML: it is cleaned, not fenced).
# B: a real deploy with the real Prisma CLI of a migration that raises
#    E'boom\n::error title=X::fake\n::add-mask::x\n\x1b[31m': Prisma's
#    output is inside a fence on stderr, cleaned (no ESC byte anywhere,
#    the injected lines defused), and the JSON report's output tail is
#    cleaned too.
# C: a _prisma_migrations row inserted by psql whose name holds
#    "\n::error::pwned": status and plan (text, JSON, GitHub outputs).
# D: the step summary points only to a report that was asked for, by the
#    path it was asked for (--report json=out/gate.json, the policy's
#    reports.json), and to none when no JSON report was asked for.
#
# Ends with "N passed, N failed"; skips when npm/node or PostgreSQL is missing.

# shellcheck source=tests/integration/status-lib.sh
. "$(dirname "$0")/status-lib.sh"

need_prisma
start_cluster
CLI=$ROOT/tests/prisma/node_modules/prisma/build/index.js
CONFIG=$ROOT/tests/prisma/prisma.config.ts

# ghrun NAME ARGS...: `gate` under GitHub Actions, with its environment files
ghrun() {
	local name=$1
	shift
	: >"$WORK/$name.summary"
	: >"$WORK/$name.output"
	GITHUB_ACTIONS=true GITHUB_STEP_SUMMARY=$WORK/$name.summary GITHUB_OUTPUT=$WORK/$name.output \
		gate "$name" "$@"
}

# foreign FILE...: the lines that would run a workflow command the gate did
# not write (leading blanks trimmed, as the runner does)
foreign() {
	perl -CSD -ne '
		my $l = $_; chomp $l; $l =~ s/\r$//;
		(my $t = $l) =~ s/^\s+//;
		my $own = $t =~ /^::(error|warning|notice) [^\n]*title=prisma-gate[^:]*::/
			|| $t =~ /^::add-mask::/
			|| $t =~ /^::group::(prisma migrate deploy|health checks \(\d+\)|waiting for the gate lock|(drift|check): replaying \d+ migrations? into the shadow database)$/
			|| $t =~ /^::endgroup::$/
			|| $t =~ /^::stop-commands::ghadelimiter_[0-9a-f]{32}$/
			|| $t =~ /^::ghadelimiter_[0-9a-f]{32}::$/;
		# "##[" anywhere is the older form, unless the line is one of the
		# gate'"'"'s own commands (the runner parses the "::" form first)
		print "$ARGV: $l\n" if ($t =~ /^::/ && !$own) || ($l =~ /##\[/ && !$own);
	' "$@"
}

# clean NAME WHAT: no foreign workflow command in the run's outputs
clean() {
	local f
	f=$(foreign "$WORK/$1.out" "$WORK/$1.err" "$WORK/$1.summary" "$WORK/$1.output" 2>/dev/null)
	if [ -z "$f" ]; then
		ok "$2: no workflow command but the gate's own"
	else
		not_ok "$2: a workflow command the gate did not write"
		printf '%s\n' "$f" | head -n 5 | sed 's/^/#   /'
	fi
}

# noesc NAME WHAT: no ESC byte in the run's outputs
noesc() {
	if cat "$WORK/$1.out" "$WORK/$1.err" | LC_ALL=C grep -q $'\x1b'; then
		not_ok "$2: an ESC byte reached the output"
	else
		ok "$2: no ESC byte"
	fi
}

# --- A: hostile folder names --------------------------------------------------
PROJ=$WORK/proj-a
new_project "$PROJ"
add_migration "$PROJ" 20240101000000_init 'CREATE TABLE "User" ("id" SERIAL NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\n'
add_migration "$PROJ" $'20240102000000_x\n::stop-commands::hideall' 'ALTER TABLE "User" ADD COLUMN "y" INTEGER NOT NULL;\n'
mkdir -p "$PROJ/prisma/migrations/"$'20240103000000_y\n  ::error title=X::pwned'
: >"$PROJ/prisma/migrations/"$'20240103000000_y\n  ::error title=X::pwned/migration.sql'
add_migration "$PROJ" '20240104000000_z ##[error]v1' 'ALTER TABLE "User" DROP COLUMN "y";\n'
(cd "$PROJ" && git init -q -b main . && git add -A && git -c user.email=t@t -c user.name=t commit -qm init) ||
	not_ok "A: git repository"
DATABASE_URL=$(createdb names) || not_ok "A: createdb names"
export DATABASE_URL
for args in "lint" "lint -v" "lint --format github" "lint --format json" "lint --format sarif" \
	"lint --format gitlab" "lint --format junit" "check" "status" "status --format json" "plan" \
	"plan --format markdown" "plan --format json"; do
	name=A-${args// /_}
	# shellcheck disable=SC2086 # the words are the arguments
	ghrun "$name" $args
	check "A: $args ran (exit $RC)" [ "$RC" -lt 64 ]
	clean "$name" "A: $args"
	noesc "$name" "A: $args"
done
check "A: --format junit on stdout is valid XML under GitHub Actions (not fenced)" \
	xmllint --noout "$WORK/A-lint_--format_junit.out"
expect "A: the JUnit test case keeps the folder name" $'20240102000000_x\n::stop-commands::hideall' \
	"$(xmllint --xpath 'string(//testcase[contains(@name, "_x")]/@name)' "$WORK/A-lint_--format_junit.out")"
check "A: lint warns about the empty migration on one line" grep -qF \
	"20240103000000_y\\n  ::error title=X::pwned/migration.sql' is empty" "$WORK/A-lint.err"
check "A: the gate's own annotations are still written" grep -q '^::warning file=' "$WORK/A-lint.err"
check "A: the folder name is escaped in the annotation" grep -qF \
	'20240102000000_x%0A%3A%3Astop-commands%3A%3Ahideall' "$WORK/A-lint.err"
gate A-json lint --format json
expect "A: JSON keeps the folder name exact" $'prisma/migrations/20240102000000_x\n::stop-commands::hideall/migration.sql' \
	"$(jget "$WORK/A-json.out" "r.migrations.find(m => m.path.includes('_x')).path")"

# --- B: Prisma's output -------------------------------------------------------
PROJ=$WORK/proj-b
new_project "$PROJ"
DATABASE_URL=$(createdb app) || not_ok "B: createdb app"
export DATABASE_URL
DB=app
cat >"$PROJ/prisma-gate.yml" <<EOF
version: 1
project:
  prisma: [node, $CLI, --config, $CONFIG]
deploy:
  auto_max_risk: high
  timeout: 2m
EOF
add_migration "$PROJ" 20240101000000_init 'CREATE TABLE "User" ("id" SERIAL NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\n'
mkdir -p "$PROJ/prisma/migrations/20240105000000_boom"
# shellcheck disable=SC2016 # $$ is PostgreSQL's
printf '%s\n' 'DO $$ BEGIN RAISE EXCEPTION E'"'"'boom\n::error title=X::fake\n::add-mask::x\n\x1b[31m##[warning]v1'"'"'; END $$;' \
	>"$PROJ/prisma/migrations/20240105000000_boom/migration.sql"
ghrun B deploy --report json="$WORK/B.json"
expect "B: the failed migration is exit 4" 4 "$RC" || show "$WORK/B.err"
check "B: Prisma ran (its error is on stderr)" grep -q 'boom' "$WORK/B.err"
clean B "B: deploy"
noesc B "B: deploy"
tok=$(sed -n 's/^::stop-commands::\(ghadelimiter_[0-9a-f]\{32\}\)$/\1/p' "$WORK/B.err" | head -n 1)
check "B: Prisma's output is fenced (::stop-commands::TOKEN)" [ -n "$tok" ]
check "B: the fence ends (::TOKEN::)" grep -qx "::$tok::" "$WORK/B.err"
# every line of Prisma's is inside the fence (the gate's own ::error annotation
# quotes Prisma's whole error as data, escaped: not a line of Prisma's)
outside=$(awk -v t="$tok" '$0 == "::stop-commands::" t {f=1; next} $0 == "::" t "::" {f=0; next} /^::error title=prisma-gate%3A deploy.prisma::/ {next} !f' "$WORK/B.err")
if printf '%s\n' "$outside" | grep -q 'fake\|add-mask::x\|migrations found\|Datasource'; then
	not_ok "B: Prisma's output outside the fence"
	printf '%s\n' "$outside" | head -n 5 | sed 's/^/#   /'
else
	ok "B: Prisma's output only inside the fence"
fi
check "B: the injected line is defused inside the fence too" grep -qF '\::error title=X::fake' "$WORK/B.err"
check "B: no injected mask" sh -c "! grep -q '^::add-mask::x$' '$WORK/B.err'"
tail=$(jget "$WORK/B.json" 'r.deploy.prisma.output_tail || ""')
check "B: the report has Prisma's output tail" grep -q boom <<<"$tail"
if LC_ALL=C grep -q $'\x1b' <<<"$tail"; then not_ok "B: ESC in the report's output tail"; else ok "B: the output tail has no ESC"; fi
check "B: the output tail has no workflow command line" sh -c "! printf '%s\n' \"\$1\" | grep -q '^[[:space:]]*::error'" _ "$tail"
ghrun B-status status
clean B-status "B: status after the failure"
noesc B-status "B: status after the failure"

# --- C: a hostile name in _prisma_migrations -------------------------------------
q $DB "INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, finished_at, applied_steps_count) VALUES ('evil', 'abc', E'20240106000000_evil\n::error::pwned\n##[error]v1', now(), now(), 1)" >/dev/null ||
	not_ok "C: insert the row"
for args in "status" "status -v" "plan" "plan --format markdown" "status --format github" "deploy"; do
	name=C-${args// /_}
	# shellcheck disable=SC2086 # the words are the arguments
	ghrun "$name" $args
	clean "$name" "C: $args"
	check "C: $args: no line starts with ::error::pwned" sh -c "! cat '$WORK/$name.out' '$WORK/$name.err' '$WORK/$name.output' | grep -q '^[[:space:]]*::error::pwned'"
done
check "C: status names the row on one line" grep -qF '20240106000000_evil\n::error::pwned' "$WORK/C-status.out"
gate C-json status --format json
check "C: JSON keeps the name exact" [ "$(jget "$WORK/C-json.out" "r.migrations.some(m => m.name === '20240106000000_evil\\n::error::pwned\\n##[error]v1')")" = true ]

# --- D: the step summary's pointer to the JSON report ----------------------------
PROJ=$WORK/proj-d
new_project "$PROJ"
cp -r "$ROOT/tests/golden/report/data/torture/migrations/." "$PROJ/prisma/migrations/"
ghrun D-none lint
check "D: the summary counts what it does not list" grep -q 'not listed' "$WORK/D-none.summary" ||
	show "$WORK/D-none.summary"
check "D: no JSON report asked for: the summary mentions none" \
	sh -c "! grep -qi 'json' '$WORK/D-none.summary'"
ghrun D-flag lint --report json=out/gate.json
check "D: the JSON report was written where asked" [ -s "$PROJ/out/gate.json" ]
check "D: --report json=out/gate.json: the summary names out/gate.json" \
	grep -qF 'the JSON report (`out/gate.json`) lists every finding' "$WORK/D-flag.summary" ||
	show "$WORK/D-flag.summary"
check "D: --report json=PATH: no placeholder path in the summary" \
	sh -c "! grep -qF 'json=PATH' '$WORK/D-flag.summary'"
cat >"$PROJ/prisma-gate.yml" <<EOF
version: 1
reports:
  json: reports/{command}-gate.json
EOF
ghrun D-policy lint
check "D: the policy's reports.json: the summary names reports/lint-gate.json" \
	grep -qF '(`reports/lint-gate.json`)' "$WORK/D-policy.summary" || show "$WORK/D-policy.summary"
rm "$PROJ/prisma-gate.yml"
ghrun D-stdout lint --format json
check "D: --format json: the summary points to stdout" \
	grep -qF 'the JSON report on stdout' "$WORK/D-stdout.summary" || show "$WORK/D-stdout.summary"

finish
