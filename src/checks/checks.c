/* SPDX-License-Identifier: MIT */
/*
 * checks.c - the check registry, the context every check reads (the git
 * facts and the change: which migrations this change adds, edits or
 * deletes against the base), and how a result becomes a checks[] entry.
 */
#include "gate/compat.h"
#include "gate/checks.h"
#include "gate/fs.h"
#include "gate/hmap.h"
#include "gate/xalloc.h"

#include <stdlib.h>
#include <string.h>

const struct gate_check_def *const gate_check_registry[] = {
    &gate_check_uncommitted_schema,
    &gate_check_untracked_migrations,
    &gate_check_edited_migrations,
    &gate_check_out_of_order_migrations,
    &gate_check_schema_without_migration,
    &gate_check_migration_lock,
    &gate_check_client_sync,
    &gate_check_committed_secrets,
    &gate_check_test_apply,
    NULL,
};

/* ---------------------------------------------------------------- levels */

enum gate_check_level gate_check_level_of(const struct gate_check_ctx *ctx,
                                          const struct gate_check_def *def)
{
    return ctx->policy ? gate_policy_check(ctx->policy, def->id) : def->level;
}

struct gate_check *gate_check_report(struct gate_check_ctx *ctx, const struct gate_check_def *def,
                                     enum gate_check_outcome outcome, const char *path, int line,
                                     const char *fmt, ...)
{
    char msg[2048];
    char id[128];
    va_list ap;
    enum gate_status st;
    struct gate_check *c;

    va_start(ap, fmt);
    (void)vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    (void)snprintf(id, sizeof(id), "%s.%s", def->family, def->id);
    switch (outcome) {
    case GATE_OUTCOME_PASS:
        st = GATE_STATUS_PASS;
        break;
    case GATE_OUTCOME_VIOLATION:
        st =
            gate_check_level_of(ctx, def) == GATE_CHECK_ERROR ? GATE_STATUS_FAIL : GATE_STATUS_WARN;
        break;
    case GATE_OUTCOME_NOTICE:
        st = GATE_STATUS_WARN;
        break;
    case GATE_OUTCOME_SKIP:
        st = GATE_STATUS_SKIP;
        break;
    default:
        st = GATE_STATUS_ERROR;
        break;
    }
    c = gate_run_add_check(ctx->run, id, st, msg);
    if (path)
        c->path = gate_arena_strdup(&ctx->run->arena, path);
    c->line = line;
    return c;
}

const struct gate_change_mig *gate_check_mig(const struct gate_check_ctx *ctx, const char *name)
{
    for (size_t i = 0; i < ctx->nmigs; i++) {
        if (!strcmp(ctx->migs[i].name, name))
            return &ctx->migs[i];
    }
    return NULL;
}

size_t gate_check_count(const struct gate_check_ctx *ctx, enum gate_change_kind kind)
{
    size_t n = 0;

    for (size_t i = 0; i < ctx->nmigs; i++)
        n += ctx->migs[i].kind == kind;
    return n;
}

/* --------------------------------------------------------------- collect */

/* The migration of that name, added when new; byname maps a name to its index in migs. */
static struct gate_change_mig *mig_get(struct gate_check_ctx *ctx, struct gate_hmap *byname,
                                       const char *name)
{
    struct gate_change_mig *m;
    bool created;
    struct gate_hmap_entry *e = gate_hmap_upserts(byname, name, &created);

    if (!created)
        return &ctx->migs[e->num];
    e->num = ctx->nmigs;
    GATE_GROW(ctx->migs, ctx->capmigs, ctx->nmigs + 1);
    m = &ctx->migs[ctx->nmigs++];
    memset(m, 0, sizeof(*m));
    m->name = gate_xstrdup(name);
    return m;
}

static int cmp_mig(const void *a, const void *b)
{
    const struct gate_change_mig *x = a, *y = b;

    return gate_migration_name_cmp(x->name, y->name);
}

