/* SPDX-License-Identifier: MIT */
/*
 * ghsafe.c - the one sanitiser for text bound for a log (ghsafe.h).
 */
#include "gate/compat.h"
#include "gate/ghsafe.h"
#include "gate/utf8.h"

#include <string.h>

#define REPLACEMENT "\xEF\xBF\xBD"

enum { ESC_NONE, ESC_START, ESC_CSI, ESC_STR, ESC_STR_ESC, ESC_NF };

void gate_safe_init(struct gate_safe *st, unsigned flags)
{
    memset(st, 0, sizeof(*st));
    st->flags = flags;
    st->eol = true;
}

bool gate_safe_blank(long cp)
{
    return cp == ' ' || cp == '\t' || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

static void put(struct gate_safe *st, struct gate_buf *out, const char *s, size_t n)
{
    gate_buf_add(out, s, n);
    st->eol = false;
}

static void put_cp(struct gate_safe *st, struct gate_buf *out, long cp)
{
    char b[4];
    size_t n;

    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (char)(0xF0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    put(st, out, b, n);
}

/* The ':' held back at the start of a line, as it is when no second ':' follows. */
static void release_colon(struct gate_safe *st, struct gate_buf *out)
{
    if (!st->colon)
        return;
    st->colon = false;
    put(st, out, ":", 1);
    st->mid = true;
}

/* A printable character (or TAB, or U+FFFD). */
static void emit(struct gate_safe *st, struct gate_buf *out, long cp)
{
    if (st->colon) {
        st->colon = false;
        if (cp == ':') {
            /* "::" first on a line: a workflow command */
            if (st->flags & GATE_SAFE_XML)
                put(st, out, "&#58;:", 6);
            else
                put(st, out, "\\::", 3);
            st->mid = true;
            st->hashes = 0;
            return;
        }
        put(st, out, ":", 1);
        st->mid = true;
    }
    if (!st->mid) {
        if (gate_safe_blank(cp)) {
            put_cp(st, out, cp);
            return;
        }
        if (cp == ':') {
            st->colon = true;
            return;
        }
        st->mid = true;
    }
    if (cp == '[' && st->hashes >= 2) {
        /* "##[": the older form of a workflow command */
        if (st->flags & GATE_SAFE_XML)
            put(st, out, "&#91;", 5);
        else
            put(st, out, "\\[", 2);
        st->hashes = 0;
        return;
    }
    put_cp(st, out, cp);
    st->hashes = cp == '#' ? (st->hashes < 2 ? st->hashes + 1 : 2) : 0;
}

static void newline(struct gate_safe *st, struct gate_buf *out)
{
    release_colon(st, out);
    gate_buf_addc(out, '\n');
    st->eol = true;
    st->mid = false;
    st->hashes = 0;
}

static void control(struct gate_safe *st, struct gate_buf *out)
{
    if (!(st->flags & GATE_SAFE_STRIP))
        emit(st, out, 0xFFFD);
}

static void handle(struct gate_safe *st, struct gate_buf *out, long cp);

/* One character inside an escape sequence (STRIP); false: the sequence was broken off here. */
static bool escape_step(struct gate_safe *st, struct gate_buf *out, long cp)
{
    switch (st->esc) {
    case ESC_START:
        if (cp == '[') {
            st->esc = ESC_CSI;
            st->nseq = 2;
            return true;
        }
        if (cp == ']' || cp == 'P' || cp == 'X' || cp == '^' || cp == '_') {
            st->esc = ESC_STR;
            return true;
        }
        if (cp >= 0x20 && cp <= 0x2F) {
            st->esc = ESC_NF;
            return true;
        }
        if (cp >= 0x30 && cp <= 0x7E) {
            st->esc = ESC_NONE;
            return true;
        }
        break;
    case ESC_CSI:
        if (cp >= 0x20 && cp <= 0x3F) {
            if (st->nseq < sizeof(st->seq))
                st->seq[st->nseq] = (unsigned char)cp;
            st->nseq++;
            return true;
        }
        if (cp >= 0x40 && cp <= 0x7E) {
            bool sgr = cp == 'm' && (st->flags & GATE_SAFE_SGR) && st->nseq < sizeof(st->seq);

            for (size_t i = 2; sgr && i < st->nseq; i++)
                sgr = (st->seq[i] >= '0' && st->seq[i] <= '9') || st->seq[i] == ';';
            if (sgr) {
                st->seq[0] = 0x1B;
                st->seq[1] = '[';
                release_colon(st, out);
                put(st, out, (const char *)st->seq, st->nseq);
                put(st, out, "m", 1);
            }
            st->esc = ESC_NONE;
            return true;
        }
        break;
    case ESC_STR:
        if (cp == 0x07) {
            st->esc = ESC_NONE;
            return true;
        }
        if (cp == 0x1B) {
            st->esc = ESC_STR_ESC;
            return true;
        }
        if (cp != '\n' && cp != '\r')
            return true; /* the string's text: not shown */
        break;
    case ESC_STR_ESC:
        if (cp == '\\') {
            st->esc = ESC_NONE;
            return true;
        }
        st->esc = ESC_START; /* another sequence starts */
        return escape_step(st, out, cp);
    case ESC_NF:
        if (cp >= 0x20 && cp <= 0x2F)
            return true;
        if (cp >= 0x30 && cp <= 0x7E) {
            st->esc = ESC_NONE;
            return true;
        }
        break;
    default:
        break;
    }
    st->esc = ESC_NONE;
    return false;
}

/* One decoded character; cp < 0: an invalid byte. */
static void handle(struct gate_safe *st, struct gate_buf *out, long cp)
{
    bool after_cr = st->cr;

    if (st->esc != ESC_NONE && escape_step(st, out, cp))
        return;
    st->cr = false;
    if (cp == 0x1B && (st->flags & GATE_SAFE_STRIP)) {
        st->esc = ESC_START;
        return;
    }
    if (cp == '\n' || cp == '\r') {
        if (st->flags & GATE_SAFE_LINES) {
            st->cr = cp == '\r';
            if (!(cp == '\n' && after_cr))
                newline(st, out);
            return;
        }
        if (st->flags & GATE_SAFE_SPACES) {
            emit(st, out, ' '); /* a blank: "\n::x" is still "::" first on its line */
            return;
        }
        release_colon(st, out);
        put(st, out, cp == '\n' ? "\\n" : "\\r", 2);
        st->mid = true;
        st->hashes = 0;
        return;
    }
    if (cp == '\t' && (st->flags & GATE_SAFE_SPACES) && !(st->flags & GATE_SAFE_LINES))
        cp = ' ';
    if (cp < 0)
        emit(st, out, 0xFFFD);
    else if ((cp < 0x20 && cp != '\t') || (cp >= 0x7F && cp < 0xA0) || cp == 0x2028 || cp == 0x2029)
        control(st, out);
    else
        emit(st, out, cp);
}

static size_t utf8_need(unsigned char c)
{
    if (c >= 0xC2 && c <= 0xDF)
        return 2;
    if (c >= 0xE0 && c <= 0xEF)
        return 3;
    if (c >= 0xF0 && c <= 0xF4)
        return 4;
    return 1;
}

/* Decode and handle p[0..n) completely (no carry). */
static void decode_all(struct gate_safe *st, struct gate_buf *out, const unsigned char *p, size_t n)
{
    size_t i = 0;

    while (i < n) {
        size_t len;
        long cp = gate_utf8_decode(p + i, n - i, &len);

        handle(st, out, cp);
        i += len;
    }
}

void gate_safe_feed(struct gate_safe *st, const char *data, size_t len, struct gate_buf *out)
{
    const unsigned char *p = (const unsigned char *)data;
    size_t i = 0;

    while (st->ncarry && i < len) {
        if ((p[i] & 0xC0) != 0x80) {
            /* the sequence broke off: its bytes are invalid */
            size_t n = st->ncarry;

            st->ncarry = 0;
            decode_all(st, out, st->carry, n);
            break;
        }
        st->carry[st->ncarry++] = p[i++];
        if (st->ncarry == utf8_need(st->carry[0])) {
            size_t n = st->ncarry;

            st->ncarry = 0;
            decode_all(st, out, st->carry, n);
        }
    }
    while (i < len) {
        size_t need = utf8_need(p[i]), len1;
        long cp;

        if (need > len - i) {
            bool cont = true;

            for (size_t k = i + 1; k < len; k++)
                cont = cont && (p[k] & 0xC0) == 0x80;
            if (cont) {
                memcpy(st->carry, p + i, len - i);
                st->ncarry = len - i;
                return;
            }
        }
        cp = gate_utf8_decode(p + i, len - i, &len1);
        handle(st, out, cp);
        i += len1;
    }
}

void gate_safe_end(struct gate_safe *st, struct gate_buf *out)
{
    if (st->ncarry) {
        size_t n = st->ncarry;

        st->ncarry = 0;
        decode_all(st, out, st->carry, n);
    }
    st->esc = ESC_NONE; /* an unfinished sequence: dropped */
    if (st->colon) {
        /* a lone ':' first on its line: what follows might add the second */
        st->colon = false;
        if (st->flags & GATE_SAFE_XML)
            put(st, out, "&#58;", 5);
        else
            put(st, out, "\\:", 2);
        st->mid = true;
    }
}

void gate_safe_text(struct gate_buf *out, const char *s, size_t len, unsigned flags)
{
    struct gate_safe st;

    gate_safe_init(&st, flags);
    gate_safe_feed(&st, s, len, out);
    gate_safe_end(&st, out);
}
