#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/integration/url-secrets.sh — a password written into a database or
# health URL is never printed, whatever it holds: an unencoded '/', '?',
# '#' or ';' used to end the "authority" early, so the parse error quoted
# part of the password as a port ("invalid port 'hunter2'") on stderr, in
# every report, the step summary and the annotations. Under
# GITHUB_ACTIONS=true only ::add-mask:: lines may hold any part of it,
# and the userinfo and the password are registered as masks on their own.
#
# Runs status, plan, deploy, detect, check, drift and health with every report
# format (approve: it writes none), GITHUB_ACTIONS=true,
# $GITHUB_STEP_SUMMARY and $GITHUB_OUTPUT;
# then a real PostgreSQL role whose password holds "/?#;" (percent-encoded
# in the URL that works, raw in one that does not).
#
# Usage: tests/integration/url-secrets.sh   (PRISMA_GATE=path/to/prisma-gate)

# shellcheck source=tests/integration/check-lib.sh
. "$(dirname "$0")/check-lib.sh"

R=$W/repo
new_repo "$R"
cd "$R" || exit 1

# leak_free NAME PIECE...: no output of run NAME (stdout, stderr, every
# report, the step summary, $GITHUB_OUTPUT) holds a PIECE outside an
# ::add-mask:: line
leak_free() {
	local name=$1 piece f hits
	shift
	for piece in "$@"; do
		hits=
		for f in "$W/$name".*; do
			if grep -F -- "$piece" "$f" | grep -qv '^::add-mask::'; then
				hits="$hits $(basename "$f")"
			fi
		done
		if [ -z "$hits" ]; then
			ok "$name: '$piece' appears in no output"
		else
			not_ok "$name: '$piece' printed in:$hits"
			for f in $hits; do grep -nF -- "$piece" "$W/$f" | sed 's/^/#   /' | head -n 3; done
		fi
	done
}

# ghrun NAME ARGS...: prisma-gate ARGS under GitHub Actions, with every report format
ghrun() {
	local name=$1
	shift
	: >"$W/$name.summary"
	: >"$W/$name.output"
	GITHUB_ACTIONS=true GITHUB_WORKSPACE=$R GITHUB_STEP_SUMMARY=$W/$name.summary \
		GITHUB_OUTPUT=$W/$name.output "$GATE" "$@" \
		--report "json=$W/$name.json" --report "junit=$W/$name.junit" \
		--report "sarif=$W/$name.sarif" --report "gitlab=$W/$name.gitlab" \
		--report "markdown=$W/$name.md" --report "text=$W/$name.txt" \
		>"$W/$name.out" 2>"$W/$name.err"
	RC=$?
	LAST_RUN=$name
}

