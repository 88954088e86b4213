/* SPDX-License-Identifier: MIT */
/*
 * fs.c - file input with caps, atomic output.
 */
#include "gate/compat.h"
#include "gate/fs.h"
#include "gate/clock.h"
#include "gate/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum gate_path_kind gate_path_kind(const char *path)
{
    struct stat st;

    if (stat(path, &st))
        return GATE_PATH_MISSING;
    if (S_ISDIR(st.st_mode))
        return GATE_PATH_DIR;
    if (S_ISREG(st.st_mode))
        return GATE_PATH_FILE;
    return GATE_PATH_OTHER;
}

enum gate_code gate_read_file(const char *path, size_t max, char **out, size_t *len,
                              struct gate_err *err)
{
    int fd;
    struct stat st;
    char *buf = NULL;
    size_t cap, n = 0;
    enum gate_code rc = GATE_OK;

    *out = NULL;
    *len = 0;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return gate_fail(err, GATE_E_IO, "cannot read '%s': %s", path, strerror(errno));
    if (fstat(fd, &st)) {
        rc = gate_fail(err, GATE_E_IO, "cannot stat '%s': %s", path, strerror(errno));
        goto out;
    }
    if (S_ISDIR(st.st_mode)) {
        rc = gate_fail(err, GATE_E_IO, "cannot read '%s': is a directory", path);
        goto out;
    }
    if (S_ISREG(st.st_mode) && (size_t)st.st_size > max) {
        rc = gate_fail(err, GATE_E_LIMIT, "'%s' is too large (%.1f MiB; the limit is %zu MiB)",
                       path, (double)st.st_size / (1024.0 * 1024.0), max / ((size_t)1024 * 1024));
        goto out;
    }
    /* a regular file: room for one byte more than its size, to see it end in one read */
    cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 2 : 65536;
    buf = gate_xmalloc(cap);
    for (;;) {
        ssize_t r;
        size_t want;

        if (n + 1 >= cap) {
            if (cap > max + 1) {
                rc = gate_fail(err, GATE_E_LIMIT, "'%s' is too large (the limit is %zu MiB)", path,
                               max / ((size_t)1024 * 1024));
                goto out;
            }
            cap *= 2;
            buf = gate_xrealloc(buf, cap);
        }
        want = cap - n - 1;
        r = read(fd, buf + n, want);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            rc = gate_fail(err, GATE_E_IO, "cannot read '%s': %s", path, strerror(errno));
            goto out;
        }
        if (r == 0)
            break;
        n += (size_t)r;
        /* a regular file reads short only at its end: no read for the 0 */
        if (S_ISREG(st.st_mode) && (size_t)r < want)
            break;
    }
    if (n > max) {
        rc = gate_fail(err, GATE_E_LIMIT, "'%s' is too large (the limit is %zu MiB)", path,
                       max / ((size_t)1024 * 1024));
        goto out;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    buf = NULL;
out:
    free(buf);
    close(fd);
    return rc;
}

static enum gate_code mkdirs(const char *dir, struct gate_err *err)
{
    char *p = gate_xstrdup(dir);
    enum gate_code rc = GATE_OK;

    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0777) && errno != EEXIST) {
            rc = gate_fail(err, GATE_E_IO, "cannot create directory '%s': %s", p, strerror(errno));
            goto out;
        }
        *s = '/';
    }
    if (mkdir(p, 0777) && errno != EEXIST)
        rc = gate_fail(err, GATE_E_IO, "cannot create directory '%s': %s", p, strerror(errno));
out:
    free(p);
    return rc;
}

/* A temp file beside path (parents created), opened into rf: renamed over path on commit. */
static enum gate_code atomic_open(const char *path, struct gate_report_file *rf,
                                  struct gate_err *err)
{
    char *dir = gate_xstrdup(path);
    char *slash = strrchr(dir, '/');
    enum gate_code rc = GATE_OK;
    int fd;

    memset(rf, 0, sizeof(*rf));
    if (slash && slash != dir) {
        *slash = '\0';
        rc = mkdirs(dir, err);
    }
    free(dir);
    if (rc)
        return rc;
    rf->tmp = gate_xasprintf("%s.tmp-XXXXXX", path);
    fd = mkstemp(rf->tmp);
    if (fd < 0) {
        rc = gate_fail(err, GATE_E_IO, "cannot write '%s': %s", path, strerror(errno));
        free(rf->tmp);
        rf->tmp = NULL;
        return rc;
    }
    rf->fp = fdopen(fd, "w");
    if (!rf->fp) {
        rc = gate_fail(err, GATE_E_IO, "cannot write '%s': %s", path, strerror(errno));
        (void)close(fd);
        (void)unlink(rf->tmp);
        free(rf->tmp);
        rf->tmp = NULL;
        return rc;
    }
    rf->path = gate_xstrdup(path);
    return GATE_OK;
}

