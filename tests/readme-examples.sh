#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/readme-examples.sh - the README's example commands run as written.
# Every prisma-gate command the README shows is extracted:
#   - `$ prisma-gate ...` lines of a transcript block (the lines after one,
#     up to the next `$` line, are its output);
#   - lines of a code block that start with `prisma-gate ` or `VAR=value
#     prisma-gate ` (a trailing `\` continues the line), and `run:` steps
#     of a YAML block;
#   - inline code spans `prisma-gate ...` in the prose.
# Each runs in a fresh copy of the fixture project the README's first
# example shows (tests/golden/cli/data/project: prisma/migrations with
# 20240101000000_init and 20240102000000_add_name), with `prisma-gate` on
# PATH. The exit status shown next to a command is checked: a transcript's
# `$ echo $?` line and its output after the command, or `# exit N` after the
# command itself; without one the command must be evaluated, exit 0 or 1 (not a
# usage or policy error, 2, nor an unreadable input, 3). A transcript's
# output is compared with the real one, stdout and stderr, unless it elides
# lines with `...`.
# Not run, with the reason printed: synopses (`[options]`), placeholders
# (an argument in capitals such as RULE), and the commands that need a
# database (status, detect, plan, approve, deploy), a git repository and a CI
# base (check) or a running HTTP service (health).
# Ends with "N passed, N failed" (tests/lib.sh).
set -u
LC_ALL=C
export LC_ALL
NO_COLOR=1
export NO_COLOR
unset GITHUB_ACTIONS GITHUB_STEP_SUMMARY GITHUB_OUTPUT GITLAB_CI
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
PG=${PRISMA_GATE:-$ROOT/prisma-gate}
FIXTURE=$ROOT/tests/golden/cli/data/project
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

if ! command -v python3 >/dev/null 2>&1; then
	skip_all "python3 (reads the README) is not installed"
fi

# prisma-gate on PATH, as a user has it
mkdir -p "$tmp/bin"
printf '#!/bin/sh\nexec "%s" "$@"\n' "$PG" >"$tmp/bin/prisma-gate"
chmod +x "$tmp/bin/prisma-gate"

# the examples: $tmp/ex/N.cmd (the command), N.line (README line), N.skip
# (why it is not run), N.exit (the status written next to it), N.out (the
# transcript's output)
cat >"$tmp/extract.py" <<'EOF'
import os, re, sys
readme, out = sys.argv[1], sys.argv[2]
os.makedirs(out)
lines = open(readme, encoding="utf-8").read().split("\n")
found = []  # (line, command, transcript output, exit status shown by echo $?)

def command_line(text):
    """the prisma-gate command in a line of a code block, or None"""
    m = re.match(r"^\s*(?:- )?run:\s*(prisma-gate .*)$", text)
    if m:
        return m.group(1)
    if re.match(r"^(?:[A-Z_][A-Z0-9_]*=\S*\s+)*prisma-gate(?:\s|$)", text):
        return text
    return None

i = 0
while i < len(lines):
    m = re.match(r"^```(\w*)\s*$", lines[i])
    if not m:
        for span in re.findall(r"`(prisma-gate(?: [^`]*)?)`", lines[i]):
            found.append((i + 1, span, None, None))
        i += 1
        continue
    lang = m.group(1)
    j = i + 1
    block = []
    while j < len(lines) and not lines[j].startswith("```"):
        block.append((j + 1, lines[j]))
        j += 1
    i = j + 1
    if lang == "sql":
        continue
    k = 0
    while k < len(block):
        no, text = block[k]
        k += 1
        if text.startswith("$ "):
            cmd = text[2:]
            output = []
            while k < len(block) and not block[k][1].startswith("$ "):
                output.append(block[k][1])
                k += 1
            if cmd.strip() == "echo $?" and found and found[-1][3] is None and \
                    len(output) == 1 and output[0].strip().isdigit():
                found[-1] = found[-1][:3] + (output[0].strip(),)
            elif re.search(r"(^|[\s=(])prisma-gate\b", cmd):
                found.append((no, cmd, output, None))
            continue
        if lang == "yaml" and not re.match(r"^\s*(?:- )?run:", text):
            continue
        cmd = command_line(text)
        if cmd is None:
            continue
        while cmd.endswith("\\") and k < len(block):
            cmd = cmd[:-1] + " " + block[k][1].strip()
            k += 1
        found.append((no, cmd, None, None))