/* "dir/rest" -> rest when path is under dir ("" is the root); NULL otherwise. */
static const char *under(const char *path, const char *dir)
{
    size_t n = strlen(dir);

    if (!n)
        return path;
    if (strncmp(path, dir, n) != 0 || path[n] != '/')
        return NULL;
    return path + n + 1;
}

static void collect_change(struct gate_check_ctx *ctx)
{
    struct gate_repo_tree t;
    struct gate_hmap byname = {0};
    size_t *added = NULL, nadded = 0, capadded = 0;

    if (!ctx->r_migrations) {
        gate_fail(&ctx->change_err, GATE_E_GIT,
                  "the migrations directory '%s' is outside the repository '%s'",
                  ctx->proj->migrations, gate_repo_workdir(ctx->repo));
        return;
    }
    if (gate_repo_ls(ctx->repo, ctx->base.commit, ctx->r_migrations, true, &t, &ctx->change_err)) {
        gate_repo_tree_release(&t);
        return;
    }
    for (size_t i = 0; i < t.n; i++) {
        const char *rest = under(t.items[i].path, ctx->r_migrations);
        const char *slash;

        if (!rest)
            continue;
        if (!strcmp(rest, "migration_lock.toml") && t.items[i].kind == GATE_RK_FILE) {
            ctx->base_lock = true;
            continue;
        }
        slash = strchr(rest, '/');
        if (slash && !strcmp(slash + 1, "migration.sql") && t.items[i].kind == GATE_RK_FILE) {
            char *name = gate_xstrndup(rest, (size_t)(slash - rest));
            struct gate_change_mig *m = mig_get(ctx, &byname, name);

            m->on_base = true;
            memcpy(m->base_oid, t.items[i].oid, sizeof(m->base_oid));
            free(name);
        }
    }
    gate_repo_tree_release(&t);
    ctx->nbase = ctx->nmigs;

    for (size_t i = 0; i < ctx->disk.n; i++) {
        const struct gate_migration_dir *d = &ctx->disk.items[i];
        struct gate_change_mig *m = mig_get(ctx, &byname, d->name);

        m->on_disk = true;
        m->has_sql = d->has_sql;
        m->sql_path = gate_xstrdup(d->sql_path);
        m->sql_outside = d->sql_outside;
        if (d->has_sql && !d->sql_outside) {
            char *folder = gate_path_join(ctx->r_migrations, d->name);
            char *rp = gate_xasprintf("%s/migration.sql", folder);

            if (gate_repo_hash_file(ctx->repo, rp, m->disk_oid, &ctx->change_err)) {
                free(rp);
                free(folder);
                gate_hmap_release(&byname);
                return;
            }
            free(rp);
            free(folder);
        }
    }
    for (size_t i = 0; i < ctx->nmigs; i++) {
        struct gate_change_mig *m = &ctx->migs[i];

        if (!m->on_base)
            m->kind = GATE_CHANGE_ADDED;
        else if (!m->on_disk || !m->has_sql)
            m->kind = GATE_CHANGE_DELETED;
        else if (strcmp(m->base_oid, m->disk_oid) != 0)
            m->kind = GATE_CHANGE_EDITED;
        else
            m->kind = GATE_CHANGE_UNCHANGED;
        if (m->kind == GATE_CHANGE_ADDED) {
            GATE_GROW(added, capadded, nadded + 1);
            added[nadded++] = i;
        }
    }
    gate_hmap_release(&byname);
    /* a deleted base migration whose bytes reappear under another name: a rename */
    for (size_t i = 0; i < ctx->nmigs; i++) {
        struct gate_change_mig *del = &ctx->migs[i];

        if (del->kind != GATE_CHANGE_DELETED || del->renamed_to)
            continue;
        for (size_t k = 0; k < nadded; k++) {
            struct gate_change_mig *add = &ctx->migs[added[k]];

            if (add->kind == GATE_CHANGE_ADDED && !add->renamed_from &&
                !strcmp(add->disk_oid, del->base_oid)) {
                add->renamed_from = gate_xstrdup(del->name);
                del->renamed_to = gate_xstrdup(add->name);
                break;
            }
        }
    }
    free(added);
    if (ctx->nmigs > 1)
        qsort(ctx->migs, ctx->nmigs, sizeof(*ctx->migs), cmp_mig);
    for (size_t i = 0; i < ctx->nmigs; i++) {
        if (ctx->migs[i].on_base)
            ctx->newest_base = ctx->migs[i].name;
    }
    ctx->change_ok = true;
}

