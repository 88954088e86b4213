/* SPDX-License-Identifier: MIT */
/*
 * shell.c - quoting values for the shell commands the gate suggests.
 */
#include "gate/compat.h"
#include "gate/shell.h"

#include <ctype.h>
#include <string.h>

void gate_shell_quote_buf(struct gate_buf *out, const char *s)
{
    gate_buf_addc(out, '\'');
    for (; s && *s; s++) {
        if (*s == '\'')
            gate_buf_adds(out, "'\\''");
        else
            gate_buf_addc(out, *s);
    }
    gate_buf_addc(out, '\'');
}

const char *gate_shell_quote(struct gate_arena *a, const char *s)
{
    struct gate_buf b = {0};
    const char *r;

    gate_shell_quote_buf(&b, s);
    r = gate_arena_strdup(a, gate_buf_str(&b));
    gate_buf_release(&b);
    return r;
}

void gate_shell_word_buf(struct gate_buf *out, const char *s)
{
    bool plain = s && *s;

    for (const char *p = s; plain && *p; p++)
        plain = isalnum((unsigned char)*p) || strchr("@%+=:,./_-", *p);
    if (plain)
        gate_buf_adds(out, s);
    else
        gate_shell_quote_buf(out, s);
}
