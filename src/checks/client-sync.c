/* SPDX-License-Identifier: MIT */
/*
 * checks/client-sync.c - a generated Prisma client exists and the schema
 * it was generated from differs from the current one: the code runs
 * against models the database (after this change) no longer has. The
 * client is looked for where the schema's generators put it: their
 * `output` (relative to the file that declares it), or for
 * prisma-client-js without one, node_modules/.prisma/client in the
 * schema's folder or any folder above it. Its schema is the
 * schema.prisma it carries, or the inlineSchema string of its code
 * (the prisma-client generator). Differences that do not reach the
 * client's models (comments, layout, field order, generator blocks) do
 * not count.
 */
#include "gate/compat.h"
#include "gate/buf.h"
#include "gate/checks.h"
#include "gate/fs.h"
#include "gate/json.h"
#include "gate/xalloc.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CLIENT_FILE ((size_t)64 * 1024 * 1024)

/* The JSON string literal that follows `inlineSchema` in code, unescaped; malloc'd or NULL. */
static char *inline_schema(const char *code)
{
    const char *p = strstr(code, "inlineSchema");

    while (p) {
        const char *q = p + 12;
        const char *e;
        struct gate_json *j = NULL;
        struct gate_err err = {0};
        char *res = NULL, *wrapped;

        while (*q == '"' || *q == '\'' || *q == ' ')
            q++;
        if (*q != ':' && *q != '=') {
            p = strstr(p + 1, "inlineSchema");
            continue;
        }
        q++;
        while (*q == ' ' || *q == '\n' || *q == '\t')
            q++;
        if (*q != '"') {
            p = strstr(p + 1, "inlineSchema");
            continue;
        }
        for (e = q + 1; *e && *e != '"'; e++) {
            if (*e == '\\' && e[1])
                e++;
        }
        if (*e != '"')
            return NULL;
        /* the JSON reader takes a document, not a bare string: wrap it in [ ] */
        wrapped = gate_xasprintf("[%.*s]", (int)(e - q) + 1, q);
        if (!gate_json_parse(wrapped, strlen(wrapped), "inlineSchema", &j, &err) &&
            gate_json_array_size(j) == 1 && gate_json_is_string(gate_json_array_at(j, 0)))
            res = gate_xstrdup(gate_json_str_value(gate_json_array_at(j, 0)));
        gate_json_free(j);
        free(wrapped);
        return res;
    }
    return NULL;
}

/* The schema a generated client at dir carries; malloc'd text (and *from) or NULL. */
static char *client_schema(const char *dir, char **from)
{
    static const char *const code[] = {
        "internal/class.ts", "internal/class.js", "internal/class.mts",
        "index.js",          "edge.js",           "default.js"};
    char *path = gate_path_join(dir, "schema.prisma");
    char *data = NULL;
    size_t len = 0;
    struct gate_err err = {0};

    *from = NULL;
    if (!gate_read_file(path, MAX_CLIENT_FILE, &data, &len, &err)) {
        *from = path;
        return data;
    }
    free(path);
    for (size_t i = 0; i < GATE_ARRAY_SIZE(code); i++) {
        char *text;

        path = gate_path_join(dir, code[i]);
        gate_err_clear(&err);
        if (!gate_read_file(path, MAX_CLIENT_FILE, &data, &len, &err)) {
            text = inline_schema(data);
            free(data);
            if (text) {
                *from = path;
                return text;
            }
        }
        free(path);
    }
    return NULL;
}

struct found {
    char **dirs;
    size_t n;
    size_t cap;
};

static void add_dir(struct found *f, char *dir)
{
    for (size_t i = 0; i < f->n; i++) {
        if (!strcmp(f->dirs[i], dir)) {
            free(dir);
            return;
        }
    }
    GATE_GROW(f->dirs, f->cap, f->n + 1);
    f->dirs[f->n++] = dir;
}

/* node_modules/.prisma/client in dir or any folder above it (up to 16 levels). */
static void default_output(struct found *f, const char *schema_dir)
{
    char real[PATH_MAX];
    char *cur;

    if (!realpath(schema_dir, real))
        return;
    cur = gate_xstrdup(real);
    for (int depth = 0; depth < 16; depth++) {
        char *cand = gate_xasprintf("%s/node_modules/.prisma/client", strcmp(cur, "/") ? cur : "");
        char *up;

        if (gate_path_kind(cand) == GATE_PATH_DIR) {
            add_dir(f, cand);
            break;
        }
        free(cand);
        if (!strcmp(cur, "/"))
            break;
        up = gate_path_dir(cur);
        free(cur);
        cur = up;
    }
    free(cur);
}

static void run(struct gate_check_ctx *ctx, const struct gate_check_def *def)
{
    const struct gate_schema *cur = &ctx->proj->parsed;
    struct found f = {0};
    size_t compared = 0;

    for (size_t i = 0; i < cur->n; i++) {
        const struct gate_schema_block *g = &cur->blocks[i];
        bool js = g->provider && !strcmp(g->provider, "prisma-client-js");
        bool ts = g->provider && !strcmp(g->provider, "prisma-client");

        if (g->kind != GATE_SB_GENERATOR || (!js && !ts))
            continue;
        if (g->output) {
            char *base = gate_path_dir(g->file);
            char *out =
                g->output[0] == '/' ? gate_xstrdup(g->output) : gate_path_join(base, g->output);

            free(base);
            if (gate_path_kind(out) == GATE_PATH_DIR)
                add_dir(&f, out);
            else
                free(out);
        } else if (js) {
            char *base = gate_path_dir(g->file);

            default_output(&f, base);
            free(base);
        }
    }
    for (size_t i = 0; i < f.n; i++) {
        char *from = NULL;
        char *text = client_schema(f.dirs[i], &from);
        struct gate_schema gen = {0};
        char *diff;

        if (!text) {
            gate_check_report(ctx, def, GATE_OUTCOME_SKIP, f.dirs[i], 0,
                              "a generated client is at %s but it carries no schema this check "
                              "can read (no schema.prisma, no inlineSchema)",
                              f.dirs[i]);
            continue;
        }
        compared++;
        gate_schema_parse(&gen, from, text, strlen(text));
        gate_schema_finish(&gen);
        diff = gate_schema_diff(&gen, cur, true);
        if (diff) {
            char *prisma = gate_policy_prisma_cmd(ctx->policy);

            gate_check_report(ctx, def, GATE_OUTCOME_VIOLATION, from, 0,
                              "the generated client at %s was generated from another schema "
                              "(%s): run `%s generate`",
                              f.dirs[i], diff, prisma);
            free(prisma);
        } else
            gate_check_report(ctx, def, GATE_OUTCOME_PASS, from, 0,
                              "the generated client at %s matches the schema", f.dirs[i]);
        free(diff);
        gate_schema_release(&gen);
        free(text);
        free(from);
    }
    if (!f.n)
        gate_check_report(ctx, def, GATE_OUTCOME_SKIP, NULL, 0,
                          "no generated Prisma client found (none at the generators' output, no "
                          "node_modules/.prisma/client): nothing to compare");
    for (size_t i = 0; i < f.n; i++)
        free(f.dirs[i]);
    free(f.dirs);
}

const struct gate_check_def gate_check_client_sync = {
    .id = "client-sync",
    .family = "prisma",
    .summary = "the generated Prisma client was generated from another schema",
    .flags = GATE_CHECK_NEEDS_SCHEMA,
    .level = GATE_CHECK_WARNING,
    .run = run,
};
