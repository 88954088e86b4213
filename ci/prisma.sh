#!/bin/sh
# ci/prisma.sh — the real Prisma CLI for prisma-gate's integration tests and demo,
# runnable with only the npm registry reachable ("recipe A" of
# tests/prisma/README.md: prisma 6.19.3 + engine 'js' + @prisma/adapter-pg;
# fixture in tests/prisma/, see its README.md).
#
# Usage:
#   ci/prisma.sh install
#       npm ci in tests/prisma (--ignore-scripts) when node_modules is missing
#       or stale versus package.json/package-lock.json; otherwise does nothing.
#       Safe to run concurrently (flock).
#   ci/prisma.sh run PROJECTDIR [--] ARGS...
#       install if needed, then run the CLI with PROJECTDIR as cwd, e.g.
#         DATABASE_URL=postgresql://postgres@127.0.0.1:5555/app \
#           ci/prisma.sh run /tmp/proj -- migrate deploy
#       PROJECTDIR holds prisma/schema.prisma and prisma/migrations/ (or set
#       PRISMA_GATE_SCHEMA / PRISMA_GATE_MIGRATIONS, relative to PROJECTDIR).
#       Exit status: the CLI's own.
#   ci/prisma.sh argv
#       print the argv prefix to spawn the CLI, one element per line:
#         node
#         /ABS/tests/prisma/node_modules/prisma/build/index.js
#       then append the command and `--config /ABS/tests/prisma/prisma.config.ts`,
#       e.g. for a C program (execvp, cwd = the project dir):
#         node /ABS/tests/prisma/node_modules/prisma/build/index.js \
#           migrate deploy --config /ABS/tests/prisma/prisma.config.ts
#       (`ci/prisma.sh config` prints the config path alone.)
#   ci/prisma.sh check      exit 0 if installed and current, 1 if not (no install)
#
# The child's environment must contain DATABASE_URL (for every command, even
# --help; the adapter connects with it and the CLI needs it to avoid a native
# engine download). CHECKPOINT_DISABLE=1 and PRISMA_HIDE_UPDATE_MESSAGE=1 are
# advisable (no telemetry / update check; `run` sets both).
#
# Exit status: 77 when the fixture cannot be installed (node/npm missing,
# registry unreachable): callers treat that as "skip"; 2 for usage errors.

set -eu

EX_UNAVAILABLE=77

ROOT=$(cd "$(dirname "$0")/.." && pwd)
FIXTURE=$ROOT/tests/prisma
CLI=$FIXTURE/node_modules/prisma/build/index.js
CONFIG=$FIXTURE/prisma.config.ts
STAMP=$FIXTURE/node_modules/.prisma-gate-lock.sha256

note() { echo "prisma.sh: $*" >&2; }
die() {
	echo "prisma.sh: error: $*" >&2
	exit 1
}
unavailable() {
	echo "prisma.sh: unavailable: $*" >&2
	exit $EX_UNAVAILABLE
}

usage() {
	sed -n '2,/^$/s/^# \{0,1\}//p' "$0" >&2
}

want_stamp() {
	cat "$FIXTURE/package.json" "$FIXTURE/package-lock.json" | sha256sum | cut -d' ' -f1
}

is_current() {
	[ -f "$CLI" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(want_stamp)" ]
}

install() {
	command -v node >/dev/null 2>&1 || unavailable "node not found: run ci/deps.sh (Node.js 20 + npm)"
	[ -f "$FIXTURE/package-lock.json" ] || die "$FIXTURE/package-lock.json missing"
	is_current && return 0
	command -v npm >/dev/null 2>&1 || unavailable "npm not found: run ci/deps.sh (Node.js 20 + npm)"
	command -v flock >/dev/null 2>&1 || die "flock (util-linux) not found"
	# One installer at a time; the others wait and then find it current.
	exec 9>"$FIXTURE/.install.lock"
	flock 9
	if is_current; then
		exec 9>&-
		return 0
	fi
	note "installing the Prisma CLI fixture: npm ci in $FIXTURE (needs the npm registry)"
	# --ignore-scripts: the only install script (@prisma/engines postinstall)
	# downloads native engines from a host that is not reachable; not needed.
	if ! (cd "$FIXTURE" && npm ci --ignore-scripts --no-audit --no-fund --prefer-offline \
		--loglevel=error --fetch-retries=2 --fetch-retry-mintimeout=2000 \
		--fetch-retry-maxtimeout=10000 >&2); then
		exec 9>&-
		unavailable "npm ci failed in $FIXTURE (is the npm registry reachable? offline, a warm ~/.npm cache is needed)"
	fi
	[ -f "$CLI" ] || {
		exec 9>&-
		die "npm ci finished but $CLI is missing"
	}
	want_stamp >"$STAMP"
	exec 9>&-
	note "installed: $(node -p 'require(process.argv[1]).version' "$FIXTURE/node_modules/prisma/package.json" 2>/dev/null || echo '?')"
}

run() {
	[ $# -ge 1 ] || {
		usage
		exit 2
	}
	proj=$1
	shift
	[ "${1:-}" != "--" ] || shift
	[ -d "$proj" ] || die "project dir $proj does not exist"
	[ -n "${DATABASE_URL:-}" ] || die "DATABASE_URL is not set (the CLI needs it for every command)"
	install
	cd "$proj"
	CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1
	export CHECKPOINT_DISABLE PRISMA_HIDE_UPDATE_MESSAGE
	exec node "$CLI" "$@" --config "$CONFIG"
}

[ $# -ge 1 ] || {
	usage
	exit 2
}
cmd=$1
shift
case $cmd in
install) install ;;
check) is_current ;;
run) run "$@" ;;
argv)
	printf '%s\n' node "$CLI"
	;;
config)
	printf '%s\n' "$CONFIG"
	;;
help | -h | --help) usage ;;
*)
	usage
	exit 2
	;;
esac
