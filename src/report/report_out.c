/* SPDX-License-Identifier: MIT */
/*
 * report_out.c - report destinations: format dispatch, report files
 * (atomic), the repository root for relative paths, and GitHub Actions'
 * environment files and masks.
 */
#include "gate/compat.h"
#include "gate/report_out.h"
#include "gate/fs.h"
#include "gate/msg.h"
#include "gate/report.h"
#include "gate/secrets.h"
#include "gate/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

enum gate_code gate_report_render(const struct gate_run *run, enum gate_format f,
                                  struct gate_buf *out, const struct gate_text_opts *o,
                                  struct gate_err *err)
{
    return gate_report_format(f)->write(run, out, o, err);
}

bool gate_reports_want(const struct gate_cli *cli, const struct gate_policy *pol,
                       enum gate_format f)
{
    bool want = cli->format == f || (pol && pol->reports.path[f]);

    for (int i = 0; i < cli->nreports && !want; i++)
        want = cli->reports[i].format == f;
    return want;
}

enum gate_code gate_reports_load(const struct gate_cli *cli, const struct gate_policy *pol,
                                 struct gate_err *err)
{
    for (size_t i = 0; i < gate_report_nformats; i++) {
        const struct gate_report_format *rf = &gate_report_formats[i];

        if (rf->load && gate_reports_want(cli, pol, rf->id) && rf->load(err))
            return err->code;
    }
    return GATE_OK;
}

/*
 * The report files of a run: the policy's (in table order), each unless a
 * --report flag names its format (flags override the policy), then the
 * flags'. malloc'd; *n set.
 */
static struct gate_report_spec *report_files(const struct gate_policy *pol,
                                             const struct gate_report_spec *specs, size_t nspecs,
                                             size_t *n)
{
    struct gate_report_spec *all = gate_xcalloc(nspecs + gate_report_nformats + 1, sizeof(*all));

    *n = 0;
    for (size_t i = 0; i < gate_report_nformats; i++) {
        enum gate_format f = gate_report_formats[i].id;
        bool overridden = false;

        if (!gate_report_formats[i].file || !pol->reports.path[f])
            continue;
        for (size_t k = 0; k < nspecs; k++)
            overridden |= specs[k].format == f;
        if (!overridden) {
            all[*n].format = f;
            all[*n].path = pol->reports.path[f];
            all[(*n)++].policy = true;
        }
    }
    for (size_t k = 0; k < nspecs; k++)
        all[(*n)++] = specs[k];
    return all;
}

/* ---- the repository root --------------------------------------------------- */

/* dir is cwd or one of its ancestors: set root and the prefix of cwd under it. */
static void set_root(struct gate_run *run, const char *cwd, const char *root)
{
    size_t rn = strlen(root);

    while (rn > 1 && root[rn - 1] == '/')
        rn--;
    run->repo_root = gate_arena_strndup(&run->arena, root, rn);
    if (!strncmp(cwd, root, rn) && cwd[rn] == '/' && cwd[rn + 1])
        run->repo_prefix = gate_arena_printf(&run->arena, "%s/", cwd + rn + 1);
    else
        run->repo_prefix = "";
}

static bool under(const char *cwd, const char *dir)
{
    size_t n = strlen(dir);

    while (n > 1 && dir[n - 1] == '/')
        n--;
    return dir[0] == '/' && !strncmp(cwd, dir, n) && (cwd[n] == '/' || !cwd[n]);
}

