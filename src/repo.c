/* SPDX-License-Identifier: MIT */
/*
 * repo.c - git state through libgit2: the only file that includes
 * <git2.h>. See repo.h for the path and id conventions.
 */
#include "gate/compat.h"
#include "gate/repo.h"
#include "gate/dl.h"
#include "gate/fs.h"
#include "gate/shell.h"
#include "gate/xalloc.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>

/*
 * libgit2 is loaded on first use (dl.h), by gate_repo_open(): everything
 * else takes an open repository.
 */
#define GIT2_FUNCS(X, t)             \
 X(t, git_blob_free)                 \
 X(t, git_blob_lookup)               \
 X(t, git_blob_rawcontent)           \
 X(t, git_blob_rawsize)              \
 X(t, git_commit_free)               \
 X(t, git_commit_lookup)             \
 X(t, git_commit_parent_id)          \
 X(t, git_commit_parentcount)        \
 X(t, git_commit_time)               \
 X(t, git_commit_tree)               \
 X(t, git_error_clear)               \
 X(t, git_error_last)                \
 X(t, git_index_entry_stage)         \
 X(t, git_index_entrycount)          \
 X(t, git_index_free)                \
 X(t, git_index_get_byindex)         \
 X(t, git_libgit2_init)              \
 X(t, git_libgit2_shutdown)          \
 X(t, git_merge_base)                \
 X(t, git_object_free)               \
 X(t, git_object_id)                 \
 X(t, git_object_peel)               \
 X(t, git_oid_cpy)                   \
 X(t, git_oid_equal)                 \
 X(t, git_oid_fromstr)               \
 X(t, git_oid_fromstrn)              \
 X(t, git_oid_tostr)                 \
 X(t, git_reference_free)            \
 X(t, git_reference_lookup)          \
 X(t, git_reference_name_to_id)      \
 X(t, git_reference_shorthand)       \
 X(t, git_reference_symbolic_target) \
 X(t, git_reference_type)            \
 X(t, git_repository_commondir)      \
 X(t, git_repository_free)           \
 X(t, git_repository_hashfile)       \
 X(t, git_repository_head)           \
 X(t, git_repository_head_detached)  \
 X(t, git_repository_head_unborn)    \
 X(t, git_repository_index)          \
 X(t, git_repository_is_bare)        \
 X(t, git_repository_is_shallow)     \
 X(t, git_repository_open_ext)       \
 X(t, git_repository_workdir)        \
 X(t, git_revparse_single)           \
 X(t, git_status_byindex)            \
 X(t, git_status_list_entrycount)    \
 X(t, git_status_list_free)          \
 X(t, git_status_list_new)           \
 X(t, git_status_options_init)       \
 X(t, git_tree_entry_byindex)        \
 X(t, git_tree_entry_bypath)         \
 X(t, git_tree_entry_filemode)       \
 X(t, git_tree_entry_free)           \
 X(t, git_tree_entry_id)             \
 X(t, git_tree_entry_name)           \
 X(t, git_tree_entry_type)           \
 X(t, git_tree_entrycount)           \
 X(t, git_tree_free)                 \
 X(t, git_tree_lookup)               \
 X(t, git_tree_walk)
GATE_DL_TABLE(git2, GIT2_FUNCS);
static struct gate_dl libgit2 = {
    .name = "libgit2",
    .sonames = (const char *const[]){GATE_LIBGIT2_SONAMES, NULL},
    .need = "to read the git repository",
    .package = GATE_LIBGIT2_PACKAGE,
    .code = GATE_E_GIT,
    GATE_DL_SYMS(git2),
};

struct gate_repo {
    git_repository *git;
    char *workdir; /* realpath, no trailing '/' */
    char *cwd;     /* the process's directory when opened (physical) */
};

/* libgit2's last error text, or fallback. */
static const char *git_msg(const char *fallback)
{
    const git_error *e = git2.git_error_last();

    return e && e->message && *e->message ? e->message : fallback;
}

static void oid_hex(const git_oid *oid, char *out)
{
    git2.git_oid_tostr(out, 41, oid);
}

/* ------------------------------------------------------------ open, paths */

enum gate_code gate_repo_open(const char *dir, struct gate_repo **out, struct gate_err *err)
{
    git_repository *git = NULL;
    struct gate_repo *r;
    const char *wd;
    char real[PATH_MAX];
    char cwd[PATH_MAX];
    int rc;