static void collect_base_schema(struct gate_check_ctx *ctx)
{
    if (!ctx->r_schema)
        return;
    if (!ctx->proj->schema_folder) {
        bool found = false;
        char oid[41];
        char *data = NULL;
        size_t len = 0;
        struct gate_err err = {0};

        if (gate_repo_find(ctx->repo, ctx->base.commit, ctx->r_schema, &found, oid, &err) || !found)
            return;
        if (!gate_repo_blob(ctx->repo, oid, GATE_MAX_SCHEMA_FILE, &data, &len, &err)) {
            gate_schema_parse(&ctx->base_schema, ctx->r_schema, data, len);
            ctx->base_schema_found = true;
        }
        free(data);
    } else {
        struct gate_repo_tree t;
        struct gate_err err = {0};

        if (!gate_repo_ls(ctx->repo, ctx->base.commit, ctx->r_schema, true, &t, &err)) {
            for (size_t i = 0; i < t.n; i++) {
                char *data = NULL;
                size_t len = 0, pl = strlen(t.items[i].path);

                if (t.items[i].kind != GATE_RK_FILE || pl < 7 ||
                    strcmp(t.items[i].path + pl - 7, ".prisma") != 0 ||
                    strstr(t.items[i].path, "/node_modules/"))
                    continue;
                if (!gate_repo_blob(ctx->repo, t.items[i].oid, GATE_MAX_SCHEMA_FILE, &data, &len,
                                    &err)) {
                    gate_schema_parse(&ctx->base_schema, t.items[i].path, data, len);
                    ctx->base_schema_found = true;
                }
                free(data);
            }
        }
        gate_repo_tree_release(&t);
    }
    gate_schema_finish(&ctx->base_schema);
}

void gate_check_ctx_init(struct gate_check_ctx *ctx, struct gate_run *run,
                         struct gate_project *proj, const struct gate_check_opts *opts)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->run = run;
    ctx->proj = proj;
    ctx->policy = opts->policy;
    ctx->target = opts->target;
    ctx->schema_ok = gate_project_load(proj, &ctx->schema_err) == GATE_OK;
    if (gate_path_kind(proj->migrations) == GATE_PATH_DIR) {
        ctx->disk_exists = true;
        if (gate_migrations_list(proj->migrations, &ctx->disk, &ctx->change_err))
            ctx->disk_exists = false;
    }
    if (gate_repo_open(".", &ctx->repo, &ctx->repo_err))
        return;
    if (gate_repo_head(ctx->repo, &ctx->head, &ctx->repo_err)) {
        gate_repo_free(ctx->repo);
        ctx->repo = NULL;
        return;
    }
    ctx->r_schema = gate_repo_path(ctx->repo, proj->schema);
    ctx->r_migrations = gate_repo_path(ctx->repo, proj->migrations);
    ctx->r_files = gate_xcalloc(proj->nfiles + 1, sizeof(*ctx->r_files));
    for (size_t i = 0; i < proj->nfiles; i++) {
        char *p = gate_repo_path(ctx->repo, proj->files[i]);

        if (p)
            ctx->r_files[ctx->nr_files++] = p;
    }
    if (ctx->change_err.code)
        return; /* the migrations directory could not be read */
    if (gate_repo_base(ctx->repo, opts->base, opts->pr_base, opts->pr_merge, &ctx->base,
                       &ctx->base_err))
        return;
    ctx->have_base = true;
    collect_change(ctx);
    collect_base_schema(ctx);
}

