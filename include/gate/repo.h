/* SPDX-License-Identifier: MIT */
/*
 * repo.h - git state through libgit2 (src/repo.c is the only file that
 * includes it): the repository around a directory, HEAD (a branch or
 * detached), the base a change is measured against, the status of paths
 * (uncommitted, untracked, ignored), trees and blobs of a commit, the
 * index (tracked files).
 *
 * Paths handed to and returned by this module are repository paths:
 * relative to the working directory's root, '/'-separated, no leading
 * "./" ("apps/web/prisma/schema.prisma"). gate_repo_path() turns a path
 * of the process (relative to the current directory) into one. Commits
 * and blobs are named by 40-digit lowercase hex ids.
 *
 * libgit2's global state is reference-counted: each open repository holds
 * one reference (git_libgit2_init in gate_repo_open, shutdown in
 * gate_repo_free), so no other module ever sees libgit2.
 *
 * libgit2 is not linked: gate_repo_open() loads it on first use (dl.h).
 */
#ifndef GATE_REPO_H
#define GATE_REPO_H

#include "gate/compat.h"
#include "gate/err.h"

struct gate_repo;

/*
 * Open the repository whose working tree holds dir (searching upward, as
 * git does). Fails with GATE_E_GIT when dir is in no repository, the
 * repository is bare, or libgit2 refuses it (the message carries
 * libgit2's reason and, for a repository owned by another user, the
 * `git config --global --add safe.directory` line to run), or when
 * libgit2 cannot be loaded (the message of dl.h, naming the package to
 * install). *out is NULL on failure.
 */
enum gate_code gate_repo_open(const char *dir, struct gate_repo **out, struct gate_err *err);
void gate_repo_free(struct gate_repo *r);

/* The working directory's root: absolute, symlinks resolved, no trailing '/'. Borrowed. */
const char *gate_repo_workdir(const struct gate_repo *r);

/*
 * The repository path of path (relative to the current directory, or
 * absolute; it need not exist). "" for the root itself. NULL when path is
 * outside the working tree. malloc'd.
 */
char *gate_repo_path(const struct gate_repo *r, const char *path);

/* The repository is a shallow clone (.git/shallow). */
bool gate_repo_shallow(struct gate_repo *r);

struct gate_repo_head {
    char commit[41]; /* "" when unborn (no commit yet) */
    char *branch;    /* short branch name; NULL when detached or unborn; malloc'd */
    bool detached;
    bool unborn;
};

/* What HEAD is. out is zeroed first; release it in any case. */
enum gate_code gate_repo_head(struct gate_repo *r, struct gate_repo_head *out,
                              struct gate_err *err);
void gate_repo_head_release(struct gate_repo_head *h);

struct gate_repo_base {
    char commit[41]; /* the base: the change is base..HEAD plus the working tree */
    char tip[41];    /* the commit the ref named (the base is its merge-base with HEAD) */
    char *ref;       /* the ref or revision used, e.g. "origin/main"; malloc'd */
    char *how;       /* one line: how the base was chosen; malloc'd */
    bool is_head;    /* the base is HEAD: the change is the uncommitted work only */
};

/*
 * Choose the base of the change, as `check` measures it:
 *  - explicit (--base REF): the merge-base of HEAD and REF;
 *  - else pr_base ($GITHUB_BASE_REF, a pull request): the merge-base of
 *    HEAD and origin/<pr_base> (its tip when HEAD is GitHub's test-merge
 *    commit, which needs no history). With pr_merge (HEAD is checked out
 *    from refs/pull/N/merge: $GITHUB_REF) and HEAD a merge commit whose
 *    first parent origin/<pr_base> is not (not fetched, or moved on since),
 *    that first parent is the base; when it is not in the clone either
 *    (actions/checkout's default depth 1), the message names the depth-1
 *    fetch that brings it;
 *  - else the merge-base of HEAD and the default branch: origin/HEAD's
 *    target, else origin/main, origin/master, main, master.
 * Shallow clones and a detached HEAD work when the history needed is
 * there. Otherwise fails with GATE_E_GIT and a message that says exactly
 * what to fetch (e.g. `git fetch --deepen=50 origin main`, or
 * `git fetch --depth=50 origin main:refs/remotes/origin/main` for a base
 * branch that is not fetched at all). out is zeroed first; release it in
 * any case.
 */