    *out = NULL;
    if (gate_dl_load(&libgit2, err))
        return GATE_E_GIT;
    git2.git_libgit2_init();
    rc = git2.git_repository_open_ext(&git, dir, 0, NULL);
    if (rc) {
        if (rc == GIT_ENOTFOUND) {
            git2.git_libgit2_shutdown();
            return gate_fail(err, GATE_E_GIT,
                             "'%s' is not in a git repository (no .git here or in any parent "
                             "directory)",
                             dir);
        }
        gate_fail(err, GATE_E_GIT, "cannot open the git repository at '%s': %s", dir,
                  git_msg("unknown error"));
        if (strstr(git_msg(""), "not owned by current user")) {
            size_t n = strlen(err->msg);

            (void)snprintf(err->msg + n, sizeof(err->msg) - n,
                           " (if you trust it: git config --global --add safe.directory '%s')",
                           dir);
        }
        git2.git_libgit2_shutdown();
        return GATE_E_GIT;
    }
    wd = git2.git_repository_workdir(git);
    if (!wd || git2.git_repository_is_bare(git)) {
        git2.git_repository_free(git);
        git2.git_libgit2_shutdown();
        return gate_fail(err, GATE_E_GIT, "the git repository at '%s' is bare (no working tree)",
                         dir);
    }
    if (!realpath(wd, real)) {
        int e = errno;

        git2.git_repository_free(git);
        git2.git_libgit2_shutdown();
        return gate_fail(err, GATE_E_GIT, "cannot resolve the working tree '%s': %s", wd,
                         strerror(e));
    }
    if (!getcwd(cwd, sizeof(cwd))) {
        int e = errno;

        git2.git_repository_free(git);
        git2.git_libgit2_shutdown();
        return gate_fail(err, GATE_E_IO, "cannot read the current directory: %s", strerror(e));
    }
    r = gate_xcalloc(1, sizeof(*r));
    r->git = git;
    r->workdir = gate_xstrdup(real);
    if (strlen(r->workdir) > 1 && r->workdir[strlen(r->workdir) - 1] == '/')
        r->workdir[strlen(r->workdir) - 1] = '\0';
    r->cwd = gate_xstrdup(cwd);
    *out = r;
    return GATE_OK;
}

void gate_repo_free(struct gate_repo *r)
{
    if (!r)
        return;
    git2.git_repository_free(r->git);
    free(r->workdir);
    free(r->cwd);
    free(r);
    git2.git_libgit2_shutdown();
}

const char *gate_repo_workdir(const struct gate_repo *r)
{
    return r->workdir;
}

/* Resolve "." and ".." segments of an absolute path in place. */
static void normalize(char *p)
{
    char *out = p;
    const char *s = p;

    while (*s) {
        const char *seg;
        size_t n;

        while (*s == '/')
            s++;
        if (!*s)
            break;
        seg = s;
        while (*s && *s != '/')
            s++;
        n = (size_t)(s - seg);
        if (n == 1 && seg[0] == '.')
            continue;
        if (n == 2 && seg[0] == '.' && seg[1] == '.') {
            while (out > p && out[-1] != '/')
                out--;
            if (out > p)
                out--;
            continue;
        }
        *out++ = '/';
        memmove(out, seg, n);
        out += n;
    }
    if (out == p)
        *out++ = '/';
    *out = '\0';
}

char *gate_repo_path(const struct gate_repo *r, const char *path)
{
    char *abs;
    char real[PATH_MAX];
    size_t wl = strlen(r->workdir);
    const char *rel;
    char *res;

    if (path[0] == '/')
        abs = gate_xstrdup(path);
    else
        abs = gate_xasprintf("%s/%s", r->cwd, path);
    normalize(abs);
    /* resolve symlinks of what exists (the last component may not) */
    if (realpath(abs, real)) {
        free(abs);
        abs = gate_xstrdup(real);
    } else {
        char *slash = strrchr(abs, '/');

        if (slash && slash != abs) {
            *slash = '\0';
            if (realpath(abs, real)) {
                char *joined = gate_xasprintf("%s/%s", real, slash + 1);

                free(abs);
                abs = joined;
            } else {
                *slash = '/';
            }
        }
    }
    if (strncmp(abs, r->workdir, wl) != 0 || (abs[wl] && abs[wl] != '/' && wl > 1)) {
        free(abs);
        return NULL;
    }
    rel = abs + wl;
    while (*rel == '/')
        rel++;
    res = gate_xstrdup(rel);
    free(abs);
    return res;
}

bool gate_repo_shallow(struct gate_repo *r)
{
    return git2.git_repository_is_shallow(r->git) == 1;
}

/* ------------------------------------------------------------------ HEAD */

enum gate_code gate_repo_head(struct gate_repo *r, struct gate_repo_head *out, struct gate_err *err)
{
    git_reference *ref = NULL;
    git_oid oid;
    int rc;

    memset(out, 0, sizeof(*out));
    rc = git2.git_repository_head_unborn(r->git);
    if (rc == 1) {
        out->unborn = true;
        return GATE_OK;
    }
    if (rc < 0)
        return gate_fail(err, GATE_E_GIT, "cannot read HEAD: %s", git_msg("unknown error"));
    out->detached = git2.git_repository_head_detached(r->git) == 1;
    if (git2.git_reference_name_to_id(&oid, r->git, "HEAD"))
        return gate_fail(err, GATE_E_GIT, "cannot resolve HEAD: %s", git_msg("unknown error"));
    oid_hex(&oid, out->commit);
    if (!out->detached && !git2.git_repository_head(&ref, r->git)) {
        out->branch = gate_xstrdup(git2.git_reference_shorthand(ref));
        git2.git_reference_free(ref);
    }
    return GATE_OK;
}

void gate_repo_head_release(struct gate_repo_head *h)
{
    free(h->branch);
    memset(h, 0, sizeof(*h));
}

/* ------------------------------------------------------------------ base */

/* refs/remotes/origin/HEAD's target as "origin/main", or NULL; malloc'd. */
static char *origin_head(git_repository *git)
{
    git_reference *ref = NULL;
    char *name = NULL;

    if (git2.git_reference_lookup(&ref, git, "refs/remotes/origin/HEAD"))
        return NULL;
    if (git2.git_reference_type(ref) == GIT_REFERENCE_SYMBOLIC) {
        const char *t = git2.git_reference_symbolic_target(ref);

        if (t && !strncmp(t, "refs/remotes/", 13))
            name = gate_xstrdup(t + 13);
    }
    git2.git_reference_free(ref);
    return name;
}