void gate_report_locate(struct gate_run *run)
{
    char cwd[4096];
    const char *gh = getenv("GITHUB_ACTIONS");
    const char *gl = getenv("GITLAB_CI");
    const char *ws;

    if (!getcwd(cwd, sizeof(cwd)))
        return;
    ws = getenv("GITHUB_WORKSPACE");
    if (gh && !strcmp(gh, "true") && ws && under(cwd, ws)) {
        set_root(run, cwd, ws);
        return;
    }
    ws = getenv("CI_PROJECT_DIR");
    if (gl && !strcmp(gl, "true") && ws && under(cwd, ws)) {
        set_root(run, cwd, ws);
        return;
    }
    {
        char *dir = gate_xstrdup(cwd);

        for (;;) {
            char *git = gate_path_join(dir, ".git");
            bool found = gate_path_kind(git) != GATE_PATH_MISSING;
            char *slash;

            free(git);
            if (found) {
                set_root(run, cwd, dir);
                break;
            }
            slash = strrchr(dir, '/');
            if (!slash || slash == dir) {
                set_root(run, cwd, cwd);
                break;
            }
            *slash = '\0';
        }
        free(dir);
    }
}

/* ---- report files ---------------------------------------------------------- */

/* path with every "{command}" replaced (run arena). */
static const char *expand(struct gate_run *run, const char *path)
{
    struct gate_buf b = {0};
    const char *s = path, *hit;
    const char *r;

    while ((hit = strstr(s, "{command}"))) {
        gate_buf_add(&b, s, (size_t)(hit - s));
        gate_buf_adds(&b, run->command);
        s = hit + 9;
    }
    gate_buf_adds(&b, s);
    r = gate_arena_strdup(&run->arena, gate_buf_str(&b));
    gate_buf_release(&b);
    return r;
}

/* path as the file system sees it: realpath where it (or its directory) exists; malloc'd. */
static char *canonical(const char *path)
{
    char *r = realpath(path, NULL);
    const char *slash;
    char *dir, *d;

    if (r)
        return r;
    slash = strrchr(path, '/');
    dir =
        slash ? gate_xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : gate_xstrdup(".");
    d = realpath(dir, NULL);
    free(dir);
    if (!d)
        return gate_xstrdup(path);
    r = gate_xasprintf("%s/%s", strcmp(d, "/") ? d : "", slash ? slash + 1 : path);
    free(d);
    return r;
}

enum gate_code gate_reports_check_paths(const struct gate_policy *pol, const char *command,
                                        const struct gate_report_spec *specs, size_t nspecs,
                                        const char *checklist, struct gate_err *err)
{
    size_t n;
    struct gate_report_spec *all = report_files(pol, specs, nspecs, &n);
    char **real = gate_xcalloc(n + 1, sizeof(*real));
    enum gate_code rc = GATE_OK;

    /* what gate_reports_write writes: the policy's unless a flag names the format, the flags */
    for (size_t i = 0; i < n; i++) {
        struct gate_buf b = {0};
        const char *s = all[i].path, *hit;

        while ((hit = strstr(s, "{command}"))) {
            gate_buf_add(&b, s, (size_t)(hit - s));
            gate_buf_adds(&b, command);
            s = hit + 9;
        }
        gate_buf_adds(&b, s);
        real[i] = canonical(gate_buf_str(&b));
        gate_buf_release(&b);
        for (size_t j = 0; j < i && !rc; j++) {
            if (all[j].format != all[i].format && !strcmp(real[j], real[i]))
                rc = !strcmp(all[i].path, all[j].path)
                         ? gate_fail(err, GATE_E_USAGE,
                                     "the %s and %s reports would both be written to '%s': give "
                                     "each report its own path",
                                     gate_format_name(all[j].format),
                                     gate_format_name(all[i].format), all[i].path)
                         : gate_fail(err, GATE_E_USAGE,
                                     "the %s report ('%s') and the %s report ('%s') would be "
                                     "written to one file: give each report its own path",
                                     gate_format_name(all[j].format), all[j].path,
                                     gate_format_name(all[i].format), all[i].path);
        }
    }
    if (checklist && !rc) {
        /* plan's and deploy's --checklist PATH is written as given ({command} is not replaced) */
        char *c = canonical(checklist);

        for (size_t i = 0; i < n && !rc; i++) {
            if (!strcmp(real[i], c))
                rc = gate_fail(err, GATE_E_USAGE,
                               "the deployment checklist ('%s') and the %s report ('%s') would be "
                               "written to one file: give each its own path",
                               checklist, gate_format_name(all[i].format), all[i].path);
        }
        free(c);
    }
    for (size_t i = 0; i < n; i++)
        free(real[i]);
    free(real);
    free(all);
    return rc;
}

