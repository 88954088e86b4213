/* SPDX-License-Identifier: MIT */
/*
 * cmd/check.c - `prisma-gate check`: the pre-merge gate. Runs the
 * repository checks (checks.h) against the base of the change, then lints
 * only the migrations this change adds or edits, with every migration
 * that exists on the base replayed first (as the base has it: that is
 * what the databases already ran), and describes each new migration's
 * impact in the schema's terms (impact.h).
 *
 * lint --base REF runs the same code without the repository checks
 * (gate_check_lint_base): git.repository, git.base and the lint of the
 * change. lint.exclude leaves matching migrations out of the findings
 * (an added one is still replayed into the catalog).
 *
 * Exit: 0 gate open; 1 a check failed or a finding is at or above
 * --fail-on; 2 usage (no schema found, bad option); 3 something could
 * not be evaluated (no git repository, no base, an unreadable file, or a
 * base that is HEAD itself with nothing uncommitted: see
 * refuse_empty_change).
 */
#include "gate/compat.h"
#include "gate/checks.h"
#include "gate/cli.h"
#include "gate/cmd_common.h"
#include "gate/digest.h"
#include "gate/fs.h"
#include "gate/impact.h"
#include "gate/lint.h"
#include "gate/msg.h"
#include "gate/policy.h"
#include "gate/project.h"
#include "gate/repo.h"
#include "gate/sql.h"
#include "gate/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* The policy main.c loaded (cli->pol), or the built-in defaults. */
static const struct gate_policy *policy_of(const struct gate_cli *cli, struct gate_policy *defaults)
{
    if (cli->pol)
        return cli->pol;
    gate_policy_defaults(defaults);
    return defaults;
}

/*
 * With the base at HEAD itself, the change is the uncommitted work: true
 * when the working tree adds, edits or deletes a migration, or changes a
 * schema file (staged, modified, untracked or deleted).
 */
static bool uncommitted_change(struct gate_check_ctx *ctx)
{
    struct gate_repo_status st;
    struct gate_err err = {0};
    const char *paths[1];
    bool found = false;

    if (gate_check_count(ctx, GATE_CHANGE_ADDED) || gate_check_count(ctx, GATE_CHANGE_EDITED) ||
        gate_check_count(ctx, GATE_CHANGE_DELETED))
        return true;
    if (!ctx->r_schema)
        return false;
    paths[0] = ctx->r_schema;
    if (gate_repo_status(ctx->repo, paths, 1, false, &st, &err))
        found = true; /* cannot tell: the checks report the error */
    for (size_t i = 0; i < st.n && !found; i++) {
        size_t n = strlen(st.items[i].path);

        /* a schema folder may hold other files: only .prisma files are the schema */
        if (!ctx->proj->schema_folder || (n >= 7 && !strcmp(st.items[i].path + n - 7, ".prisma")))
            found = true;
    }
    gate_repo_status_release(&st);
    return found;
}

/*
 * A base that is HEAD itself (a clone of the branch alone, where
 * origin/HEAD is the branch; --base HEAD; the default branch checked out)
 * with nothing uncommitted compares nothing: the base is refused (git.base
 * is an error, exit 3) and the message says which base to pass, rather
 * than "0 migrations linted, gate open".
 */
static void refuse_empty_change(struct gate_check_ctx *ctx)
{
    if (!ctx->have_base || !ctx->change_ok || !ctx->base.is_head || uncommitted_change(ctx))
        return;
    ctx->change_ok = false;
    gate_fail(&ctx->change_err, GATE_E_GIT,
              "the base %s (%.12s) is HEAD itself and nothing in the project is uncommitted: "
              "there is no change to check, and a gate that compares nothing does not open. "
              "Pass the branch this change merges into, e.g. --base origin/main (a clone of the "
              "branch alone, such as a shallow CI checkout, fetches it first: git fetch "
              "--no-tags --depth=50 origin main:refs/remotes/origin/main); on the default branch "
              "after a merge, --base HEAD~1 checks the last commit",
              ctx->base.ref, ctx->base.commit);
}

/* What the run records about the change (for the reports). */
static void describe_change(struct gate_check_ctx *ctx)
{
    struct gate_run *run = ctx->run;
    struct gate_arena *a = &run->arena;
    struct gate_run_change *c = gate_arena_alloc(a, sizeof(*c));

    c->schema = gate_arena_strdup(a, ctx->proj->schema);
    c->migrations_dir = gate_arena_strdup(a, ctx->proj->migrations);
    if (ctx->repo) {
        c->shallow = gate_repo_shallow(ctx->repo);
        c->detached = ctx->head.detached;
        if (ctx->head.commit[0])
            c->head_commit = gate_arena_strdup(a, ctx->head.commit);
        if (ctx->head.branch)
            c->head_branch = gate_arena_strdup(a, ctx->head.branch);
    }
    if (ctx->have_base) {
        c->base_ref = gate_arena_strdup(a, ctx->base.ref);
        c->base_commit = gate_arena_strdup(a, ctx->base.commit);
        c->base_how = gate_arena_strdup(a, ctx->base.how);
    }
    if (ctx->change_ok) {
        c->base_migrations = ctx->nbase;
        c->added = gate_check_count(ctx, GATE_CHANGE_ADDED);
        c->edited = gate_check_count(ctx, GATE_CHANGE_EDITED);
        c->deleted = gate_check_count(ctx, GATE_CHANGE_DELETED);
    }
    run->change = c;
}

