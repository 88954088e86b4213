#!/bin/sh
# ci/deps.sh — install every Debian package the build, tests and benchmarks
# need on a fresh Debian 12 machine. Idempotent: installs only what is missing.
set -eu

PKGS="build-essential pkg-config
libpg-query-dev libprotobuf-c-dev
libpq-dev libgit2-dev libyaml-dev libcurl4-openssl-dev libjansson-dev
libxml2-dev libxml2-utils nettle-dev
libcmocka-dev
clang libclang-rt-14-dev clang-format
postgresql-15 postgresql-client-15
git time python3 python3-jsonschema openssl valgrind"

# Node.js and npm (for the Prisma CLI fixture and the squawk benchmark) may
# come from NodeSource, whose nodejs package bundles npm and conflicts with
# Debian's npm package: only ask for them when the commands are missing.
command -v node >/dev/null 2>&1 || PKGS="$PKGS nodejs"
command -v npm >/dev/null 2>&1 || PKGS="$PKGS npm"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	echo "deps: all Debian packages present"
	exit 0
fi

echo "deps: installing:$missing"
SUDO=""
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		SUDO="sudo -n"
	else
		echo "deps: missing Debian packages; run as root: sudo ci/deps.sh" >&2
		exit 2
	fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
