/* SPDX-License-Identifier: MIT */
/*
 * cmd/init.c - `prisma-gate init`: write the commented default policy to
 * ./prisma-gate.yml (or -p FILE). An existing file is never overwritten
 * without --force (exit 2); the write is atomic.
 */
#include "gate/compat.h"
#include "gate/cli.h"
#include "gate/fs.h"
#include "gate/msg.h"
#include "gate/policy.h"

#include <string.h>

enum gate_exit gate_cmd_init(struct gate_cli *cli, struct gate_run *run, struct gate_buf *out)
{
    const char *path = cli->policy ? cli->policy : GATE_POLICY_FILE;
    const char *text = gate_policy_template();
    struct gate_err err = {0};

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
    if (gate_write_file_atomic(path, text, strlen(text), &err)) {
        gate_errorf("%s", err.msg);
        return GATE_EXIT_UNAVAILABLE;
    }
    gate_notef("wrote %s: the defaults, commented; edit what your project needs "
               "(docs/policy.md lists every key)",
               path);
    return GATE_EXIT_OK;
}