/* Replay the base's migrations (the base's text) into the linter's catalog. */
static bool replay_base(struct gate_check_ctx *ctx, struct gate_linter *l)
{
    for (size_t i = 0; i < ctx->nmigs; i++) {
        const struct gate_change_mig *cm = &ctx->migs[i];
        struct gate_migration scratch;
        struct gate_err err = {0};
        char *data = NULL;
        size_t len = 0;

        if (!cm->on_base)
            continue;
        if (gate_repo_blob(ctx->repo, cm->base_oid, (size_t)GATE_MAX_SQL_FILE, &data, &len, &err)) {
            gate_errorf("cannot read migration %s on the base: %s", cm->name, err.msg);
            return false;
        }
        memset(&scratch, 0, sizeof(scratch));
        scratch.name = cm->name;
        scratch.path = cm->name;
        gate_lint_source(l, ctx->run, &scratch, data, len, true);
        free(scratch.findings);
        free(data);
    }
    return true;
}

/* Lint one added or edited migration and describe its impact; false when unreadable. */
static bool lint_one(struct gate_check_ctx *ctx, struct gate_linter *l,
                     const struct gate_change_mig *cm)
{
    struct gate_run *run = ctx->run;
    struct gate_migration *m = gate_run_add_migration(run, cm->name, cm->sql_path);
    struct gate_sql_file file;
    struct gate_err err = {0};
    char *data = NULL;
    size_t len = 0;
    const char *change = cm->kind == GATE_CHANGE_ADDED ? "added" : "edited";

    m->state = cm->kind == GATE_CHANGE_ADDED ? GATE_MSTATE_PENDING : GATE_MSTATE_MODIFIED;
    if (!cm->has_sql) {
        m->error = gate_arena_printf(&run->arena,
                                     "migration folder '%s/%s' has no migration.sql: Prisma "
                                     "fails on it with P3015",
                                     ctx->proj->migrations, cm->name);
        gate_errorf("%s", m->error);
        return false;
    }
    if (cm->sql_outside) {
        /* its content is whatever the machine holds there: not read, a failed check */
        struct gate_check *c = gate_run_add_check(
            run, "migrations.symlink", GATE_STATUS_FAIL,
            gate_arena_printf(&run->arena,
                              "%s is a symbolic link to a file outside the repository: not read "
                              "(in a pull request its target is untrusted, and Prisma would apply "
                              "whatever the deploy machine holds there); commit the SQL itself",
                              cm->sql_path));

        c->path = gate_arena_strdup(&run->arena, cm->sql_path);
        c->line = 1; /* the file itself (SARIF and GitLab locations need a line) */
        m->note = "migration.sql is a symbolic link out of the repository: not read";
        return true;
    }
    if (gate_read_file(cm->sql_path, (size_t)GATE_MAX_SQL_FILE, &data, &len, &err)) {
        m->error = gate_arena_strdup(&run->arena, err.msg);
        gate_errorf("%s", err.msg);
        return false;
    }
    gate_sha256_hex(data, len, m->checksum);
    memset(&file, 0, sizeof(file));
    gate_err_clear(&err);
    if (gate_sql_parse(data, len, &file, &err)) {
        gate_lint_failed(l, run, m, err.msg, false);
        gate_impact_analyse(run, m, NULL, ctx->schema_ok ? &ctx->proj->parsed : NULL, change);
    } else {
        gate_lint_parsed(l, run, m, data, len, &file, false);
        gate_impact_analyse(run, m, &file, ctx->schema_ok ? &ctx->proj->parsed : NULL, change);
    }
    gate_sql_file_release(&file);
    free(data);
    return true;
}

/*
 * Whether lint.exclude matches this added or edited migration (its folder
 * under the migrations directory). An added one is replayed into the
 * catalog, for the migrations after it; an edited one's base text already
 * was. Counted in *n; *first: the first one's folder.
 */
