/* SPDX-License-Identifier: MIT */
/*
 * yaml.h - a YAML document read into a small tree of nodes with their
 * positions (1-based line:column), for strict validators such as the
 * policy's. The only module that includes libyaml (src/policy/yaml.c).
 *
 * The tree is built from libyaml's events, not its document loader: an
 * alias is an error the moment it is seen (no expansion, ever), a tag
 * other than !!str is an error, and the tree is capped in depth and node
 * count. Duplicate keys are left to the validator, which sees every key
 * node in order.
 *
 * Diagnostics collect in the document, the first per line:column, at most
 * GATE_YAML_MAX_DIAGS of them; each carries the offending source line,
 * never one that may hold a secret (URL passwords are masked, a line
 * naming a password or token is not shown).
 *
 *   struct gate_yaml_doc doc;
 *   gate_yaml_init(&doc, "prisma-gate.yml", "the policy", text, len);
 *   root = gate_yaml_read(&doc);      - NULL: empty, or doc.fatal
 *   ... walk root, gate_yaml_error(&doc, line, col, "...") ...
 *   for (d = doc.diags; d; d = d->next) copy d->line, d->message ...
 *   gate_yaml_release(&doc);           - frees the tree and the diagnostics
 */
#ifndef GATE_YAML_H
#define GATE_YAML_H

#include "gate/compat.h"
#include "gate/arena.h"
#include "gate/src.h"

#include <stdarg.h>

/* Diagnostics kept per document; more set too_many. */
#define GATE_YAML_MAX_DIAGS 20

enum gate_yaml_kind {
    GATE_YAML_SCALAR = 0,
    GATE_YAML_MAP,
    GATE_YAML_SEQ,
};

struct gate_yaml_node {
    enum gate_yaml_kind kind;
    int line, col;    /* 1-based */
    const char *text; /* scalar (NUL-terminated; len excludes it) */
    size_t len;
    bool quoted;                  /* quoted or block scalar: never null, never a number */
    struct gate_yaml_node *first; /* children: a map alternates key, value */
    struct gate_yaml_node *last;
    struct gate_yaml_node *next;
    size_t n; /* children */
};

/* One diagnostic; line 0 for one about the whole file. */
struct gate_yaml_diag {
    int line, column;
    const char *message;
    const char *source; /* the line, secrets masked; NULL when not shown */
    struct gate_yaml_diag *next;
};

struct gate_yaml_doc {
    struct gate_arena scratch; /* the tree, the diagnostics, messages */
    const char *name;          /* the file, for callers' messages */
    const char *what;          /* "the policy": the subject of the reader's own messages */
    const char *text;          /* borrowed: must outlive the document */
    size_t len;
    struct gate_src src;
    struct gate_yaml_diag *diags, *diags_last; /* in the order they were found */
    size_t ndiags;
    bool too_many; /* more than GATE_YAML_MAX_DIAGS were reported */
    bool fatal;    /* the reader stopped: the tree is incomplete */
    size_t nnodes;
};

/* Set up doc over text[0..len) (borrowed). Release with gate_yaml_release. */
void gate_yaml_init(struct gate_yaml_doc *doc, const char *name, const char *what, const char *text,
                    size_t len);
void gate_yaml_release(struct gate_yaml_doc *doc);

/*
 * Read the one document of the stream into a tree in doc's scratch arena.
 * Returns the root, or NULL for an empty document or when reading failed
 * (doc->fatal, with the reason among the diagnostics: libyaml's error in
 * words a new user can act on, an alias, a second document, a cap).
 */
struct gate_yaml_node *gate_yaml_read(struct gate_yaml_doc *doc);

/* Record a diagnostic at line:col (line 0: the whole file); the first at a place wins. */
GATE_PRINTF(4, 5)
void gate_yaml_error(struct gate_yaml_doc *doc, int line, int col, const char *fmt, ...);
GATE_PRINTF(4, 0)
void gate_yaml_verror(struct gate_yaml_doc *doc, int line, int col, const char *fmt, va_list ap);

/* The text of 1-based line in doc's scratch arena, or NULL (too long, or may hold a secret). */
const char *gate_yaml_source_line(struct gate_yaml_doc *doc, int line);

/* Is v absent, or a plain null (empty, ~, null, Null, NULL)? */
bool gate_yaml_is_null(const struct gate_yaml_node *v);

/* What the user wrote, for messages: "a mapping (key: value lines)", "a list", "'text'". */
const char *gate_yaml_what(struct gate_yaml_doc *doc, const struct gate_yaml_node *v);

#endif
