/* SPDX-License-Identifier: MIT */
/*
 * fs.h - reading input files with a size cap, and atomic writes
 * (temp file + rename) for reports.
 */
#ifndef GATE_FS_H
#define GATE_FS_H

#include "gate/compat.h"
#include "gate/err.h"

/* Largest migration.sql we read (a cap, not OOM): 32 MiB. */
#define GATE_MAX_SQL_FILE ((size_t)32 * 1024 * 1024)

enum gate_path_kind {
    GATE_PATH_MISSING = 0,
    GATE_PATH_FILE,
    GATE_PATH_DIR,
    GATE_PATH_OTHER,
};

/* What path is (following symlinks). */
enum gate_path_kind gate_path_kind(const char *path);

/*
 * Read the whole file into *out (malloc'd, NUL-terminated, *len bytes).
 * Fails with GATE_E_IO (message names the path and the reason) or
 * GATE_E_LIMIT when the file is larger than max. *out is NULL on failure.
 */
enum gate_code gate_read_file(const char *path, size_t max, char **out, size_t *len,
                              struct gate_err *err);

/*
 * Write data to path atomically: a temp file in the same directory,
 * fsync'd, then renamed over path. Missing parent directories are created.
 * On failure path is untouched.
 */
enum gate_code gate_write_file_atomic(const char *path, const char *data, size_t len,
                                      struct gate_err *err);

/*
 * Write a report to path, whatever is there: a new path or a regular file
 * atomically (gate_write_file_atomic); a character device or a FIFO in
 * place (opened for writing, never replaced: /dev/null stays a device, a
 * FIFO's reader gets the report; a FIFO no process opens for reading
 * within 10 s is an error, named, not a hang), and
 * so is a regular file reached through /dev/ or /proc/ (/dev/stdout
 * redirected to a file: appended to); a
 * symlink to a regular file by replacing the file it points to
 * atomically (the link stays). Refused, with the path named: a directory,
 * a block device, a socket, a symlink to nothing.
 */
enum gate_code gate_write_report_file(const char *path, const char *data, size_t len,
                                      struct gate_err *err);

/*
 * path names a process's descriptor or a device (/dev/..., /proc/...:
 * /dev/stdout, /dev/fd/3): gate_write_report_file() opens what it leads to
 * and appends, whatever it is, and never replaces it.
 */
bool gate_path_in_place(const char *path);

/*
 * Append data to path (created when missing) with one O_APPEND write
 * sequence: for files other writers append to too ($GITHUB_OUTPUT).
 */
enum gate_code gate_append_file(const char *path, const char *data, size_t len,
                                struct gate_err *err);

/*
 * path joined with name ("a" + "b" -> "a/b", "a/" + "b" -> "a/b"); an
 * empty dir (a repository's root) gives name. malloc'd.
 */
char *gate_path_join(const char *dir, const char *name);

/*
 * rel as seen from the directory the program runs in, when rel is
 * relative to dir (a path a config file names): leading "./" of rel
 * dropped; rel itself when it is absolute or dir is "." ("." for an empty
 * rel); dir when rel is empty or "."; else dir/rel. malloc'd.
 */
char *gate_path_resolve(const char *dir, const char *rel);

/* The directory part of path: "." for a bare name, "/" for "/name". malloc'd. */
char *gate_path_dir(const char *path);

#endif