bool gate_reports_write(struct gate_run *run, const struct gate_policy *pol,
                        const struct gate_report_spec *specs, size_t nspecs, const char *checklist,
                        struct gate_report_path **written, size_t *nwritten)
{
    struct gate_report_spec *all;
    size_t n, cap = 0;
    bool ok = true;
    struct gate_err err0 = {0};

    *written = NULL;
    *nwritten = 0;
    if (gate_reports_check_paths(pol, run->command, specs, nspecs, checklist, &err0)) {
        /* said already (main.c: a usage error): no report overwrites another */
        gate_verbosef("no report file written: %s", err0.msg);
        return false;
    }
    all = report_files(pol, specs, nspecs, &n);
    for (size_t i = 0; i < n; i++) {
        if (all[i].format == GATE_FORMAT_JSON)
            run->json_report = expand(run, all[i].path); /* what the Markdown points to */
    }
    for (size_t i = 0; i < n; i++) {
        struct gate_buf b = {0};
        struct gate_err err = {0};
        struct gate_report_file rf;
        const char *path = expand(run, all[i].path);
        const struct gate_text_opts file_opts = {.verbose = true};

        /*
         * streamed into a temp file renamed over path when whole (or in
         * place: a device, a FIFO): a report of 40,000 findings is never
         * held in memory, and path never holds half of one
         */
        if (gate_report_file_open(path, &rf, &err)) {
            gate_errorf("report: %s", err.msg);
            ok = false;
            continue;
        }
        b.sink = rf.fp;
        /* files: no colour, no wrapping; text with every finding and its help (-v) */
        (void)gate_report_render(run, all[i].format, &b, &file_opts, &err);
        if (!err.code && !gate_buf_flush(&b))
            (void)gate_fail(&err, GATE_E_IO, "cannot write '%s': %s", path, strerror(errno));
        if (err.code) {
            gate_report_file_abort(&rf);
            gate_errorf("report: %s: %s", path, err.msg);
            ok = false;
        } else if (gate_report_file_commit(&rf, &err)) {
            gate_errorf("report: %s", err.msg);
            ok = false;
        } else {
            GATE_GROW(*written, cap, *nwritten + 1);
            (*written)[*nwritten].format = gate_format_name(all[i].format);
            (*written)[*nwritten].path = path;
            (*nwritten)++;
            gate_verbosef("wrote %s report %s", gate_format_name(all[i].format), path);
        }
        gate_buf_release(&b);
    }
    free(all);
    return ok;
}

/* ---- writable before the run ---------------------------------------------- */

/* The nearest directory at or above dir that exists (malloc'd), NULL when none does. */
static char *existing_dir(const char *dir, struct stat *st)
{
    char *d = gate_xstrdup(*dir ? dir : ".");

    for (;;) {
        char *slash;

        if (!stat(d, st))
            return d;
        if (errno != ENOENT) {
            free(d);
            return NULL;
        }
        slash = strrchr(d, '/');
        if (!slash) {
            free(d);
            return stat(".", st) ? NULL : gate_xstrdup(".");
        }
        if (slash == d)
            slash[1] = '\0';
        else
            *slash = '\0';
    }
}

/*
 * Can path be written the way report_out.c writes it: atomically (a temp
 * file beside it, renamed; missing directories created) or appended
 * (GitHub's files: the directory must exist). A path that exists and is
 * neither a file nor a directory (a device, a FIFO) only needs write
 * permission. err says why not.
 */