static bool ref_exists(git_repository *git, const char *full)
{
    git_oid oid;

    return git2.git_reference_name_to_id(&oid, git, full) == 0;
}

/* Resolve spec to a commit id; false when it names none. */
static bool resolve_commit(git_repository *git, const char *spec, git_oid *out)
{
    git_object *obj = NULL, *peeled = NULL;
    bool ok = false;

    if (git2.git_revparse_single(&obj, git, spec))
        return false;
    if (!git2.git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT)) {
        git2.git_oid_cpy(out, git2.git_object_id(peeled));
        ok = true;
        git2.git_object_free(peeled);
    }
    git2.git_object_free(obj);
    return ok;
}

/* "origin/main" -> remote "origin", branch "main"; false for anything else. */
static bool split_remote(const char *ref, char *remote, size_t rsize, const char **branch)
{
    const char *slash = strchr(ref, '/');

    if (!slash || slash == ref || (size_t)(slash - ref) >= rsize)
        return false;
    memcpy(remote, ref, (size_t)(slash - ref));
    remote[slash - ref] = '\0';
    *branch = slash + 1;
    return **branch != '\0';
}

/* What to run so that HEAD and ref share history: appended to err's message. */
static enum gate_code no_merge_base(struct gate_repo *r, const char *ref, const char *why,
                                    struct gate_err *err)
{
    char remote[128];
    const char *branch = NULL;

    if (!gate_repo_shallow(r))
        return gate_fail(err, GATE_E_GIT,
                         "HEAD and '%s' have no common ancestor (%s): pass --base with the commit "
                         "this change should be compared with",
                         ref, why);
    if (split_remote(ref, remote, sizeof(remote), &branch)) {
        /* a branch name may hold $( ): quoted for the shell */
        struct gate_buf qr = {0}, qb = {0};
        enum gate_code rc;

        gate_shell_word_buf(&qr, remote);
        gate_shell_word_buf(&qb, branch);
        rc = gate_fail(err, GATE_E_GIT,
                       "this is a shallow clone and the history between HEAD and '%s' is cut "
                       "(%s): fetch more of it with `git fetch --deepen=50 %s %s` (repeat until "
                       "they meet, or `git fetch --unshallow %s`; on GitHub Actions: "
                       "actions/checkout with fetch-depth: 0)",
                       ref, why, gate_buf_str(&qr), gate_buf_str(&qb), gate_buf_str(&qr));
        gate_buf_release(&qr);
        gate_buf_release(&qb);
        return rc;
    }
    return gate_fail(err, GATE_E_GIT,
                     "this is a shallow clone and the history between HEAD and '%s' is cut (%s): "
                     "fetch more of it with `git fetch --deepen=50 origin` (or `git fetch "
                     "--unshallow origin`; on GitHub Actions: actions/checkout with "
                     "fetch-depth: 0)",
                     ref, why);
}

/*
 * A branch that is not fetched at all: the exact fetch line (its words
 * quoted for the shell: a branch name may hold $( ) or backticks).
 */
static enum gate_code not_fetched(const char *what, const char *remote, const char *branch,
                                  struct gate_err *err)
{
    struct gate_buf qr = {0}, qs = {0};
    char *spec = gate_xasprintf("%s:refs/remotes/%s/%s", branch, remote, branch);
    enum gate_code rc;

    gate_shell_word_buf(&qr, remote);
    gate_shell_word_buf(&qs, spec);
    rc = gate_fail(err, GATE_E_GIT,
                   "%s: '%s/%s' is not in this clone: fetch it with `git fetch --no-tags "
                   "--depth=50 %s %s` (on GitHub Actions: actions/checkout with fetch-depth: 0)",
                   what, remote, branch, gate_buf_str(&qr), gate_buf_str(&qs));
    free(spec);
    gate_buf_release(&qr);
    gate_buf_release(&qs);
    return rc;
}

/* HEAD's first parent when HEAD is a merge (read from HEAD's own object). */
static bool merge_first_parent(git_repository *git, const git_oid *head, git_oid *out)
{
    git_commit *c = NULL;
    bool ok = false;

    if (git2.git_commit_lookup(&c, git, head))
        return false;
    if (git2.git_commit_parentcount(c) >= 2 && git2.git_commit_parent_id(c, 0)) {
        git2.git_oid_cpy(out, git2.git_commit_parent_id(c, 0));
        ok = true;
    }
    git2.git_commit_free(c);
    return ok;
}

static bool have_commit(git_repository *git, const git_oid *o)
{
    git_commit *c = NULL;

    if (git2.git_commit_lookup(&c, git, o)) {
        git2.git_error_clear();
        return false;
    }
    git2.git_commit_free(c);
    return true;
}

/*
 * A pull request checked out as GitHub's test-merge commit
 * (refs/pull/N/merge): its first parent is the base the pull request is
 * measured against, whatever origin/<base> says now (the base branch may
 * have moved on since GitHub made the merge). Used when origin/<base> is
 * not fetched or is not a parent of HEAD. GATE_OK with out filled;
 * GATE_E_GIT when that parent is not in the clone (a depth-1 checkout),
 * with the one fetch that brings it (depth 1 is enough: no history is
 * walked). *used is false when HEAD is not a merge: the caller goes on.
 */
static enum gate_code test_merge_base(git_repository *git, const git_oid *head, const char *pr_base,
                                      char *ref, struct gate_repo_base *out, bool *used,
                                      struct gate_err *err)
{
    git_oid fp;
    char hex[41];

