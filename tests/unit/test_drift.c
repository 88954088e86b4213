/* SPDX-License-Identifier: MIT */
/*
 * test_drift.c - the object-by-object diff (drift.h): pairing, the
 * one-sided tables' children, renamed indexes, remedies, the digest and
 * the Mermaid tables; and the drift report section (report_drift.h).
 * The models are built by hand as introspect.h fills them.
 */
#include "gate/compat.h"
#include "gate/arena.h"
#include "gate/buf.h"
#include "gate/drift.h"
#include "gate/introspect.h"
#include "gate/json.h"
#include "gate/report.h"
#include "gate/report_drift.h"
#include "gate/run.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static struct gate_arena A;

/* kind, table, name, then key/value pairs, NULL-terminated; schema "public". */
static struct gate_dbobj obj(const char *kind, const char *table, const char *name, ...)
{
    struct gate_dbobj o = {.kind = kind, .schema = "public", .table = table, .name = name};
    va_list ap;
    const char *k;

    o.attrs = gate_arena_alloc(&A, 16 * sizeof(*o.attrs));
    va_start(ap, name);
    while ((k = va_arg(ap, const char *)) != NULL) {
        const char *v = va_arg(ap, const char *);

        if (!strcmp(k, "_shape")) {
            o.shape = v;
            continue;
        }
        o.attrs[o.nattrs].key = k;
        o.attrs[o.nattrs++].value = v;
    }
    va_end(ap);
    return o;
}

static int cmp(const void *a, const void *b)
{
    return gate_dbobj_cmp(a, b);
}

static struct gate_dbmodel model(const struct gate_dbobj *objs, size_t n)
{
    struct gate_dbmodel m = {0};

    m.objs = gate_arena_alloc(&A, (n + 1) * sizeof(*m.objs));
    if (n)
        memcpy(m.objs, objs, n * sizeof(*objs));
    m.n = n;
    qsort(m.objs, n, sizeof(*m.objs), cmp);
    return m;
}

#define COL(t, n, type, nullable, def)                                                     \
 obj("column", t, n, "type", type, "nullable", nullable, "default", def, "identity",       \
     (const char *)NULL, "generated", (const char *)NULL, "collation", (const char *)NULL, \
     (const char *)NULL)
#define TABLE(n)                                                                      \
 obj("table", NULL, n, "partitioned", (const char *)NULL, "row_level_security", "no", \
     "force_row_level_security", "no", (const char *)NULL)
#define INDEX(t, n, def, shape) \
 obj("index", t, n, "definition", def, "_shape", shape, (const char *)NULL)

static const struct gate_drift_ctx CTX = {
    .prisma = "npx prisma",
    .schema_file = "prisma/schema.prisma",
    .migrations_dir = "prisma/migrations",
    .url_env = "DATABASE_URL",
    .shadow_url_env = "SHADOW_DATABASE_URL",
};

static void base(struct gate_dbobj *o, size_t *n)
{
    o[(*n)++] = TABLE("User");
    o[(*n)++] = COL("User", "id", "integer", "no", "nextval('\"User_id_seq\"'::regclass)");
    o[(*n)++] = COL("User", "email", "text", "no", (const char *)NULL);
    o[(*n)++] = COL("User", "score", "integer", "no", "0");
    o[(*n)++] =
        INDEX("User", "User_email_key",
              "CREATE UNIQUE INDEX \"User_email_key\" ON public.\"User\" USING btree (email)",
              "CREATE UNIQUE INDEX ON public.\"User\" USING btree (email)");
}

static void diff(const struct gate_dbobj *m, size_t nm, const struct gate_dbobj *d, size_t nd,
                 const struct gate_drift_ctx *ctx, struct gate_run_drift *out)
{
    struct gate_dbmodel mm = model(m, nm), dm = model(d, nd);

    memset(out, 0, sizeof(*out));
    gate_drift_diff(&mm, &dm, ctx, &A, out);
    gate_drift_finish(out);
}

