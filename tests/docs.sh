#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/docs.sh - the command-line reference and the documentation stand
# on their own: every command has a help page (`help CMD` and `CMD --help`
# print the same), every long option of the parser is documented in the
# man page, the man page renders without a groff warning, `make install`
# puts the binary, the man page and docs/ under DESTDIR, and README.md and
# docs/ link to nothing outside the repository.
# Ends with "N passed, N failed" (tests/lib.sh).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
PG=${PRISMA_GATE:-$ROOT/prisma-gate}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# every command in the overview has a page, the same both ways
cmds=$("$PG" --help | sed -n '/^commands:/,/^$/p' | sed -n 's/^  \([a-z][a-z]*\) .*/\1/p')
check "--help lists the commands" test -n "$cmds"
for c in $cmds; do
    if "$PG" help "$c" >"$tmp/a" 2>"$tmp/ae" && [ -s "$tmp/a" ] && [ ! -s "$tmp/ae" ]; then ok "help $c prints its page"; else not_ok "help $c prints its page"; fi
    if [ "$c" != help ]; then
        "$PG" "$c" --help >"$tmp/b" 2>&1
        if cmp -s "$tmp/a" "$tmp/b"; then ok "$c --help is help $c"; else not_ok "$c --help differs from help $c"; fi
    fi
    check "help $c lists exit statuses" grep -q "^exit status:" "$tmp/a"
done

# the man page: every command and every long option of the parser
"$PG" help --man >"$tmp/pg.1" || not_ok "help --man"
for c in $cmds; do
    check "the man page has command $c" grep -q "^\.SS $c\b" "$tmp/pg.1"
done
opts=$(sed -n 's/^ *{"\([a-z-]*\)", [a-z_]*_argument.*/\1/p' src/cli.c)
check "src/cli.c has long options" test -n "$opts"
for o in $opts; do
    esc=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
    grep -q "\\\\-\\\\-$esc\b" "$tmp/pg.1" && ok "the man page has --$o" || not_ok "the man page lacks --$o"
done
if command -v groff >/dev/null 2>&1; then
    if groff -man -ww -z "$tmp/pg.1" 2>"$tmp/groff.err" && [ ! -s "$tmp/groff.err" ]; then ok "groff renders the man page without a warning"; else
        not_ok "groff warns on the man page"; sed 's/^/#   /' "$tmp/groff.err"
    fi
else
    echo "# groff not installed: the man page's rendering is not checked"
fi

# make install: binary, man page, docs
if make -s install DESTDIR="$tmp/root" PREFIX=/usr >"$tmp/install.out" 2>&1; then ok "make install"; else
    not_ok "make install"; sed 's/^/#   /' "$tmp/install.out"
fi
for f in usr/bin/prisma-gate usr/share/man/man1/prisma-gate.1 usr/share/doc/prisma-gate/policy.md \
    usr/share/doc/prisma-gate/rules.md usr/share/doc/prisma-gate/report.schema.json \
    usr/share/doc/prisma-gate/README.md; do
    check "make install installs /$f" test -s "$tmp/root/$f"
done

# README.md and docs/ never point outside the repository
if grep -rn -e 'shared/docs' -e '\.\./shared' -e 'design\.md' -e 'prisma-semantics' \
    -e 'ci-conventions' -e 'c-style\.md' -e 'prisma-cli\.md' -e 'lint-rules-landscape' README.md docs >"$tmp/ext" 2>/dev/null &&
    grep -v 'BENCH_CORPUS\|shared/corpus' "$tmp/ext" | grep -q .; then
    not_ok "README/docs cite notes outside the repository:"
    grep -v 'BENCH_CORPUS\|shared/corpus' "$tmp/ext" | sed 's/^/#   /'
else
    ok "README and docs/ cite no notes outside the repository"
fi
# nor do the code's and the tests' comments (the design notes are not in a clone)
if grep -rn -e 'shared/docs' -e '\.\./shared/[a-z-]*\.md' -e 'design\.md' -e 'prisma-semantics' \
    -e 'ci-conventions' -e 'c-style\.md' -e 'prisma-cli\.md' -e 'lint-rules-landscape' \
    src include Makefile tests/README.md tests/*.sh tests/integration tests/unit tests/tools \
    2>/dev/null | grep -v '^tests/docs\.sh:' >"$tmp/ext2"; then
    not_ok "source or test comments cite notes outside the repository:"
    sed 's/^/#   /' "$tmp/ext2"
else
    ok "source and test comments cite no notes outside the repository"
fi
# the docs name the formats of the format table (src/report/formats.c), which the help prints
help1=$("$PG" --help | tr '\n' ' ' | sed 's/  */ /g')
fmts=$(printf '%s\n' "$help1" | sed -n 's/.*--format FORMAT \(.*\) (stdout carries only this).*/\1/p' | tr -d ' ')
files=$(printf '%s\n' "$help1" | sed -n 's/.*also write a report file: \(.*\) (repeatable;.*/\1/p' | sed 's/ or /, /; s/,//g')
check "--help lists the formats" test -n "$fmts" -a -n "$files"
if [ "$(sed -n 's/^ *-f\/--format //p' README.md)" = "$fmts" ]; then
    ok "README's -f/--format list is the format table's"
else
    not_ok "README's -f/--format list differs from --help's: $fmts"
fi
keys=$(sed -n '/^| key | default | format |/,/^$/p' docs/policy.md | sed -n 's/^| `\([a-z]*\)` |.*/\1/p' | tr '\n' ' ')
if [ "$keys" = "$files github " ]; then
    ok "docs/policy.md's reports: keys are the format table's"
else
    not_ok "docs/policy.md's reports: keys ($keys) differ from the format table's ($files github)"
fi

# every relative Markdown link resolves inside the repository
root=$(pwd -P)
for f in README.md $(find docs -name '*.md'); do
    dir=$(dirname "$f")
    grep -o '](\([^)#]*\)[)#]' "$f" | sed 's/^](//; s/[)#]$//' | while read -r l; do
        case $l in http://* | https://* | mailto:* | '') continue ;; esac
        t=$(cd "$dir" && realpath -m "$l")
        case $t in "$root"/*) ;; *) echo "$f: $l leaves the repository" ;; esac
        [ -e "$t" ] || echo "$f: $l does not exist"
    done
done >"$tmp/links"
if [ -s "$tmp/links" ]; then
    not_ok "broken or external links:"
    sed 's/^/#   /' "$tmp/links"
else
    ok "every relative link resolves inside the repository"
fi

finish
