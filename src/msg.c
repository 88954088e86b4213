/* SPDX-License-Identifier: MIT */
/*
 * msg.c - every diagnostic the tool prints goes through here, to stderr,
 * cleaned by the one sanitiser (ghsafe.h): a message is one line, the
 * values it quotes (paths, migration names, database values, error
 * texts) cannot start another one or a workflow command. A child's
 * output (gate_msg_stream_*) is cleaned line by line and, under GitHub
 * Actions, fenced off: ::stop-commands::TOKEN ... ::TOKEN::. Progress
 * (progress.c) draws here too: a terminal's status line, which any other
 * write clears first, and GitHub's ::group:: / ::endgroup:: lines.
 */
#include "gate/compat.h"
#include "gate/msg.h"
#include "gate/buf.h"
#include "gate/ghsafe.h"
#include "gate/report_out.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static enum gate_msg_level msg_level = GATE_MSG_NORMAL;
static bool status_shown;  /* a status line is on the terminal (gate_msg_status) */
static bool at_bol = true; /* the last byte written to stderr ends a line */

void gate_msg_set_level(enum gate_msg_level level)
{
    msg_level = level;
}

enum gate_msg_level gate_msg_level(void)
{
    return msg_level;
}

/* Every write: a status line is erased first, so text never lands behind it. */
static void write_err(const char *data, size_t len)
{
    if (status_shown) {
        (void)fwrite("\r\033[K", 1, 4, stderr);
        status_shown = false;
    }
    if (len) {
        (void)fwrite(data, 1, len, stderr);
        at_bol = data[len - 1] == '\n';
    }
    (void)fflush(stderr);
}

static void put(const struct gate_buf *b)
{
    write_err(b->data, b->len);
}

GATE_PRINTF(2, 0)
static void vmsg(const char *prefix, const char *fmt, va_list ap)
{
    struct gate_buf b = {0};
    char small[1024];
    char *text = small;
    va_list aq;
    int n;
    size_t len;

    va_copy(aq, ap);
    n = vsnprintf(small, sizeof(small), fmt, aq);
    va_end(aq);
    if (n < 0)
        n = 0;
    if ((size_t)n >= sizeof(small)) {
        text = malloc((size_t)n + 1);
        if (!text) {
            text = small;
            n = (int)sizeof(small) - 1;
        } else {
            (void)vsnprintf(text, (size_t)n + 1, fmt, ap);
        }
    }
    len = (size_t)n;
    while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
        len--; /* a trailing line break (libpq's messages end in one) */
    gate_buf_adds(&b, "prisma-gate: ");
    if (prefix)
        gate_buf_adds(&b, prefix);
    gate_safe_text(&b, text, len, 0);
    gate_buf_addc(&b, '\n');
    put(&b);
    gate_buf_release(&b);
    if (text != small)
        free(text);
}

void gate_errorf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vmsg("error: ", fmt, ap);
    va_end(ap);
}

void gate_warnf(const char *fmt, ...)
{
    va_list ap;

    if (msg_level < GATE_MSG_NORMAL)
        return;
    va_start(ap, fmt);
    vmsg("warning: ", fmt, ap);
    va_end(ap);
}

void gate_notef(const char *fmt, ...)
{
    va_list ap;

    if (msg_level < GATE_MSG_NORMAL)
        return;
    va_start(ap, fmt);
    vmsg(NULL, fmt, ap);
    va_end(ap);
}

void gate_verbosef(const char *fmt, ...)
{
    va_list ap;

    if (msg_level < GATE_MSG_VERBOSE)
        return;
    va_start(ap, fmt);
    vmsg(NULL, fmt, ap);
    va_end(ap);
}

void gate_msg_raw(const char *data, size_t len)
{
    write_err(data, len);
}

void gate_msg_text(const char *data, size_t len)
{
    struct gate_buf b = {0};

    gate_safe_text(&b, data, len, GATE_SAFE_LINES);
    put(&b);
    gate_buf_release(&b);
}

/* ---- a child's output ------------------------------------------------------ */

static bool github_actions(void)
{
    const char *gh = getenv("GITHUB_ACTIONS");

    return gh && !strcmp(gh, "true");
}

void gate_msg_stream_begin(struct gate_msg_stream *s)
{
    unsigned flags = GATE_SAFE_LINES | GATE_SAFE_STRIP;

    memset(s, 0, sizeof(*s));
    s->off = msg_level == GATE_MSG_QUIET;
    if (s->off)
        return;
    s->fenced = github_actions();
    if (!s->fenced && isatty(STDERR_FILENO) == 1)
        flags |= GATE_SAFE_SGR; /* its colours, on a terminal only */
    gate_safe_init(&s->safe, flags);
    if (s->fenced) {
        struct gate_buf b = {0};

        gate_github_token(s->token, sizeof(s->token));
        gate_buf_printf(&b, "::stop-commands::%s\n", s->token);
        put(&b);
        gate_buf_release(&b);
    }
}

void gate_msg_stream_write(struct gate_msg_stream *s, const char *data, size_t len)
{
    struct gate_buf b = {0};

    if (s->off)
        return;
    gate_safe_feed(&s->safe, data, len, &b);
    put(&b);
    gate_buf_release(&b);
}

void gate_msg_stream_end(struct gate_msg_stream *s)
{
    struct gate_buf b = {0};

    if (s->off)
        return;
    gate_safe_end(&s->safe, &b);
    if (!s->safe.eol)
        gate_buf_addc(&b, '\n'); /* the fence's end starts a line */
    if (s->fenced)
        gate_buf_printf(&b, "::%s::\n", s->token);
    put(&b);
    gate_buf_release(&b);
}

/* ---- progress ---------------------------------------------------------------- */

static size_t term_width(void)
{
    struct winsize ws;

    if (!ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) && ws.ws_col >= 20)
        return ws.ws_col;
    return 80;
}

void gate_msg_status(const char *text)
{
    struct gate_buf b = {0};
    size_t width = term_width() - 1, cols = 0, i;

    if (!at_bol)
        return; /* a child's line is not finished: the next update draws */
    gate_buf_adds(&b, "\r");
    gate_safe_text(&b, text, strlen(text), GATE_SAFE_SPACES);
    /* one terminal line: cut at the width (a wrapped line cannot be redrawn) */
    for (i = 1; i < b.len; i++) {
        if (((unsigned char)b.data[i] & 0xC0) != 0x80 && cols++ == width)
            break;
    }
    b.len = i;
    gate_buf_adds(&b, "\033[K");
    (void)fwrite(b.data, 1, b.len, stderr);
    (void)fflush(stderr);
    status_shown = true;
    gate_buf_release(&b);
}

void gate_msg_status_clear(void)
{
    write_err(NULL, 0);
}

void gate_msg_group(const char *title)
{
    struct gate_buf b = {0};

    gate_buf_adds(&b, "::group::");
    gate_safe_text(&b, title, strlen(title), GATE_SAFE_SPACES);
    gate_buf_addc(&b, '\n');
    put(&b);
    gate_buf_release(&b);
}

void gate_msg_group_end(void)
{
    static const char end[] = "::endgroup::\n";

    write_err(end, sizeof(end) - 1);
}