    *used = false;
    if (!merge_first_parent(git, head, &fp))
        return GATE_OK;
    *used = true;
    oid_hex(&fp, hex);
    if (!have_commit(git, &fp)) {
        struct gate_buf qb = {0};
        char *spec = gate_xasprintf("+refs/heads/%s:refs/remotes/origin/%s", pr_base, pr_base);
        enum gate_code rc;

        gate_shell_word_buf(&qb, spec);
        rc = gate_fail(err, GATE_E_GIT,
                       "GITHUB_BASE_REF is '%s' and HEAD is GitHub's test-merge commit, whose "
                       "first parent %.12s (the base of the pull request) is not in this clone: "
                       "fetch it with `git fetch --no-tags --depth=1 origin %s` (or the base "
                       "branch's tip when it has not moved: `git fetch --no-tags --depth=1 "
                       "origin %s`; the prisma-gate action fetches it itself)",
                       pr_base, hex, hex, gate_buf_str(&qb));
        free(spec);
        gate_buf_release(&qb);
        free(ref);
        return rc;
    }
    memcpy(out->tip, hex, sizeof(hex));
    memcpy(out->commit, hex, sizeof(hex));
    out->ref = ref;
    out->how = gate_xasprintf("GITHUB_BASE_REF (pull request): the first parent of GitHub's "
                              "test-merge commit (the base %s was merged into)",
                              ref);
    return GATE_OK;
}

/* Is tip a parent of head (read from head's own object, no history needed)? */
static bool is_parent(git_repository *git, const git_oid *head, const git_oid *tip)
{
    git_commit *c = NULL;
    bool found = false;

    if (git2.git_commit_lookup(&c, git, head))
        return false;
    for (unsigned i = 0; i < git2.git_commit_parentcount(c); i++) {
        const git_oid *p = git2.git_commit_parent_id(c, i);

        if (p && git2.git_oid_equal(p, tip))
            found = true;
    }
    git2.git_commit_free(c);
    return found;
}

/*
 * A merge-base that honours a shallow clone's boundary: libgit2 (1.5)
 * does not read .git/shallow and fails on the first missing parent, even
 * when the merge-base git finds is in the clone. Commits listed in
 * .git/shallow are treated as having no parents, as git does.
 */
struct oidset {
    git_oid *slots;
    unsigned char *used;
    size_t cap;
    size_t n;
};

static size_t oid_hash(const git_oid *o)
{
    size_t h = 0;

    for (size_t i = 0; i < sizeof(size_t) && i < GIT_OID_RAWSZ; i++)
        h = (h << 8) | o->id[i];
    return h;
}

static bool oidset_has(const struct oidset *s, const git_oid *o)
{
    if (!s->cap)
        return false;
    for (size_t i = oid_hash(o) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
        if (!s->used[i])
            return false;
        if (git2.git_oid_equal(&s->slots[i], o))
            return true;
    }
}

static bool oidset_add(struct oidset *s, const git_oid *o)
{
    size_t i;

    if ((s->n + 1) * 2 > s->cap) {
        struct oidset bigger = {0};

        bigger.cap = s->cap ? s->cap * 2 : 64;
        bigger.slots = gate_xcalloc(bigger.cap, sizeof(*bigger.slots));
        bigger.used = gate_xcalloc(bigger.cap, 1);
        for (size_t k = 0; k < s->cap; k++) {
            if (s->used[k])
                oidset_add(&bigger, &s->slots[k]);
        }
        free(s->slots);
        free(s->used);
        *s = bigger;
    }
    for (i = oid_hash(o) & (s->cap - 1); s->used[i]; i = (i + 1) & (s->cap - 1)) {
        if (git2.git_oid_equal(&s->slots[i], o))
            return false;
    }
    s->used[i] = 1;
    git2.git_oid_cpy(&s->slots[i], o);
    s->n++;
    return true;
}

static void oidset_release(struct oidset *s)
{
    free(s->slots);
    free(s->used);
    memset(s, 0, sizeof(*s));
}

/* The commits .git/shallow lists (empty when not shallow). */
static void read_shallow(git_repository *git, struct oidset *out)
{
    char *path = gate_xasprintf("%sshallow", git2.git_repository_commondir(git));
    char *data = NULL;
    size_t len = 0;
    struct gate_err err = {0};

    if (!gate_read_file(path, (size_t)16 * 1024 * 1024, &data, &len, &err)) {
        for (char *line = data; line && *line;) {
            char *nl = strchr(line, '\n');
            git_oid o;

            if (nl)
                *nl = '\0';
            if (strlen(line) >= GIT_OID_HEXSZ && !git2.git_oid_fromstrn(&o, line, GIT_OID_HEXSZ))
                oidset_add(out, &o);
            line = nl ? nl + 1 : NULL;
        }
    }
    free(data);
    free(path);
}

/*
 * Walk the history from start (shallow commits and missing objects end
 * it). Every commit seen goes into seen; a commit in stop is added to
 * hits and not walked past.
 */
static void walk_history(git_repository *git, const git_oid *start, const struct oidset *shallow,
                         struct oidset *seen, const struct oidset *stop, struct oidset *hits)
{
    git_oid *stack = NULL;
    size_t n = 0, cap = 0;

