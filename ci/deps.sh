#!/bin/sh
# ci/deps.sh — install the Debian packages prisma-gate needs on a fresh
# Debian 12 machine. Idempotent: installs only what is missing.
#
# Usage: ci/deps.sh [build|test|all]   (default: all)
#   build  what `make` needs to build ./prisma-gate: a C compiler, make,
#          pkg-config and the libraries' development packages. This is
#          all the GitHub Action (action.yml) installs on a runner.
#   test   what `make check`, the benchmarks and the demo need on top:
#          cmocka, clang (fuzzing, clang-format), PostgreSQL 15, git,
#          Python's jsonschema, xmllint, Node.js and npm.
#   all    both (what `make check` and .ci/run install).
set -eu

SET=${1:-all}

BUILD_PKGS="build-essential pkg-config
libpg-query-dev libprotobuf-c-dev
libpq-dev libgit2-dev libyaml-dev libcurl4-openssl-dev libjansson-dev
libxml2-dev nettle-dev"

TEST_PKGS="libxml2-utils
libcmocka-dev
clang libclang-rt-14-dev clang-format
postgresql-15 postgresql-client-15
git time python3 python3-jsonschema python3-yaml jq openssl valgrind"

case $SET in
build) PKGS=$BUILD_PKGS ;;
test) PKGS=$TEST_PKGS ;;
all) PKGS="$BUILD_PKGS $TEST_PKGS" ;;
*)
	echo "usage: ci/deps.sh [build|test|all]" >&2
	exit 2
	;;
esac

# Node.js and npm (for the Prisma CLI fixture, the CI validators and the
# squawk benchmark) may come from NodeSource, whose nodejs package bundles
# npm and conflicts with Debian's npm package: only ask for them when the
# commands are missing.
if [ "$SET" != build ]; then
	command -v node >/dev/null 2>&1 || PKGS="$PKGS nodejs"
	command -v npm >/dev/null 2>&1 || PKGS="$PKGS npm"
fi

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	echo "deps ($SET): all Debian packages present"
	exit 0
fi

echo "deps ($SET): installing:$missing"
SUDO=""
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		SUDO="sudo -n"
	else
		echo "deps: missing Debian packages; run as root: sudo ci/deps.sh $SET" >&2
		exit 2
	fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
