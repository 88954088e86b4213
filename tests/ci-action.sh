#!/bin/bash
# tests/ci-action.sh - the GitHub Action (action.yml) and the CI examples
# (ci/github/*.yml, ci/gitlab/.gitlab-ci.yml) run on this machine with
# the CI environment simulated (tests/tools/gha-sim.py): real git
# repositories (a depth-1 clone of GitHub's test-merge commit, as
# actions/checkout makes it), the event payload, GITHUB_OUTPUT,
# GITHUB_STEP_SUMMARY, a stand-in `gh` that records the API calls
# (tests/tools/gh-standin.py), a real PostgreSQL 15 where a job needs a
# database, the real Prisma CLI for the deploy.
#
# Checks: the action's outputs, step summary and exit status; the one
# pull-request comment (created, then updated, never duplicated; skipped
# on forks; a read-only token does not fail the job); no `${{ }}` in any
# `run:`; a branch name, a pull-request title and a migration folder name
# carrying $(...), backticks and "::" reach no shell and no workflow
# command; the deploy workflow (plan job -> deploy job with the plan
# digest as token, concurrency group per target); the status matrix
# (targets -> one job per target -> one summary table); the GitLab jobs
# with CI_* variables (JUnit and Code Quality artifacts, allow_failure
# exit codes, the plan's dotenv feeding the manual deploy).
#
# The scheduled drift job (ci/github/drift.yml) on the database deployed
# by the real Prisma CLI: no drift, no issue; a change by hand opens one
# issue with the drift digest; the same drift leaves it alone; another
# drift updates it (and comments); the drift gone closes it; a drift that
# cannot be checked (exit 3) fails the job and writes nothing.
#
# Usage: tests/ci-action.sh   (PRISMA_GATE=path/to/prisma-gate)

# shellcheck source=tests/integration/check-lib.sh
. "$(dirname "$0")/integration/check-lib.sh"

command -v python3 >/dev/null 2>&1 || skip_all "python3 not found (run ci/deps.sh)"
python3 -c 'import yaml' 2>/dev/null || skip_all "python3-yaml not found (run ci/deps.sh)"
command -v jq >/dev/null 2>&1 || skip_all "jq not found (run ci/deps.sh)"

SIM="python3 $ROOT/tests/tools/gha-sim.py"
unset GITHUB_ACTIONS GITHUB_REF GITHUB_EVENT_NAME GITHUB_EVENT_PATH GITHUB_REPOSITORY \
	GITHUB_OUTPUT GITHUB_STEP_SUMMARY GITHUB_ENV GITHUB_PATH GITHUB_WORKSPACE RUNNER_TEMP \
	GITLAB_CI CI_PROJECT_DIR

# ---------------------------------------------------------------- fixtures
# the action's cache, as a hit: bin/prisma-gate is the gate under test
mkdir -p "$W/cache/bin" "$W/bin"
cat >"$W/cache/bin/prisma-gate" <<EOF
#!/bin/sh
exec "$GATE" "\$@"
EOF
chmod +x "$W/cache/bin/prisma-gate"
# the stand-in gh
cat >"$W/bin/gh" <<EOF
#!/bin/sh
exec python3 "$ROOT/tests/tools/gh-standin.py" "\$@"
EOF
chmod +x "$W/bin/gh"
export PATH="$W/bin:$PATH"

# sim_reset NAME: fresh runner files for one simulated job
sim_reset() {
	SIMD=$W/sim-$1
	mkdir -p "$SIMD/temp"
	export RUNNER_TEMP=$SIMD/temp SIM_RESULT=$SIMD/result.json SIM_SUMMARY=$SIMD/summary.md \
		SIM_LOG=$SIMD/log SIM_COMMANDS=$SIMD/commands SIM_ACTION_DIR=$ROOT SIM_CACHE_DIR=$W/cache \
		GITHUB_ACTIONS=true GH_STANDIN_LOG=$W/gh.log GH_STANDIN_STATE=$W/gh-state.json
	: >"$SIM_SUMMARY"
	: >"$SIM_COMMANDS"
	: >"$SIM_LOG"
}
# res EXPR: a value of the last simulated job's result (jq)
res() { jq -r "$1" "$SIM_RESULT"; }
# step_out ID NAME: an output of a step of the last job
step_out() { jq -r --arg id "$1" --arg n "$2" '[.steps[] | select(.id == $id)][0].outputs[$n] // ""' "$SIM_RESULT"; }
show_sim() { echo "#   --- log"; sed 's/^/#   /' "$SIM_LOG" | tail -n 40; }
gh_calls() { grep -c "\"method\": \"$1\"" "$W/gh.log" 2>/dev/null || true; }