enum gate_code gate_report_file_commit(struct gate_report_file *rf, struct gate_err *err)
{
    enum gate_code rc = GATE_OK;
    FILE *fp = rf->fp;

    if (!fp)
        return gate_fail(err, GATE_E_IO, "cannot write '%s': not open", rf->path ? rf->path : "");
    rf->fp = NULL;
    if (fflush(fp) || ferror(fp) || (rf->tmp && (fchmod(fileno(fp), 0644) || fsync(fileno(fp)))))
        rc = gate_fail(err, GATE_E_IO, "cannot write '%s': %s", rf->path, strerror(errno));
    if (fclose(fp) && !rc)
        rc = gate_fail(err, GATE_E_IO, "cannot write '%s': %s", rf->path, strerror(errno));
    if (!rc && rf->tmp && rename(rf->tmp, rf->path))
        rc = gate_fail(err, GATE_E_IO, "cannot write '%s': %s", rf->path, strerror(errno));
    if (rc && rf->tmp)
        (void)unlink(rf->tmp);
    free(rf->tmp);
    free(rf->path);
    memset(rf, 0, sizeof(*rf));
    return rc;
}

void gate_report_file_abort(struct gate_report_file *rf)
{
    if (rf->fp)
        (void)fclose(rf->fp);
    if (rf->tmp)
        (void)unlink(rf->tmp);
    free(rf->tmp);
    free(rf->path);
    memset(rf, 0, sizeof(*rf));
}

/* data[0..len) into an open report file, then committed (aborted on a failed write). */
static enum gate_code write_commit(struct gate_report_file *rf, const char *data, size_t len,
                                   struct gate_err *err)
{
    if (len && fwrite(data, 1, len, rf->fp) != len) {
        enum gate_code rc =
            gate_fail(err, GATE_E_IO, "cannot write '%s': %s", rf->path, strerror(errno));

        gate_report_file_abort(rf);
        return rc;
    }
    return gate_report_file_commit(rf, err);
}

enum gate_code gate_write_file_atomic(const char *path, const char *data, size_t len,
                                      struct gate_err *err)
{
    struct gate_report_file rf;
    enum gate_code rc = atomic_open(path, &rf, err);

    return rc ? rc : write_commit(&rf, data, len, err);
}

/* How long a report written into a FIFO waits for a process to open it for reading. */
enum { FIFO_READER_WAIT_MS = 10000, FIFO_READER_POLL_MS = 100 };

/*
 * path (a FIFO) opened for writing once a reader has it open: polled
 * without blocking (ENXIO: no reader yet) until FIFO_READER_WAIT_MS of the
 * monotonic clock have passed (however slow each poll is), then
 * refused, named, so that a report nobody reads never hangs a CI job. The
 * descriptor returned blocks again (a slow reader is waited for).
 */
static int open_fifo(const char *path, struct gate_err *err)
{
    long long deadline = gate_clock_ms() + FIFO_READER_WAIT_MS;

    for (;;) {
        int fd = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        int fl;

        if (fd >= 0) {
            fl = fcntl(fd, F_GETFL);
            if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
                gate_fail(err, GATE_E_IO, "cannot write '%s': %s", path, strerror(errno));
                (void)close(fd);
                return -1;
            }
            return fd;
        }
        if (errno == EINTR)
            continue;
        if (errno != ENXIO) {
            gate_fail(err, GATE_E_IO, "cannot write '%s': %s", path, strerror(errno));
            return -1;
        }
        if (gate_clock_ms() >= deadline) {
            gate_fail(err, GATE_E_IO,
                      "cannot write '%s': no process opened the FIFO for reading within %d s", path,
                      FIFO_READER_WAIT_MS / 1000);
            return -1;
        }
        gate_sleep_ms(FIFO_READER_POLL_MS);
    }
}

bool gate_path_in_place(const char *path)
{
    return !strncmp(path, "/dev/", 5) || !strncmp(path, "/proc/", 6);
}

