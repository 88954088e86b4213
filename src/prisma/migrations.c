/* SPDX-License-Identifier: MIT */
/*
 * migrations.c - Prisma's migration discovery and ordering, the one
 * loader of local migrations (read, checksummed) and the one
 * migration_lock.toml check (migrations.h).
 */
#include "gate/compat.h"
#include "gate/migrations.h"
#include "gate/fs.h"
#include "gate/history.h"
#include "gate/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/*
 * ICU root collation of ASCII, as Node 20 orders it: whitespace, then
 * punctuation and symbols in this order, then digits, then letters with
 * case ignored at the primary level (lower case first at the tertiary
 * level). Bytes outside ASCII sort after all of these, by value.
 */
static const char punct_order[] = " \t\n\r\v\f_-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$";

static unsigned primary(unsigned char c)
{
    const char *p;

    if (c >= '0' && c <= '9')
        return 200u + (c - '0');
    if (c >= 'a' && c <= 'z')
        return 300u + (unsigned)(c - 'a');
    if (c >= 'A' && c <= 'Z')
        return 300u + (unsigned)(c - 'A');
    if (c && c < 0x80) {
        p = strchr(punct_order, (char)c);
        if (p)
            return 1u + (unsigned)(p - punct_order);
        return 150u; /* other control characters */
    }
    return 400u + c;
}

int gate_migration_name_cmp(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
    size_t i;

    /* primary level */
    for (i = 0; x[i] && y[i]; i++) {
        unsigned p = primary(x[i]), q = primary(y[i]);

        if (p != q)
            return p < q ? -1 : 1;
    }
    if (x[i] || y[i])
        return x[i] ? 1 : -1;
    /* tertiary level: lower case before upper case */
    for (i = 0; x[i]; i++) {
        bool ux = x[i] >= 'A' && x[i] <= 'Z';
        bool uy = y[i] >= 'A' && y[i] <= 'Z';

        if (ux != uy)
            return ux ? 1 : -1;
    }
    return strcmp(a, b);
}

static int cmp_dir(const void *a, const void *b)
{
    const struct gate_migration_dir *x = a, *y = b;

    return gate_migration_name_cmp(x->name, y->name);
}

/* The repository dir is in (realpath): the nearest directory up holding .git, else dir. */
static char *repo_root_of(const char *dir)
{
    char *real = realpath(dir, NULL);
    char *root;

    if (!real)
        return NULL;
    root = gate_xstrdup(real);
    for (;;) {
        char *git = gate_path_join(root, ".git");
        bool found = gate_path_kind(git) != GATE_PATH_MISSING;
        char *slash;

        free(git);
        if (found) {
            free(real);
            return root;
        }
        slash = strrchr(root, '/');
        if (!slash || slash == root)
            break;
        *slash = '\0';
    }
    free(root);
    return real;
}

/* sql_path is a symlink whose target (resolved) is not under root. */
static bool link_outside(const char *sql_path, const char *root)
{
    struct stat st;
    char *target;
    bool outside;
    size_t n;

    if (lstat(sql_path, &st) || !S_ISLNK(st.st_mode))
        return false;
    target = realpath(sql_path, NULL);
    if (!target || !root)
        return true; /* cannot tell where it goes: not read */
    n = strlen(root);
    outside = strncmp(target, root, n) != 0 || (target[n] != '/' && strcmp(root, "/") != 0);
    free(target);
    return outside;
}

enum gate_code gate_migrations_list(const char *dir, struct gate_migration_list *out,
                                    struct gate_err *err)
{
    DIR *d;
    struct dirent *e;
    char *root = NULL;

    memset(out, 0, sizeof(*out));
    d = opendir(dir);
    if (!d)
        return gate_fail(err, GATE_E_IO, "cannot read migrations directory '%s': %s", dir,
                         strerror(errno));
    while ((e = readdir(d))) {
        char *path;
        struct stat st;

        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        path = gate_path_join(dir, e->d_name);
        /* the entry's type as readdir gives it, lstat only when it does not */
        memset(&st, 0, sizeof(st));
        if (e->d_type == DT_DIR)
            st.st_mode = S_IFDIR;
        else if (e->d_type == DT_REG)
            st.st_mode = S_IFREG;
        else if (e->d_type == DT_LNK)
            st.st_mode = S_IFLNK;
        else if (lstat(path, &st)) {
            free(path);
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            struct gate_migration_dir *m;
            struct stat ls;

            GATE_GROW(out->items, out->cap, out->n + 1);
            m = &out->items[out->n++];
            m->name = gate_xstrdup(e->d_name);
            m->dir = path;
            m->sql_path = gate_path_join(path, "migration.sql");
            /* one lstat for the usual plain file; a link is followed and placed */
            if (lstat(m->sql_path, &ls))
                m->has_sql = false;
            else if (S_ISLNK(ls.st_mode))
                m->has_sql = gate_path_kind(m->sql_path) == GATE_PATH_FILE;
            else
                m->has_sql = S_ISREG(ls.st_mode);
            if (m->has_sql && S_ISLNK(ls.st_mode)) {
                if (!root)
                    root = repo_root_of(dir);
                m->sql_outside = link_outside(m->sql_path, root);
            }
            continue;
        }
        if (S_ISREG(st.st_mode) && !strcmp(e->d_name, "migration_lock.toml")) {
            out->has_lock = true;
        } else if (S_ISLNK(st.st_mode) || !S_ISREG(st.st_mode)) {
            GATE_GROW(out->skipped, out->capskipped, out->nskipped + 1);
            out->skipped[out->nskipped++] = gate_xstrdup(e->d_name);
        }
        free(path);
    }
    closedir(d);
    free(root);
    if (out->n > 1)
        qsort(out->items, out->n, sizeof(*out->items), cmp_dir);
    return GATE_OK;
}