static void test_no_drift(void **state)
{
    struct gate_dbobj m[16], d[16];
    size_t nm = 0, nd = 0;
    struct gate_run_drift out, empty;

    (void)state;
    base(m, &nm);
    base(d, &nd);
    diff(m, nm, d, nd, &CTX, &out);
    assert_int_equal(out.nitems, 0);
    assert_false(gate_drift_found(&out));
    assert_true(out.evaluated);
    assert_int_equal(out.ntables, 0);
    diff(NULL, 0, NULL, 0, &CTX, &empty);
    assert_string_equal(out.digest, empty.digest);
    assert_int_equal(strlen(out.digest), 64);
}

static void test_changed_default(void **state)
{
    struct gate_dbobj m[16], d[16];
    size_t nm = 0, nd = 0;
    struct gate_run_drift out;

    (void)state;
    base(m, &nm);
    base(d, &nd);
    d[3] = COL("User", "score", "integer", "no", "1");
    diff(m, nm, d, nd, &CTX, &out);
    assert_int_equal(out.nitems, 1);
    assert_string_equal(out.items[0].kind, "column");
    assert_string_equal(out.items[0].table, "User");
    assert_string_equal(out.items[0].name, "score");
    assert_string_equal(out.items[0].change, "changed");
    assert_int_equal(out.items[0].nchanges, 1);
    assert_string_equal(out.items[0].changes[0].attribute, "default");
    assert_string_equal(out.items[0].changes[0].before, "0");
    assert_string_equal(out.items[0].changes[0].after, "1");
    assert_string_equal(out.items[0].before, "default: 0");
    assert_string_equal(out.items[0].after, "default: 1");
    assert_string_equal(out.items[0].remedy_kind, "sql");
    assert_string_equal(out.items[0].remedy,
                        "ALTER TABLE \"public\".\"User\" ALTER COLUMN \"score\" SET DEFAULT 0;");
    assert_int_equal(out.changed, 1);
    /* the Mermaid table marks the column */
    assert_int_equal(out.ntables, 1);
    assert_string_equal(out.tables[0].name, "User");
    assert_int_equal(out.tables[0].ncols, 3);
    /* columns by name: email, id, score */
    assert_string_equal(out.tables[0].cols[2].name, "score");
    assert_string_equal(out.tables[0].cols[2].mark, "changed");
    assert_null(out.tables[0].cols[0].mark);
}

static void test_type_and_nullability(void **state)
{
    struct gate_dbobj m[16], d[16];
    size_t nm = 0, nd = 0;
    struct gate_run_drift out;

    (void)state;
    base(m, &nm);
    base(d, &nd);
    d[2] = COL("User", "email", "character varying(255)", "yes", (const char *)NULL);
    diff(m, nm, d, nd, &CTX, &out);
    assert_int_equal(out.nitems, 1);
    assert_int_equal(out.items[0].nchanges, 2);
    assert_string_equal(out.items[0].before, "type: text; nullable: no");
    assert_string_equal(out.items[0].after, "type: character varying(255); nullable: yes");
    assert_string_equal(out.items[0].remedy_kind, "prisma");
    assert_non_null(strstr(out.items[0].remedy, "migrate diff --from-migrations "
                                                "'prisma/migrations' --shadow-database-url "
                                                "\"$SHADOW_DATABASE_URL\" --to-url "
                                                "\"$DATABASE_URL\" --script"));
    assert_non_null(strstr(out.items[0].remedy, "migrate resolve --applied \"$name\""));
}

static void test_missing_and_renamed_index(void **state)
{
    struct gate_dbobj m[16], d[16];
    size_t nm = 0, nd = 0;
    struct gate_run_drift out;

    (void)state;
    base(m, &nm);
    base(d, &nd);
    /* the database lacks the unique index */
    diff(m, nm, d, nd - 1, &CTX, &out);
    assert_int_equal(out.nitems, 1);
    assert_string_equal(out.items[0].change, "in migrations only");
    assert_string_equal(out.items[0].kind, "index");
    assert_string_equal(out.items[0].remedy,
                        "CREATE UNIQUE INDEX CONCURRENTLY \"User_email_key\" ON public.\"User\" "
                        "USING btree (email);");
    assert_int_equal(out.migrations_only, 1);

    /* the database holds it under another name */
    d[nd - 1] = INDEX("User", "user_email_idx",
                      "CREATE UNIQUE INDEX user_email_idx ON public.\"User\" USING btree (email)",
                      "CREATE UNIQUE INDEX ON public.\"User\" USING btree (email)");
    diff(m, nm, d, nd, &CTX, &out);
    assert_int_equal(out.nitems, 1);
    assert_string_equal(out.items[0].change, "changed");
    assert_string_equal(out.items[0].changes[0].attribute, "name");
    assert_string_equal(out.items[0].remedy,
                        "ALTER INDEX \"public\".\"user_email_idx\" RENAME TO \"User_email_key\";");
}

