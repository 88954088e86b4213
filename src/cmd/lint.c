/* SPDX-License-Identifier: MIT */
/*
 * cmd/lint.c - `prisma-gate lint [PATH...]`: classify migration SQL.
 *
 * A PATH is a migration.sql (or any .sql file), a migration folder (holding
 * migration.sql), or a migrations directory, whose migrations are linted
 * in Prisma's order with each earlier one replayed into the catalog.
 * No PATH means the project's migrations directory, resolved as every
 * command resolves it (--migrations, the policy's project.migrations, else
 * next to the schema Prisma would find; ./prisma/migrations without one).
 * PATH "-" is SQL read from standard input, named <stdin> in reports, with
 * a file's size cap and checks.
 * The policy's lint.rules (off, on, severity, risk) and
 * lint.hygiene_on_generated feed the engine. A migration lint.exclude
 * matches is not reported (in a directory it is still replayed, so later
 * migrations know its tables); a "lint.exclude" check says how many.
 */
#include "gate/compat.h"
#include "gate/cli.h"
#include "gate/digest.h"
#include "gate/fs.h"
#include "gate/lint.h"
#include "gate/migrations.h"
#include "gate/msg.h"
#include "gate/policy.h"
#include "gate/prefetch.h"
#include "gate/project.h"
#include "gate/xalloc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct lint_state {
    struct gate_run *run;
    const struct gate_policy *pol;
    struct gate_lint_opts opts;
    bool unavailable; /* some input could not be read */
    bool stdin_read;  /* "-" was linted (standard input is read once) */
    size_t excluded;  /* migrations lint.exclude matched */
    const char *excluded_first;
};

void gate_lint_excluded_check(struct gate_run *run, const struct gate_policy *pol, size_t n,
                              const char *first)
{
    if (!n)
        return;
    gate_run_add_check(
        run, "lint.exclude", GATE_STATUS_SKIP,
        gate_arena_printf(&run->arena,
                          "%zu migration%s excluded by lint.exclude in %s (%s%s): replayed for "
                          "history, not reported",
                          n, n == 1 ? "" : "s", pol && pol->path ? pol->path : "the policy",
                          n == 1 ? "" : "first: ", first));
}

/* Whether lint.exclude matches path (counted). */
static bool excluded(struct lint_state *ls, const char *path)
{
    const char *pat = gate_policy_excluded(ls->pol, path);

    if (!pat)
        return false;
    gate_verbosef("%s: excluded by lint.exclude '%s'", path, pat);
    if (!ls->excluded++)
        ls->excluded_first = gate_arena_strdup(&ls->run->arena, path);
    return true;
}

/* What reports call SQL read from standard input. */
#define STDIN_NAME "<stdin>"

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');

    return s ? s + 1 : path;
}

/* The migration name of a file: its folder's name for .../NAME/migration.sql. */
static char *name_of_file(const char *path)
{
    const char *b = base_name(path);

    if (!strcmp(b, "migration.sql") && b != path) {
        const char *end = b - 1;
        const char *start = end;

        while (start > path && start[-1] != '/')
            start--;
        if (end > start)
            return gate_xstrndup(start, (size_t)(end - start));
    }
    return gate_xstrdup(b);
}

/*
 * An input that could not be evaluated and is no migration: on stderr,
 * and in the run as a "lint.input" check, so every report says why.
 */
GATE_PRINTF(3, 4)
static void input_error(struct lint_state *ls, const char *path, const char *fmt, ...)
{
    struct gate_check *c;
    va_list ap;
    char msg[1024];

    va_start(ap, fmt);
    (void)vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    gate_errorf("%s", msg);
    c = gate_run_add_check(ls->run, "lint.input", GATE_STATUS_ERROR, msg);
    c->path = gate_arena_strdup(&ls->run->arena, path);
    ls->unavailable = true;
}

/* Record a prefetched file's read problem on m; returns false when it cannot be linted. */
static bool usable(struct lint_state *ls, struct gate_migration *m,
                   const struct gate_prefetch_item *it)
{
    if (it->read_rc) {
        gate_errorf("%s", it->read_err.msg);
        m->error = gate_arena_strdup(&ls->run->arena, it->read_err.msg);
        ls->unavailable = true;
        return false;
    }
    memcpy(m->checksum, it->checksum, sizeof(m->checksum));
    if (it->has_nul) {
        char *msg = gate_xasprintf("'%s' is not a text file (NUL byte at offset %zu)", it->path,
                                   it->nul_at);

        gate_errorf("%s", msg);
        m->error = gate_arena_strdup(&ls->run->arena, msg);
        free(msg);
        ls->unavailable = true;
        return false;
    }
    if (!it->len)
        gate_warnf("'%s' is empty", it->path);
    return true;
}