void gate_migration_list_release(struct gate_migration_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].name);
        free(l->items[i].dir);
        free(l->items[i].sql_path);
    }
    for (size_t i = 0; i < l->nskipped; i++)
        free(l->skipped[i]);
    free(l->items);
    free(l->skipped);
    memset(l, 0, sizeof(*l));
}

/* ------------------------------------------------------------ lock file */

/* The 1-based line of the first line starting with "provider", 0 when none. */
static int provider_line(const char *data, size_t len)
{
    int line = 1;

    for (size_t i = 0; i < len; i++) {
        if ((i == 0 || data[i - 1] == '\n') && len - i >= 8 && !memcmp(data + i, "provider", 8))
            return line;
        if (data[i] == '\n')
            line++;
    }
    return 0;
}

void gate_lock_check(const char *dir, const char *want, struct gate_lock_check *out)
{
    char *data = NULL;
    size_t len = 0;
    struct gate_err err = {0};

    memset(out, 0, sizeof(*out));
    if (gate_path_kind(dir) != GATE_PATH_DIR) {
        out->state = GATE_LOCK_NO_DIR;
        return;
    }
    out->path = gate_path_join(dir, "migration_lock.toml");
    if (gate_path_kind(out->path) == GATE_PATH_MISSING) {
        out->state = GATE_LOCK_MISSING;
        return;
    }
    if (gate_read_file(out->path, (size_t)1024 * 1024, &data, &len, &err)) {
        out->state = GATE_LOCK_UNREADABLE;
        out->error = gate_xstrdup(err.msg);
        return;
    }
    out->provider = gate_lock_provider(data, len);
    out->line = provider_line(data, len);
    if (!strcmp(out->provider, GATE_LOCK_NO_PROVIDER))
        out->state = GATE_LOCK_UNNAMED;
    else if (!want || strcmp(out->provider, want) != 0)
        out->state = GATE_LOCK_MISMATCH;
    else
        out->state = GATE_LOCK_OK;
    free(data);
}

void gate_lock_check_release(struct gate_lock_check *c)
{
    free(c->path);
    free(c->provider);
    free(c->error);
    memset(c, 0, sizeof(*c));
}

bool gate_lock_refused(const struct gate_lock_check *c)
{
    return c->state == GATE_LOCK_UNNAMED || c->state == GATE_LOCK_MISMATCH;
}

/* ------------------------------------------------------------ the loader */

enum gate_code gate_local_migrations_load(const char *dir, struct gate_local_migrations *out,
                                          struct gate_err *err)
{
    size_t n;

    memset(out, 0, sizeof(*out));
    out->dir = dir;
    gate_lock_check(dir, "postgresql", &out->lock);
    if (gate_path_kind(dir) == GATE_PATH_MISSING) {
        out->missing = true;
        return GATE_OK;
    }
    if (gate_migrations_list(dir, &out->list, err))
        return err->code;
    out->n = out->list.n;
    n = out->n ? out->n : 1;
    out->locals = gate_xcalloc(n, sizeof(*out->locals));
    out->data = gate_xcalloc(n, sizeof(*out->data));
    out->lens = gate_xcalloc(n, sizeof(*out->lens));
    out->error = gate_xcalloc(n, sizeof(*out->error));
    out->code = gate_xcalloc(n, sizeof(*out->code));
    for (size_t i = 0; i < out->n; i++) {
        const struct gate_migration_dir *d = &out->list.items[i];
        struct gate_err rerr = {0};

        out->locals[i].name = d->name;
        if (!d->has_sql) {
            out->error[i] = gate_xasprintf("migration folder '%s' has no migration.sql", d->dir);
            out->code[i] = GATE_E_IO;
            out->nerrors++;
            continue;
        }
        if (gate_read_file(d->sql_path, (size_t)GATE_MAX_SQL_FILE, &out->data[i], &out->lens[i],
                           &rerr)) {
            out->error[i] = gate_xstrdup(rerr.msg);
            out->code[i] = rerr.code;
            out->nerrors++;
            continue;
        }
        gate_history_checksums_lazy(out->data[i], out->lens[i], &out->locals[i].sums);
        out->locals[i].readable = true;
    }
    return GATE_OK;
}

long gate_local_migrations_first_error(const struct gate_local_migrations *m)
{
    for (size_t i = 0; i < m->n; i++) {
        if (m->error[i])
            return (long)i;
    }
    return -1;
}

void gate_local_migrations_release(struct gate_local_migrations *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->data[i]);
        free(m->error[i]);
    }
    free(m->data);
    free(m->lens);
    free(m->error);
    free(m->code);
    free(m->locals);
    gate_lock_check_release(&m->lock);
    gate_migration_list_release(&m->list);
    memset(m, 0, sizeof(*m));
}