static void test_extra_table_and_column(void **state)
{
    struct gate_dbobj m[16], d[16];
    size_t nm = 0, nd = 0;
    struct gate_run_drift out;

    (void)state;
    base(m, &nm);
    base(d, &nd);
    d[nd++] = TABLE("audit");
    d[nd++] = COL("audit", "id", "integer", "no", (const char *)NULL);
    d[nd++] = INDEX("audit", "audit_id_idx", "CREATE INDEX audit_id_idx ON public.audit (id)",
                    "CREATE INDEX ON public.audit (id)");
    d[nd++] = COL("User", "nickname", "text", "yes", (const char *)NULL);
    diff(m, nm, d, nd, &CTX, &out);
    /* the table once (not its column nor its index), and the extra column */
    assert_int_equal(out.nitems, 2);
    assert_string_equal(out.items[0].kind, "table");
    assert_string_equal(out.items[0].name, "audit");
    assert_string_equal(out.items[0].change, "in database only");
    assert_string_equal(out.items[0].after, "(id integer NOT NULL)");
    assert_null(out.items[0].before);
    assert_string_equal(out.items[1].kind, "column");
    assert_string_equal(out.items[1].name, "nickname");
    assert_string_equal(out.items[1].remedy_kind, "none");
    assert_null(out.items[1].remedy);
    assert_non_null(strstr(out.items[1].note, "left alone"));
    assert_int_equal(out.database_only, 2);
    assert_int_equal(out.ntables, 2);
    assert_string_equal(out.tables[0].name, "User");
    assert_string_equal(out.tables[1].name, "audit");
    assert_string_equal(out.tables[1].change, "in database only");
    assert_string_equal(out.tables[0].cols[2].name, "nickname");
    assert_string_equal(out.tables[0].cols[2].mark, "added");
}

static void test_digest(void **state)
{
    struct gate_dbobj m[16], d[16], d2[16];
    size_t nm = 0, nd = 0, nd2 = 0;
    struct gate_run_drift a, b, c;
    struct gate_drift_ctx other = CTX;

    (void)state;
    base(m, &nm);
    base(d, &nd);
    d[3] = COL("User", "score", "integer", "no", "1");
    d[nd++] = TABLE("zz");
    /* the same drift listed in another order, with other remedies: the same digest */
    d2[nd2++] = TABLE("zz");
    for (size_t i = nd - 1; i-- > 0;)
        d2[nd2++] = d[i];
    other.prisma = "pnpm prisma";
    other.migrations_dir = "db/it's";
    diff(m, nm, d, nd, &CTX, &a);
    diff(m, nm, d2, nd2, &other, &b);
    assert_string_equal(a.digest, b.digest);
    assert_non_null(strstr(b.capture, "'db/it'\\''s'"));
    /* another drift: another digest */
    d[3] = COL("User", "score", "integer", "no", "2");
    diff(m, nm, d, nd, &CTX, &c);
    assert_string_not_equal(a.digest, c.digest);
}