enum gate_code gate_report_file_open(const char *path, struct gate_report_file *rf,
                                     struct gate_err *err)
{
    struct stat lst, st;
    enum gate_code rc;
    char *target;
    int fd;

    memset(rf, 0, sizeof(*rf));
    if (lstat(path, &lst)) {
        if (errno == ENOENT && !gate_path_in_place(path))
            return atomic_open(path, rf, err); /* a new file */
        return gate_fail(err, GATE_E_IO, "cannot write '%s': %s", path, strerror(errno));
    }
    if (stat(path, &st)) {
        /* a dangling symlink: where it points is not ours to create */
        return gate_fail(err, GATE_E_IO,
                         "cannot write '%s': it is a symbolic link to nothing (%s); remove it or "
                         "point it at a file",
                         path, strerror(errno));
    }
    if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode) ||
        (S_ISREG(st.st_mode) && gate_path_in_place(path))) {
        /*
         * /dev/null, a FIFO, /dev/stdout (whatever stdout is: appended to, so
         * a redirected stdout keeps what was printed before): written in
         * place, never replaced
         */
        if (S_ISFIFO(st.st_mode)) {
            fd = open_fifo(path, err);
            if (fd < 0)
                return err->code;
        } else {
            fd = open(path, O_WRONLY | O_APPEND | O_NOCTTY | O_CLOEXEC);
            if (fd < 0)
                return gate_fail(err, GATE_E_IO, "cannot write '%s': %s", path, strerror(errno));
        }
        rf->fp = fdopen(fd, "a");
        if (!rf->fp) {
            rc = gate_fail(err, GATE_E_IO, "cannot write '%s': %s", path, strerror(errno));
            (void)close(fd);
            return rc;
        }
        rf->path = gate_xstrdup(path);
        return GATE_OK;
    }
    if (S_ISDIR(st.st_mode))
        return gate_fail(err, GATE_E_IO, "cannot write '%s': it is a directory", path);
    if (!S_ISREG(st.st_mode))
        return gate_fail(err, GATE_E_IO,
                         "cannot write '%s': not a regular file, character device or FIFO "
                         "(a block device or a socket is never written)",
                         path);
    if (!S_ISLNK(lst.st_mode))
        return atomic_open(path, rf, err);
    /* a symlink to a regular file: the file it points to is replaced, the link stays */
    target = realpath(path, NULL);
    if (!target)
        return gate_fail(err, GATE_E_IO, "cannot write '%s': %s", path, strerror(errno));
    rc = atomic_open(target, rf, err);
    free(target);
    return rc;
}

enum gate_code gate_write_report_file(const char *path, const char *data, size_t len,
                                      struct gate_err *err)
{
    struct gate_report_file rf;
    enum gate_code rc = gate_report_file_open(path, &rf, err);

    return rc ? rc : write_commit(&rf, data, len, err);
}

enum gate_code gate_append_file(const char *path, const char *data, size_t len,
                                struct gate_err *err)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    size_t off = 0;

    if (fd < 0)
        return gate_fail(err, GATE_E_IO, "cannot write '%s': %s", path, strerror(errno));
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);

        if (w < 0) {
            if (errno == EINTR)
                continue;
            (void)close(fd);
            return gate_fail(err, GATE_E_IO, "cannot write '%s': %s", path, strerror(errno));
        }
        off += (size_t)w;
    }
    if (close(fd))
        return gate_fail(err, GATE_E_IO, "cannot write '%s': %s", path, strerror(errno));
    return GATE_OK;
}

char *gate_path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir);

    if (!n)
        return gate_xstrdup(name);
    if (dir[n - 1] == '/')
        return gate_xasprintf("%s%s", dir, name);
    return gate_xasprintf("%s/%s", dir, name);
}

char *gate_path_resolve(const char *dir, const char *rel)
{
    while (rel[0] == '.' && rel[1] == '/')
        rel += 2;
    if (rel[0] == '/' || !strcmp(dir, "."))
        return gate_xstrdup(*rel ? rel : ".");
    if (!*rel || !strcmp(rel, "."))
        return gate_xstrdup(dir);
    return gate_path_join(dir, rel);
}

char *gate_path_dir(const char *path)
{
    const char *slash = strrchr(path, '/');

    if (!slash)
        return gate_xstrdup(".");
    return gate_xstrndup(path, slash == path ? 1 : (size_t)(slash - path));
}
