#!/bin/sh
# ci/pg.sh — throwaway PostgreSQL 15 clusters for prisma-gate's integration tests.
#
# Usage:
#   eval "$(ci/pg.sh start DIR)"     initdb + start a cluster in DIR (created if
#                                     missing; must be empty); prints export lines
#   ci/pg.sh stop DIR                stop it (pg_ctl -m immediate), make sure no
#                                     server process is left, remove DIR
#   ci/pg.sh createdb DIR NAME [OWNER]
#                                    (re)create database NAME (dropped first if it
#                                     exists), owned by OWNER (postgres, default,
#                                     or gate_pw); prints its URL with OWNER's
#                                     credentials
#   ci/pg.sh env DIR                 print the export lines again
#   ci/pg.sh help
#
# `start` prints (on stdout, nothing else goes there):
#   export PGHOST='127.0.0.1' PGPORT='<port>' PGUSER='postgres'
#   export GATE_TEST_PG_URL='postgresql://postgres@127.0.0.1:<port>/postgres'
#   export GATE_TEST_PG_PW_URL='postgresql://gate_pw:secret-pw@127.0.0.1:<port>/postgres'
#   export GATE_TEST_PG_DIR='<DIR>' GATE_TEST_PG_SOCKET='<socket dir>'
#
# The cluster:
#   - initdb as OS user `postgres` when run as root (initdb refuses root), as
#     the current user otherwise; superuser role `postgres`; UTF8, C locale.
#   - listens on 127.0.0.1 only, on a free port picked at random in
#     16000-31999 (retried on a clash), plus a unix socket in DIR/sock.
#   - fsync, full_page_writes and synchronous_commit off: data is disposable.
#   - auth: trust for everyone, except role `gate_pw` (password `secret-pw`,
#     LOGIN CREATEDB), which must authenticate with scram-sha-256 over TCP and
#     the socket: use it to test password / wrong-password handling.
#   - never the system cluster: its own data dir in DIR/data, never port 5432.
# Several clusters can run at once (different DIRs).
#
# As a library (POSIX sh): `. ci/pg.sh` defines gate_pg_start DIR (evals the
# exports into the caller), gate_pg_stop DIR and gate_pg_createdb DIR NAME [OWNER];
# the command line part runs only when the file is executed as pg.sh.
#
# Environment: PG_BINDIR overrides where initdb/pg_ctl/psql are looked up
# (default: /usr/lib/postgresql/15/bin, then `pg_config --bindir`, then PATH);
# GATE_PG_PORT is a preferred port for `start` (used if free, else random).

GATE_PG_SH_PATH=${GATE_PG_SH_PATH:-$0}

gate_pg_start() {
	_gate_pg_out=$(sh "$GATE_PG_SH_PATH" start "$1") || return 1
	eval "$_gate_pg_out"
}
gate_pg_stop() { sh "$GATE_PG_SH_PATH" stop "$1"; }
gate_pg_createdb() { sh "$GATE_PG_SH_PATH" createdb "$@"; }

case ${0##*/} in
pg.sh) ;;
*)
	# Sourced: remember where this file is for the wrappers above (POSIX sh
	# cannot tell; the caller may set GATE_PG_SH_PATH before sourcing).
	[ "${GATE_PG_SH_PATH}" != "$0" ] || GATE_PG_SH_PATH=ci/pg.sh
	# shellcheck disable=SC2317 # exit only when not sourced
	return 0 2>/dev/null || exit 0
	;;
esac

set -eu

PW_ROLE=gate_pw
PW_PASSWORD=secret-pw # throwaway test password, documented above
MARKER=.gate-pg-cluster

die() {
	echo "pg.sh: error: $*" >&2
	exit 1
}
note() { echo "pg.sh: $*" >&2; }

usage() {
	sed -n '2,/^$/s/^# \{0,1\}//p' "$0" >&2
}

# --- locating the PostgreSQL binaries ---------------------------------------

find_bindir() {
	if [ -n "${PG_BINDIR:-}" ]; then
		[ -x "$PG_BINDIR/initdb" ] || die "initdb not found in PG_BINDIR=$PG_BINDIR"
		echo "$PG_BINDIR"
		return
	fi
	if [ -x /usr/lib/postgresql/15/bin/initdb ]; then
		echo /usr/lib/postgresql/15/bin
		return
	fi
	if command -v pg_config >/dev/null 2>&1; then
		d=$(pg_config --bindir 2>/dev/null || true)
		if [ -n "$d" ] && [ -x "$d/initdb" ]; then
			echo "$d"
			return
		fi
	fi
	d=$(command -v initdb 2>/dev/null || true)
	[ -n "$d" ] || die "initdb not found (PostgreSQL 15 server binaries): run ci/deps.sh (Debian package postgresql-15), or set PG_BINDIR"
	dirname "$d"
}