void gate_check_ctx_release(struct gate_check_ctx *ctx)
{
    for (size_t i = 0; i < ctx->nmigs; i++) {
        free(ctx->migs[i].name);
        free(ctx->migs[i].renamed_from);
        free(ctx->migs[i].renamed_to);
        free(ctx->migs[i].sql_path);
    }
    free(ctx->migs);
    for (size_t i = 0; i < ctx->nr_files; i++)
        free(ctx->r_files[i]);
    free(ctx->r_files);
    free(ctx->r_schema);
    free(ctx->r_migrations);
    gate_migration_list_release(&ctx->disk);
    gate_schema_release(&ctx->base_schema);
    gate_repo_base_release(&ctx->base);
    gate_repo_head_release(&ctx->head);
    gate_repo_free(ctx->repo);
    memset(ctx, 0, sizeof(*ctx));
}

/* ------------------------------------------------------------------- run */

static void preamble(struct gate_check_ctx *ctx)
{
    struct gate_run *run = ctx->run;
    char msg[1024];

    if (!ctx->repo) {
        gate_run_add_check(run, "git.repository", GATE_STATUS_ERROR, ctx->repo_err.msg);
        return;
    }
    if (ctx->head.unborn)
        (void)snprintf(msg, sizeof(msg), "%s: HEAD has no commit yet",
                       gate_repo_workdir(ctx->repo));
    else
        (void)snprintf(msg, sizeof(msg), "%s: HEAD %s%s%.12s%s", gate_repo_workdir(ctx->repo),
                       ctx->head.branch ? ctx->head.branch : "(detached) ",
                       ctx->head.branch ? " @ " : "", ctx->head.commit,
                       gate_repo_shallow(ctx->repo) ? ", shallow clone" : "");
    gate_run_add_check(run, "git.repository", GATE_STATUS_PASS, msg);
    if (!ctx->have_base) {
        gate_run_add_check(run, "git.base", GATE_STATUS_ERROR,
                           ctx->change_err.code ? ctx->change_err.msg : ctx->base_err.msg);
        return;
    }
    if (!ctx->change_ok) {
        gate_run_add_check(run, "git.base", GATE_STATUS_ERROR, ctx->change_err.msg);
        return;
    }
    (void)snprintf(msg, sizeof(msg),
                   "%s @ %.12s (%s); %zu migration%s on the base; this change adds %zu, edits "
                   "%zu, deletes %zu",
                   ctx->base.ref, ctx->base.commit, ctx->base.how, ctx->nbase,
                   ctx->nbase == 1 ? "" : "s", gate_check_count(ctx, GATE_CHANGE_ADDED),
                   gate_check_count(ctx, GATE_CHANGE_EDITED),
                   gate_check_count(ctx, GATE_CHANGE_DELETED));
    gate_run_add_check(run, "git.base", GATE_STATUS_PASS, msg);
}

void gate_checks_preamble(struct gate_check_ctx *ctx)
{
    preamble(ctx);
}

void gate_checks_run(struct gate_check_ctx *ctx)
{
    preamble(ctx);
    for (size_t i = 0; gate_check_registry[i]; i++) {
        const struct gate_check_def *def = gate_check_registry[i];

        if (gate_check_level_of(ctx, def) == GATE_CHECK_OFF) {
            gate_check_report(ctx, def, GATE_OUTCOME_SKIP, NULL, 0, "off in the policy");
            continue;
        }
        if ((def->flags & (GATE_CHECK_NEEDS_GIT | GATE_CHECK_NEEDS_BASE)) && !ctx->repo) {
            gate_check_report(ctx, def, GATE_OUTCOME_SKIP, NULL, 0,
                              "needs a git repository (see git.repository)");
            continue;
        }
        if ((def->flags & GATE_CHECK_NEEDS_BASE) && (!ctx->have_base || !ctx->change_ok)) {
            gate_check_report(ctx, def, GATE_OUTCOME_SKIP, NULL, 0,
                              "needs the base of the change (see git.base)");
            continue;
        }
        if ((def->flags & GATE_CHECK_NEEDS_SCHEMA) && !ctx->schema_ok) {
            gate_check_report(ctx, def, GATE_OUTCOME_ERROR, NULL, 0, "%s", ctx->schema_err.msg);
            continue;
        }
        def->run(ctx, def);
    }
}