static bool path_writable_at(const char *path, bool append, struct gate_err *err)
{
    struct stat st;
    char *dir, *slash, *top;
    bool ok = true;

    if (!stat(path, &st)) {
        if (S_ISDIR(st.st_mode)) {
            gate_fail(err, GATE_E_IO, "cannot write '%s': it is a directory", path);
            return false;
        }
        if (!S_ISREG(st.st_mode) || append) {
            if (access(path, W_OK)) {
                gate_fail(err, GATE_E_IO, "cannot write '%s': %s", path, strerror(errno));
                return false;
            }
            if (!S_ISREG(st.st_mode))
                return true;
        }
    } else if (errno != ENOENT) {
        gate_fail(err, GATE_E_IO, "cannot write '%s': %s", path, strerror(errno));
        return false;
    }
    dir = gate_xstrdup(strchr(path, '/') ? path : "./");
    slash = strrchr(dir, '/');
    if (slash == dir)
        slash[1] = '\0';
    else
        *slash = '\0';
    if (append && stat(dir, &st)) {
        gate_fail(err, GATE_E_IO, "cannot write '%s': %s", path, strerror(errno));
        free(dir);
        return false;
    }
    top = existing_dir(dir, &st);
    if (!top || !S_ISDIR(st.st_mode)) {
        gate_fail(err, GATE_E_IO, "cannot write '%s': %s", path,
                  top ? strerror(ENOTDIR) : strerror(errno));
        ok = false;
    } else if (!strcmp(top, dir)) {
        /* the directory exists: make (and remove) a file the way the writer does */
        char *probe = gate_xasprintf("%s/.prisma-gate-probe-XXXXXX", dir);
        int fd = mkstemp(probe);

        if (fd < 0) {
            gate_fail(err, GATE_E_IO, "cannot write '%s': %s", path, strerror(errno));
            ok = false;
        } else {
            (void)close(fd);
            (void)unlink(probe);
        }
        free(probe);
    } else if (access(top, W_OK | X_OK)) {
        gate_fail(err, GATE_E_IO, "cannot write '%s': cannot create directories in '%s': %s", path,
                  top, strerror(errno));
        ok = false;
    }
    free(top);
    free(dir);
    return ok;
}

/*
 * path_writable_at() where gate_write_report_file() writes: what it refuses
 * (a symlink to nothing, a block device, a socket) fails here too, and a
 * symlink to a regular file is probed at the file it points to.
 */
static bool path_writable(const char *path, bool append, struct gate_err *err)
{
    struct stat lst, st;
    char *target;
    bool ok;

    if (!append && gate_path_in_place(path) && lstat(path, &lst)) {
        /* no new file is made under /dev or /proc */
        gate_fail(err, GATE_E_IO, "cannot write '%s': %s", path, strerror(errno));
        return false;
    }
    if (append || lstat(path, &lst))
        return path_writable_at(path, append, err);
    if (stat(path, &st)) {
        gate_fail(err, GATE_E_IO,
                  "cannot write '%s': it is a symbolic link to nothing (%s); remove it or "
                  "point it at a file",
                  path, strerror(errno));
        return false;
    }
    if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) && !S_ISCHR(st.st_mode) &&
        !S_ISFIFO(st.st_mode)) {
        gate_fail(err, GATE_E_IO,
                  "cannot write '%s': not a regular file, character device or FIFO (a block "
                  "device or a socket is never written)",
                  path);
        return false;
    }
    if (gate_path_in_place(path) && !S_ISDIR(st.st_mode)) {
        /* /dev/stdout and the like: opened and written in place */
        if (access(path, W_OK)) {
            gate_fail(err, GATE_E_IO, "cannot write '%s': %s", path, strerror(errno));
            return false;
        }
        return true;
    }
    if (!S_ISLNK(lst.st_mode) || !S_ISREG(st.st_mode))
        return path_writable_at(path, append, err);
    target = realpath(path, NULL);
    ok = path_writable_at(target ? target : path, append, err);
    free(target);
    return ok;
}