OFFLINE = {"lint", "rules", "explain", "help", "init", "targets"}
NEEDS = {
    "summary": "needs the JSON reports of other runs",
    "status": "needs a database (the target's _prisma_migrations)",
    "detect": "needs a database (the target's setup)",
    "plan": "needs a database (the pending migrations and the live tables)",
    "approve": "needs a database (the plan it signs)",
    "deploy": "needs a database and the Prisma CLI",
    "check": "needs a git repository and a CI base (GITHUB_BASE_REF or --base)",
    "health": "needs a running HTTP service",
}
VALUE_OPTS = {"-p", "--policy", "-t", "--target", "-C", "-f", "--format", "--report"}
for n, (no, cmd, output, shown) in enumerate(found):
    base = os.path.join(out, "%03d" % n)
    words = re.sub(r"\s+#.*$", "", cmd).split()
    at = next((w for w, x in enumerate(words) if x.endswith("prisma-gate")), 0)
    args = words[at + 1:]
    sub, skip_next = None, False
    for a in args:
        if skip_next:
            skip_next = False
            continue
        if a.startswith("-"):
            skip_next = a in VALUE_OPTS
            continue
        sub = a.rstrip(")")
        break
    skip = None
    if any(re.search(r"[\[\]<>|]|\.\.\.", a) for a in args):
        skip = "a synopsis, not a command"
    elif any(re.fullmatch(r"[A-Z][A-Z_]*", a) for a in args):
        skip = "a placeholder (%s)" % next(a for a in args if re.fullmatch(r"[A-Z][A-Z_]*", a))
    elif sub in NEEDS:
        skip = NEEDS[sub]
    elif sub is not None and sub not in OFFLINE:
        skip = "not a command prisma-gate knows offline (%s)" % sub
    with open(base + ".cmd", "w", encoding="utf-8") as f:
        f.write(cmd + "\n")
    with open(base + ".line", "w") as f:
        f.write("%d\n" % no)
    if skip:
        with open(base + ".skip", "w") as f:
            f.write(skip + "\n")
        continue
    m = re.search(r"#\s*exit(?: status)? ([0-9]+)\b", cmd)
    if m:
        shown = m.group(1)
    if shown is not None:
        with open(base + ".exit", "w") as f:
            f.write(shown + "\n")
    if output and not any(re.fullmatch(r"\s*\.\.\.\s*", l) for l in output):
        with open(base + ".out", "w", encoding="utf-8") as f:
            f.write("\n".join(output) + "\n")
EOF
if ! python3 "$tmp/extract.py" README.md "$tmp/ex"; then
	not_ok "the README's examples could be extracted"
	finish
fi
n=$(find "$tmp/ex" -name '*.cmd' | wc -l)
check "the README shows prisma-gate commands ($n)" test "$n" -gt 0

ran=0
for c in "$tmp"/ex/*.cmd; do
	b=${c%.cmd}
	cmd=$(cat "$c")
	line=$(cat "$b.line")
	if [ -f "$b.skip" ]; then
		echo "# skip README.md:$line: $cmd: $(cat "$b.skip")"
		continue
	fi
	ran=$((ran + 1))
	rm -rf "$tmp/project"
	cp -R "$FIXTURE" "$tmp/project"
	(cd "$tmp/project" && PATH=$tmp/bin:$PATH eval "$cmd") >"$tmp/out" 2>"$tmp/err" </dev/null
	status=$?
	what="README.md:$line: $cmd"
	if [ -f "$b.exit" ]; then
		expect "$what: exit status" "$(cat "$b.exit")" "$status"
	elif [ "$status" = 0 ] || [ "$status" = 1 ]; then
		ok "$what: evaluated (exit $status)"
	else
		not_ok "$what: exit status $status"
		show "$tmp/err"
	fi
	if [ -f "$b.out" ]; then
		cat "$tmp/out" "$tmp/err" >"$tmp/both"
		if diff -u "$b.out" "$tmp/both" >"$tmp/diff"; then
			ok "$what: prints what the README shows"
		else
			not_ok "$what: prints something else than the README shows"
			show "$tmp/diff"
		fi
	fi
	if grep -q 'Sanitizer\|runtime error:' "$tmp/err"; then
		not_ok "$what: sanitizer report"
		show "$tmp/err"
	fi
done
check "some README examples run offline ($ran)" test "$ran" -gt 0

finish
