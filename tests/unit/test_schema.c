/* SPDX-License-Identifier: MIT */
/*
 * test_schema.c - the Prisma schema reader (schema.h), the database-URL
 * secret scanner (secrets.h) and migration naming and impact (impact.h).
 */
#include "gate/compat.h"
#include "gate/impact.h"
#include "gate/run.h"
#include "gate/schema.h"
#include "gate/secrets.h"
#include "gate/sql.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

static const char schema_text[] = "// a comment with a \"quote\" and a { brace\n"
                                  "generator client {\n"
                                  "  provider = \"prisma-client-js\"\n"
                                  "  output   = \"../generated\" // where\n"
                                  "}\n"
                                  "\n"
                                  "datasource db {\n"
                                  "  provider          = \"postgres\"\n"
                                  "  url               = env(\"POOLED_URL\")\n"
                                  "  directUrl         = env(\"DIRECT_URL\")\n"
                                  "  shadowDatabaseUrl = env(\"SHADOW_URL\")\n"
                                  "}\n"
                                  "\n"
                                  "/// An event\n"
                                  "model Event {\n"
                                  "  id        Int      @id @default(autoincrement())\n"
                                  "  title     String   @map(\"event_title\") // the title\n"
                                  "  url       String   @default(\"https://example.com/a//b\")\n"
                                  "  startsAt  DateTime @map(name: \"starts_at\")\n"
                                  "  tags      String[]\n"
                                  "  venue     Venue?   @relation(fields: [venueId],\n"
                                  "                               references: [id])\n"
                                  "  venueId   Int?     @map(\"venue_id\")\n"
                                  "  mapping   String   @default(\"@map(x)\")\n"
                                  "  geo       Unsupported(\"geography(Point, 4326)\")?\n"
                                  "\n"
                                  "  @@map(\"events\")\n"
                                  "  @@schema(\"app\")\n"
                                  "}\n"
                                  "\n"
                                  "model Venue {\n"
                                  "  id     Int     @id\n"
                                  "  events Event[]\n"
                                  "}\n"
                                  "\n"
                                  "enum Role {\n"
                                  "  USER  @map(\"user\")\n"
                                  "  ADMIN\n"
                                  "  @@map(\"role\")\n"
                                  "}\n";

static void test_schema_read(void **state)
{
    struct gate_schema s = {0};
    const struct gate_schema_block *ev, *venue, *role, *ds, *gen;
    const struct gate_schema_field *f;

    (void)state;
    gate_schema_parse(&s, "schema.prisma", schema_text, strlen(schema_text));
    gate_schema_finish(&s);
    assert_int_equal(s.n, 5);
    ev = gate_schema_find_table(&s, "events");
    assert_non_null(ev);
    assert_string_equal(ev->name, "Event");
    assert_string_equal(ev->dbschema, "app");
    assert_int_equal(ev->line, 15);
    assert_null(gate_schema_find_table(&s, "Event")); /* @@map renames it */
    f = gate_schema_find_column(ev, "event_title");
    assert_non_null(f);
    assert_string_equal(f->name, "title");
    f = gate_schema_find_column(ev, "starts_at");
    assert_non_null(f);
    assert_string_equal(f->name, "startsAt");
    f = gate_schema_find_column(ev, "venue_id");
    assert_non_null(f);
    assert_true(f->optional);
    assert_null(gate_schema_find_column(ev, "venue")); /* a relation: no column */
    f = gate_schema_find_column(ev, "mapping");
    assert_non_null(f); /* @map inside a string is not an attribute */
    f = gate_schema_find_column(ev, "tags");
    assert_non_null(f);
    assert_true(f->list);
    f = gate_schema_find_column(ev, "geo");
    assert_non_null(f);
    assert_true(f->optional);
    assert_string_equal(f->type, "Unsupported(\"geography(Point, 4326)\")");
    f = gate_schema_find_column(ev, "url");
    assert_non_null(f); /* "//" inside a string is not a comment */
    assert_int_equal(ev->nfields, 9);
    venue = gate_schema_find_table(&s, "Venue");
    assert_non_null(venue);
    assert_null(gate_schema_find_column(venue, "events"));
    role = gate_schema_find_enum(&s, "role");
    assert_non_null(role);
    assert_string_equal(role->name, "Role");
    f = gate_schema_find_column(role, "user");
    assert_non_null(f);
    assert_string_equal(f->name, "USER");
    ds = gate_schema_find(&s, GATE_SB_DATASOURCE, NULL);
    assert_non_null(ds);
    assert_string_equal(ds->url_env, "POOLED_URL");
    assert_string_equal(ds->direct_env, "DIRECT_URL");
    assert_string_equal(ds->shadow_env, "SHADOW_URL");
    assert_string_equal(gate_schema_lock_provider(&s), "postgresql");
    gen = gate_schema_find(&s, GATE_SB_GENERATOR, "client");
    assert_non_null(gen);
    assert_string_equal(gen->provider, "prisma-client-js");
    assert_string_equal(gen->output, "../generated");
    gate_schema_release(&s);
}

