/* SPDX-License-Identifier: MIT */
/*
 * project.h - where a Prisma project's schema and migrations are, found
 * the way the Prisma CLI (6.x) finds them, plus a search for monorepos:
 *
 *  schema:     --schema PATH; else prisma.config.ts's `schema`; else
 *              package.json's `prisma.schema`; else ./schema.prisma, then
 *              ./prisma/schema.prisma, then a ./prisma/schema folder; else
 *              the one Prisma project found below the current directory
 *              (a folder holding a .prisma file with a datasource block;
 *              node_modules, hidden and build folders skipped, 6 levels).
 *  migrations: --migrations DIR; else prisma.config.ts's `migrations.path`;
 *              else `migrations` next to the file holding the datasource
 *              (Prisma's rule); for a schema folder whose rule-given
 *              directory does not exist, `migrations` next to the folder
 *              when that one does (the earlier multi-file layout).
 *
 * A path is as the process sees it (relative to the current directory,
 * or absolute when given so). Every string is malloc'd and owned.
 */
#ifndef GATE_PROJECT_H
#define GATE_PROJECT_H

#include "gate/compat.h"
#include "gate/err.h"
#include "gate/schema.h"

/* Largest schema file read (a cap, not OOM). */
#define GATE_MAX_SCHEMA_FILE ((size_t)8 * 1024 * 1024)

struct gate_project {
    char *schema;       /* the schema file or folder */
    bool schema_folder; /* a multi-file schema folder */
    char **files;       /* every .prisma file of the schema (the file itself), sorted */
    size_t nfiles;
    char *migrations;  /* the migrations directory (it may not exist) */
    char *schema_from; /* how the schema was found (one phrase) */
    char *migrations_from;
    struct gate_schema parsed; /* the schema on disk (gate_project_load) */
    bool loaded;
};

/*
 * Find the project (see above). schema_arg and migrations_arg may be
 * NULL. Fails only with GATE_E_USAGE: the schema given (or named by
 * prisma.config.ts or package.json) does not exist (a path stat() fails
 * on counts as missing) or is neither a file nor a folder, a schema
 * folder holds no .prisma file (or cannot be listed), no schema is
 * found, or several projects are found below the current directory (the
 * message lists them and says to pass --schema or -C). A file it cannot
 * read (prisma.config.*, package.json, a .prisma file the search or the
 * datasource lookup opens) is skipped, not an error: a schema file that
 * cannot be read fails later, in gate_project_load (GATE_E_IO). The
 * migrations directory is not checked. out is zeroed first; release it in
 * any case.
 */
enum gate_code gate_project_find(const char *schema_arg, const char *migrations_arg,
                                 struct gate_project *out, struct gate_err *err);

struct gate_policy;

/*
 * The one resolution every command uses: the schema is --schema
 * (schema_flag), else the policy's project.schema, else found as above;
 * the migrations directory is --migrations, else the policy's
 * project.migrations, else Prisma's rule next to the schema. pol may be
 * NULL (no policy). schema_optional (lint, status, plan, approve,
 * deploy): when no schema is given and the search finds none (or several
 * while the migrations directory is given), out->schema is NULL and the
 * migrations directory the given one or ./prisma/migrations. schema_from
 * and migrations_from name the source ("--schema", "project.schema in
 * prisma-gate.yml", "package.json prisma.schema", "default location" ...).
 */
enum gate_code gate_project_resolve(const char *schema_flag, const char *migrations_flag,
                                    const struct gate_policy *pol, bool schema_optional,
                                    struct gate_project *out, struct gate_err *err);

/* gate_project_resolve (schema optional), for the migrations directory alone (*out in a). */
struct gate_arena;
enum gate_code gate_project_migrations_dir(const char *schema_flag, const char *migrations_flag,
                                           const struct gate_policy *pol, struct gate_arena *a,
                                           const char **out, struct gate_err *err);

/* Read and parse every schema file into p->parsed. GATE_E_IO / GATE_E_LIMIT on a bad file. */
enum gate_code gate_project_load(struct gate_project *p, struct gate_err *err);

void gate_project_release(struct gate_project *p);

/*
 * The .prisma files of a schema folder dir, recursively (hidden folders
 * and node_modules skipped), sorted; *out malloc'd array of malloc'd
 * paths (dir/...). Zero files is not an error.
 */
void gate_project_folder_files(const char *dir, char ***out, size_t *n);

#endif
