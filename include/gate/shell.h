/* SPDX-License-Identifier: MIT */
/*
 * shell.h - values pasted into the shell commands the gate suggests
 * (`prisma migrate resolve --applied NAME`, the runbook's steps). A
 * migration folder name comes from the repository, and in a pull request
 * from anyone: inside double quotes `$(...)`, backquotes and `$VAR` still
 * run, so every value is single-quoted, each ' written '\''. Pasted into
 * sh, bash or zsh, the command then runs nothing but itself.
 */
#ifndef GATE_SHELL_H
#define GATE_SHELL_H

#include "gate/compat.h"
#include "gate/arena.h"
#include "gate/buf.h"

/* s single-quoted for the shell ('it'\''s'), appended to out. */
void gate_shell_quote_buf(struct gate_buf *out, const char *s);

/* s single-quoted for the shell, in a. */
const char *gate_shell_quote(struct gate_arena *a, const char *s);

/*
 * A word of an argv shown as a command line: as it is when it holds only
 * letters, digits and @%+=:,./_- (npx, prisma, ./node_modules/.bin/prisma),
 * else single-quoted; appended to out.
 */
void gate_shell_word_buf(struct gate_buf *out, const char *s);

#endif