need_bins() {
	BIN=$(find_bindir)
	for b in initdb pg_ctl psql postgres; do
		[ -x "$BIN/$b" ] || die "$b not found in $BIN: run ci/deps.sh (Debian packages postgresql-15, postgresql-client-15)"
	done
	ver=$("$BIN/postgres" --version 2>/dev/null | sed -n 's/.* \([0-9][0-9]*\)\.[0-9].*/\1/p')
	[ "$ver" = 15 ] || note "warning: expected PostgreSQL 15, found '$("$BIN/postgres" --version 2>/dev/null)' in $BIN"
}

# --- running as the cluster owner --------------------------------------------

# Commands that touch the data directory run as `postgres` when we are root.
setup_owner() {
	if [ "$(id -u)" = 0 ]; then
		id postgres >/dev/null 2>&1 || die "OS user 'postgres' does not exist (initdb cannot run as root): run ci/deps.sh (Debian package postgresql-15 creates it)"
		OWNER=postgres
		if command -v runuser >/dev/null 2>&1; then
			AS_OWNER="runuser -u postgres --"
		elif command -v setpriv >/dev/null 2>&1; then
			AS_OWNER="setpriv --reuid=postgres --regid=postgres --init-groups --"
		else
			die "need runuser or setpriv (util-linux) to run PostgreSQL as user postgres"
		fi
	else
		OWNER=$(id -un)
		AS_OWNER=""
	fi
}

as_owner() {
	# shellcheck disable=SC2086
	(cd "$DIR" && $AS_OWNER "$@")
}

# --- helpers -------------------------------------------------------------------