static bool excluded_change(struct gate_check_ctx *ctx, struct gate_linter *l,
                            const struct gate_change_mig *cm, size_t *n, const char **first)
{
    struct gate_run *run = ctx->run;
    char *dir = gate_path_join(ctx->proj->migrations, cm->name);
    const char *pat = gate_policy_excluded(ctx->policy, dir);

    if (!pat) {
        free(dir);
        return false;
    }
    gate_verbosef("%s: excluded by lint.exclude '%s'", dir, pat);
    if (!(*n)++)
        *first = gate_arena_strdup(&run->arena, dir);
    free(dir);
    if (cm->kind == GATE_CHANGE_ADDED && cm->has_sql && !cm->sql_outside) {
        struct gate_migration scratch;
        struct gate_err err = {0};
        char *data = NULL;
        size_t len = 0;

        if (gate_read_file(cm->sql_path, (size_t)GATE_MAX_SQL_FILE, &data, &len, &err)) {
            gate_warnf("%s (excluded by lint.exclude) cannot be replayed: %s", cm->sql_path,
                       err.msg);
            return true;
        }
        memset(&scratch, 0, sizeof(scratch));
        scratch.name = cm->name;
        scratch.path = cm->sql_path;
        gate_lint_source(l, run, &scratch, data, len, true);
        free(scratch.findings);
        free(data);
    }
    return true;
}

/* Lint the migrations this change adds or edits; false when one could not be read. */
static bool lint_change(struct gate_check_ctx *ctx, enum gate_risk fail_on)
{
    struct gate_lint_opts opts = {0};
    struct gate_linter *l;
    bool ok = true;
    size_t nexcluded = 0;
    const char *first = NULL;

    if (!ctx->have_base || !ctx->change_ok)
        return true; /* git.base says why */
    opts.fail_on = fail_on;
    if (ctx->policy) {
        opts.hygiene_on_generated = ctx->policy->lint.hygiene_on_generated;
        opts.rules = ctx->policy->lint.rules;
        opts.nrules = ctx->policy->lint.nrules;
        opts.pg_version = ctx->policy->postgres.version;
    }
    l = gate_linter_new(&opts);
    if (!replay_base(ctx, l)) {
        gate_linter_free(l);
        return false;
    }
    for (size_t i = 0; i < ctx->nmigs; i++) {
        const struct gate_change_mig *cm = &ctx->migs[i];

        if (cm->kind != GATE_CHANGE_ADDED && cm->kind != GATE_CHANGE_EDITED)
            continue;
        if (!cm->on_disk)
            continue;
        if (excluded_change(ctx, l, cm, &nexcluded, &first))
            continue;
        if (!lint_one(ctx, l, cm))
            ok = false;
    }
    gate_linter_free(l);
    gate_lint_excluded_check(ctx->run, ctx->policy, nexcluded, first);
    return ok;
}

/* $GITHUB_REF of a pull request checked out as GitHub's test-merge commit: refs/pull/N/merge. */
static bool pr_merge_ref(const char *ref)
{
    size_t n = ref ? strlen(ref) : 0;

    return n > 16 && !strncmp(ref, "refs/pull/", 10) && !strcmp(ref + n - 6, "/merge");
}

/*
 * check, and lint --base (repo_checks false: git.repository and git.base
 * only, then the lint of the change).
 */
static enum gate_exit run_change(struct gate_cli *cli, struct gate_run *run, bool repo_checks)
{
    struct gate_project proj;
    struct gate_check_ctx ctx;
    struct gate_check_opts opts = {0};
    struct gate_policy defaults;
    const struct gate_policy *pol;
    enum gate_exit rc;
    bool readable, failed = false, error = false;

    pol = policy_of(cli, &defaults);
    run->fail_on = cli->fail_on;
    rc = gate_cmd_resolve_project(cli, pol, false, run, &proj);
    if (rc)
        return rc;
    gate_verbosef("schema %s (%s), migrations %s (%s)", proj.schema, proj.schema_from,
                  proj.migrations, proj.migrations_from);
    opts.base = cli->base;
    opts.pr_base = getenv("GITHUB_BASE_REF");
    opts.pr_merge = pr_merge_ref(getenv("GITHUB_REF"));
    opts.policy = pol;
    opts.target = cli->target;
    gate_check_ctx_init(&ctx, run, &proj, &opts);
    refuse_empty_change(&ctx);
    describe_change(&ctx);
    if (repo_checks)
        gate_checks_run(&ctx);
    else
        gate_checks_preamble(&ctx);
    readable = lint_change(&ctx, cli->fail_on);

    for (size_t i = 0; i < run->nchecks; i++) {
        const struct gate_check *c = &run->checks[i];

        if (c->status == GATE_STATUS_FAIL)
            failed = true;
        else if (c->status == GATE_STATUS_ERROR)
            error = true;
        if (c->status == GATE_STATUS_ERROR)
            gate_errorf("%s: %s", c->id, c->message);
        else if (c->status == GATE_STATUS_FAIL)
            gate_verbosef("%s: %s", c->id, c->message);
    }
    gate_check_ctx_release(&ctx);
    gate_project_release(&proj);
    return gate_run_finish(run, error || !readable, failed);
}

enum gate_exit gate_cmd_check(struct gate_cli *cli, struct gate_run *run, struct gate_buf *out)
{
    (void)out;
    return run_change(cli, run, true);
}

enum gate_exit gate_check_lint_base(struct gate_cli *cli, struct gate_run *run)
{
    return run_change(cli, run, false);
}