enum gate_code gate_repo_base(struct gate_repo *r, const char *explicit, const char *pr_base,
                              bool pr_merge, struct gate_repo_base *out, struct gate_err *err);
void gate_repo_base_release(struct gate_repo_base *b);

/* What a path's status is (git status --porcelain, in bits). */
enum gate_repo_fflags {
    GATE_RF_STAGED = 1 << 0,     /* the index differs from HEAD (a new file staged, too) */
    GATE_RF_MODIFIED = 1 << 1,   /* the working tree differs from the index */
    GATE_RF_UNTRACKED = 1 << 2,  /* in the working tree only */
    GATE_RF_IGNORED = 1 << 3,    /* untracked and matched by a .gitignore rule */
    GATE_RF_NEW = 1 << 4,        /* not in HEAD (staged new, or untracked) */
    GATE_RF_DELETED = 1 << 5,    /* deleted (staged or in the working tree) */
    GATE_RF_RENAMED = 1 << 6,    /* staged rename; old_path says from where */
    GATE_RF_CONFLICTED = 1 << 7, /* unmerged */
    GATE_RF_TYPECHANGE = 1 << 8,
};

struct gate_repo_fstatus {
    char *path;     /* repository path (the new path of a rename) */
    char *old_path; /* a rename's old path, else NULL */
    unsigned flags; /* enum gate_repo_fflags */
};

struct gate_repo_status {
    struct gate_repo_fstatus *items; /* sorted by path */
    size_t n;
    size_t cap;
};

/*
 * The status of every file at or under paths[0..npaths) (repository
 * paths: files or directories) that is not clean: staged, modified,
 * untracked (each file of an untracked directory is listed), deleted;
 * also ignored files when ignored is set. out is zeroed first; release
 * it in any case.
 */
enum gate_code gate_repo_status(struct gate_repo *r, const char *const *paths, size_t npaths,
                                bool ignored, struct gate_repo_status *out, struct gate_err *err);
void gate_repo_status_release(struct gate_repo_status *s);

enum gate_repo_kind {
    GATE_RK_FILE = 0, /* a blob (executable or not) */
    GATE_RK_DIR,      /* a tree */
    GATE_RK_LINK,     /* a symbolic link */
    GATE_RK_OTHER,    /* a submodule */
};

struct gate_repo_entry {
    char *path; /* repository path */
    char oid[41];
    enum gate_repo_kind kind;
};

struct gate_repo_tree {
    struct gate_repo_entry *items;
    size_t n;
    size_t cap;
    bool found; /* gate_repo_ls: the directory exists in the commit */
};

/*
 * The entries at dir ("" for the root) in commit's tree: the immediate
 * ones, or with recursive every file below (directories themselves are
 * then not listed). A dir that does not exist in the commit is not an
 * error: out->found is false and the list empty. out is zeroed first;
 * release it in any case.
 */
enum gate_code gate_repo_ls(struct gate_repo *r, const char *commit, const char *dir,
                            bool recursive, struct gate_repo_tree *out, struct gate_err *err);

/* The tracked files: the index's entries (stage 0 and conflicts), in path order. */
enum gate_code gate_repo_tracked(struct gate_repo *r, struct gate_repo_tree *out,
                                 struct gate_err *err);
void gate_repo_tree_release(struct gate_repo_tree *t);

/*
 * The blob at path in commit: *found false (and GATE_OK) when the commit
 * has no file there. oid (41 bytes) receives its id when not NULL.
 */
enum gate_code gate_repo_find(struct gate_repo *r, const char *commit, const char *path,
                              bool *found, char *oid, struct gate_err *err);

/*
 * Read blob oid into *data (malloc'd, NUL-terminated, *len bytes).
 * GATE_E_LIMIT when it is larger than max, GATE_E_GIT when it is missing
 * (a shallow clone may lack it). *data is NULL on failure.
 */
enum gate_code gate_repo_blob(struct gate_repo *r, const char *oid, size_t max, char **data,
                              size_t *len, struct gate_err *err);

/*
 * The blob id git would store for the working-tree file at path (with
 * the repository's clean filters: core.autocrlf, .gitattributes), into
 * oid (41 bytes). GATE_E_IO when the file cannot be read.
 */
enum gate_code gate_repo_hash_file(struct gate_repo *r, const char *path, char *oid,
                                   struct gate_err *err);

#endif