abs_dir() {
	case $1 in
	/*) printf '%s\n' "$1" ;;
	*) printf '%s/%s\n' "$(pwd)" "$1" ;;
	esac
}

random16() {
	od -An -N2 -tu2 /dev/urandom | tr -d ' \n'
}

port_in_use() {
	if command -v ss >/dev/null 2>&1; then
		[ -n "$(ss -Htln "( sport = :$1 )" 2>/dev/null)" ]
	else
		return 1 # start-up detects the clash and we retry
	fi
}

write_owned() { # write stdin to FILE, owned by the cluster owner
	cat >"$1"
	[ "$OWNER" = "$(id -un)" ] || chown "$OWNER" "$1"
}

sq() { # single-quote for the shell
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

load_state() {
	DIR=$(abs_dir "$1")
	[ -d "$DIR" ] || die "$DIR does not exist"
	[ -f "$DIR/$MARKER" ] || die "$DIR is not a cluster made by ci/pg.sh (no $MARKER)"
	PORT=$(cat "$DIR/port" 2>/dev/null || true)
	SOCK=$(cat "$DIR/socketdir" 2>/dev/null || true)
	{ [ -n "$PORT" ] && [ -n "$SOCK" ]; } || die "$DIR: cluster was never started (no port/socketdir file)"
}

print_env() {
	url="postgresql://postgres@127.0.0.1:$PORT/postgres"
	pwurl="postgresql://$PW_ROLE:$PW_PASSWORD@127.0.0.1:$PORT/postgres"
	echo "export PGHOST=$(sq 127.0.0.1) PGPORT=$(sq "$PORT") PGUSER=$(sq postgres)"
	echo "export GATE_TEST_PG_URL=$(sq "$url")"
	echo "export GATE_TEST_PG_PW_URL=$(sq "$pwurl")"
	echo "export GATE_TEST_PG_DIR=$(sq "$DIR") GATE_TEST_PG_SOCKET=$(sq "$SOCK")"
}

psql_admin() { # psql as superuser over the unix socket, quiet, stop on error
	PGOPTIONS="-c client_min_messages=warning" PGCONNECT_TIMEOUT=10 "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCK" -p "$PORT" -U postgres -d postgres "$@"
}

# PIDs of processes whose cwd is this cluster's data dir (every postgres
# process chdirs there), found through /proc.
cluster_pids() {
	for p in /proc/[0-9]*; do
		c=$(readlink "$p/cwd" 2>/dev/null || true)
		[ "$c" = "$DIR/data" ] && echo "${p#/proc/}"
	done
	return 0
}

# --- commands ------------------------------------------------------------------

cmd_start() {
	need_bins
	setup_owner
	DIR=$(abs_dir "$1")
	case $DIR in
	/var/lib/postgresql | /var/lib/postgresql/*) die "refusing to use $DIR (system cluster location)" ;;
	esac
	if [ -e "$DIR" ]; then
		[ -d "$DIR" ] || die "$DIR exists and is not a directory"
		[ -z "$(ls -A "$DIR")" ] || die "$DIR is not empty (use a fresh directory, e.g. \$(mktemp -d))"
	else
		mkdir -p "$DIR"
	fi
	: >"$DIR/$MARKER"
	chmod 700 "$DIR"
	if [ "$OWNER" != "$(id -un)" ]; then
		chown "$OWNER" "$DIR" "$DIR/$MARKER"
		as_owner test -w "$DIR" 2>/dev/null ||
			die "user $OWNER cannot write $DIR (a parent directory is not searchable by $OWNER?): use a directory under /tmp, e.g. \$(mktemp -d)"
	fi

	# Unix socket paths are limited to 107 bytes: use a short dir if needed.
	SOCK="$DIR/sock"
	if [ ${#SOCK} -gt 80 ]; then
		SOCK=$(mktemp -d "${TMPDIR:-/tmp}/gatepg.XXXXXX")
		chmod 700 "$SOCK"
		echo "$SOCK" >"$DIR/socketdir.extra" # removed by stop
	else
		mkdir "$SOCK"
	fi
	[ "$OWNER" = "$(id -un)" ] || chown "$OWNER" "$SOCK"
	echo "$SOCK" >"$DIR/socketdir"

	note "initdb in $DIR/data"
	if ! as_owner "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust \
		--encoding=UTF8 --no-locale --no-sync --no-instructions \
		>"$DIR/initdb.log" 2>&1; then
		cat "$DIR/initdb.log" >&2
		die "initdb failed (log above, also in $DIR/initdb.log)"
	fi

	write_owned "$DIR/data/pg_hba.conf" <<EOF
# written by ci/pg.sh: trust for all, except $PW_ROLE (scram-sha-256)
# TYPE  DATABASE  USER      ADDRESS        METHOD
local   all       $PW_ROLE                 scram-sha-256
host    all       $PW_ROLE  127.0.0.1/32   scram-sha-256
local   all       all                      trust
host    all       all       127.0.0.1/32   trust
local   replication all                    trust
host    replication all     127.0.0.1/32   trust
EOF
	echo "include_if_exists = 'gate.conf'" >>"$DIR/data/postgresql.conf"

	tries=0
	started=""
	while [ $tries -lt 20 ]; do
		tries=$((tries + 1))
		if [ $tries -eq 1 ] && [ -n "${GATE_PG_PORT:-}" ]; then
			PORT=$GATE_PG_PORT # preferred port, first try only
		else
			PORT=$((16000 + $(random16) % 16000))
		fi
		[ "$PORT" != 5432 ] || continue
		port_in_use "$PORT" && continue
		write_owned "$DIR/data/gate.conf" <<EOF
# written by ci/pg.sh
port = $PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$SOCK'
fsync = off
full_page_writes = off
synchronous_commit = off
max_connections = 50
shared_buffers = 32MB
logging_collector = off
log_min_messages = warning
EOF
		if as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/postgres.log" -w -t 60 -s start >/dev/null 2>&1; then
			started=1
			break
		fi
		# Clash on the port (another cluster took it meanwhile)? Retry.
		if grep -q 'Address already in use' "$DIR/postgres.log" 2>/dev/null; then
			note "port $PORT taken, retrying"
			as_owner "$BIN/pg_ctl" -D "$DIR/data" -m immediate -s stop >/dev/null 2>&1 || true
			: >"$DIR/postgres.log"
			continue
		fi
		tail -n 20 "$DIR/postgres.log" >&2 2>/dev/null || true
		die "PostgreSQL did not start (log: $DIR/postgres.log)"
	done
	[ -n "$started" ] || die "could not find a free port after $tries tries"
	echo "$PORT" >"$DIR/port"

	# Wait until it answers queries over TCP, then create the password role.
	n=0
	until "$BIN/psql" -X -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -c 'SELECT 1' >/dev/null 2>&1; do
		n=$((n + 1))
		if [ $n -ge 100 ]; then
			as_owner "$BIN/pg_ctl" -D "$DIR/data" -m immediate -s stop >/dev/null 2>&1 || true
			die "PostgreSQL on port $PORT does not accept connections (log: $DIR/postgres.log)"
		fi
		sleep 0.1
	done
	if ! psql_admin -c "CREATE ROLE $PW_ROLE LOGIN CREATEDB PASSWORD '$PW_PASSWORD'" >&2; then
		as_owner "$BIN/pg_ctl" -D "$DIR/data" -m immediate -s stop >/dev/null 2>&1 || true
		die "could not create role $PW_ROLE"
	fi
	note "PostgreSQL $(cat "$DIR/data/PG_VERSION") running on 127.0.0.1:$PORT (socket $SOCK, data $DIR/data)"
	print_env
}

cmd_stop() {
	DIR=$(abs_dir "$1")
	if [ ! -e "$DIR" ]; then
		note "$DIR does not exist: nothing to stop"
		return 0
	fi
	[ -f "$DIR/$MARKER" ] || die "$DIR is not a cluster made by ci/pg.sh (no $MARKER): not touching it"
	setup_owner
	if [ -f "$DIR/data/postmaster.pid" ]; then
		BIN=$(find_bindir)
		as_owner "$BIN/pg_ctl" -D "$DIR/data" -m immediate -w -t 30 -s stop >/dev/null 2>&1 ||
			note "pg_ctl stop failed; killing the cluster's processes"
	fi
	# Leave no process behind: wait for every process running in the data
	# dir to go, SIGKILL any that linger.
	n=0
	pids=$(cluster_pids)
	while [ -n "$pids" ]; do
		n=$((n + 1))
		if [ $n -ge 50 ]; then
			note "killing leftover processes: $pids"
			# shellcheck disable=SC2086
			kill -KILL $pids 2>/dev/null || true
			sleep 0.2
			pids=$(cluster_pids)
			[ -z "$pids" ] || die "processes still running in $DIR/data: $pids"
			break
		fi
		sleep 0.1
		pids=$(cluster_pids)
	done
	if [ -f "$DIR/socketdir.extra" ]; then
		extra=$(cat "$DIR/socketdir.extra")
		case $extra in
		*/gatepg.*) rm -rf "$extra" ;;
		esac
	fi
	rm -rf "$DIR"
}