/* Names from the database cannot break out of the Mermaid picture or the Markdown around it. */
static void test_mermaid_hostile(void **state)
{
    static const char evil[] = "E\"]<img src=x onerror=alert(1)>#60;`\n```";
    struct gate_dbobj m[16], d[16];
    size_t nm = 0, nd = 0;
    struct gate_run run;
    struct gate_buf md = {0};
    const char *pic, *end;

    (void)state;
    gate_run_init(&run, "drift");
    base(m, &nm);
    base(d, &nd);
    d[nd++] = TABLE(evil);
    d[nd++] = COL(evil, "x<y>", "text", "yes", (const char *)NULL);
    run.drift = gate_arena_alloc(&run.arena, sizeof(*run.drift));
    {
        struct gate_dbmodel mm = model(m, nm), dm = model(d, nd);

        gate_drift_diff(&mm, &dm, &CTX, &run.arena, run.drift);
    }
    gate_drift_finish(run.drift);
    run.verdict = GATE_VERDICT_FAIL;
    gate_report_markdown(&run, &md, GATE_MARKDOWN_COMMENT_MAX);
    pic = strstr(gate_buf_str(&md), "```mermaid\n");
    assert_non_null(pic);
    end = strstr(pic + 11, "```");
    assert_non_null(end);
    assert_non_null(strstr(pic, "[\"public.E___img src_x onerror_alert(1)__60___"));
    for (const char *p = pic + 11; p < end; p++) {
        assert_true(*p != '<' && *p != '>' && *p != '#' && *p != '&' && *p != '`');
    }
    assert_true(end[-1] == '\n'); /* the fence closes on a line of its own, where it belongs */
    gate_buf_release(&md);
    gate_run_release(&run);
}

static void test_report(void **state)
{
    struct gate_dbobj m[16], d[16];
    size_t nm = 0, nd = 0;
    struct gate_run run;
    struct gate_buf md = {0}, js = {0}, tx = {0};
    struct gate_json *root = NULL;
    struct gate_err err = {0};
    struct gate_drift_item *h;

    (void)state;
    gate_run_init(&run, "drift");
    base(m, &nm);
    base(d, &nd);
    d[nd++] = COL("User", "nickname", "text", "yes", (const char *)NULL);
    run.drift = gate_arena_alloc(&run.arena, sizeof(*run.drift));
    {
        struct gate_dbmodel mm = model(m, nm), dm = model(d, nd);

        gate_drift_diff(&mm, &dm, &CTX, &run.arena, run.drift);
    }
    h = gate_drift_add(run.drift, &run.arena);
    h->kind = "migration";
    h->name = "20240101000000_init";
    h->change = "edited";
    h->remedy_kind = "none";
    gate_drift_finish(run.drift);
    run.verdict = GATE_VERDICT_FAIL;

    gate_report_markdown(&run, &md, GATE_MARKDOWN_COMMENT_MAX);
    assert_non_null(strstr(gate_buf_str(&md), "### Drift"));
    assert_non_null(strstr(gate_buf_str(&md), "```mermaid\nerDiagram\n"));
    assert_non_null(strstr(gate_buf_str(&md), "text nickname \"added\""));
    assert_non_null(strstr(gate_buf_str(&md), "[\"public.User\"]"));

    gate_report_text(&run, &tx, false, false);
    assert_non_null(
        strstr(gate_buf_str(&tx), "in database only   column     public.User.nickname"));
    assert_non_null(strstr(gate_buf_str(&tx), "edited"));

    gate_report_json(&run, &js);
    assert_int_equal(gate_json_parse(gate_buf_str(&js), js.len, "report", &root, &err), GATE_OK);
    assert_string_equal(gate_json_str_value(gate_json_path(root, "drift.digest")),
                        run.drift->digest);
    assert_int_equal(gate_json_int_value(gate_json_path(root, "drift.counts.history")), 1);
    assert_int_equal(gate_json_int_value(gate_json_path(root, "drift.counts.database_only")), 1);
    assert_int_equal(gate_json_array_size(gate_json_path(root, "drift.items")), 2);
    gate_json_free(root);
    gate_buf_release(&md);
    gate_buf_release(&js);
    gate_buf_release(&tx);
    gate_run_release(&run);
}

static void test_rename_schema(void **state)
{
    struct gate_dbobj o[4];
    struct gate_dbmodel m;

    (void)state;
    o[0] = INDEX("User", "i", "CREATE INDEX i ON shadow.\"User\" USING btree (myshadow.f(x))",
                 "CREATE INDEX ON shadow.\"User\" USING btree (myshadow.f(x))");
    o[1] = TABLE("User");
    for (size_t i = 0; i < 2; i++)
        o[i].schema = "shadow";
    o[2] = TABLE("Other"); /* in public already */
    m = model(o, 3);
    gate_dbmodel_rename_schema(&m, "shadow", "tenant", &A);
    /* sorted again: tables first, by name */
    assert_string_equal(m.objs[0].name, "Other");
    assert_string_equal(m.objs[0].schema, "public");
    assert_string_equal(m.objs[1].schema, "tenant");
    assert_string_equal(m.objs[2].kind, "index");
    assert_string_equal(m.objs[2].schema, "tenant");
    assert_string_equal(gate_dbobj_attr(&m.objs[2], "definition"),
                        "CREATE INDEX i ON tenant.\"User\" USING btree (myshadow.f(x))");
    assert_string_equal(m.objs[2].shape,
                        "CREATE INDEX ON tenant.\"User\" USING btree (myshadow.f(x))");
}