bool gate_outputs_writable(struct gate_run *run, const struct gate_cli *cli)
{
    const struct gate_policy *pol = cli->pol;
    size_t n;
    struct gate_report_spec *all = report_files(pol, cli->reports, (size_t)cli->nreports, &n);
    bool ok = true;

    for (size_t i = 0; i < n; i++) {
        struct gate_err err = {0};

        if (!path_writable(expand(run, all[i].path), false, &err)) {
            gate_errorf("report (%s%s): %s", all[i].policy ? "policy reports." : "--report ",
                        gate_format_name(all[i].format), err.msg);
            ok = false;
        }
    }
    free(all);
    if (cli->checklist) {
        struct gate_err err = {0};

        if (!path_writable(cli->checklist, false, &err)) {
            gate_errorf("--checklist: %s", err.msg);
            ok = false;
        }
    }
    if (gate_github_active(pol)) {
        static const char *const vars[] = {"GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY"};

        for (size_t i = 0; i < GATE_ARRAY_SIZE(vars); i++) {
            const char *v = getenv(vars[i]);
            struct gate_err err = {0};

            if (v && *v && !path_writable(v, true, &err)) {
                gate_errorf("%s: %s", vars[i], err.msg);
                ok = false;
            }
        }
    }
    return ok;
}

/* ---- GitHub Actions -------------------------------------------------------- */

bool gate_github_active(const struct gate_policy *pol)
{
    const char *gh = getenv("GITHUB_ACTIONS");

    return gh && !strcmp(gh, "true") && (!pol || pol->reports.github);
}

void gate_github_token(char *out, size_t size)
{
    unsigned char rnd[16];
    size_t got = 0;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

    if (fd >= 0) {
        while (got < sizeof(rnd)) {
            ssize_t r = read(fd, rnd + got, sizeof(rnd) - got);

            if (r <= 0)
                break;
            got += (size_t)r;
        }
        (void)close(fd);
    }
    if (got < sizeof(rnd)) {
        /* no /dev/urandom: time and pid, still unguessable enough for a delimiter */
        struct timespec ts;
        unsigned long long x;

        (void)clock_gettime(CLOCK_REALTIME, &ts);
        x = (unsigned long long)ts.tv_nsec ^ ((unsigned long long)ts.tv_sec << 20) ^
            ((unsigned long long)getpid() << 40);
        for (size_t i = 0; i < sizeof(rnd); i++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            rnd[i] = (unsigned char)(x >> 56);
        }
    }
    {
        size_t off = (size_t)snprintf(out, size, "ghadelimiter_");

        for (size_t i = 0; i < sizeof(rnd) && off + 2 < size; i++)
            off += (size_t)snprintf(out + off, size - off, "%02x", rnd[i]);
    }
}

/* "::add-mask::value" for each line of value (escaped as command data). */
static void mask(struct gate_buf *out, const char *value)
{
    const char *s = value;

    if (!value || !*value)
        return;
    while (*s) {
        size_t n = strcspn(s, "\r\n");

        if (n) {
            size_t start = out->len;
            const char *all;

            gate_buf_adds(out, "::add-mask::");
            for (size_t i = 0; i < n; i++) {
                if (s[i] == '%')
                    gate_buf_adds(out, "%25");
                else
                    gate_buf_addc(out, s[i]);
            }
            gate_buf_addc(out, '\n');
            /* once is enough: the same line earlier in out (masks only) is dropped */
            all = gate_buf_str(out);
            for (const char *p = all; p && p < all + start;) {
                if (!strncmp(p, all + start, out->len - start)) {
                    out->len = start;
                    out->data[start] = '\0';
                    break;
                }
                p = strchr(p, '\n');
                if (p)
                    p++;
            }
        }
        s += n;
        s += strspn(s, "\r\n");
    }
}

static void mask_part(void *ctx, const char *part)
{
    mask(ctx, part);
}

/*
 * The secret parts of a connection URL (its userinfo and password, raw and
 * percent-decoded, whatever they hold: secrets.h) or libpq "password=".
 */
