#!/bin/bash
# ci/github/action.sh - the steps of the GitHub Action (action.yml at the
# repository root). Each step runs `action.sh STEP`; every input arrives
# as an environment variable (PG_*), never spliced into the script, so a
# branch name, a title or a path holding $(...), backticks or "::" stays
# data: it is passed as one argument and never printed at the start of a
# line (where the runner would read a workflow command).
#
#   key         cache key: runner OS/arch/image, the action's ref, a digest
#               of the sources (github.action_ref is empty for `uses: ./`)
#   deps        the Debian build dependencies (ci/deps.sh build)
#   build       make install into $RUNNER_TEMP/prisma-gate (the cached dir)
#   path        $RUNNER_TEMP/prisma-gate/bin onto $GITHUB_PATH
#   fetch-base  check in a pull request: the base branch's tip (depth 1)
#               and, when HEAD is GitHub's test-merge commit, its first
#               parent: all `check` needs with actions/checkout's default
#   run         the one command; writes status=N to $GITHUB_OUTPUT and
#               always succeeds (the last step exits with N); `targets`
#               writes matrix=<the policy's targets as a GitHub matrix>
#   exit        exit with the recorded status
set -euo pipefail

ACTION_DIR=${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/../.." && pwd)}
INSTALL_DIR=${RUNNER_TEMP:?RUNNER_TEMP is not set}/prisma-gate

notice() { printf '::notice title=prisma-gate::%s\n' "$1"; }
warning() { printf '::warning title=prisma-gate::%s\n' "$1"; }
error() { printf '::error title=prisma-gate::%s\n' "$1"; }

step_key() {
	local digest ref
	digest=$(cd "$ACTION_DIR" &&
		find Makefile ci/deps.sh src include -type f -print | LC_ALL=C sort |
		xargs sha256sum | sha256sum | cut -c1-16)
	ref=$(printf '%s' "${PG_ACTION_REF:-local}" | tr -c 'A-Za-z0-9._-' '_')
	printf 'key=prisma-gate-%s-%s-%s-%s-%s-%s\n' "${RUNNER_OS:-Linux}" "${RUNNER_ARCH:-X64}" \
		"${ImageOS:-unknown}" "${ImageVersion:-unknown}" "$ref" "$digest" >>"$GITHUB_OUTPUT"
}

step_deps() {
	if ! command -v dpkg-query >/dev/null 2>&1; then
		error "the action builds on Debian or Ubuntu runners only (apt-get); run it on ubuntu-latest or a Debian container"
		exit 2
	fi
	"$ACTION_DIR/ci/deps.sh" build
}

step_build() {
	local jobs
	jobs=$(nproc 2>/dev/null || echo 2)
	make -C "$ACTION_DIR" -j"$jobs" B="$RUNNER_TEMP/prisma-gate-build" PREFIX="$INSTALL_DIR" install
}

step_path() {
	printf '%s\n' "$INSTALL_DIR/bin" >>"$GITHUB_PATH"
	"$INSTALL_DIR/bin/prisma-gate" --version
}

# The pull request's base, fetched as shallowly as check can use it.
step_fetch_base() {
	local base=${GITHUB_BASE_REF:-} depth=() parent
	[ "${PG_COMMAND:-}" = check ] || return 0
	[ -z "${PG_BASE:-}" ] || return 0
	[ -n "$base" ] || return 0
	git rev-parse --git-dir >/dev/null 2>&1 || return 0
	[ "$(git rev-parse --is-shallow-repository)" = true ] && depth=(--depth=1)
	if ! git fetch -q --no-tags "${depth[@]}" origin \
		"+refs/heads/$base:refs/remotes/origin/$base"; then
		warning "could not fetch the base branch of this pull request: check says what to fetch"
	fi
	# GitHub's test-merge commit: its first parent is the base it was made
	# from (the branch may have moved on since): fetch that one commit too
	parent=$(git cat-file -p HEAD | sed -n '/^$/q; s/^parent //p' | sed -n 2p)
	if [ -n "$parent" ]; then
		parent=$(git cat-file -p HEAD | sed -n '/^$/q; s/^parent //p' | sed -n 1p)
		if ! git cat-file -e "$parent^{commit}" 2>/dev/null; then
			git fetch -q --no-tags "${depth[@]}" origin "$parent" ||
				warning "could not fetch the first parent of the test-merge commit: check says what to fetch"
		fi
	fi
}

step_run() {
	local args=() dir f line rc=0
	case ${PG_COMMAND:-} in
	check | lint | plan | deploy | status | drift | detect | health | targets) ;;
	"")
		error "the command input is required (check, lint, plan, deploy, status, drift, detect, health or targets)"
		printf 'status=2\n' >>"$GITHUB_OUTPUT"
		return 0
		;;
	*)
		error "the command input must be one of check, lint, plan, deploy, status, drift, detect, health, targets"
		printf 'status=2\n' >>"$GITHUB_OUTPUT"
		return 0
		;;
	esac
	[ -n "${PG_POLICY:-}" ] && args+=(-p "$PG_POLICY")
	if [ "$PG_COMMAND" = targets ]; then
		# the policy's targets as a matrix for a later job (fromJSON)
		local matrix
		matrix=$(prisma-gate "${args[@]}" targets --format github-matrix) || rc=$?
		printf '%s\n' "$matrix"
		printf 'matrix=%s\nstatus=%d\n' "$matrix" "$rc" >>"$GITHUB_OUTPUT"
		return 0
	fi
	[ -n "${PG_TARGET:-}" ] && args+=(-t "$PG_TARGET")
	args+=("$PG_COMMAND")
	[ -n "${PG_BASE:-}" ] && args+=(--base "$PG_BASE")
	case $PG_COMMAND in
	check | lint) [ -n "${PG_FAIL_ON:-}" ] && args+=(--fail-on "$PG_FAIL_ON") ;;
	esac
	[ -n "${PG_CONFIRM:-}" ] && args+=(--confirm "$PG_CONFIRM")
	dir=${PG_REPORT_DIR:-$RUNNER_TEMP/prisma-gate-reports}
	mkdir -p "$dir"
	for f in ${PG_FORMATS:-}; do
		case $f in
		json) args+=(--report "json=$dir/prisma-gate.json") ;;
		markdown) args+=(--report "markdown=$dir/prisma-gate.md") ;;
		junit) args+=(--report "junit=$dir/prisma-gate-junit.xml") ;;
		sarif) args+=(--report "sarif=$dir/prisma-gate.sarif") ;;
		gitlab) args+=(--report "gitlab=$dir/prisma-gate-codequality.json") ;;
		text) args+=(--report "text=$dir/prisma-gate.txt") ;;
		*)
			error "formats: unknown format (json, markdown, junit, sarif, gitlab, text)"
			printf 'status=2\n' >>"$GITHUB_OUTPUT"
			return 0
			;;
		esac
	done
	while IFS= read -r line; do
		[ -n "$line" ] && args+=(--report "$line")
	done <<<"${PG_REPORTS:-}"
	while IFS= read -r line; do
		[ -n "$line" ] && args+=("$line")
	done <<<"${PG_ARGS:-}"
	prisma-gate "${args[@]}" || rc=$?
	printf 'status=%d\n' "$rc" >>"$GITHUB_OUTPUT"
}

step_exit() {
	local s=${PG_STATUS:-}
	case $s in
	'' | *[!0-9]*)
		error "prisma-gate did not run (see the steps above)"
		exit 3
		;;
	esac
	exit "$s"
}

case ${1:-} in
key) step_key ;;
deps) step_deps ;;
build) step_build ;;
path) step_path ;;
fetch-base) step_fetch_base ;;
run) step_run ;;
exit) step_exit ;;
*)
	echo "usage: ci/github/action.sh key|deps|build|path|fetch-base|run|exit" >&2
	exit 2
	;;
esac
