/* SPDX-License-Identifier: MIT */
/*
 * ghsafe.h - the one sanitiser for text the gate writes to a log: every
 * stderr line (msg.c), the text report's values (gate_text_safe) and a
 * child program's output (proc.c). A CI runner reads that log for
 * commands: GitHub Actions runs a line as a workflow command when it
 * starts with "::" after leading white space (::error, ::add-mask::,
 * ::stop-commands::) and when it holds "##[name]" anywhere (the older
 * form), and it ends a line at LF, CR and CRLF. What comes out of here:
 *
 * - is valid UTF-8 (an invalid byte becomes U+FFFD);
 * - holds no control character but TAB, and LF when GATE_SAFE_LINES
 *   keeps lines (CR and CRLF become LF then); without it LF and CR are
 *   written as the two characters "\n" and "\r" (or as a space, with
 *   GATE_SAFE_SPACES), so a value never starts a line. Other controls (C0, DEL, C1, U+2028, U+2029)
 * become U+FFFD, or are removed with GATE_SAFE_STRIP, which also removes whole escape sequences
 * (ESC [ ... final, ESC ] ... BEL or ESC \, ESC + one character) and, with GATE_SAFE_SGR, keeps
 * only colour sequences (ESC [ digits and ';' m);
 * - never has a line whose first non-blank characters are "::" (a
 *   backslash goes before them: "\::error") nor "##[" anywhere ("##\[");
 *   in XML (GATE_SAFE_XML) "&#58;:" and "##&#91;", the same text to a
 *   parser.
 *
 * Only the gate's own workflow commands (its annotations, masks and
 * stop-commands fences) bypass it, through gate_msg_raw.
 */
#ifndef GATE_GHSAFE_H
#define GATE_GHSAFE_H

#include "gate/compat.h"
#include "gate/buf.h"

enum {
    GATE_SAFE_LINES = 1 << 0,  /* keep line breaks (LF; CR and CRLF become LF) */
    GATE_SAFE_STRIP = 1 << 1,  /* remove controls and escape sequences (else: U+FFFD) */
    GATE_SAFE_SGR = 1 << 2,    /* with STRIP: keep colour sequences (a terminal) */
    GATE_SAFE_SPACES = 1 << 3, /* without LINES: LF, CR and TAB become a space, not "\n" */
    GATE_SAFE_XML = 1 << 4,    /* serialised XML: defuse with character references (&#58; &#91;) */
};

/* Streaming state: text may arrive in pieces split anywhere. Zero it, set flags. */
struct gate_safe {
    unsigned flags;
    unsigned char carry[4]; /* an incomplete UTF-8 sequence */
    size_t ncarry;
    int esc;               /* where in an escape sequence (STRIP) */
    unsigned char seq[32]; /* the CSI sequence so far (SGR) */
    size_t nseq;
    bool mid;   /* not at the start of a line: something but blanks written */
    bool colon; /* a ':' first on its line, held back */
    bool cr;    /* the last character was CR (LINES: CRLF is one break) */
    int hashes; /* how many '#' were just written (0-2) */
    bool eol;   /* the last character written is LF, or none was */
};

void gate_safe_init(struct gate_safe *st, unsigned flags);
/* Append the cleaned form of data[0..len) to out. */
void gate_safe_feed(struct gate_safe *st, const char *data, size_t len, struct gate_buf *out);
/* Flush what is held back (an incomplete sequence is dropped or U+FFFD). */
void gate_safe_end(struct gate_safe *st, struct gate_buf *out);
/* The whole of s[0..len) at once. */
void gate_safe_text(struct gate_buf *out, const char *s, size_t len, unsigned flags);

/*
 * Code point cp is white space as the runner's TrimStart sees it (.NET
 * Char.IsWhiteSpace; the printable ones): what may come before "::" on a
 * line that is a workflow command. For code that splits sanitised text
 * into lines (wrap.h), so that it never makes one.
 */
bool gate_safe_blank(long cp);

#endif