/* A model written as a snapshot reads back to the same objects; damage is refused. */
static void test_snapshot_roundtrip(void **state)
{
    struct gate_dbobj o[4];
    struct gate_dbmodel m, back;
    struct gate_err err = {0};
    char *text;
    size_t len;

    (void)state;
    o[0] = INDEX("User", "i\tx", "CREATE INDEX \"i\tx\" ON public.\"User\" (a)\n -- \\N\r",
                 "CREATE INDEX ON public.\"User\" (a)");
    o[1] = TABLE("User");
    o[2] = obj("column", "User", "note", "type", "text", "nullable", "yes", "default",
               (const char *)NULL, "collation", "", (const char *)NULL);
    o[3] = obj("view", NULL, "\\N", "definition", "\\", (const char *)NULL);
    m = model(o, 4);
    text = gate_dbmodel_serialize(&m);
    len = strlen(text);
    assert_int_equal(gate_dbmodel_parse(text, len, &A, &back, &err), GATE_OK);
    assert_int_equal(back.n, m.n);
    for (size_t i = 0; i < m.n; i++) {
        assert_string_equal(back.objs[i].kind, m.objs[i].kind);
        assert_string_equal(back.objs[i].schema, m.objs[i].schema);
        assert_true((!back.objs[i].table && !m.objs[i].table) ||
                    !strcmp(back.objs[i].table, m.objs[i].table));
        assert_string_equal(back.objs[i].name, m.objs[i].name);
        assert_true((!back.objs[i].shape && !m.objs[i].shape) ||
                    !strcmp(back.objs[i].shape, m.objs[i].shape));
        assert_int_equal(back.objs[i].nattrs, m.objs[i].nattrs);
        for (size_t k = 0; k < m.objs[i].nattrs; k++) {
            const char *a = back.objs[i].attrs[k].value, *b = m.objs[i].attrs[k].value;

            assert_string_equal(back.objs[i].attrs[k].key, m.objs[i].attrs[k].key);
            assert_true((!a && !b) || (a && b && !strcmp(a, b)));
        }
    }
    /* the same drift as the model itself: none */
    {
        struct gate_run_drift d = {0};

        gate_drift_diff(&m, &back, &CTX, &A, &d);
        assert_int_equal(d.nitems, 0);
    }
    /* cut inside an object's attributes, a bad escape, another format: refused */
    assert_int_not_equal(gate_dbmodel_parse(text, len - 5, &A, &back, &err), GATE_OK);
    {
        char *bad = strdup(text);
        char *tab = strstr(bad, "\tview\t");

        assert_non_null(tab);
        tab[1] = '\\';
        tab[2] = 'q';
        assert_int_not_equal(gate_dbmodel_parse(bad, len, &A, &back, &err), GATE_OK);
        bad[0] = 'X';
        assert_int_not_equal(gate_dbmodel_parse(bad, len, &A, &back, &err), GATE_OK);
        free(bad);
    }
    free(text);
}

static int teardown(void **state)
{
    (void)state;
    gate_arena_release(&A);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_drift),
        cmocka_unit_test(test_changed_default),
        cmocka_unit_test(test_type_and_nullability),
        cmocka_unit_test(test_missing_and_renamed_index),
        cmocka_unit_test(test_extra_table_and_column),
        cmocka_unit_test(test_digest),
        cmocka_unit_test(test_report),
        cmocka_unit_test(test_mermaid_hostile),
        cmocka_unit_test(test_rename_schema),
        cmocka_unit_test(test_snapshot_roundtrip),
    };

    return cmocka_run_group_tests(tests, NULL, teardown);
}