static void test_schema_diff(void **state)
{
    static const char a[] = "generator client {\n  provider = \"prisma-client-js\"\n}\n"
                            "datasource db {\n  provider = \"postgresql\"\n  url = "
                            "env(\"A\")\n}\n"
                            "model User {\n  id Int @id\n  name String\n}\n"
                            "model Post {\n  id Int @id\n}\n";
    /* reordered fields, other layout, comments, another generator, another url */
    static const char same[] = "// header\nmodel Post {\n  id    Int @id // key\n}\n"
                               "model User {\n  name String\n  id   Int   @id\n}\n"
                               "generator client {\n  provider = \"prisma-client\"\n}\n"
                               "datasource db {\n  provider = \"postgresql\"\n  url = "
                               "env(\"B\")\n}\n";
    static const char changed[] = "model User {\n  id Int @id\n  name String?\n}\n"
                                  "model Tag {\n  id Int @id\n}\n"
                                  "datasource db {\n  provider = \"mysql\"\n}\n";
    struct gate_schema sa = {0}, sb = {0}, sc = {0};
    char *d;

    (void)state;
    gate_schema_parse(&sa, "a", a, strlen(a));
    gate_schema_parse(&sb, "b", same, strlen(same));
    gate_schema_parse(&sc, "c", changed, strlen(changed));
    assert_null(gate_schema_diff(&sa, &sb, true));
    d = gate_schema_diff(&sa, &sc, false);
    assert_non_null(d);
    assert_string_equal(d, "User (changed), Tag (added), Post (removed)");
    free(d);
    d = gate_schema_diff(&sa, &sc, true);
    assert_non_null(strstr(d, "datasource db (provider)"));
    free(d);
    gate_schema_release(&sa);
    gate_schema_release(&sb);
    gate_schema_release(&sc);
}

