/* SPDX-License-Identifier: MIT */
/*
 * cmd_common.h - what the commands under src/cmd/ share beyond the target
 * resolution (plan.h): the project every command resolves the same way
 * (gate_project_resolve), with the same error path - its message alone on
 * stderr, the verdict "error", exit 2 for a usage error (no schema found,
 * several projects found) and 3 for anything else. lint without a PATH
 * resolves on its own: it reports a failed resolution as an input error
 * of its run ("no PATH given: ..."), not as a message alone. deploy adds
 * "; nothing was changed" to the message (gate_project_migrations_dir).
 */
#ifndef GATE_CMD_COMMON_H
#define GATE_CMD_COMMON_H

#include "gate/compat.h"
#include "gate/project.h"
#include "gate/run.h"

struct gate_cli;
struct gate_policy;

/*
 * The command's project: gate_project_resolve(cli->schema,
 * cli->migrations, pol, schema_optional) into *proj. pol is the policy
 * the command goes by (cli->pol, or check's defaults when it has none).
 * GATE_EXIT_OK with *proj the caller's to release; else the failure is
 * reported (gate_errorf of its message), *proj released, run->verdict
 * GATE_VERDICT_ERROR, and the exit status returned (GATE_EXIT_USAGE for
 * GATE_E_USAGE, else GATE_EXIT_UNAVAILABLE).
 */
enum gate_exit gate_cmd_resolve_project(const struct gate_cli *cli, const struct gate_policy *pol,
                                        bool schema_optional, struct gate_run *run,
                                        struct gate_project *proj);

/*
 * gate_cmd_resolve_project (cli->pol, schema optional) keeping only the
 * paths, copied into run's arena: *migrations the migrations directory
 * (it may not exist), *schema the schema file or folder (NULL when none
 * is found), *migrations_from how the directory was found; schema and
 * migrations_from may be NULL when not wanted. On failure (reported as
 * there) every out is NULL.
 */
enum gate_exit gate_cmd_resolve_paths(const struct gate_cli *cli, struct gate_run *run,
                                      const char **migrations, const char **schema,
                                      const char **migrations_from);

#endif