    GATE_GROW(stack, cap, 1);
    stack[n++] = *start;
    while (n) {
        git_oid o = stack[--n];
        git_commit *c = NULL;

        if (!oidset_add(seen, &o))
            continue;
        if (stop && oidset_has(stop, &o)) {
            oidset_add(hits, &o);
            continue;
        }
        if (oidset_has(shallow, &o) || git2.git_commit_lookup(&c, git, &o))
            continue;
        for (unsigned i = 0; i < git2.git_commit_parentcount(c); i++) {
            GATE_GROW(stack, cap, n + 1);
            stack[n++] = *git2.git_commit_parent_id(c, i);
        }
        git2.git_commit_free(c);
    }
    free(stack);
}

/* The best common ancestor of a and b within the clone; false when none. */
static bool shallow_merge_base(git_repository *git, const git_oid *a, const git_oid *b,
                               git_oid *out)
{
    struct oidset shallow = {0}, from_b = {0}, seen = {0}, hits = {0};
    git_oid *cand = NULL;
    size_t ncand = 0, best = 0;
    bool found = false;
    git_time_t best_time = 0;

    read_shallow(git, &shallow);
    walk_history(git, b, &shallow, &from_b, NULL, NULL);
    walk_history(git, a, &shallow, &seen, &from_b, &hits);
    if (hits.n) {
        cand = gate_xcalloc(hits.n, sizeof(*cand));
        for (size_t i = 0; i < hits.cap; i++) {
            if (hits.used[i])
                cand[ncand++] = hits.slots[i];
        }
    }
    /* drop a candidate that another candidate reaches: it is not the best */
    for (size_t i = 0; i < ncand; i++) {
        bool dominated = false;

        for (size_t k = 0; k < ncand && !dominated; k++) {
            struct oidset reach = {0};
            git_commit *c = NULL;

            if (k == i)
                continue;
            if (!git2.git_commit_lookup(&c, git, &cand[k])) {
                for (unsigned p = 0; p < git2.git_commit_parentcount(c) && !dominated; p++) {
                    if (!oidset_has(&shallow, &cand[k]))
                        walk_history(git, git2.git_commit_parent_id(c, p), &shallow, &reach, NULL,
                                     NULL);
                    dominated = oidset_has(&reach, &cand[i]);
                }
                git2.git_commit_free(c);
            }
            oidset_release(&reach);
        }
        if (!dominated) {
            git_commit *c = NULL;
            git_time_t t = 0;

            if (!git2.git_commit_lookup(&c, git, &cand[i])) {
                t = git2.git_commit_time(c);
                git2.git_commit_free(c);
            }
            if (!found || t > best_time) {
                best = i;
                best_time = t;
                found = true;
            }
        }
    }
    if (found)
        git2.git_oid_cpy(out, &cand[best]);
    free(cand);
    oidset_release(&shallow);
    oidset_release(&from_b);
    oidset_release(&seen);
    oidset_release(&hits);
    return found;
}