static void test_secret_scan(void **state)
{
    static const struct {
        const char *line;
        const char *masked; /* NULL: no secret */
    } rows[] = {
        {"DATABASE_URL=\"postgresql://app:pw-7731x@db.example.com:5432/prod\"",
         "postgresql://app:****@db.example.com:5432/prod"},
        {"url: postgres://u:Abc123x@h.example/db?schema=x",
         "postgres://u:****@h.example/db?schema=x"},
        {"mongodb+srv://u:Abc123x@cluster0.mongodb.net/db",
         "mongodb+srv://u:****@cluster0.mongodb.net/db"},
        {"mysql://root:Abc123x@10.0.0.1:3306/app", "mysql://root:****@10.0.0.1:3306/app"},
        {"x = 'prisma+postgres://accelerate.prisma-data.net/?api_key=eyJabc123'",
         "prisma+postgres://accelerate.prisma-data.net/?api_key=****"},
        {"postgresql://db.example.com/app?user=a&password=Xyz987abc",
         "postgresql://db.example.com/app?user=a&password=****"},
        {"postgresql://u:p@ss:w0rd-x@db.example.com/app", "postgresql://u:****@db.example.com/app"},
        {"postgresql://postgres:postgres@db.example.com/app", NULL}, /* a default word */
        {"postgresql://app:${DB_PASSWORD}@db.example.com/app", NULL},
        {"postgresql://app:$PW@db.example.com/app", NULL},
        {"postgresql://app:<password>@db.example.com/app", NULL},
        {"postgresql://app:********@db.example.com/app", NULL},
        {"postgresql://app:Real-Pw-1@localhost:5432/app", NULL}, /* this machine */
        {"postgresql://app:Real-Pw-1@127.0.0.1/app", NULL},
        {"postgresql://app:Real-Pw-1@[::1]:5432/app", NULL},
        {"postgresql://readonly@db.example.com/app", NULL},
        {"https://user:Real-Pw-1@example.com/", NULL}, /* not a database URL */
        {"notpostgresql://u:Real-Pw-1@example.com/", NULL},
    };

    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(rows); i++) {
        struct gate_secret_hit hit;
        size_t pos = 0;
        bool found = gate_secret_scan(rows[i].line, strlen(rows[i].line), &pos, &hit);

        if (!rows[i].masked) {
            if (found)
                fail_msg("row %zu: unexpected secret in '%s'", i, rows[i].line);
            continue;
        }
        if (!found)
            fail_msg("row %zu: no secret found in '%s'", i, rows[i].line);
        assert_string_equal(hit.masked, rows[i].masked);
    }
}

static void test_secret_mask(void **state)
{
    char out[256];

    (void)state;
    gate_secret_mask("connect postgresql://app:Pw-1@db/x and mysql://r:Pw-2@h/y now", out,
                     sizeof(out));
    assert_string_equal(out, "connect postgresql://app:****@db/x and mysql://r:****@h/y now");
    gate_secret_mask("postgresql://app:Pw-1@db/x", out, 12);
    assert_null(strstr(out, "Pw-1"));
}

static void test_names(void **state)
{
    static const struct {
        const char *name;
        bool descriptive;
    } rows[] = {
        {"20240101000000_init", true},
        {"20241003120000_add_event_location_field", true},
        {"20241003120000", false},
        {"20241003120000_update", false},
        {"20241003120000_fix", false},
        {"20241003120000_update_schema", false},
        {"20241003120000_changes_2", false},
        {"20241003120000_wip", false},
        {"20241003120000_v2", false},
        {"20241003120000_fix_user_email", true},
        {"add_index", true},
    };
    char out[64];
    const char *why;

    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(rows); i++) {
        if (gate_impact_descriptive(rows[i].name, &why) != rows[i].descriptive)
            fail_msg("row %zu: '%s'", i, rows[i].name);
        assert_true(rows[i].descriptive ? !why : why != 0);
    }
    assert_string_equal(gate_impact_slug("20241003120000_add_x"), "add_x");
    assert_string_equal(gate_impact_slug("20241003120000"), "");
    gate_impact_snake("PublishedDocs", out, sizeof(out));
    assert_string_equal(out, "published_docs");
    gate_impact_snake("environmentID", out, sizeof(out));
    assert_string_equal(out, "environment_id");
    gate_impact_snake("HTTPServer", out, sizeof(out));
    assert_string_equal(out, "http_server");
    gate_impact_snake("user-Name  x", out, sizeof(out));
    assert_string_equal(out, "user_name_x");
}

/* Parse sql and analyse it as migration name against schema_text. */
static const struct gate_impact *analyse(struct gate_run *run, const char *name, const char *sql)
{
    struct gate_schema s = {0};
    struct gate_sql_file file;
    struct gate_err err = {0};
    struct gate_migration *m = gate_run_add_migration(run, name, name);

    memset(&file, 0, sizeof(file));
    gate_schema_parse(&s, "schema.prisma", schema_text, strlen(schema_text));
    gate_schema_finish(&s);
    assert_int_equal(gate_sql_parse(sql, strlen(sql), &file, &err), GATE_OK);
    gate_impact_analyse(run, m, &file, &s, "added");
    gate_sql_file_release(&file);
    gate_schema_release(&s);
    return m->impact;
}

