#!/bin/bash
# tests/integration/sarif-validate.sh — validate prisma-gate's SARIF output
# against the real SARIF 2.1.0 schema with Microsoft's SARIF Multitool
# (`validate` verb), pinned in tests/sarif/package-lock.json.
#
# Each SARIF file is one test: any error-level result is a failure; warnings
# and notes are printed but pass, except SARIF2005 (no informationUri: the
# build sets it from PROJECT_URL). The multitool exits 0 even when it reports
# errors, so its output log is parsed. It also silently accepts some schema
# violations (an unknown result "level" or "kind" enum value), so when python3
# has `jsonschema`, each file is also checked against the schema file shipped
# in the multitool package. Two deliberately broken files prove the checks
# can fail.
#
# Usage: PRISMA_GATE=path/to/prisma-gate tests/integration/sarif-validate.sh
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
PRISMA_GATE=${PRISMA_GATE:-./prisma-gate}
W=$(mktemp -d "${TMPDIR:-/tmp}/sarif-validate.XXXXXX") || exit 1
cleanup() { rm -rf "$W"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

pass=0
fail=0
skip() { echo "0 passed, 0 failed (skipped: $*)"; exit 0; }

# ------------------------------------------------------------ the multitool
command -v node >/dev/null 2>&1 || skip "node not found"
command -v npm >/dev/null 2>&1 || skip "npm not found"
if [ ! -d tests/sarif/node_modules/@microsoft/sarif-multitool ]; then
	if ! (cd tests/sarif && npm ci --ignore-scripts --prefer-offline \
		--no-audit --no-fund) >"$W/npm.log" 2>&1; then
		skip "npm ci failed: $(grep -m1 -i 'err' "$W/npm.log" || tail -n1 "$W/npm.log")"
	fi
fi
# the package resolves to its per-platform native build (linux/darwin/win32)
MT=$(cd tests/sarif && node -p "require('@microsoft/sarif-multitool')" 2>/dev/null) ||
	skip "no SARIF Multitool build for $(uname -s)/$(uname -m)"
[ -f "$MT" ] || skip "multitool binary missing: $MT"
# --ignore-scripts skipped the package's postinstall (`chmod u+x`)
[ -x "$MT" ] || chmod u+x "$MT" 2>/dev/null || skip "cannot make $MT executable"
# a self-contained .NET app: do not require libicu on the runner
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
MT_VERSION=$("$MT" --version 2>&1 | grep -m1 'Multitool') ||
	skip "the multitool cannot run here ($(uname -s)/$(uname -m))"
SCHEMA=$(dirname "$MT")/sarif-2.1.0.json
HAVE_JSONSCHEMA=0
if [ -f "$SCHEMA" ] && python3 -c 'import jsonschema' 2>/dev/null; then
	HAVE_JSONSCHEMA=1
fi
echo "using $MT_VERSION (jsonschema cross-check: $([ $HAVE_JSONSCHEMA = 1 ] && echo yes || echo 'no, python3 jsonschema missing'))"

# is_valid FILE: 0 when the multitool (and jsonschema, if present) report no
# error; prints every error, warning and note.
is_valid() {
	local f=$1 out=$W/validate.sarif log=$W/validate.log rc bad=0
	rm -f "$out"
	"$MT" validate "$f" --output "$out" --log ForceOverwrite >"$log" 2>&1
	rc=$?
	grep -E ': (error|warning|note) [A-Z]+[0-9]+:' "$log" | sed 's/^/    /'
	if [ "$rc" != 0 ] || [ ! -s "$out" ]; then
		echo "    multitool failed (exit $rc):"
		sed 's/^/    | /' "$log" | head -n 20
		return 1
	fi
	# SARIF2005: the tool has no informationUri (the build sets PROJECT_URL)
	if grep -q ': warning SARIF2005:' "$log"; then
		echo "    tool.driver.informationUri is missing"
		bad=1
	fi
	# SARIF2017: a location without a region (GitHub code scanning requires
	# region.startLine): a whole-file result says line 1
	if grep -q ': warning SARIF2017:' "$log"; then
		echo "    a result's physicalLocation has no region"
		bad=1
	fi
	# error-level results, failed invocations, error notifications
	node -e '
		const log = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		let n = 0;
		for (const run of log.runs || []) {
			for (const r of run.results || []) if (r.level === "error") n++;
			for (const inv of run.invocations || []) {
				if (inv.executionSuccessful === false) n++;
				for (const t of (inv.toolExecutionNotifications || []).concat(inv.toolConfigurationNotifications || []))
					if ((t.level || "warning") === "error") { n++; console.log("    tool error: " + JSON.stringify(t.message)); }
			}
		}
		process.exit(n ? 1 : 0);' "$out" || bad=1
	if [ "$HAVE_JSONSCHEMA" = 1 ]; then
		python3 - "$SCHEMA" "$f" <<'EOF' || bad=1
import json, sys, jsonschema
schema = json.load(open(sys.argv[1], encoding="utf-8"))
doc = json.load(open(sys.argv[2], encoding="utf-8"))
errs = list(jsonschema.validators.validator_for(schema)(schema).iter_errors(doc))
for e in errs[:10]:
    print("    jsonschema error: %s at /%s" % (e.message[:200], "/".join(map(str, e.absolute_path))))
sys.exit(1 if errs else 0)
EOF
	fi
	return $bad
}

check() { # check NAME FILE
	if is_valid "$2" >"$W/check.log"; then
		echo "ok   $1"; pass=$((pass + 1))
	else
		echo "FAIL $1: not valid SARIF 2.1.0"; fail=$((fail + 1))
	fi
	sed "s#$W/##" "$W/check.log"
}

# gate NAME ARGS...: run prisma-gate, validate its stdout
gate() {
	local name=$1 rc
	shift
	"$PRISMA_GATE" "$@" >"$W/out.sarif" 2>"$W/err"
	rc=$?
	if [ "$rc" -ge 128 ] || [ ! -s "$W/out.sarif" ]; then
		echo "FAIL $name: prisma-gate exit $rc, no SARIF on stdout"
		sed 's/^/    | /' "$W/err" | head -n 10
		fail=$((fail + 1))
		return
	fi
	check "$name" "$W/out.sarif"
}

# ------------------------------------------------- the checks can fail
# (version "2.0.0" is caught by the multitool; level "fatal" is not, only by
# the jsonschema cross-check)
broken() { # broken NAME SED-EXPR
	"$PRISMA_GATE" lint --format sarif tests/golden/sql/2810-prisma-warning-matched.sql \
		2>/dev/null | sed "$2" >"$W/broken.sarif"
	if is_valid "$W/broken.sarif" >"$W/broken.log"; then
		echo "FAIL self-check $1: a broken SARIF file was accepted"
		fail=$((fail + 1))
	else
		echo "ok   self-check $1: rejected as expected"
		grep -E 'error' "$W/broken.log" | sed "s#$W/##" | head -n 3
		pass=$((pass + 1))
	fi
}
broken 'version "2.0.0"' '0,/"version": "2.1.0"/s//"version": "2.0.0"/'
if [ "$HAVE_JSONSCHEMA" = 1 ]; then
	broken 'level "fatal"' '0,/"level": "[a-z]*"/s//"level": "fatal"/'
fi

# ------------------------------------------------- prisma-gate's SARIF
gate sql/2810-prisma-warning-matched lint --format sarif tests/golden/sql/2810-prisma-warning-matched.sql
gate cli/data/mixed.sql lint --format sarif tests/golden/cli/data/mixed.sql
gate sql/2814-syntax-error-crlf-utf8 lint --format sarif tests/golden/sql/2814-syntax-error-crlf-utf8.sql
gate sql/whole-dir lint --format sarif tests/golden/sql

# check's repository findings name a file but no line (an edited migration,
# a schema change without a migration, a missing migration_lock.toml)
R=$W/repo
mkdir -p "$R/prisma/migrations/20240101000000_init"
printf 'CREATE TABLE "T" ("id" BIGINT);\n' >"$R/prisma/migrations/20240101000000_init/migration.sql"
printf 'provider = "postgresql"\n' >"$R/prisma/migrations/migration_lock.toml"
printf 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\nmodel T {\n  id BigInt @id\n}\n' \
	>"$R/prisma/schema.prisma"
(
	cd "$R" && git init -q && git add -A &&
		git -c user.email=t@t -c user.name=t commit -qm init && git checkout -qb change &&
		printf -- '-- edited\n' >>prisma/migrations/20240101000000_init/migration.sql &&
		rm prisma/migrations/migration_lock.toml &&
		printf 'model U {\n  id BigInt @id\n}\n' >>prisma/schema.prisma && git add -A &&
		git -c user.email=t@t -c user.name=t commit -qm change
) >/dev/null 2>&1
gate check/whole-file-results -C "$R" check --base HEAD~1 --format sarif

# every report golden case that writes SARIF, re-run as recorded in its .cmd
for cmd in tests/golden/report/*.cmd; do
	line=$(cat "$cmd")
	name=report/$(basename "$cmd" .cmd)
	case $line in
	*"--format sarif"*)
		eval "set -- $line"
		gate "$name" "$@"
		;;
	*"--report sarif="*)
		# write the report files into $W, not tests/out
		line=${line//tests\/out\//$W\/out\/}
		mkdir -p "$W/out"
		eval "set -- $line"
		"$PRISMA_GATE" "$@" >/dev/null 2>"$W/err"
		for a in "$@"; do
			case $a in sarif=*) sarif=${a#sarif=} ;; esac
		done
		if [ -s "$sarif" ]; then
			check "$name (--report sarif)" "$sarif"
		else
			echo "FAIL $name: no SARIF report written to $sarif"
			sed 's/^/    | /' "$W/err" | head -n 10
			fail=$((fail + 1))
		fi
		;;
	esac
done

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