/*
 * Lint plain files, each on its own (no history between them), parsed
 * ahead on worker threads. names[i] is the migration name of paths[i].
 */
static void lint_files(struct lint_state *ls, const char *const *names, const char *const *paths,
                       size_t n)
{
    const char **keep_names = gate_xcalloc(n ? n : 1, sizeof(*keep_names));
    const char **keep_paths = gate_xcalloc(n ? n : 1, sizeof(*keep_paths));
    struct gate_prefetch *pf;
    size_t nkeep = 0;

    for (size_t i = 0; i < n; i++) {
        if (excluded(ls, paths[i]))
            continue;
        keep_names[nkeep] = names[i];
        keep_paths[nkeep++] = paths[i];
    }
    pf = gate_prefetch_start(keep_paths, nkeep, gate_prefetch_threads(nkeep));
    for (size_t i = 0; i < nkeep; i++) {
        struct gate_migration *m = gate_run_add_migration(ls->run, keep_names[i], keep_paths[i]);
        struct gate_prefetch_item *it = gate_prefetch_get(pf, i);

        if (usable(ls, m, it)) {
            struct gate_linter *l = gate_linter_new(&ls->opts);

            if (it->parse_rc)
                gate_lint_failed(l, ls->run, m, it->parse_err.msg, false);
            else
                gate_lint_parsed(l, ls->run, m, it->data, it->len, &it->file, false);
            gate_linter_free(l);
        }
        gate_prefetch_release(pf, i);
    }
    gate_prefetch_free(pf);
    free(keep_names);
    free(keep_paths);
}

/*
 * An excluded migration of a directory: replayed into the catalog (later
 * migrations build on its tables), never reported. Unreadable, it is left
 * out of the catalog with a warning.
 */
static void replay_excluded(struct lint_state *ls, struct gate_linter *l,
                            struct gate_prefetch_item *it)
{
    struct gate_migration scratch;

    if (it->read_rc || it->has_nul) {
        gate_warnf("%s (excluded by lint.exclude) cannot be replayed: %s", it->path,
                   it->read_rc ? it->read_err.msg : "not a text file");
        return;
    }
    memset(&scratch, 0, sizeof(scratch));
    scratch.name = it->path;
    scratch.path = it->path;
    if (it->parse_rc)
        gate_lint_failed(l, ls->run, &scratch, it->parse_err.msg, true);
    else
        gate_lint_parsed(l, ls->run, &scratch, it->data, it->len, &it->file, true);
    free(scratch.findings);
}

static void lint_directory(struct lint_state *ls, const char *dir)
{
    struct gate_migration_list list;
    struct gate_err err = {0};
    struct gate_linter *l;
    struct gate_prefetch *pf;
    const char **paths;
    size_t npaths = 0, next = 0;

    if (gate_migrations_list(dir, &list, &err)) {
        input_error(ls, dir, "%s", err.msg);
        return;
    }
    if (!list.n) {
        input_error(ls, dir, "no migrations in '%s' (expected folders holding migration.sql)", dir);
        gate_migration_list_release(&list);
        return;
    }
    for (size_t i = 0; i < list.nskipped; i++)
        gate_verbosef("%s: skipping '%s' (Prisma reads only real subdirectories)", dir,
                      list.skipped[i]);
    paths = gate_xcalloc(list.n, sizeof(*paths));
    for (size_t i = 0; i < list.n; i++) {
        if (list.items[i].has_sql && !list.items[i].sql_outside)
            paths[npaths++] = list.items[i].sql_path;
    }
    pf = gate_prefetch_start(paths, npaths, gate_prefetch_threads(npaths));
    l = gate_linter_new(&ls->opts);
    for (size_t i = 0; i < list.n; i++) {
        const struct gate_migration_dir *d = &list.items[i];
        struct gate_migration *m;
        struct gate_prefetch_item *it;

        if (excluded(ls, d->dir)) {
            if (d->has_sql && !d->sql_outside) {
                replay_excluded(ls, l, gate_prefetch_get(pf, next));
                gate_prefetch_release(pf, next);
                next++;
            }
            continue;
        }
        m = gate_run_add_migration(ls->run, d->name, d->sql_path);
        if (!d->has_sql) {
            char *msg = gate_xasprintf("migration folder '%s' has no migration.sql: Prisma "
                                       "fails on it with P3015",
                                       d->dir);

            gate_errorf("%s", msg);
            m->error = gate_arena_strdup(&ls->run->arena, msg);
            free(msg);
            ls->unavailable = true;
            continue;
        }
        if (d->sql_outside) {
            /* in a pull request its target is untrusted: never read, the gate cannot pass */
            char *msg = gate_xasprintf("%s is a symbolic link to a file outside the repository: "
                                       "not read (Prisma would apply whatever the machine holds "
                                       "there); commit the SQL itself",
                                       d->sql_path);

            gate_errorf("%s", msg);
            m->error = gate_arena_strdup(&ls->run->arena, msg);
            free(msg);
            ls->unavailable = true;
            continue;
        }
        it = gate_prefetch_get(pf, next);
        if (usable(ls, m, it)) {
            if (it->parse_rc)
                gate_lint_failed(l, ls->run, m, it->parse_err.msg, false);
            else
                gate_lint_parsed(l, ls->run, m, it->data, it->len, &it->file, false);
        }
        gate_prefetch_release(pf, next);
        next++;
    }
    gate_linter_free(l);
    gate_prefetch_free(pf);
    free(paths);
    gate_migration_list_release(&list);
}