cmd_createdb() {
	need_bins
	load_state "$1"
	name=$2
	[ -n "$name" ] || die "createdb: empty database name"
	owner=${3:-postgres}
	case $owner in
	postgres) userinfo=postgres ;;
	"$PW_ROLE") userinfo="$PW_ROLE:$PW_PASSWORD" ;;
	*) die "createdb: OWNER must be postgres or $PW_ROLE" ;;
	esac
	qname=\"$(printf '%s' "$name" | sed 's/"/""/g')\"
	psql_admin -c "DROP DATABASE IF EXISTS $qname WITH (FORCE)" \
		-c "CREATE DATABASE $qname OWNER $owner" >&2 ||
		die "could not create database $name"
	enc=$(printf '%s' "$name" | od -An -tx1 -v | tr -d ' \n' | sed 's/\(..\)/%\1/g')
	case $name in
	*[!A-Za-z0-9_.-]*) echo "postgresql://$userinfo@127.0.0.1:$PORT/$enc" ;;
	*) echo "postgresql://$userinfo@127.0.0.1:$PORT/$name" ;;
	esac
}

cmd_env() {
	load_state "$1"
	print_env
}

[ $# -ge 1 ] || {
	usage
	exit 2
}
cmd=$1
shift
case $cmd in
start)
	[ $# -eq 1 ] || die "usage: ci/pg.sh start DIR"
	cmd_start "$1"
	;;
stop)
	[ $# -eq 1 ] || die "usage: ci/pg.sh stop DIR"
	cmd_stop "$1"
	;;
createdb)
	[ $# -eq 2 ] || [ $# -eq 3 ] || die "usage: ci/pg.sh createdb DIR NAME [OWNER]"
	cmd_createdb "$@"
	;;
env)
	[ $# -eq 1 ] || die "usage: ci/pg.sh env DIR"
	cmd_env "$1"
	;;
help | -h | --help)
	usage
	;;
*)
	usage
	exit 2
	;;
esac