enum gate_code gate_repo_base(struct gate_repo *r, const char *explicit, const char *pr_base,
                              bool pr_merge, struct gate_repo_base *out, struct gate_err *err)
{
    git_oid head, tip, base;
    char *ref = NULL;
    const char *how;
    int rc;

    memset(out, 0, sizeof(*out));
    if (git2.git_repository_head_unborn(r->git) == 1)
        return gate_fail(err, GATE_E_GIT, "HEAD has no commit yet: commit first, or pass --base");
    if (git2.git_reference_name_to_id(&head, r->git, "HEAD"))
        return gate_fail(err, GATE_E_GIT, "cannot resolve HEAD: %s", git_msg("unknown error"));

    if (explicit && *explicit) {
        ref = gate_xstrdup(explicit);
        how = "--base";
        if (!resolve_commit(r->git, ref, &tip)) {
            char *full = gate_xasprintf("refs/remotes/origin/%s", explicit);

            if (ref_exists(r->git, full) &&
                resolve_commit(r->git, full + strlen("refs/remotes/"), &tip)) {
                free(ref);
                ref = gate_xasprintf("origin/%s", explicit);
                how = "--base (found as origin/...)";
                free(full);
            } else {
                char remote[128];
                const char *branch = NULL;

                free(full);
                if (split_remote(explicit, remote, sizeof(remote), &branch) &&
                    strcmp(remote, "refs") != 0) {
                    char *what = gate_xasprintf("--base %s", explicit);

                    free(ref);
                    not_fetched(what, remote, branch, err);
                    free(what);
                    return GATE_E_GIT;
                }
                free(ref);
                return gate_fail(err, GATE_E_GIT,
                                 "--base '%s' names no commit or branch in this clone (if it is "
                                 "a branch of origin, fetch it with `git fetch --no-tags "
                                 "--depth=50 origin %s:refs/remotes/origin/%s`)",
                                 explicit, explicit, explicit);
            }
        }
    } else if (pr_base && *pr_base) {
        char *full = gate_xasprintf("refs/remotes/origin/%s", pr_base);

        ref = gate_xasprintf("origin/%s", pr_base);
        how = "GITHUB_BASE_REF (pull request)";
        rc = git2.git_reference_name_to_id(&tip, r->git, full);
        free(full);
        if (pr_merge && (rc || !is_parent(r->git, &head, &tip))) {
            bool used = false;
            enum gate_code mrc = test_merge_base(r->git, &head, pr_base, ref, out, &used, err);

            if (used)
                return mrc;
        }
        if (rc) {
            char *what = gate_xasprintf("GITHUB_BASE_REF is '%s'", pr_base);

            free(ref);
            not_fetched(what, "origin", pr_base, err);
            free(what);
            return GATE_E_GIT;
        }
    } else {
        static const char *const fallbacks[] = {"origin/main", "origin/master", "main", "master"};

        how = "the default branch (origin/HEAD)";
        ref = origin_head(r->git);
        if (ref && !resolve_commit(r->git, ref, &tip)) {
            free(ref);
            ref = NULL;
        }
        for (size_t i = 0; !ref && i < GATE_ARRAY_SIZE(fallbacks); i++) {
            char *full = gate_xasprintf(i < 2 ? "refs/remotes/%s" : "refs/heads/%s", fallbacks[i]);

            if (!git2.git_reference_name_to_id(&tip, r->git, full)) {
                ref = gate_xstrdup(fallbacks[i]);
                how = "the default branch";
            }
            free(full);
        }
        if (!ref)
            return gate_fail(err, GATE_E_GIT,
                             "no base to compare with: no origin/HEAD, origin/main, "
                             "origin/master, main or master here; pass --base REF, or fetch the "
                             "default branch (`git fetch --no-tags --depth=50 origin "
                             "main:refs/remotes/origin/main`)");
    }

    oid_hex(&tip, out->tip);
    out->ref = ref;
    if (git2.git_oid_equal(&head, &tip)) {
        oid_hex(&tip, out->commit);
        out->is_head = true;
        out->how = gate_xasprintf("%s: %s is HEAD itself, so the change is the uncommitted work",
                                  how, ref);
        return GATE_OK;
    }
    if (is_parent(r->git, &head, &tip)) {
        /* GitHub's test-merge commit (or any commit right on top of the tip) */
        oid_hex(&tip, out->commit);
        out->how = gate_xasprintf("%s: %s, a parent of HEAD", how, ref);
        return GATE_OK;
    }
    git2.git_error_clear();
    /*
     * A shallow clone: our own walk, which stops at .git/shallow (libgit2
     * 1.5 walks past it into missing objects, and leaks on that path).
     */
    if (gate_repo_shallow(r))
        rc = shallow_merge_base(r->git, &head, &tip, &base) ? 0 : GIT_ENOTFOUND;
    else
        rc = git2.git_merge_base(&base, r->git, &head, &tip);
    if (rc) {
        char why[256];

        (void)snprintf(why, sizeof(why), "%s",
                       rc == GIT_ENOTFOUND ? "no merge-base found" : git_msg("unknown error"));
        if (gate_repo_shallow(r)) {
            return no_merge_base(r, ref, "no common commit in the fetched history", err);
        } else if (rc == GIT_ENOTFOUND) {
            return no_merge_base(r, ref, why, err);
        } else {
            return gate_fail(err, GATE_E_GIT, "cannot find the merge-base of HEAD and '%s': %s",
                             ref, why);
        }
    }
    oid_hex(&base, out->commit);
    out->is_head = git2.git_oid_equal(&base, &head);
    out->how =
        gate_xasprintf("%s: merge-base of HEAD and %s%s", how, ref,
                       out->is_head ? " (HEAD itself: the change is the uncommitted work)" : "");
    return GATE_OK;
}

void gate_repo_base_release(struct gate_repo_base *b)
{
    free(b->ref);
    free(b->how);
    memset(b, 0, sizeof(*b));
}

/* ---------------------------------------------------------------- status */

static unsigned status_flags(unsigned s)
{
    unsigned f = 0;

    if (s & (GIT_STATUS_INDEX_NEW | GIT_STATUS_INDEX_MODIFIED | GIT_STATUS_INDEX_DELETED |
             GIT_STATUS_INDEX_RENAMED | GIT_STATUS_INDEX_TYPECHANGE))
        f |= GATE_RF_STAGED;
    if (s & (GIT_STATUS_WT_MODIFIED | GIT_STATUS_WT_DELETED | GIT_STATUS_WT_TYPECHANGE |
             GIT_STATUS_WT_RENAMED))
        f |= GATE_RF_MODIFIED;
    if (s & GIT_STATUS_WT_NEW)
        f |= GATE_RF_UNTRACKED | GATE_RF_NEW;
    if (s & GIT_STATUS_INDEX_NEW)
        f |= GATE_RF_NEW;
    if (s & GIT_STATUS_IGNORED)
        f |= GATE_RF_IGNORED | GATE_RF_NEW;
    if (s & (GIT_STATUS_INDEX_DELETED | GIT_STATUS_WT_DELETED))
        f |= GATE_RF_DELETED;
    if (s & (GIT_STATUS_INDEX_RENAMED | GIT_STATUS_WT_RENAMED))
        f |= GATE_RF_RENAMED;
    if (s & GIT_STATUS_CONFLICTED)
        f |= GATE_RF_CONFLICTED;
    if (s & (GIT_STATUS_INDEX_TYPECHANGE | GIT_STATUS_WT_TYPECHANGE))
        f |= GATE_RF_TYPECHANGE;
    return f;
}

static int cmp_fstatus(const void *a, const void *b)
{
    const struct gate_repo_fstatus *x = a, *y = b;

    return strcmp(x->path, y->path);
}

