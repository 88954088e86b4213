#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/rule-examples.sh - every rule's documented examples behave as
# documented. Each rule descriptor (src/lint/rules/*.c) carries a "Flagged"
# and a "Safe" example, which `prisma-gate explain RULE --format json` prints
# as example_bad and example_good and docs/rules.md shows. For every rule
# `prisma-gate rules` lists:
#   - both examples exist;
#   - the bad example, linted, fires the rule (a finding not suppressed);
#   - the good example, linted, does not (a suppressed finding is allowed:
#     a documented suppression is a safe way);
#   - neither is a syntax error (but syntax-error's own bad example), so a
#     good example cannot pass by not parsing.
# How an example is linted: as the migrations folder a user would have. A
# line "-- next migration" or "-- migration N" starts a new migration
# (history replayed, so the later one sees the tables of the earlier one);
# bytes are written <XX> or <XX XX ...> in hex (invalid-utf8, utf8-bom). A
# rule off by default is linted with a policy that turns it on.
# Ends with "N passed, N failed" (tests/lib.sh).
set -u
LC_ALL=C
export LC_ALL
NO_COLOR=1
export NO_COLOR
unset GITHUB_ACTIONS GITLAB_CI
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
PG=${PRISMA_GATE:-$ROOT/prisma-gate}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

if ! command -v python3 >/dev/null 2>&1; then
	skip_all "python3 (reads the JSON) is not installed"
fi

"$PG" rules --format json >"$tmp/rules.json" 2>"$tmp/err" || {
	not_ok "rules --format json"
	show "$tmp/err"
	finish
}
python3 -c '
import json, sys
for r in json.load(open(sys.argv[1])):
    print(r["rule"], "true" if r["default_on"] else "false")
' "$tmp/rules.json" >"$tmp/rules" || not_ok "rules --format json is a list of rules"
check "prisma-gate rules lists rules" test -s "$tmp/rules"

while read -r rule default_on; do
	mkdir -p "$tmp/$rule"
	if ! "$PG" explain "$rule" --format json >"$tmp/$rule/explain.json" 2>"$tmp/err"; then
		not_ok "$rule: explain --format json"
		show "$tmp/err"
		continue
	fi
	printf 'version: 1\n' >"$tmp/$rule/policy.yml"
	if [ "$default_on" = false ]; then
		printf 'lint:\n  rules:\n    %s: on\n' "$rule" >>"$tmp/$rule/policy.yml"
	fi
done <"$tmp/rules"

# every example as a migrations folder: $tmp/RULE/KIND/migrations; prints
# "RULE KIND" for each example that exists
cat >"$tmp/examples.py" <<'EOF'
import json, os, re, sys
tmp = sys.argv[1]
def raw(text):
    return re.sub(r"<([0-9A-F]{2}(?: [0-9A-F]{2})*)>",
                  lambda m: "".join(chr(int(b, 16)) for b in m.group(1).split()),
                  text).encode("latin-1")
for line in sys.stdin:
    rule = line.split()[0]
    try:
        with open(os.path.join(tmp, rule, "explain.json"), encoding="utf-8") as f:
            desc = json.load(f)
    except (OSError, ValueError):
        continue
    for kind in ("bad", "good"):
        sql = desc.get("example_" + kind)
        if not sql:
            continue
        parts, cur = [], []
        for l in sql.split("\n"):
            if re.fullmatch(r"-- (next migration|migration [0-9]+)", l):
                parts.append(cur)
                cur = []
            else:
                cur.append(l)
        parts.append(cur)
        parts = [p for p in parts if any(l.strip() for l in p)] or [[]]
        for i, p in enumerate(parts):
            d = os.path.join(tmp, rule, kind, "migrations", "2024010%d000000_example" % (i + 1))
            os.makedirs(d)
            text = "\n".join(p).encode("utf-8").decode("latin-1")
            with open(os.path.join(d, "migration.sql"), "wb") as f:
                f.write(raw(text) + b"\n")
        print(rule, kind)
EOF
python3 "$tmp/examples.py" "$tmp" <"$tmp/rules" >"$tmp/examples"

# lint each: $tmp/RULE/KIND.json, KIND.err, KIND.status
while read -r rule kind; do
	"$PG" -p "$tmp/$rule/policy.yml" lint --format json "$tmp/$rule/$kind/migrations" \
		>"$tmp/$rule/$kind.json" 2>"$tmp/$rule/$kind.err"
	echo $? >"$tmp/$rule/$kind.status"
done <"$tmp/examples"

# "RULE KIND FIRED SYNTAX": findings of RULE not suppressed, syntax errors
# (- - when the report is not JSON)
cat >"$tmp/counts.py" <<'EOF'
import json, os, sys
tmp = sys.argv[1]
for line in sys.stdin:
    rule, kind = line.split()
    try:
        with open(os.path.join(tmp, rule, kind + ".json"), encoding="utf-8") as f:
            report = json.load(f)
    except (OSError, ValueError):
        print(rule, kind, "-", "-")
        continue
    fs = [x for m in report.get("migrations", []) for x in m.get("findings", [])]
    print(rule, kind,
          sum(1 for x in fs if x["rule"] == rule and not x["suppressed"]),
          sum(1 for x in fs if x["rule"] == "syntax-error"))
EOF
python3 "$tmp/counts.py" "$tmp" <"$tmp/examples" >"$tmp/counts"

while read -r rule default_on; do
	[ -f "$tmp/$rule/explain.json" ] || continue
	for kind in bad good; do
		c=$(grep "^$rule $kind " "$tmp/counts")
		if [ -z "$c" ]; then
			not_ok "$rule: documents a $kind example"
			continue
		fi
		read -r _ _ n syntax <<<"$c"
		status=$(cat "$tmp/$rule/$kind.status")
		if [ "$status" != 0 ] && [ "$status" != 1 ] || [ "$n" = - ]; then
			not_ok "$rule: lint of the $kind example exits $status"
			show "$tmp/$rule/$kind.err"
			continue
		fi
		if [ "$kind" = bad ]; then
			if [ "$n" -gt 0 ]; then ok "$rule: the bad example fires it"; else
				not_ok "$rule: the bad example does not fire it"
				show "$tmp/$rule/$kind.json"
			fi
		else
			if [ "$n" = 0 ]; then ok "$rule: the good example does not fire it"; else
				not_ok "$rule: the good example fires it"
				show "$tmp/$rule/$kind.json"
			fi
		fi
		if [ "$rule" != syntax-error ] || [ "$kind" = good ]; then
			expect "$rule: the $kind example parses" 0 "$syntax"
		fi
	done
done <"$tmp/rules"

finish