static void mask_password(struct gate_buf *out, const char *url)
{
    const char *p;

    gate_url_secret_parts(url, mask_part, out);
    for (p = strstr(url, "password"); p; p = strstr(p + 1, "password")) {
        const char *v = p + 8;
        size_t n;
        char *val;

        while (*v == ' ')
            v++;
        if (*v != '=')
            continue;
        v++;
        while (*v == ' ')
            v++;
        if (*v == '\'') {
            v++;
            n = strcspn(v, "'");
        } else {
            n = strcspn(v, " &");
        }
        if (!n)
            continue;
        val = gate_xstrndup(v, n);
        mask(out, val);
        free(val);
    }
}

static void mask_env(struct gate_buf *out, const char *name, bool url)
{
    const char *v = name ? getenv(name) : NULL;

    if (!v || !*v)
        return;
    if (url)
        mask_password(out, v);
    mask(out, v);
}

void gate_github_mask_url(const char *url, struct gate_buf *out)
{
    if (!url || !gate_url_last_at(url))
        return;
    mask(out, url);
    gate_url_secret_parts(url, mask_part, out);
}

void gate_github_masks(const struct gate_policy *pol, struct gate_buf *out)
{
    /* every *DATABASE_URL variable: detect reads them all */
    for (char **e = environ; e && *e; e++) {
        const char *eq = strchr(*e, '=');
        size_t len = eq ? (size_t)(eq - *e) : 0;

        if (len >= 12 && !strncmp(*e + len - 12, "DATABASE_URL=", 13) && eq[1]) {
            mask_password(out, eq + 1);
            mask(out, eq + 1);
        }
    }
    if (!pol->ntargets) {
        mask_env(out, "DATABASE_URL", true);
        mask_env(out, "SHADOW_DATABASE_URL", true);
    }
    for (size_t i = 0; i < pol->ntargets; i++) {
        mask_env(out, pol->targets[i].url_env, true);
        mask_env(out, pol->targets[i].shadow_url_env, true);
        mask_env(out, pol->targets[i].direct_url_env, true);
    }
    for (size_t i = 0; i < pol->nhealth; i++)
        gate_github_mask_url(pol->health[i].url, out);
    mask_env(out, "PGPASSWORD", false);
    mask_env(out, pol->deploy.token_env, false);
    mask_env(out, pol->deploy.secret_env, false);
}

void gate_github_mask_value(const char *value, struct gate_buf *out)
{
    mask(out, value);
}

bool gate_github_write(const struct gate_run *run, const struct gate_report_path *written,
                       size_t nwritten, struct gate_buf *annotations_out)
{
    const char *summary = getenv("GITHUB_STEP_SUMMARY");
    const char *outputs = getenv("GITHUB_OUTPUT");
    struct gate_err err = {0};
    bool ok = true;

    if (annotations_out)
        gate_report_github_annotations(run, annotations_out);
    if (summary && *summary) {
        struct gate_buf b = {0};
        struct stat st;
        size_t budget = GATE_MARKDOWN_SUMMARY_MAX;

        /* the 1 MiB is per step: leave room for what the step wrote before */
        if (!stat(summary, &st) && st.st_size > 0)
            budget = (size_t)st.st_size >= budget - 4096 ? 4096 : budget - (size_t)st.st_size;
        gate_report_markdown(run, &b, budget);
        if (gate_append_file(summary, b.data ? b.data : "", b.len, &err)) {
            gate_errorf("GITHUB_STEP_SUMMARY: %s", err.msg);
            ok = false;
        }
        gate_buf_release(&b);
    }
    if (outputs && *outputs) {
        struct gate_buf b = {0};
        char delim[64];

        do
            gate_github_token(delim, sizeof(delim));
        while (!gate_report_github_delim_ok(run, written, nwritten, delim));
        gate_report_github_outputs(run, written, nwritten, delim, &b);
        gate_err_clear(&err);
        if (gate_append_file(outputs, b.data ? b.data : "", b.len, &err)) {
            gate_errorf("GITHUB_OUTPUT: %s", err.msg);
            ok = false;
        }
        gate_buf_release(&b);
    }
    return ok;
}