# ------------------------------------------------- no ${{ }} inside run:
if out=$($SIM lint "$ROOT/action.yml" "$ROOT"/ci/github/*.yml 2>&1); then
	ok "action.yml and every workflow example: no \${{ }} inside a run: script"
else
	not_ok "\${{ }} inside run: ($out)"
fi

# ---------------------------------------------------------------- upstream
UP=$W/upstream
new_repo "$UP"
cd "$UP" || exit 1
git checkout -q -b feature
add_migration . 20240201000000_drop_title '-- AlterTable
ALTER TABLE "events" DROP COLUMN "event_title";
'
commit_all . "feature: a destructive migration"
git checkout -q main
add_migration . 20240105000000_main_moves 'CREATE TABLE "t5" ("id" INTEGER);
'
commit_all . "main moves on"
git config uploadpack.allowReachableSHA1InWant true

# merge_ref N HEADBRANCH BASEBRANCH: GitHub's test-merge commit refs/pull/N/merge
merge_ref() {
	(
		cd "$UP" || exit 1
		git checkout -q --detach "$3"
		git merge -q --no-ff --no-edit "$2" >/dev/null
		git update-ref "refs/pull/$1/merge" HEAD
		git checkout -q main
	)
}
# checkout_pr N DIR: what actions/checkout does for a pull request
# (the merge ref, fetch-depth 1, detached)
checkout_pr() {
	rm -rf "$2"
	mkdir -p "$2"
	(
		cd "$2" || exit 1
		git init -q .
		git remote add origin "file://$UP"
		git fetch -q --no-tags --depth=1 origin "+refs/pull/$1/merge:refs/remotes/pull/$1/merge"
		git checkout -q --detach "refs/remotes/pull/$1/merge"
	)
}
# pr_event FILE N TITLE HEADREF BASEREF HEADREPO
pr_event() {
	jq -n --argjson n "$2" --arg t "$3" --arg h "$4" --arg b "$5" --arg hr "$6" '{
		action: "synchronize", number: $n,
		pull_request: {number: $n, title: $t,
			head: {ref: $h, repo: {full_name: $hr}},
			base: {ref: $b, repo: {full_name: "acme/app"}}},
		repository: {full_name: "acme/app"}}' >"$1"
}
# pr_env N HEADREF BASEREF EVENTFILE WORKSPACE
pr_env() {
	export GITHUB_EVENT_NAME=pull_request GITHUB_REF="refs/pull/$1/merge" GITHUB_HEAD_REF=$2 \
		GITHUB_BASE_REF=$3 GITHUB_EVENT_PATH=$4 GITHUB_WORKSPACE=$5 GITHUB_REPOSITORY=acme/app
}

# ------------------------------------- the pull-request gate: first push
merge_ref 7 feature main
WS=$W/ws7
checkout_pr 7 "$WS"
pr_event "$W/event7.json" 7 "Drop the title" feature main acme/app
pr_env 7 feature main "$W/event7.json" "$WS"
sim_reset pr1
cd "$WS" || exit 1
$SIM job "$ROOT/ci/github/pr-gate.yml" gate
expect "pr-gate: the job fails (gate closed)" failure "$(res .status)"
expect "pr-gate: action output verdict" fail "$(step_out gate verdict)"
expect "pr-gate: action output exit-code" 1 "$(step_out gate exit-code)"
expect "pr-gate: action output max-risk" critical "$(step_out gate max-risk)"
SARIF=$(step_out gate report-sarif)
JSON=$(step_out gate report-json)
check "pr-gate: the SARIF report exists (report-sarif)" test -s "$SARIF"
check "pr-gate: the JUnit report exists (report-junit)" test -s "$(step_out gate report-junit)"
check "pr-gate: the Markdown report exists (report-markdown)" test -s "$(step_out gate report-markdown)"
expect "pr-gate: the base is the test-merge commit's first parent (main's tip)" \
	"$(git -C "$UP" rev-parse main)" "$(jq -r .change.base.commit "$JSON")"
expect "pr-gate: exactly the pull request's migration" 20240201000000_drop_title \
	"$(jq -r '[.migrations[].name] | join(" ")' "$JSON")"
expect "pr-gate: the SARIF upload got the SARIF path" "$SARIF" \
	"$(jq -r '[.steps[] | select(.uses? // "" | startswith("github/codeql-action/upload-sarif"))][0].with.sarif_file' "$SIM_RESULT")"
expect "pr-gate: the SARIF upload ran (same-repository pull request)" 1 \
	"$(jq '[.steps[] | select(.uses? // "" | startswith("github/codeql-action/upload-sarif"))] | length' "$SIM_RESULT")"
expect_has "pr-gate: the step summary is the gate's Markdown" "$SIM_SUMMARY" "## prisma-gate check: ❌ gate closed"
expect_has "pr-gate: the step summary names the finding" "$SIM_SUMMARY" "ban-drop-column"
expect_has "pr-gate: an error annotation for the finding" "$SIM_COMMANDS" "::error file=prisma/migrations/20240201000000_drop_title/migration.sql"
expect "pr-gate: one comment listed, then created" "1 1" "$(gh_calls GET) $(gh_calls POST)"
expect "pr-gate: one comment on pull request 7" 1 "$(jq '[.comments[] | select(.issue == 7)] | length' "$W/gh-state.json")"
expect "pr-gate: the comment starts with the hidden marker" "<!-- prisma-gate -->" \
	"$(jq -r '.comments[0].body | split("\n")[0]' "$W/gh-state.json")"
expect "pr-gate: the comment carries the report" true \
	"$(jq '.comments[0].body | contains("ban-drop-column")' "$W/gh-state.json")"
expect "pr-gate: comment-id output" 1000 "$(step_out gate comment-id)"
[ "$failed" = 0 ] || show_sim

# ---------------------------- second push: the comment updated, not doubled
cd "$UP" || exit 1
git checkout -q feature
add_migration . 20240202000000_add_index 'CREATE INDEX "events_created_idx" ON "events" ("created_at");
'
commit_all . "feature: an index"
git checkout -q main
merge_ref 7 feature main
WS=$W/ws7b
checkout_pr 7 "$WS"
pr_env 7 feature main "$W/event7.json" "$WS"
sim_reset pr2
cd "$WS" || exit 1
$SIM job "$ROOT/ci/github/pr-gate.yml" gate
expect "second push: still one comment" 1 "$(jq '[.comments[] | select(.issue == 7)] | length' "$W/gh-state.json")"
expect "second push: updated with PATCH (one POST in all)" "1 1" "$(gh_calls POST) $(gh_calls PATCH)"
expect "second push: the comment shows the new migration" true \
	"$(jq '.comments[0].body | contains("require-concurrent-index-creation")' "$W/gh-state.json")"
expect "second push: the same comment id" 1000 "$(step_out gate comment-id)"

# a comment someone else started with the marker is not ours
jq '.comments += [{id: 5, issue: 8, body: "<!-- prisma-gate -->\nfake", user: {login: "mallory"}}]' \
	"$W/gh-state.json" >"$W/gh-state.tmp" && mv "$W/gh-state.tmp" "$W/gh-state.json"
merge_ref 8 feature main
WS=$W/ws8
checkout_pr 8 "$WS"
pr_event "$W/event8.json" 8 "Another" feature main acme/app
pr_env 8 feature main "$W/event8.json" "$WS"
sim_reset pr8
cd "$WS" || exit 1
$SIM job "$ROOT/ci/github/pr-gate.yml" gate
expect "someone else's marker comment: left alone" "<!-- prisma-gate -->
fake" "$(jq -r '.comments[] | select(.id == 5) | .body' "$W/gh-state.json")"
expect "someone else's marker comment: ours created beside it" 2 \
	"$(jq '[.comments[] | select(.issue == 8)] | length' "$W/gh-state.json")"

# --------------------------------------------- a fork: no comment, a notice
: >"$W/gh.log"
pr_event "$W/event9.json" 9 "From a fork" feature main mallory/app
merge_ref 9 feature main
WS=$W/ws9
checkout_pr 9 "$WS"
pr_env 9 feature main "$W/event9.json" "$WS"
sim_reset fork
GH_STANDIN_READONLY=1 $SIM job "$ROOT/ci/github/pr-gate.yml" gate
expect "fork: no API call at all" 0 "$(wc -l <"$W/gh.log" | tr -d ' ')"
expect_has "fork: a notice says why there is no comment" "$SIM_COMMANDS" "::notice title=prisma-gate comment::pull request from a fork"
expect "fork: the gate's own status still decides (exit 1)" 1 "$(step_out gate exit-code)"
expect "fork: no SARIF upload (read-only token)" 0 \
	"$(jq '[.steps[] | select(.uses? // "" | startswith("github/codeql-action/upload-sarif"))] | length' "$SIM_RESULT")"

# a read-only token on a same-repository pull request: a warning, no failure of its own
: >"$W/gh.log"
rm -f "$W/gh-state.json"
WS=$W/ws7c
checkout_pr 7 "$WS"
pr_env 7 feature main "$W/event7.json" "$WS"
sim_reset readonly
cd "$WS" || exit 1
GH_STANDIN_READONLY=1 $SIM job "$ROOT/ci/github/pr-gate.yml" gate
expect_has "read-only token: a warning" "$SIM_COMMANDS" "::warning title=prisma-gate comment::cannot comment"
expect "read-only token: the comment step itself succeeded" success \
	"$(jq -r '[.steps[] | select(.step == "action: Pull-request comment")][0].outcome' "$SIM_RESULT")"

# ------------------------------------------------------- script injection
# A base branch and a head branch named with $( ) and backticks, a pull
# request title with $( ), backticks and a workflow command on its own
# line, a migration folder named with all three and "::": none of it
# runs, none of it becomes a workflow command.
# shellcheck disable=SC2016 # the $( ) and backticks are the point: never expanded
BASE_INJ='rel$(touch${IFS}pwned-base)'
# shellcheck disable=SC2016
HEAD_INJ='inj$(touch${IFS}pwned-branch)`touch${IFS}pwned-bt`'
# shellcheck disable=SC2016
FOLDER_INJ='20240301000000_x$(touch pwned-folder)`touch pwned-folder-bt`::add-mask::INJECTED'
# shellcheck disable=SC2016
TITLE_INJ='t $(touch pwned-title) `touch pwned-title-bt`
::add-mask::INJECTED
::error::INJECTED'
cd "$UP" || exit 1
git branch -q "$BASE_INJ" main
git checkout -q -b "$HEAD_INJ" main
add_migration . "$FOLDER_INJ" 'CREATE TABLE "inj" ("id" INTEGER);
'
commit_all . "an odd folder name"
git checkout -q main
merge_ref 12 "$HEAD_INJ" "$BASE_INJ"
WS=$W/ws12
checkout_pr 12 "$WS"
pr_event "$W/event12.json" 12 "$TITLE_INJ" "$HEAD_INJ" "$BASE_INJ" acme/app
pr_env 12 "$HEAD_INJ" "$BASE_INJ" "$W/event12.json" "$WS"
: >"$W/gh.log"
rm -f "$W/gh-state.json"
sim_reset injection
cd "$WS" || exit 1
$SIM job "$ROOT/ci/github/pr-gate.yml" gate
JSON=$(step_out gate report-json)
expect "injection: the gate ran on the odd base (fetched by the action)" "origin/$BASE_INJ" \
	"$(jq -r .change.base.ref "$JSON")"
expect "injection: the odd folder was linted" "$FOLDER_INJ" "$(jq -r '[.migrations[].name] | join(" ")' "$JSON")"
expect "injection: no \$( ) or backtick ran anywhere" "" "$(find "$W" -name 'pwned*' 2>/dev/null)"
expect "injection: no ::add-mask:: was issued" 0 "$(grep -c $'\t::add-mask::' "$SIM_COMMANDS")"
expect "injection: no workflow command starts with the planted text" 0 \
	"$(grep -cE $'\t::[a-z-]+( [^:]*)?::INJECTED' "$SIM_COMMANDS")"
expect "injection: the run step's outputs are only the gate's" \
	"blocking exit-code findings max-risk report-json report-junit report-markdown report-sarif status verdict" \
	"$(jq -r '[.steps[] | select(.step == "action: Run prisma-gate")][0].outputs | keys | join(" ")' "$SIM_RESULT")"
expect "injection: one comment, the folder name in it as text" 1 \
	"$(jq '[.comments[] | select(.issue == 12)] | length' "$W/gh-state.json")"

# --------------------------------- the action alone: an open gate, exit 0
cd "$UP" || exit 1
git checkout -q -b harmless main
add_migration . 20240203000000_add_table 'CREATE TABLE "notes" ("id" INTEGER);
'
commit_all . "harmless"
git checkout -q main
merge_ref 10 harmless main
WS=$W/ws10
checkout_pr 10 "$WS"
pr_event "$W/event10.json" 10 "Harmless" harmless main acme/app
pr_env 10 harmless main "$W/event10.json" "$WS"
sim_reset open
: >"$W/gh.log"
cd "$WS" || exit 1
$SIM action "$ROOT" --with command=check --with comment=off --with formats="json markdown"
expect "action, open gate: success" success "$(res .status)"
expect "action, open gate: verdict pass" pass "$(res .outputs.verdict)"
expect "action, open gate: exit-code 0" 0 "$(res '.outputs["exit-code"]')"
expect "action, open gate: no SARIF asked, none written" "" "$(res '.outputs["report-sarif"]')"
expect "action, comment off: no API call" 0 "$(wc -l <"$W/gh.log" | tr -d ' ')"

# the action without a command input (required: true is not enforced)
sim_reset nocommand
$SIM action "$ROOT" --with comment=off
expect "action, no command: fails" failure "$(res .status)"
expect "action, no command: exit-code 2" 2 "$(res '.outputs["exit-code"]')"
expect_has "action, no command: an error annotation" "$SIM_COMMANDS" "::error title=prisma-gate::the command input is required"

# a plain depth-1 clone of a branch (not the merge ref): exit 3 naming the fetch
WS=$W/ws-plain
rm -rf "$WS"
git clone -q --depth 1 --branch feature "file://$UP" "$WS"
git -C "$WS" remote set-url origin "file://$W/nowhere"
pr_env 11 feature main "$W/event10.json" "$WS"
export GITHUB_REF=refs/heads/feature
sim_reset plain
cd "$WS" || exit 1
$SIM action "$ROOT" --with command=check --with comment=off --with formats=json
expect "plain shallow clone without the base: exit-code 3" 3 "$(res '.outputs["exit-code"]')"
expect_has "plain shallow clone without the base: says which fetch to add" "$SIM_LOG" \
	"git fetch --no-tags --depth=50 origin main:refs/remotes/origin/main"




# working-directory: a project in a subfolder of the repository
MONO=$W/mono-up
mkdir -p "$MONO/apps/web"
(
	cd "$MONO" || exit 1
	git init -q -b main .
	cd apps/web || exit 1
	write_schema prisma
	add_migration . 20240101000000_init "$INIT_SQL"
	printf '%s\n' "$LOCK" >prisma/migrations/migration_lock.toml
	cd "$MONO" && git add -A && git commit -q -m init
	git checkout -q -b feature
	add_migration apps/web 20240201000000_drop_title 'ALTER TABLE "events" DROP COLUMN "event_title";
'
	git add -A && git commit -q -m drop
	git checkout -q --detach main
	git merge -q --no-ff --no-edit feature >/dev/null
	git update-ref refs/pull/21/merge HEAD
	git checkout -q main
)
WS=$W/ws-mono
rm -rf "$WS"
mkdir -p "$WS"
(cd "$WS" && git init -q . && git remote add origin "file://$MONO" &&
	git fetch -q --no-tags --depth=1 origin "+refs/pull/21/merge:refs/remotes/pull/21/merge" &&
	git checkout -q --detach refs/remotes/pull/21/merge)
pr_event "$W/event21.json" 21 "Monorepo" feature main acme/app
pr_env 21 feature main "$W/event21.json" "$WS"
sim_reset mono
cd "$WS" || exit 1
$SIM action "$ROOT" --with command=check --with comment=off --with working-directory=apps/web --with formats="json sarif"
expect "working-directory: the gate closes on the subfolder's migration" 1 "$(res '.outputs["exit-code"]')"
expect_has "working-directory: annotations name repository paths" "$SIM_COMMANDS" \
	"::error file=apps/web/prisma/migrations/20240201000000_drop_title/migration.sql"
expect "working-directory: SARIF URIs are repository paths" apps/web/prisma/migrations/20240201000000_drop_title/migration.sql \
	"$(jq -r '.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri' "$(res '.outputs["report-sarif"]')")"

# ------------------------------------------------ GitLab: the merge request
GL=$ROOT/ci/gitlab/.gitlab-ci.yml
unset GITHUB_ACTIONS GITHUB_EVENT_NAME GITHUB_EVENT_PATH GITHUB_REF GITHUB_BASE_REF GITHUB_HEAD_REF \
	GITHUB_REPOSITORY GITHUB_WORKSPACE
export PATH="$W/cache/bin:$PATH"
GLW=$W/gl-mr
rm -rf "$GLW"
git clone -q --branch feature "file://$UP" "$GLW"
gl_env() {
	CI_COMMIT_SHA=$(git -C "$1" rev-parse HEAD)
	export CI=true GITLAB_CI=true CI_PROJECT_DIR=$1 CI_PIPELINE_SOURCE=$2 CI_DEFAULT_BRANCH=main \
		CI_COMMIT_REF_NAME=$3 CI_COMMIT_BRANCH=$3 CI_COMMIT_SHA
}
gl_env "$GLW" merge_request_event feature
unset CI_COMMIT_BRANCH
CI_MERGE_REQUEST_DIFF_BASE_SHA=$(git -C "$UP" merge-base feature main)
export CI_MERGE_REQUEST_IID=3 CI_MERGE_REQUEST_TARGET_BRANCH_NAME=main CI_MERGE_REQUEST_DIFF_BASE_SHA
sim_reset gl-check
cd "$GLW" || exit 1
$SIM gitlab "$GL" prisma-gate-check
expect "gitlab check: exit 1 (gate closed)" 1 "$(res .exit_code)"
expect "gitlab check: fails the pipeline (1 is not an allowed exit code)" failed "$(res .status)"
expect "gitlab check: the JUnit artifact is written" true "$(res '.artifacts["prisma-gate-junit.xml"]')"
expect "gitlab check: the Code Quality artifact is written" true "$(res '.artifacts["gl-code-quality-report.json"]')"
expect "gitlab check: Code Quality names the finding" ban-drop-column \
	"$(jq -r '[.[].check_name] | map(select(. == "ban-drop-column")) | first' "$GLW/gl-code-quality-report.json")"
expect "gitlab check: paths relative to CI_PROJECT_DIR" prisma/migrations/20240201000000_drop_title/migration.sql \
	"$(jq -r '[.[] | select(.check_name == "ban-drop-column")][0].location.path' "$GLW/gl-code-quality-report.json")"
unset CI_MERGE_REQUEST_IID CI_MERGE_REQUEST_TARGET_BRANCH_NAME CI_MERGE_REQUEST_DIFF_BASE_SHA

# a branch push without a merge request: the advisory lint
GLW=$W/gl-push
rm -rf "$GLW"
git clone -q --branch feature "file://$UP" "$GLW"
gl_env "$GLW" push feature
sim_reset gl-lint
cd "$GLW" || exit 1
$SIM gitlab "$GL" prisma-gate-lint
expect "gitlab lint: exit 1 (findings)" 1 "$(res .exit_code)"
expect "gitlab lint: allowed to fail on 1 (passed with warnings)" "warning [1]" \
	"$(res '.status + " " + (.allow_failure_exit_codes | tostring)')"
expect "gitlab lint: the JUnit artifact is written" true "$(res '.artifacts["prisma-gate-junit.xml"]')"
unset CI GITLAB_CI CI_PROJECT_DIR CI_PIPELINE_SOURCE CI_DEFAULT_BRANCH CI_COMMIT_REF_NAME CI_COMMIT_BRANCH CI_COMMIT_SHA

# ====================================================== jobs with a database
unset GITHUB_BASE_REF GITHUB_HEAD_REF
export GITHUB_EVENT_NAME=schedule GITHUB_REF=refs/heads/main GITHUB_EVENT_PATH=$W/event-empty.json
echo '{}' >"$GITHUB_EVENT_PATH"
PGDIR=$(mktemp -d "${TMPDIR:-/tmp}/gate-ci-pg.XXXXXX")
pg_rc=0
pg_start "$PGDIR" "$W/pg-start.err" || pg_rc=$?
if [ "$pg_rc" != 0 ]; then
	show "$W/pg-start.err"
	[ "$pg_rc" = 77 ] || not_ok "start a PostgreSQL cluster (ci/pg.sh start)"
	pg_stop "$PGDIR"
	finish "PostgreSQL 15 not available: the status matrix, deploy and GitLab jobs"
fi
trap 'pg_stop "$PGDIR"; cleanup' EXIT

# ------------------------------------------- status matrix: one job per target
EU_URL=$("$ROOT/ci/pg.sh" createdb "$PGDIR" eu 2>>"$W/createdb.err")
US_URL=${EU_URL%/eu}/no_such_database
PS=$W/proj-status
new_repo "$PS"
cat >"$PS/prisma-gate.yml" <<'EOF'
version: 1
targets:
  eu:
    url_env: EU_DATABASE_URL
  us:
    url_env: US_DATABASE_URL
default_target: eu
EOF
commit_all "$PS" "policy with two targets"
export GITHUB_WORKSPACE=$PS SIM_ARTIFACTS=$W/artifacts
export SIM_SECRETS="{\"EU_DATABASE_URL\": \"$EU_URL\", \"US_DATABASE_URL\": \"$US_URL\"}"
cd "$PS" || exit 1
sim_reset targets
$SIM job "$ROOT/ci/github/status-matrix.yml" targets
MATRIX=$(res .outputs.matrix)
expect "status-matrix: the targets job's matrix" \
	'{"include":[{"target":"eu","url_env":"EU_DATABASE_URL"},{"target":"us","url_env":"US_DATABASE_URL"}]}' "$MATRIX"
expect_lacks "status-matrix: no URL in the matrix" "$SIM_RESULT" "$EU_URL"
n=0
for entry in $(printf '%s' "$MATRIX" | jq -c '.include[]'); do
	t=$(printf '%s' "$entry" | jq -r .target)
	sim_reset "status-$t"
	$SIM job "$ROOT/ci/github/status-matrix.yml" status --matrix "$entry" \
		--needs "$(jq -n --arg m "$MATRIX" '{targets: {outputs: {matrix: $m}, result: "success"}}')"
	JSON=$(step_out status report-json)
	expect "status-matrix $t: the report carries the target's name" "$t" "$(jq -r .target.name "$JSON")"
	expect "status-matrix $t: the URL came from the secret named by url_env" \
		"$(printf '%s' "$entry" | jq -r .url_env)" "$(jq -r .target.url_env "$JSON")"
	n=$((n + 1))
done
expect "status-matrix: one status job per target" 2 "$n"
expect "status-matrix: eu (no migration applied) is not clean: exit 1" 1 \
	"$(jq -r .exit_code "$SIM_ARTIFACTS/prisma-gate-status-eu/prisma-gate.json")"
expect "status-matrix: us (no such database) could not be evaluated: exit 3" 3 \
	"$(jq -r .exit_code "$SIM_ARTIFACTS/prisma-gate-status-us/prisma-gate.json")"
sim_reset status-summary
$SIM job "$ROOT/ci/github/status-matrix.yml" summary --needs '{"status": {"result": "failure", "outputs": {}}}'
expect "status-matrix: the summary job succeeds" success "$(res .status)"
expect_has "status-matrix: one table, eu's row" "$SIM_SUMMARY" "| eu | status | ❌ fail |"
expect_has "status-matrix: one table, us's row" "$SIM_SUMMARY" "| us | status | ⚠️ error |"
expect_has "status-matrix: the verdict count" "$SIM_SUMMARY" "2 reports: 0 pass, 1 fail, 1 error"
unset SIM_SECRETS


# ------------------------------- deploy: plan job -> deploy job (real Prisma)
PRISMA_OK=0
"$ROOT/ci/prisma.sh" install >"$W/prisma-install.log" 2>&1 || PRISMA_OK=$?
if [ "$PRISMA_OK" = 0 ]; then
	PROD_URL=$("$ROOT/ci/pg.sh" createdb "$PGDIR" prod 2>>"$W/createdb.err")
	PD=$W/proj-deploy
	new_repo "$PD"
	cat >"$PD/prisma-gate.yml" <<EOF
version: 1
project:
  prisma: [node, $ROOT/tests/prisma/node_modules/prisma/build/index.js, --config, $ROOT/tests/prisma/prisma.config.ts]
targets:
  production:
    url_env: DATABASE_URL
deploy:
  auto_max_risk: none
  confirm_max_risk: high
  timeout: 2m
drift:
  shadow: create
EOF
	commit_all "$PD" "policy"
	export GITHUB_EVENT_NAME=push GITHUB_WORKSPACE=$PD SIM_SKIP="Install the Prisma CLI"
	export SIM_SECRETS="{\"READONLY_DATABASE_URL\": \"$PROD_URL\", \"DATABASE_URL\": \"$PROD_URL\"}"
	cd "$PD" || exit 1
	sim_reset plan
	$SIM job "$ROOT/ci/github/deploy.yml" plan
	DIGEST=$(res '.outputs["plan-digest"]')
	expect "deploy.yml plan: a plan digest output" true "$(case $DIGEST in sha256:????????????????????????????????????????????????????????????????) echo true ;; *) echo "$DIGEST" ;; esac)"
	expect "deploy.yml plan: the decision output" confirm "$(res .outputs.decision)"
	expect "deploy.yml plan: exit 1 (needs a token) does not fail the job" success "$(res .status)"
	expect "deploy.yml plan: concurrency group per target" "prisma-gate-db-production false" \
		"$(res '.concurrency.group + " " + (.concurrency["cancel-in-progress"])')"
	NEEDS=$(jq -c '{plan: {outputs: .outputs, result: "success"}}' "$SIM_RESULT")
	sim_reset deploy
	$SIM job "$ROOT/ci/github/deploy.yml" deploy --needs "$NEEDS"
	expect "deploy.yml deploy: behind the environment of the target" production "$(res .environment)"
	expect "deploy.yml deploy: the same concurrency group" prisma-gate-db-production "$(res .concurrency.group)"
	expect "deploy.yml deploy: the job succeeds" success "$(res .status)"
	expect "deploy.yml deploy: exit-code 0" 0 "$(step_out deploy exit-code)"
	expect "deploy.yml deploy: the migration is applied" 1 \
		"$(psql -X -At -d "$PROD_URL" -c "SELECT count(*) FROM _prisma_migrations WHERE migration_name = '20240101000000_init' AND finished_at IS NOT NULL" 2>&1)"
	[ "$(res .status)" = success ] || show_sim
	# a stale plan: the approved digest no longer matches what would run
	add_migration "$PD" 20240102000000_more 'CREATE TABLE "more" ("id" INTEGER);
'
	commit_all "$PD" "another migration after the review"
	sim_reset plan2
	$SIM job "$ROOT/ci/github/deploy.yml" plan
	NEEDS=$(jq -c '{plan: {outputs: .outputs, result: "success"}}' "$SIM_RESULT")
	add_migration "$PD" 20240103000000_unreviewed 'CREATE TABLE "unreviewed" ("id" INTEGER);
'
	commit_all "$PD" "a migration nobody reviewed"
	sim_reset deploy2
	$SIM job "$ROOT/ci/github/deploy.yml" deploy --needs "$NEEDS"
	expect "deploy.yml, stale plan: the deploy job fails" failure "$(res .status)"
	expect "deploy.yml, stale plan: refused (exit 1)" 1 "$(step_out deploy exit-code)"
	expect "deploy.yml, stale plan: nothing applied" 0 \
		"$(psql -X -At -d "$PROD_URL" -c "SELECT count(*) FROM _prisma_migrations WHERE migration_name <> '20240101000000_init'" 2>&1)"
	# ------------------------------ GitLab: plan -> manual deploy (dotenv)
	gl_env "$PD" push main
	export READONLY_DATABASE_URL=$PROD_URL
	sim_reset gl-plan
	cd "$PD" || exit 1
	$SIM gitlab "$GL" prisma-gate-plan
	expect "gitlab plan: exit 1 (needs a token)" 1 "$(res .exit_code)"
	expect "gitlab plan: allowed to fail on 1" warning "$(res .status)"
	GL_DIGEST=$(res .dotenv.PRISMA_GATE_PLAN_DIGEST)
	expect "gitlab plan: the digest in the dotenv report" true \
		"$(case $GL_DIGEST in sha256:????????????????????????????????????????????????????????????????) echo true ;; *) echo "$GL_DIGEST" ;; esac)"
	expect "gitlab plan: the decision in the dotenv report" confirm "$(res .dotenv.PRISMA_GATE_PLAN_DECISION)"
	sim_reset gl-deploy
	PRISMA_GATE_PLAN_DIGEST=$GL_DIGEST DATABASE_URL=$PROD_URL $SIM gitlab "$GL" prisma-gate-deploy
	expect "gitlab deploy: manual" manual "$(res '.when | join(" ")')"
	expect "gitlab deploy: the production environment, one resource group" "production prisma-gate-production" \
		"$(res '.environment + " " + .resource_group')"
	expect "gitlab deploy: exit 0 with the plan's digest" 0 "$(res .exit_code)"
	expect "gitlab deploy: both reviewed migrations applied" 2 \
		"$(psql -X -At -d "$PROD_URL" -c "SELECT count(*) FROM _prisma_migrations WHERE migration_name IN ('20240102000000_more', '20240103000000_unreviewed') AND finished_at IS NOT NULL" 2>&1)"
	[ "$(res .exit_code)" = 0 ] || show_sim
	unset READONLY_DATABASE_URL CI GITLAB_CI CI_PROJECT_DIR CI_PIPELINE_SOURCE CI_DEFAULT_BRANCH CI_COMMIT_REF_NAME CI_COMMIT_BRANCH CI_COMMIT_SHA
	# ------------------------- drift.yml: the scheduled job and its one issue
	# the database deployed above, checked on a schedule; GitHub's issues
	# through the gh stand-in (its own state: no pull-request comment here)
	export GITHUB_EVENT_NAME=schedule GITHUB_REF=refs/heads/main GITHUB_REPOSITORY=acme/app GITHUB_WORKSPACE=$PD
	export SIM_SECRETS="{\"READONLY_DATABASE_URL\": \"$PROD_URL\"}"
	unset GITHUB_EVENT_PATH GITHUB_HEAD_REF GITHUB_BASE_REF
	cd "$PD" || exit 1
	# drift_job NAME: run the drift job once, on the issues kept so far
	drift_job() {
		sim_reset "$1"
		export GH_STANDIN_STATE=$W/gh-drift-state.json GH_STANDIN_LOG=$W/gh-drift-$1.log
		: >"$GH_STANDIN_LOG"
		$SIM job "$ROOT/ci/github/drift.yml" drift
	}
	# issues FILTER: the stand-in's issues (all states) through jq
	issues() { jq -r "$1" "$W/gh-drift-state.json" 2>/dev/null; }
	# calls METHOD PATHREGEX: how many such API calls the last job made
	calls() { jq -r --arg m "$1" --arg p "$2" 'select(.method == $m and (.path | test($p)))' "$GH_STANDIN_LOG" | grep -c '"method"' || true; }

	drift_job drift-clean
	expect "drift.yml, no drift: the job succeeds" success "$(res .status)"
	expect "drift.yml, no drift: drift exits 0" 0 "$(step_out drift exit-code)"
	expect "drift.yml, no drift: no issue opened" 0 "$(calls POST '^repos/acme/app/issues$')"
	expect "drift.yml: the same concurrency group as deploy.yml" prisma-gate-db-production "$(res .concurrency.group)"
	[ "$(res .status)" = success ] || show_sim

	psql -X -q -d "$PROD_URL" -c 'ALTER TABLE "events" ADD COLUMN "by_hand" text' >/dev/null 2>&1
	drift_job drift-found
	D1=$(step_out drift drift-digest)
	expect "drift.yml, drift: drift exits 1" 1 "$(step_out drift exit-code)"
	expect "drift.yml, drift: the job succeeds (exit 1 is a finding, not a failure)" success "$(res .status)"
	expect "drift.yml, drift: a digest output (64 hex digits)" true "$(printf "%s" "$D1" | grep -qxE "[0-9a-f]{64}" && echo true || echo "$D1")"
	expect "drift.yml, drift: one issue opened" 1 "$(calls POST '^repos/acme/app/issues$')"
	expect "drift.yml, drift: one open issue" 1 "$(issues '[.issues[] | select(.state == "open")] | length')"
	expect "drift.yml, drift: its title names the target" "Schema drift on production" "$(issues '.issues[0].title')"
	issues '.issues[0].body' >"$W/issue1.md"
	expect_has "drift.yml, drift: the issue carries the digest" "$W/issue1.md" "<!-- drift-digest: $D1 -->"
	expect_has "drift.yml, drift: the issue holds the report (the column)" "$W/issue1.md" "by_hand"
	expect_has "drift.yml, drift: the issue holds the Mermaid picture" "$W/issue1.md" '```mermaid'
	[ "$(res .status)" = success ] || show_sim

	drift_job drift-same
	expect "drift.yml, same drift: the same digest" "$D1" "$(step_out drift drift-digest)"
	expect "drift.yml, same drift: no new issue" 0 "$(calls POST '^repos/acme/app/issues$')"
	expect "drift.yml, same drift: the issue is left as it is (no edit, no comment)" 0 \
		"$(($(calls PATCH '^repos/acme/app/issues/') + $(calls POST '/comments$')))"
	expect "drift.yml, same drift: still one issue" 1 "$(issues '.issues | length')"
	expect_has "drift.yml, same drift: the log says so" "$SIM_LOG" "drift unchanged: issue #1 stays as it is"

	psql -X -q -d "$PROD_URL" -c 'CREATE TABLE "scratch" ("id" integer)' >/dev/null 2>&1
	drift_job drift-changed
	D2=$(step_out drift drift-digest)
	expect "drift.yml, another drift: drift exits 1" 1 "$(step_out drift exit-code)"
	expect "drift.yml, another drift: another digest" true "$([ -n "$D2" ] && [ "$D2" != "$D1" ] && echo true || echo "$D2")"
	expect "drift.yml, another drift: no new issue" 0 "$(calls POST '^repos/acme/app/issues$')"
	expect "drift.yml, another drift: the same issue updated" 1 "$(calls PATCH '^repos/acme/app/issues/1$')"
	expect "drift.yml, another drift: a comment says it changed" 1 "$(calls POST '^repos/acme/app/issues/1/comments$')"
	expect "drift.yml, another drift: still one issue" 1 "$(issues '.issues | length')"
	issues '.issues[0].body' >"$W/issue2.md"
	expect_has "drift.yml, another drift: the issue carries the new digest" "$W/issue2.md" "<!-- drift-digest: $D2 -->"
	expect_has "drift.yml, another drift: the issue names the new table" "$W/issue2.md" "scratch"

	psql -X -q -d "$PROD_URL" -c 'DROP TABLE "scratch"; ALTER TABLE "events" DROP COLUMN "by_hand"' >/dev/null 2>&1
	drift_job drift-gone
	expect "drift.yml, drift gone: drift exits 0" 0 "$(step_out drift exit-code)"
	expect "drift.yml, drift gone: the issue is closed" closed "$(issues '.issues[0].state')"
	expect "drift.yml, drift gone: a comment says why" 1 "$(calls POST '^repos/acme/app/issues/1/comments$')"
	expect "drift.yml, drift gone: no new issue" 0 "$(calls POST '^repos/acme/app/issues$')"
	expect "drift.yml, drift gone: the job succeeds" success "$(res .status)"

	drift_job drift-clean-again
	expect "drift.yml, still clean: nothing written" 0 "$(($(calls POST .) + $(calls PATCH .)))"

	# exit 3 (could not check) fails the job and opens nothing
	export SIM_SECRETS="{\"READONLY_DATABASE_URL\": \"${PROD_URL%/prod}/no_such_database\"}"
	drift_job drift-unavailable
	expect "drift.yml, unavailable: drift exits 3" 3 "$(step_out drift exit-code)"
	expect "drift.yml, unavailable: the job fails" failure "$(res .status)"
	expect "drift.yml, unavailable: no issue written" 0 "$(($(calls POST .) + $(calls PATCH .)))"
	unset GH_STANDIN_STATE GH_STANDIN_LOG
	unset SIM_SKIP SIM_SECRETS
elif [ "$PRISMA_OK" = 77 ]; then
	echo "# deploy.yml: skipped (the Prisma CLI fixture cannot be installed: ci/prisma.sh)"
else
	show "$W/prisma-install.log"
	not_ok "install the Prisma CLI fixture (ci/prisma.sh install)"
fi

finish
