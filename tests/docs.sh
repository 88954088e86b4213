#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/docs.sh - the command-line reference and the documentation stand
# on their own: every command has a help page (`help CMD` and `CMD --help`
# print the same), every long option of the parser is documented in the
# man page, the man page renders without a groff warning, `make install`
# puts the binary, the man page and docs/ under DESTDIR, and README.md and
# docs/ link to nothing outside the repository.
# Last line: "docs: N passed, M failed".
set -u
cd "$(dirname "$0")/.." || exit 2
PG=${PRISMA_GATE:-$(pwd)/prisma-gate}
pass=0
fail=0
ok() { pass=$((pass + 1)); }
not_ok() { fail=$((fail + 1)); echo "not ok: $1"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# every command in the overview has a page, the same both ways
cmds=$("$PG" --help | sed -n '/^commands:/,/^$/p' | sed -n 's/^  \([a-z][a-z]*\) .*/\1/p')
[ -n "$cmds" ] && ok || not_ok "no commands in --help"
for c in $cmds; do
    if "$PG" help "$c" >"$tmp/a" 2>"$tmp/ae" && [ -s "$tmp/a" ] && [ ! -s "$tmp/ae" ]; then ok; else not_ok "help $c"; fi
    if [ "$c" != help ]; then
        "$PG" "$c" --help >"$tmp/b" 2>&1
        if cmp -s "$tmp/a" "$tmp/b"; then ok; else not_ok "$c --help differs from help $c"; fi
    fi
    grep -q "^exit status:" "$tmp/a" && ok || not_ok "help $c has no exit statuses"
done

# the man page: every command and every long option of the parser
"$PG" help --man >"$tmp/pg.1" || not_ok "help --man"
for c in $cmds; do
    grep -q "^\.SS $c\b" "$tmp/pg.1" && ok || not_ok "man page lacks command $c"
done
opts=$(sed -n 's/^ *{"\([a-z-]*\)", [a-z_]*_argument.*/\1/p' src/cli.c)
[ -n "$opts" ] && ok || not_ok "no long options found in src/cli.c"
for o in $opts; do
    esc=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
    grep -q "\\\\-\\\\-$esc\b" "$tmp/pg.1" && ok || not_ok "man page lacks --$o"
done
if command -v groff >/dev/null 2>&1; then
    if groff -man -ww -z "$tmp/pg.1" 2>"$tmp/groff.err" && [ ! -s "$tmp/groff.err" ]; then ok; else
        not_ok "groff warns on the man page"; sed 's/^/#   /' "$tmp/groff.err"
    fi
else
    echo "# groff not installed: the man page's rendering is not checked"
fi

# make install: binary, man page, docs
if make -s install DESTDIR="$tmp/root" PREFIX=/usr >"$tmp/install.out" 2>&1; then ok; else
    not_ok "make install"; sed 's/^/#   /' "$tmp/install.out"
fi
for f in usr/bin/prisma-gate usr/share/man/man1/prisma-gate.1 usr/share/doc/prisma-gate/policy.md \
    usr/share/doc/prisma-gate/rules.md usr/share/doc/prisma-gate/report.schema.json \
    usr/share/doc/prisma-gate/README.md; do
    [ -s "$tmp/root/$f" ] && ok || not_ok "make install did not install /$f"
done

# README.md and docs/ never point outside the repository
if grep -rn -e 'shared/docs' -e '\.\./shared' -e 'design\.md' -e 'prisma-semantics' \
    -e 'ci-conventions' -e 'c-style\.md' -e 'prisma-cli\.md' README.md docs >"$tmp/ext" 2>/dev/null &&
    grep -v 'BENCH_CORPUS\|shared/corpus' "$tmp/ext" | grep -q .; then
    not_ok "README/docs cite notes outside the repository:"; grep -v 'BENCH_CORPUS\|shared/corpus' "$tmp/ext" | sed 's/^/#   /'
else
    ok
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
if [ -s "$tmp/links" ]; then not_ok "broken or external links:"; sed 's/^/#   /' "$tmp/links"; else ok; fi

echo "docs: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
