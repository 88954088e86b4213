/* SPDX-License-Identifier: MIT */
/*
 * cmd/init.c - `prisma-gate init`: write the commented default policy to
 * ./prisma-gate.yml (or -p FILE), with the project's schema and
 * migrations directory where `detect` finds them (project.h: Prisma's
 * own rules, then the one project below the current directory). A path
 * that is not there is written commented, and init says so: a policy
 * naming a missing path is an error for every command that reads the
 * project. An existing file is never overwritten without --force (exit
 * 2); the write is atomic.
 */
#include "gate/compat.h"
#include "gate/buf.h"
#include "gate/cli.h"
#include "gate/fs.h"
#include "gate/msg.h"
#include "gate/policy.h"
#include "gate/project.h"

#include <stdlib.h>
#include <string.h>

/* path as a YAML scalar: plain when it is only [A-Za-z0-9_./-], else double-quoted. */
static void add_scalar(struct gate_buf *b, const char *path)
{
    bool plain = *path != '\0' && *path != '-';

    for (const char *p = path; *p && plain; p++) {
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '.' || *p == '/' || *p == '-'))
            plain = false;
    }
    if (plain) {
        gate_buf_adds(b, path);
        return;
    }
    gate_buf_addc(b, '"');
    for (const char *p = path; *p; p++) {
        if (*p == '"' || *p == '\\')
            gate_buf_addc(b, '\\');
        gate_buf_addc(b, *p);
    }
    gate_buf_addc(b, '"');
}

/* One project line: "  key: path   # note" or, when path is NULL, the default commented. */
static void project_line(struct gate_buf *b, const char *key, const char *path, const char *dflt,
                         const char *note)
{
    gate_buf_printf(b, "  %s%s: ", path ? "" : "# ", key);
    add_scalar(b, path ? path : dflt);
    gate_buf_printf(b, "   # %s\n", note);
}

/*
 * The template with its project.schema and project.migrations lines
 * replaced by the project's (the other lines as they are).
 */
static void policy_text(const struct gate_project *proj, bool found, bool have_migrations,
                        struct gate_buf *out)
{
    const char *t = gate_policy_template();
    const char *section = strstr(t, "\nproject:\n");
    const char *p;

    if (!section)
        GATE_BUG("init: the policy template has no project: section");
    section += strlen("\nproject:\n");
    gate_buf_add(out, t, (size_t)(section - t));
    for (p = section; *p == ' '; p = strchr(p, '\n') + 1) {
        size_t len = (size_t)(strchr(p, '\n') + 1 - p);

        if (!strncmp(p, "  schema:", 9)) {
            project_line(out, "schema", found ? proj->schema : NULL, "prisma/schema.prisma",
                         found ? proj->schema_from
                               : "no Prisma schema found: set your schema file or folder");
        } else if (!strncmp(p, "  migrations:", 13)) {
            project_line(out, "migrations", have_migrations ? proj->migrations : NULL,
                         found ? proj->migrations : "prisma/migrations",
                         have_migrations ? proj->migrations_from
                         : found ? "not there yet: uncomment once `prisma migrate dev` made it"
                                 : "the migrations directory");
        } else {
            gate_buf_add(out, p, len);
        }
    }
    gate_buf_adds(out, p);
}

enum gate_exit gate_cmd_init(struct gate_cli *cli, struct gate_run *run, struct gate_buf *out)
{
    const char *path = cli->policy ? cli->policy : GATE_POLICY_FILE;
    struct gate_project proj;
    struct gate_buf text = {0};
    struct gate_err err = {0}, perr = {0};
    bool found, have_migrations;

    (void)run;
    (void)out;
    if (cli->nargs) {
        gate_errorf("init takes no arguments (the file is -p FILE, default %s)", GATE_POLICY_FILE);
        return GATE_EXIT_USAGE;
    }
    switch (gate_path_kind(path)) {
    case GATE_PATH_MISSING:
        break;
    case GATE_PATH_FILE:
        if (cli->force)
            break;
        gate_errorf("'%s' already exists; not overwriting it (--force replaces it)", path);
        return GATE_EXIT_USAGE;
    default:
        gate_errorf("'%s' exists and is not a file", path);
        return GATE_EXIT_USAGE;
    }
    found = gate_project_find(NULL, NULL, &proj, &perr) == GATE_OK;
    have_migrations = found && gate_path_kind(proj.migrations) == GATE_PATH_DIR;
    policy_text(&proj, found, have_migrations, &text);
    /* through a symlink (the link stays); a symlink to nothing is refused, named */
    if (gate_write_report_file(path, gate_buf_str(&text), text.len, &err)) {
        gate_errorf("%s", err.msg);
        gate_buf_release(&text);
        gate_project_release(&proj);
        return GATE_EXIT_UNAVAILABLE;
    }
    if (!found)
        gate_warnf("%s; project.schema and project.migrations are written commented (the "
                   "defaults): set them to your project's paths",
                   perr.msg);
    else if (!have_migrations)
        gate_warnf("the migrations directory %s does not exist yet; project.migrations is "
                   "written commented: uncomment it once `prisma migrate dev` has made it",
                   proj.migrations);
    gate_notef("wrote %s: the defaults, commented, with project.schema %s%s%s; edit what your "
               "project needs (docs/policy.md lists every key)",
               path, found ? proj.schema : "(not found)",
               have_migrations ? " and project.migrations " : "",
               have_migrations ? proj.migrations : "");
    gate_buf_release(&text);
    gate_project_release(&proj);
    return GATE_EXIT_OK;
}