static void test_impact(void **state)
{
    static const struct {
        const char *sql;
        const char *suggested;
        const char *models;
    } rows[] = {
        {"ALTER TABLE \"events\" ADD COLUMN \"starts_at\" TIMESTAMP(3);",
         "add_event_starts_at_field", "Event"},
        {"ALTER TABLE \"events\" ADD COLUMN \"event_title\" TEXT, ADD COLUMN \"starts_at\" "
         "TIMESTAMP(3);",
         "add_event_title_and_starts_at_fields", "Event"},
        {"ALTER TABLE \"events\" DROP COLUMN \"tags\";", "remove_event_tags_field", "Event"},
        {"ALTER TABLE \"events\" ALTER COLUMN \"event_title\" SET NOT NULL;",
         "make_event_title_required", "Event"},
        {"ALTER TABLE \"events\" ALTER COLUMN \"event_title\" TYPE VARCHAR(200);",
         "change_event_title_type", "Event"},
        {"CREATE TABLE \"Venue\" (\"id\" INTEGER NOT NULL); CREATE UNIQUE INDEX \"v\" ON "
         "\"Venue\"(\"id\");",
         "add_venue_model", "Venue"},
        {"CREATE INDEX \"e_t\" ON \"events\"(\"event_title\");", "add_event_title_index", "Event"},
        {"CREATE UNIQUE INDEX \"e_ts\" ON \"events\"(\"event_title\", \"starts_at\");",
         "add_event_title_starts_at_unique", "Event"},
        {"CREATE TYPE \"role\" AS ENUM ('user', 'ADMIN');", "add_role_enum", "Role"},
        {"ALTER TYPE \"role\" ADD VALUE 'guest';", "add_guest_to_role", "Role"},
        {"ALTER TABLE \"events\" RENAME COLUMN \"event_title\" TO \"name\";",
         "rename_event_title_to_name", "Event"},
        {"DROP TABLE \"old_things\";", "remove_old_things_model", "table \"old_things\""},
        {"UPDATE \"events\" SET \"event_title\" = 'x' WHERE \"id\" = 1;", "backfill_event_data",
         "Event"},
        {"SET lock_timeout = '1s';", NULL, ""},
    };
    struct gate_run run;

    (void)state;
    gate_run_init(&run, "check");
    for (size_t i = 0; i < GATE_ARRAY_SIZE(rows); i++) {
        const struct gate_impact *imp = analyse(&run, "20240101000000_x", rows[i].sql);
        char models[256] = "";

        for (size_t k = 0; k < imp->nmodels; k++) {
            size_t n = strlen(models);

            (void)snprintf(models + n, sizeof(models) - n, "%s%s", k ? "," : "", imp->models[k]);
        }
        if (rows[i].suggested &&
            (!imp->suggested_name || strcmp(imp->suggested_name, rows[i].suggested) != 0))
            fail_msg("row %zu: suggested '%s', want '%s'", i,
                     imp->suggested_name ? imp->suggested_name : "(null)", rows[i].suggested);
        if (!rows[i].suggested && imp->suggested_name)
            fail_msg("row %zu: suggested '%s', want none", i, imp->suggested_name);
        if (strcmp(models, rows[i].models) != 0)
            fail_msg("row %zu: models '%s', want '%s'", i, models, rows[i].models);
    }
    gate_run_release(&run);
    gate_sql_shutdown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema_read), cmocka_unit_test(test_schema_diff),
        cmocka_unit_test(test_secret_scan), cmocka_unit_test(test_secret_mask),
        cmocka_unit_test(test_names),       cmocka_unit_test(test_impact),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
