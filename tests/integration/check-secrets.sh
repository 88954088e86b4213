#!/bin/bash
# tests/integration/check-secrets.sh — the committed-secrets check: tracked
# .env*, YAML, JSON, TOML and shell files holding a database URL with a
# password fail with file:line, and the secret itself appears in no output:
# text, JSON, stderr, verbose. Placeholders, interpolations and local
# development URLs pass; untracked (git-ignored) .env files are not read.
#
# Usage: tests/integration/check-secrets.sh   (PRISMA_GATE=path/to/prisma-gate)

# shellcheck source=tests/integration/check-lib.sh
. "$(dirname "$0")/check-lib.sh"

S1='Zq8-prod-Pw-7731'
S2='k9LmN0pQ2rS4tU'
S3='eyJhbGciOiJIUzI1NiJ9.secret-api-key-77'
S4='Hunter2-but-longer-99'
S5='Tr0ub4dor-and-3'

R=$W/repo
new_repo "$R"
cd "$R" || exit 1
# a change to check: on main itself the base would be HEAD (check-base-head.sh)
git checkout -q -b feature

# ------------------------------------------------------------ nothing secret
mkdir -p deploy scripts .github/workflows
cat >deploy/docker-compose.yml <<'EOF'
services:
  app:
    environment:
      DATABASE_URL: postgresql://postgres:postgres@localhost:5432/app
      OTHER_URL: "postgresql://app:${DB_PASSWORD}@db:5432/app"
      THIRD: postgresql://app:<password>@db.example.com/app
EOF
cat >.github/workflows/ci.yml <<'EOF'
env:
  DATABASE_URL: postgresql://ci:realLookingPw1@127.0.0.1:5432/test
  NO_PASSWORD: postgresql://readonly@db.example.com:5432/app
EOF
printf '{"db": "postgresql://user:password@db.example.com/app"}\n' >config.json
commit_all . "placeholders only"
gate clean check --format json
expect "placeholders, interpolation, localhost, no password: passes" pass "$(statuses clean git.committed-secrets)"
expect "clean: exit 0" 0 "$RC"
# an ignored, untracked .env is how it should be: not read
printf 'DATABASE_URL="postgresql://app:%s@db.internal.example.com:5432/prod"\n' "$S1" >.env
gate ignored check --format json
expect "a git-ignored .env is not a committed secret" pass "$(statuses ignored git.committed-secrets)"
never_echoed "$S1" ignored

# ------------------------------------------------------------ secrets
git add -f .env
printf 'db:\n  url: "postgres://svc:%s@pg.example.net:6543/main?sslmode=require"\n' "$S2" >deploy/values.yaml
printf '{\n  "datasource": "prisma+postgres://accelerate.prisma-data.net/?api_key=%s"\n}\n' "$S3" >settings.json
printf '[database]\nurl = "postgresql://db.example.org/app?user=app&password=%s"\n' "$S4" >config.toml
printf '#!/bin/sh\nexport DATABASE_URL=postgresql://admin:%s@10.1.2.3/prod\nexec node server.js\n' "$S5" >scripts/start.sh
commit_all . "oops"
gate leak check --format json
expect "committed secrets: exit 1" 1 "$RC"
expect "committed secrets: one failure per URL" "fail fail fail fail fail" "$(statuses leak git.committed-secrets)"
expect "paths and lines" ".env:1 config.toml:2 deploy/values.yaml:2 scripts/start.sh:2 settings.json:2" \
	"$(jget "$W/leak.out" "r.checks.filter(c => c.id === 'git.committed-secrets').map(c => c.path + ':' + c.line).sort().join(' ')")"
expect_has "masked URL in the message" "$W/leak.out" "postgresql://app:****@db.internal.example.com:5432/prod"
expect_has "masked query password" "$W/leak.out" "password=****"
expect_has "masked api_key" "$W/leak.out" "api_key=****"
gate leak-text check
gate leak-verbose check -v
gate leak-quiet check -q --format json
for s in "$S1" "$S2" "$S3" "$S4" "$S5"; do
	never_echoed "$s" leak leak-text leak-verbose leak-quiet
done
expect_has "text report: file:line" "$W/leak-text.out" "deploy/values.yaml:2: a database URL with a password is committed"

# a tracked file edited in the working tree (not yet committed)
git rm -q --cached .env scripts/start.sh config.toml settings.json deploy/values.yaml
rm -f .env scripts/start.sh config.toml settings.json deploy/values.yaml
git commit -q -m "remove them"
gate removed check --format json
expect "secrets removed from the tree: passes" pass "$(statuses removed git.committed-secrets)"
printf 'DATABASE_URL="postgresql://app:%s@db.internal.example.com:5432/prod"\n' "$S1" >>.env.example
gate wt check --format json
expect "a secret added to a tracked file, not yet committed: fails" fail "$(statuses wt git.committed-secrets)"
expect_has "working-tree secret: says not yet committed" "$W/wt.out" "not yet committed"
expect "working-tree secret: the line" 2 "$(jget "$W/wt.out" "r.checks.find(c => c.id === 'git.committed-secrets').line")"
never_echoed "$S1" wt
git checkout -q -- .env.example

# a password that contains '@' and ':' (the URL's last '@' ends it)
printf 'url: postgresql://app:p@ss:%s@db.example.com/app\n' "$S2" >odd.yml
commit_all . "odd"
gate odd check --format json
expect "password with @ and :: fails" fail "$(statuses odd git.committed-secrets)"
never_echoed "$S2" odd
never_echoed "p@ss" odd

finish