/* Standard input, whole, into *out (NUL-terminated), at most GATE_MAX_SQL_FILE bytes. */
static enum gate_code read_stdin(char **out, size_t *len, struct gate_err *err)
{
    size_t cap = 65536, n = 0;
    char *buf = gate_xmalloc(cap);

    for (;;) {
        ssize_t r;

        if (n + 1 >= cap) {
            if (cap > (size_t)GATE_MAX_SQL_FILE + 1) {
                free(buf);
                return gate_fail(err, GATE_E_LIMIT, "%s is too large (the limit is %zu MiB)",
                                 STDIN_NAME, GATE_MAX_SQL_FILE / ((size_t)1024 * 1024));
            }
            cap *= 2;
            buf = gate_xrealloc(buf, cap);
        }
        r = read(STDIN_FILENO, buf + n, cap - n - 1);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            free(buf);
            return gate_fail(err, GATE_E_IO, "cannot read %s: %s", STDIN_NAME, strerror(errno));
        }
        if (!r)
            break;
        n += (size_t)r;
    }
    if (n > (size_t)GATE_MAX_SQL_FILE) {
        free(buf);
        return gate_fail(err, GATE_E_LIMIT, "%s is too large (the limit is %zu MiB)", STDIN_NAME,
                         GATE_MAX_SQL_FILE / ((size_t)1024 * 1024));
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return GATE_OK;
}

/* "-": one migration from standard input, checked as a file is (size, NUL bytes, UTF-8). */
static void lint_stdin(struct lint_state *ls)
{
    struct gate_prefetch_item it;
    struct gate_migration *m;
    const char *nul;

    if (ls->stdin_read) {
        input_error(ls, "-", "'-' (standard input) given more than once: it is read once");
        return;
    }
    ls->stdin_read = true;
    m = gate_run_add_migration(ls->run, STDIN_NAME, STDIN_NAME);
    memset(&it, 0, sizeof(it));
    it.path = STDIN_NAME;
    it.read_rc = read_stdin(&it.data, &it.len, &it.read_err);
    if (!it.read_rc) {
        gate_sha256_hex(it.data, it.len, it.checksum);
        nul = memchr(it.data, '\0', it.len);
        if (nul) {
            it.has_nul = true;
            it.nul_at = (size_t)(nul - it.data);
        }
    }
    if (usable(ls, m, &it)) {
        struct gate_linter *l = gate_linter_new(&ls->opts);

        it.parse_rc = gate_sql_parse(it.data, it.len, &it.file, &it.parse_err);
        if (it.parse_rc)
            gate_lint_failed(l, ls->run, m, it.parse_err.msg, false);
        else
            gate_lint_parsed(l, ls->run, m, it.data, it.len, &it.file, false);
        gate_sql_file_release(&it.file);
        gate_linter_free(l);
    }
    free(it.data);
}