enum gate_code gate_repo_status(struct gate_repo *r, const char *const *paths, size_t npaths,
                                bool ignored, struct gate_repo_status *out, struct gate_err *err)
{
    git_status_options opts;
    git_status_list *list = NULL;
    char **specs;
    size_t n;
    int rc;

    memset(out, 0, sizeof(*out));
    if (!npaths)
        return GATE_OK;
    git2.git_status_options_init(&opts, GIT_STATUS_OPTIONS_VERSION);
    opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
    opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
                 GIT_STATUS_OPT_RENAMES_HEAD_TO_INDEX | GIT_STATUS_OPT_DISABLE_PATHSPEC_MATCH;
    if (ignored)
        opts.flags |= GIT_STATUS_OPT_INCLUDE_IGNORED | GIT_STATUS_OPT_RECURSE_IGNORED_DIRS;
    /*
     * Literal paths (DISABLE_PATHSPEC_MATCH): a path matches itself and
     * everything below it, and no glob character in a folder name
     * (migration names may hold any) is interpreted.
     */
    specs = gate_xcalloc(npaths, sizeof(*specs));
    for (size_t i = 0; i < npaths; i++)
        specs[i] = gate_xstrdup(paths[i]);
    opts.pathspec.strings = specs;
    opts.pathspec.count = npaths;
    rc = git2.git_status_list_new(&list, r->git, &opts);
    for (size_t i = 0; i < npaths; i++)
        free(specs[i]);
    free(specs);
    if (rc) {
        return gate_fail(err, GATE_E_GIT, "cannot read the git status: %s",
                         git_msg("unknown error"));
    }
    n = git2.git_status_list_entrycount(list);
    for (size_t i = 0; i < n; i++) {
        const git_status_entry *e = git2.git_status_byindex(list, i);
        const git_diff_delta *d = e->head_to_index ? e->head_to_index : e->index_to_workdir;
        struct gate_repo_fstatus *s;
        const char *path, *old = NULL;

        if (!d || e->status == GIT_STATUS_CURRENT)
            continue;
        path = d->new_file.path ? d->new_file.path : d->old_file.path;
        if (e->index_to_workdir && e->index_to_workdir->new_file.path)
            path = e->index_to_workdir->new_file.path;
        if ((e->status & GIT_STATUS_INDEX_RENAMED) && e->head_to_index) {
            path = e->head_to_index->new_file.path;
            old = e->head_to_index->old_file.path;
        }
        if (!path)
            continue;
        GATE_GROW(out->items, out->cap, out->n + 1);
        s = &out->items[out->n++];
        s->path = gate_xstrdup(path);
        s->old_path = old ? gate_xstrdup(old) : NULL;
        s->flags = status_flags(e->status);
    }
    git2.git_status_list_free(list);
    if (out->n > 1)
        qsort(out->items, out->n, sizeof(*out->items), cmp_fstatus);
    return GATE_OK;
}

void gate_repo_status_release(struct gate_repo_status *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->items[i].path);
        free(s->items[i].old_path);
    }
    free(s->items);
    memset(s, 0, sizeof(*s));
}

/* ------------------------------------------------------------ trees, blobs */

static enum gate_code commit_tree(struct gate_repo *r, const char *commit, git_tree **tree,
                                  struct gate_err *err)
{
    git_oid oid;
    git_commit *c = NULL;
    int rc;

    *tree = NULL;
    if (git2.git_oid_fromstr(&oid, commit))
        return gate_fail(err, GATE_E_GIT, "'%s' is not a commit id", commit);
    if (git2.git_commit_lookup(&c, r->git, &oid))
        return gate_fail(err, GATE_E_GIT, "commit %.12s is not in this clone: %s", commit,
                         git_msg("not found"));
    rc = git2.git_commit_tree(tree, c);
    git2.git_commit_free(c);
    if (rc)
        return gate_fail(err, GATE_E_GIT, "cannot read the tree of commit %.12s: %s", commit,
                         git_msg("unknown error"));
    return GATE_OK;
}

static enum gate_repo_kind kind_of(git_filemode_t mode)
{
    switch (mode) {
    case GIT_FILEMODE_TREE:
        return GATE_RK_DIR;
    case GIT_FILEMODE_LINK:
        return GATE_RK_LINK;
    case GIT_FILEMODE_COMMIT:
        return GATE_RK_OTHER;
    default:
        return GATE_RK_FILE;
    }
}

static void tree_add(struct gate_repo_tree *t, const char *dir, const char *name,
                     const git_oid *oid, enum gate_repo_kind kind)
{
    struct gate_repo_entry *e;

    GATE_GROW(t->items, t->cap, t->n + 1);
    e = &t->items[t->n++];
    e->path = gate_path_join(dir, name);
    oid_hex(oid, e->oid);
    e->kind = kind;
}

struct walk_ctx {
    struct gate_repo_tree *t;
    const char *dir;
};

static int walk_cb(const char *root, const git_tree_entry *entry, void *payload)
{
    struct walk_ctx *w = payload;
    enum gate_repo_kind kind = kind_of(git2.git_tree_entry_filemode(entry));
    char *sub;

    if (kind == GATE_RK_DIR)
        return 0;
    /* root is "" or "a/b/" relative to the walked tree */
    sub = gate_path_join(w->dir, root);
    if (*sub && sub[strlen(sub) - 1] == '/')
        sub[strlen(sub) - 1] = '\0';
    tree_add(w->t, sub, git2.git_tree_entry_name(entry), git2.git_tree_entry_id(entry), kind);
    free(sub);
    return 0;
}

