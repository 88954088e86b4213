/* SPDX-License-Identifier: MIT */
/*
 * help.h - the command-line reference: one table of commands, options,
 * environment variables and exit statuses, rendered as `--help`, as
 * `prisma-gate help COMMAND` / `COMMAND --help`, and as the man page
 * prisma-gate.1 (`prisma-gate help --man`). The three cannot disagree:
 * they are the same data.
 */
#ifndef GATE_HELP_H
#define GATE_HELP_H

#include "gate/compat.h"
#include "gate/buf.h"

struct gate_command;

/*
 * The overview: usage, every command with its summary, the global
 * options and the exit statuses. cmds/ncmds is the command table.
 */
void gate_help_overview(struct gate_buf *out, const struct gate_command *cmds, size_t ncmds);

/*
 * One command's page: synopsis, description, its options with their
 * defaults, the global options, the environment it reads and its exit
 * statuses.
 */
void gate_help_command(struct gate_buf *out, const struct gate_command *cmd);

/* The man page (roff, man(7) macros) of the whole program. */
void gate_help_man(struct gate_buf *out, const struct gate_command *cmds, size_t ncmds);

#endif