/* Plain files waiting to be linted together (consecutive file arguments). */
struct file_batch {
    char **names;
    char **paths;
    size_t n;
    size_t capnames;
    size_t cappaths;
};

static void batch_add(struct file_batch *b, char *name, char *path)
{
    GATE_GROW(b->names, b->capnames, b->n + 1);
    GATE_GROW(b->paths, b->cappaths, b->n + 1);
    b->names[b->n] = name;
    b->paths[b->n] = path;
    b->n++;
}

static void batch_flush(struct lint_state *ls, struct file_batch *b)
{
    lint_files(ls, (const char *const *)b->names, (const char *const *)b->paths, b->n);
    for (size_t i = 0; i < b->n; i++) {
        free(b->names[i]);
        free(b->paths[i]);
    }
    b->n = 0;
}

static void lint_path(struct lint_state *ls, struct file_batch *batch, const char *path)
{
    if (!strcmp(path, "-")) {
        batch_flush(ls, batch);
        lint_stdin(ls);
        return;
    }
    switch (gate_path_kind(path)) {
    case GATE_PATH_FILE:
        batch_add(batch, name_of_file(path), gate_xstrdup(path));
        break;
    case GATE_PATH_DIR: {
        char *sql = gate_path_join(path, "migration.sql");

        if (gate_path_kind(sql) == GATE_PATH_FILE) {
            batch_add(batch, gate_xstrdup(base_name(path)), sql);
            break;
        }
        free(sql);
        batch_flush(ls, batch);
        lint_directory(ls, path);
        break;
    }
    case GATE_PATH_MISSING:
        batch_flush(ls, batch);
        input_error(ls, path, "cannot read '%s': no such file or directory", path);
        break;
    default:
        batch_flush(ls, batch);
        input_error(ls, path, "cannot read '%s': not a file or directory", path);
        break;
    }
}

enum gate_exit gate_cmd_lint(struct gate_cli *cli, struct gate_run *run, struct gate_buf *out)
{
    struct lint_state ls = {0};
    struct file_batch batch = {0};

    (void)out;
    ls.run = run;
    ls.pol = cli->pol;
    ls.opts.fail_on = cli->fail_on;
    if (cli->pol) {
        ls.opts.rules = cli->pol->lint.rules;
        ls.opts.nrules = cli->pol->lint.nrules;
        ls.opts.hygiene_on_generated = cli->pol->lint.hygiene_on_generated;
    }
    run->fail_on = cli->fail_on;
    if (cli->base) {
        if (cli->nargs) {
            gate_errorf("lint --base takes no PATH: it lints the project's migrations that the "
                        "change from %s adds or edits (--schema / --migrations choose the "
                        "project), got '%s'",
                        cli->base, cli->args[0]);
            run->verdict = GATE_VERDICT_ERROR;
            return GATE_EXIT_USAGE;
        }
        return gate_check_lint_base(cli, run);
    }
    if (!cli->nargs) {
        /* the project's migrations, resolved as every command resolves them */
        struct gate_project proj;
        struct gate_err err = {0};

        if (gate_project_resolve(cli->schema, cli->migrations, cli->pol, true, &proj, &err)) {
            input_error(&ls, ".", "no PATH given: %s", err.msg);
            gate_project_release(&proj);
            run->verdict = GATE_VERDICT_ERROR;
            return err.code == GATE_E_USAGE ? GATE_EXIT_USAGE : GATE_EXIT_UNAVAILABLE;
        }
        gate_verbosef("migrations %s (%s)", proj.migrations, proj.migrations_from);
        if (gate_path_kind(proj.migrations) != GATE_PATH_DIR) {
            input_error(&ls, proj.migrations,
                        "no PATH given and no migrations directory %s (%s): run in the project "
                        "root (-C DIR), pass --migrations DIR, or pass migration paths",
                        proj.migrations, proj.migrations_from);
            gate_project_release(&proj);
            run->verdict = GATE_VERDICT_ERROR;
            return GATE_EXIT_UNAVAILABLE;
        }
        lint_path(&ls, &batch, proj.migrations);
        gate_project_release(&proj);
    }
    for (int i = 0; i < cli->nargs; i++)
        lint_path(&ls, &batch, cli->args[i]);
    batch_flush(&ls, &batch);
    free(batch.names);
    free(batch.paths);
    gate_lint_excluded_check(run, ls.pol, ls.excluded, ls.excluded_first);

    return gate_run_finish(run, ls.unavailable, false);
}