enum gate_code gate_repo_ls(struct gate_repo *r, const char *commit, const char *dir,
                            bool recursive, struct gate_repo_tree *out, struct gate_err *err)
{
    git_tree *root = NULL, *tree = NULL;
    git_tree_entry *te = NULL;
    enum gate_code rc;

    memset(out, 0, sizeof(*out));
    rc = commit_tree(r, commit, &root, err);
    if (rc)
        return rc;
    if (*dir) {
        int grc = git2.git_tree_entry_bypath(&te, root, dir);

        if (grc == GIT_ENOTFOUND || (!grc && git2.git_tree_entry_type(te) != GIT_OBJECT_TREE)) {
            git2.git_tree_entry_free(te);
            git2.git_tree_free(root);
            return GATE_OK;
        }
        if (grc || git2.git_tree_lookup(&tree, r->git, git2.git_tree_entry_id(te))) {
            git2.git_tree_entry_free(te);
            git2.git_tree_free(root);
            return gate_fail(err, GATE_E_GIT, "cannot read '%s' in commit %.12s: %s", dir, commit,
                             git_msg("unknown error"));
        }
        git2.git_tree_entry_free(te);
    } else {
        tree = root;
        root = NULL;
    }
    out->found = true;
    if (recursive) {
        struct walk_ctx w = {out, dir};

        if (git2.git_tree_walk(tree, GIT_TREEWALK_PRE, walk_cb, &w))
            rc = gate_fail(err, GATE_E_GIT, "cannot walk '%s' in commit %.12s: %s", dir, commit,
                           git_msg("unknown error"));
    } else {
        size_t n = git2.git_tree_entrycount(tree);

        for (size_t i = 0; i < n; i++) {
            const git_tree_entry *e = git2.git_tree_entry_byindex(tree, i);

            tree_add(out, dir, git2.git_tree_entry_name(e), git2.git_tree_entry_id(e),
                     kind_of(git2.git_tree_entry_filemode(e)));
        }
    }
    git2.git_tree_free(tree);
    git2.git_tree_free(root);
    return rc;
}

enum gate_code gate_repo_tracked(struct gate_repo *r, struct gate_repo_tree *out,
                                 struct gate_err *err)
{
    git_index *idx = NULL;
    size_t n;

    memset(out, 0, sizeof(*out));
    if (git2.git_repository_index(&idx, r->git))
        return gate_fail(err, GATE_E_GIT, "cannot read the git index: %s",
                         git_msg("unknown error"));
    n = git2.git_index_entrycount(idx);
    for (size_t i = 0; i < n; i++) {
        const git_index_entry *e = git2.git_index_get_byindex(idx, i);
        enum gate_repo_kind kind;

        if (!e)
            continue;
        /* a conflicted path has up to three stages: list it once */
        if (i && out->n && git2.git_index_entry_stage(e) &&
            !strcmp(out->items[out->n - 1].path, e->path))
            continue;
        kind = kind_of((git_filemode_t)e->mode);
        tree_add(out, "", e->path, &e->id, kind);
    }
    git2.git_index_free(idx);
    out->found = true;
    return GATE_OK;
}

void gate_repo_tree_release(struct gate_repo_tree *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->items[i].path);
    free(t->items);
    memset(t, 0, sizeof(*t));
}

enum gate_code gate_repo_find(struct gate_repo *r, const char *commit, const char *path,
                              bool *found, char *oid, struct gate_err *err)
{
    git_tree *root = NULL;
    git_tree_entry *te = NULL;
    enum gate_code rc;
    int grc;

    *found = false;
    rc = commit_tree(r, commit, &root, err);
    if (rc)
        return rc;
    grc = git2.git_tree_entry_bypath(&te, root, path);
    if (!grc && git2.git_tree_entry_type(te) == GIT_OBJECT_BLOB) {
        *found = true;
        if (oid)
            oid_hex(git2.git_tree_entry_id(te), oid);
    } else if (grc && grc != GIT_ENOTFOUND) {
        rc = gate_fail(err, GATE_E_GIT, "cannot read '%s' in commit %.12s: %s", path, commit,
                       git_msg("unknown error"));
    }
    git2.git_tree_entry_free(te);
    git2.git_tree_free(root);
    return rc;
}

enum gate_code gate_repo_blob(struct gate_repo *r, const char *oid, size_t max, char **data,
                              size_t *len, struct gate_err *err)
{
    git_oid id;
    git_blob *b = NULL;
    size_t n;

    *data = NULL;
    *len = 0;
    if (git2.git_oid_fromstr(&id, oid))
        return gate_fail(err, GATE_E_GIT, "'%s' is not a blob id", oid);
    if (git2.git_blob_lookup(&b, r->git, &id))
        return gate_fail(err, GATE_E_GIT, "blob %.12s is not in this clone: %s", oid,
                         git_msg("not found"));
    n = (size_t)git2.git_blob_rawsize(b);
    if (n > max) {
        git2.git_blob_free(b);
        return gate_fail(err, GATE_E_LIMIT, "blob %.12s is larger than %zu bytes", oid, max);
    }
    *data = gate_xmalloc(n + 1);
    if (n)
        memcpy(*data, git2.git_blob_rawcontent(b), n);
    (*data)[n] = '\0';
    *len = n;
    git2.git_blob_free(b);
    return GATE_OK;
}

enum gate_code gate_repo_hash_file(struct gate_repo *r, const char *path, char *oid,
                                   struct gate_err *err)
{
    git_oid id;
    char *abs = gate_xasprintf("%s/%s", r->workdir, path);
    int rc;

    rc = git2.git_repository_hashfile(&id, r->git, abs, GIT_OBJECT_BLOB, path);
    free(abs);
    if (rc)
        return gate_fail(err, GATE_E_IO, "cannot read '%s': %s", path, git_msg("unknown error"));
    oid_hex(&id, oid);
    return GATE_OK;
}