# has_mask NAME VALUE: an "::add-mask::VALUE" line was printed (stdout or stderr)
has_mask() {
	local data=${2//%/%25} # workflow command data: '%' is written %25
	if cat "$W/$1.out" "$W/$1.err" | grep -qxF -- "::add-mask::$data"; then
		ok "$1: '$2' is registered as a mask"
	else
		not_ok "$1: no '::add-mask::$2' line"
		cat "$W/$1.out" "$W/$1.err" | grep '^::add-mask::' | sed 's/^/#   /' | head -n 8
	fi
}

# ------------------------------------------- unencoded '/', '?', '#', ';'
i=0
for pw in 'Hq7Lw2/Zx9Kc' 'Hq7Lw2?Zx9Kc' 'Hq7Lw2#Zx9Kc' 'Hq7Lw2;Zx9Kc/' 'Hq7Lw2/x?y#Zx9Kc'; do
	i=$((i + 1))
	url="postgresql://Uv3Nm8:$pw@db.example.com:5432/app?schema=public"
	export DATABASE_URL=$url SHADOW_DATABASE_URL=$url
	for cmd in status plan deploy detect check drift; do
		ghrun "$cmd$i" "$cmd"
		if [ "$cmd" = status ] || [ "$cmd" = plan ] || [ "$cmd" = deploy ] || [ "$cmd" = drift ]; then
			expect "$cmd, password $i: a usage error" 2 "$RC"
			expect_has "$cmd, password $i: says how to fix it" "$W/$cmd$i.err" "percent-encode them"
		fi
		leak_free "$cmd$i" Hq7Lw2 Zx9Kc Uv3Nm8
		has_mask "$cmd$i" "Uv3Nm8:$pw"
		has_mask "$cmd$i" "$pw"
	done
	# approve writes no report: its stderr, stdout, step summary and outputs
	: >"$W/approve$i.summary"
	: >"$W/approve$i.output"
	GITHUB_ACTIONS=true GITHUB_WORKSPACE=$R GITHUB_STEP_SUMMARY=$W/approve$i.summary \
		GITHUB_OUTPUT=$W/approve$i.output "$GATE" approve >"$W/approve$i.out" 2>"$W/approve$i.err"
	expect "approve, password $i: a usage error" 2 "$?"
	expect_has "approve, password $i: says how to fix it" "$W/approve$i.err" "percent-encode them"
	leak_free "approve$i" Hq7Lw2 Zx9Kc Uv3Nm8
	unset DATABASE_URL SHADOW_DATABASE_URL
	# detect reads every *DATABASE_URL variable: each is masked
	REPLICA_DATABASE_URL=$url ghrun "detect-replica$i" detect
	leak_free "detect-replica$i" Hq7Lw2 Zx9Kc Uv3Nm8
	has_mask "detect-replica$i" "$pw"
	# a health check URL with credentials
	ghrun "health$i" health --url "http://Uv3Nm8:$pw@127.0.0.1:9/health"
	expect "health, password $i: refused (usage error)" 2 "$RC"
	leak_free "health$i" Hq7Lw2 Zx9Kc Uv3Nm8
	has_mask "health$i" "$pw"
done

# ------------------------------------------- credentials written into the policy
i=0
for pw in 'Hq7Lw2/Zx9Kc' 'Hq7Lw2?Zx9Kc' 'Hq7Lw2#Zx9Kc'; do
	i=$((i + 1))
	printf 'version: 1\nhealth:\n  - name: api\n    url: https://Uv3Nm8:%s@api.example.com/health\n' "$pw" >prisma-gate.yml
	ghrun "policy$i" lint prisma/migrations
	expect "policy, '${pw:6:1}' in the password: an invalid policy (exit 2)" 2 "$RC"
	expect_has "policy, '${pw:6:1}': the error is at file:line" "$W/policy$i.err" \
		"prisma-gate.yml:4:10: error: this value holds credentials"
	leak_free "policy$i" Hq7Lw2 Zx9Kc
	rm prisma-gate.yml
done

# ------------------------------------------- a real role: /?#; in its password
PGDIR=$(mktemp -d "${TMPDIR:-/tmp}/gate-secrets-pg.XXXXXX")
trap 'pg_stop "$PGDIR"; rm -rf "$W"' EXIT
rc=0
pg_start "$PGDIR" "$W/pg-start.err" || rc=$?
if [ $rc -eq 77 ]; then
	rm -rf "$PGDIR"
	PGDIR=
	finish "PostgreSQL 15 server binaries not found: the connected cases"
fi
if [ $rc -ne 0 ]; then
	show "$W/pg-start.err"
	not_ok "start a PostgreSQL cluster (ci/pg.sh start)"
	finish
fi
PW='Rk4/Tz?Wm#Qa;Jp8'
ENC='Rk4%2FTz%3FWm%23Qa%3BJp8'
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "ALTER ROLE gate_pw PASSWORD '$PW'" >"$W/psql.out" 2>&1 ||
	{ show "$W/psql.out"; not_ok "set the role's password"; finish; }
"$ROOT/ci/pg.sh" createdb "$PGDIR" secrets gate_pw >/dev/null 2>"$W/createdb.err" ||
	{ show "$W/createdb.err"; not_ok "create the database"; finish; }
BASE="127.0.0.1:$PGPORT/secrets?schema=public"

export DATABASE_URL="postgresql://gate_pw:$ENC@$BASE"
ghrun pg-good status
expect "percent-encoded password: status connects (exit 0 or 1)" yes "$([ "$RC" -le 1 ] && echo yes || echo "no: $RC")"
leak_free pg-good Rk4 Jp8 "$ENC"
has_mask pg-good "$PW"
has_mask pg-good "$ENC"
has_mask pg-good "gate_pw:$ENC"

export DATABASE_URL="postgresql://gate_pw:$PW@$BASE"
for cmd in status plan detect; do
	ghrun "pg-raw-$cmd" "$cmd"
	leak_free "pg-raw-$cmd" Rk4 Jp8 Wm
	has_mask "pg-raw-$cmd" "$PW"
done

export DATABASE_URL="postgresql://gate_pw:${ENC}x@$BASE"
ghrun pg-wrong status
expect "a wrong password: the database is unavailable (exit 3)" 3 "$RC"
leak_free pg-wrong Rk4 Jp8
unset DATABASE_URL
finish
