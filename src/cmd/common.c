/* SPDX-License-Identifier: MIT */
/*
 * cmd/common.c - what the commands share (cmd_common.h): the project
 * resolution and its one error path.
 */
#include "gate/compat.h"
#include "gate/cmd_common.h"
#include "gate/cli.h"
#include "gate/msg.h"

enum gate_exit gate_cmd_resolve_project(const struct gate_cli *cli, const struct gate_policy *pol,
                                        bool schema_optional, struct gate_run *run,
                                        struct gate_project *proj)
{
    struct gate_err err = {0};

    if (!gate_project_resolve(cli->schema, cli->migrations, pol, schema_optional, proj, &err))
        return GATE_EXIT_OK;
    gate_errorf("%s", err.msg);
    gate_project_release(proj);
    run->verdict = GATE_VERDICT_ERROR;
    return err.code == GATE_E_USAGE ? GATE_EXIT_USAGE : GATE_EXIT_UNAVAILABLE;
}

enum gate_exit gate_cmd_resolve_paths(const struct gate_cli *cli, struct gate_run *run,
                                      const char **migrations, const char **schema,
                                      const char **migrations_from)
{
    struct gate_project proj;
    enum gate_exit rc = gate_cmd_resolve_project(cli, cli->pol, true, run, &proj);

    *migrations = NULL;
    if (schema)
        *schema = NULL;
    if (migrations_from)
        *migrations_from = NULL;
    if (rc)
        return rc;
    *migrations = gate_arena_strdup(&run->arena, proj.migrations);
    if (schema && proj.schema)
        *schema = gate_arena_strdup(&run->arena, proj.schema);
    if (migrations_from)
        *migrations_from = gate_arena_strdup(&run->arena, proj.migrations_from);
    gate_project_release(&proj);
    return GATE_EXIT_OK;
}
