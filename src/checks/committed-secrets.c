/* SPDX-License-Identifier: MIT */
/*
 * checks/committed-secrets.c - tracked files (.env*, YAML, JSON, TOML,
 * shell) that hold a database URL with a password. Reports the file and
 * line and the URL with its password masked: the secret itself never
 * appears in any output. Both the staged content (what is committed) and
 * the working-tree file (what is about to be) are read. Placeholders and
 * local-machine URLs are not secrets (secrets.h).
 */
#include "gate/compat.h"
#include "gate/checks.h"
#include "gate/fs.h"
#include "gate/secrets.h"
#include "gate/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* Files larger than this are not read (lock files, fixtures). */
#define MAX_SCAN ((size_t)2 * 1024 * 1024)
/* Results reported one by one; the rest are counted. */
#define MAX_REPORTED 50

static const char *const exts[] = {".yml", ".yaml", ".json", ".jsonc", ".json5", ".toml",
                                   ".sh",  ".bash", ".zsh",  ".ksh",   ".env",   ".envrc"};

static bool candidate(const char *path)
{
    const char *base = strrchr(path, '/');
    size_t n;

    base = base ? base + 1 : path;
    if (!strncmp(path, "node_modules/", 13) || strstr(path, "/node_modules/"))
        return false;
    if (!strncmp(base, ".env", 4))
        return true;
    n = strlen(base);
    for (size_t i = 0; i < GATE_ARRAY_SIZE(exts); i++) {
        size_t e = strlen(exts[i]);

        if (n > e && !strcmp(base + n - e, exts[i]))
            return true;
    }
    return false;
}

struct scan {
    struct gate_check_ctx *ctx;
    const struct gate_check_def *def;
    size_t hits;
    size_t files;
    /* what this file reported already: "line\tmasked" */
    char **seen;
    size_t nseen;
    size_t capseen;
};

static bool seen_before(struct scan *s, int line, const char *masked)
{
    char *key = gate_xasprintf("%d\t%s", line, masked);

    for (size_t i = 0; i < s->nseen; i++) {
        if (!strcmp(s->seen[i], key)) {
            free(key);
            return true;
        }
    }
    GATE_GROW(s->seen, s->capseen, s->nseen + 1);
    s->seen[s->nseen++] = key;
    return false;
}

static void scan_text(struct scan *s, const char *path, const char *data, size_t len,
                      const char *where)
{
    int line = 1;
    size_t check = len < 8000 ? len : 8000;

    if (memchr(data, '\0', check))
        return; /* binary */
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(data + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - data) : len;
        size_t pos = 0;
        struct gate_secret_hit hit;

        while (gate_secret_scan(data + i, end - i, &pos, &hit)) {
            if (seen_before(s, line, hit.masked))
                continue;
            s->hits++;
            if (s->hits <= MAX_REPORTED)
                gate_check_report(s->ctx, s->def, GATE_OUTCOME_VIOLATION, path, line,
                                  "%s:%d: a database URL with a password is %s: %s; remove it "
                                  "and read the URL from an environment variable (a secret "
                                  "store in CI), and rotate the password: git history keeps it",
                                  path, line, where, hit.masked);
        }
        line++;
        i = end + 1;
    }
}

static void run(struct gate_check_ctx *ctx, const struct gate_check_def *def)
{
    struct gate_repo_tree t;
    struct gate_err err = {0};
    struct scan s = {0};

    s.ctx = ctx;
    s.def = def;
    if (gate_repo_tracked(ctx->repo, &t, &err)) {
        gate_check_report(ctx, def, GATE_OUTCOME_ERROR, NULL, 0, "%s", err.msg);
        gate_repo_tree_release(&t);
        return;
    }
    for (size_t i = 0; i < t.n; i++) {
        const struct gate_repo_entry *e = &t.items[i];
        char *data = NULL;
        size_t len = 0;
        char oid[41];

        if (e->kind != GATE_RK_FILE || !candidate(e->path))
            continue;
        s.files++;
        for (size_t k = 0; k < s.nseen; k++)
            free(s.seen[k]);
        s.nseen = 0;
        if (!gate_repo_blob(ctx->repo, e->oid, MAX_SCAN, &data, &len, &err)) {
            scan_text(&s, e->path, data, len, "committed");
            free(data);
        }
        gate_err_clear(&err);
        /* the working-tree file, when it differs from what is staged */
        if (!gate_repo_hash_file(ctx->repo, e->path, oid, &err) && strcmp(oid, e->oid) != 0) {
            char *abs = gate_xasprintf("%s/%s", gate_repo_workdir(ctx->repo), e->path);

            if (!gate_read_file(abs, MAX_SCAN, &data, &len, &err)) {
                scan_text(&s, e->path, data, len, "in a tracked file (not yet committed)");
                free(data);
            }
            free(abs);
        }
        gate_err_clear(&err);
    }
    if (s.hits > MAX_REPORTED)
        gate_check_report(ctx, def, GATE_OUTCOME_VIOLATION, NULL, 0,
                          "%zu more database URLs with a password in tracked files (the first "
                          "%d are listed)",
                          s.hits - MAX_REPORTED, MAX_REPORTED);
    if (!s.hits)
        gate_check_report(ctx, def, GATE_OUTCOME_PASS, NULL, 0,
                          "no tracked .env, YAML, JSON, TOML or shell file holds a database URL "
                          "with a password (%zu file%s read)",
                          s.files, s.files == 1 ? "" : "s");
    for (size_t k = 0; k < s.nseen; k++)
        free(s.seen[k]);
    free(s.seen);
    gate_repo_tree_release(&t);
}

const struct gate_check_def gate_check_committed_secrets = {
    .id = "committed-secrets",
    .family = "git",
    .summary = "tracked files hold a database URL with a password",
    .flags = GATE_CHECK_NEEDS_GIT,
    .level = GATE_CHECK_ERROR,
    .run = run,
};
