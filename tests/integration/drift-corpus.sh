#!/bin/bash
# tests/integration/drift-corpus.sh — no false drift on real histories:
# every project of the corpus (../shared/corpus, or GATE_CORPUS) is
# deployed with the REAL Prisma CLI (recipe A) on its own empty database,
# then `prisma-gate drift` must find nothing (exit 0, no item), with the
# whole history replayed into a temporary shadow and none left behind.
# A project whose history Prisma itself cannot deploy here is listed and
# skipped (say why). On hoppscotch, Prisma's own drift check (db pull
# --print, migrate diff --exit-code) agrees. Then one manual change on
# langfuse's large schema is found as the right object.
#
# Ends with "N passed, N failed"; skips when npm/node, PostgreSQL or the
# corpus is missing.

# shellcheck source=tests/integration/status-lib.sh
. "$(dirname "$0")/status-lib.sh"

CORPUS=${GATE_CORPUS:-$ROOT/../shared/corpus}
[ -d "$CORPUS" ] || skip_all "corpus $CORPUS not found (it is only present in CI)"
need_prisma
start_cluster
CLI=$ROOT/tests/prisma/node_modules/prisma/build/index.js
CONFIG=$ROOT/tests/prisma/prisma.config.ts

shadows() { q postgres "SELECT count(*) FROM pg_database WHERE datname LIKE 'prisma_gate_shadow_%'"; }

# corpus_project NAME DIR: a project holding the corpus history NAME
corpus_project() {
	rm -rf "$2"
	new_project "$2"
	cp -r "$CORPUS/$1/migrations/." "$2/prisma/migrations/"
	[ -f "$2/prisma/migrations/migration_lock.toml" ] ||
		printf 'provider = "postgresql"\n' >"$2/prisma/migrations/migration_lock.toml"
	cat >"$2/prisma-gate.yml" <<EOF
version: 1
project:
  prisma: [node, $CLI, --config, $CONFIG]
drift:
  shadow: create
EOF
}

for dir in "$CORPUS"/*/; do
	name=$(basename "$dir")
	[ -d "$dir/migrations" ] || continue
	db=$(printf '%s' "$name" | tr -c 'a-z0-9' '_')
	DATABASE_URL=$(createdb "$db") || {
		not_ok "$name: createdb"
		continue
	}
	export DATABASE_URL
	PROJ=$WORK/$db
	corpus_project "$name" "$PROJ"
	n=$(find "$PROJ/prisma/migrations" -mindepth 1 -maxdepth 1 -type d | wc -l)
	if ! prisma "$PROJ" "$WORK/$db-deploy.out" migrate deploy; then
		# formbricks: its history needs pgvector (CREATE EXTENSION "vector"), not installed here
		echo "# $name: Prisma's migrate deploy fails on this server, skipped: $(grep -m1 -iE 'extension|database error|error' "$WORK/$db-deploy.out")"
		continue
	fi
	gate "$db" drift --format json
	expect "$name: no drift right after a clean deploy ($n migrations)" 0 "$RC" || {
		show "$WORK/$db.err"
		jget "$WORK/$db.out" "JSON.stringify(r.drift.items.slice(0, 5), null, 1)" | show
	}
	expect "$name: all $n migrations replayed" "$n" "$(jget "$WORK/$db.out" r.drift.replayed)"
	expect "$name: no items" 0 "$(jget "$WORK/$db.out" r.drift.items.length)"
	echo "# $name: $(jget "$WORK/$db.out" r.drift.objects.database) objects, $(jget "$WORK/$db.out" r.drift.objects.catalog_queries) catalog queries"
	case $name in
	hoppscotch__hoppscotch)
		prisma "$PROJ" "$WORK/$db-pull.out" db pull --print
		sed -n '/^\(generator\|datasource\)/,$p' "$WORK/$db-pull.out" >"$WORK/$db-live.prisma"
		prisma "$PROJ" "$WORK/$db-diff.out" migrate diff --from-migrations prisma/migrations \
			--to-schema-datamodel "$WORK/$db-live.prisma" --exit-code
		expect "$name: Prisma's own check agrees (no difference)" 0 "$?" || show "$WORK/$db-diff.out"
		;;
	langfuse__langfuse)
		t=$(q "$db" "SELECT quote_ident(table_name) FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> '_prisma_migrations' ORDER BY 1 LIMIT 1")
		q "$db" "ALTER TABLE $t ADD COLUMN gate_hotfix integer NOT NULL DEFAULT 0" >/dev/null
		gate "$db-change" drift --format json
		expect "$name: a column added by hand is drift" 1 "$RC"
		expect "$name: ... reported as that column" "column gate_hotfix in database only" \
			"$(jget "$WORK/$db-change.out" "r.drift.items.map(i => i.kind + ' ' + i.name + ' ' + i.change).join('; ')")"
		;;
	esac
done
expect "no shadow database left" 0 "$(shadows)"
finish
