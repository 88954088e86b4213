/* SPDX-License-Identifier: MIT */
/*
 * json.h - JSON values for reports and for reading JSON input; the only
 * module that includes jansson. Objects keep insertion order, so output
 * is deterministic. Strings that are not valid UTF-8 are repaired
 * (invalid bytes become U+FFFD), so output is always valid JSON.
 */
#ifndef GATE_JSON_H
#define GATE_JSON_H

#include "gate/compat.h"
#include "gate/err.h"
#include "gate/buf.h"

struct gate_json;

struct gate_json *gate_json_object(void);
struct gate_json *gate_json_array(void);
struct gate_json *gate_json_string(const char *s); /* NULL -> null */
struct gate_json *gate_json_int(long long v);
struct gate_json *gate_json_real(double v);
struct gate_json *gate_json_bool(bool v);
struct gate_json *gate_json_null(void);

/* Set obj[key] = val; takes ownership of val. */
void gate_json_set(struct gate_json *obj, const char *key, struct gate_json *val);
void gate_json_set_str(struct gate_json *obj, const char *key, const char *s);
void gate_json_set_int(struct gate_json *obj, const char *key, long long v);
void gate_json_set_bool(struct gate_json *obj, const char *key, bool v);
/* Append to an array; takes ownership of val. */
void gate_json_append(struct gate_json *arr, struct gate_json *val);

/* Serialise (2-space indent, trailing newline); the caller frees. */
char *gate_json_dump(const struct gate_json *v);
/* One line, no trailing newline; the caller frees. */
char *gate_json_dump_compact(const struct gate_json *v);
void gate_json_free(struct gate_json *v);

/*
 * A streaming writer for large reports: the same bytes as gate_json_dump()
 * of the equivalent tree (2-space indent, "key": value), without building
 * the tree. Every report's JSON is written with it (report_section.h). Strings are escaped as
 * jansson escapes them. A zeroed struct with out set is ready to use.
 */
struct gate_jsonw {
    struct gate_buf *out;
    int depth;
    bool empty[64];  /* container at depth d has no member yet */
    char closer[64]; /* '}' or ']' for the container at depth d */
    bool after_key;  /* a key was written, its value comes next */
};

void gate_jsonw_object(struct gate_jsonw *w);
void gate_jsonw_array(struct gate_jsonw *w);
void gate_jsonw_end(struct gate_jsonw *w); /* closes the innermost object or array */
void gate_jsonw_key(struct gate_jsonw *w, const char *key); /* key: plain ASCII */
void gate_jsonw_str(struct gate_jsonw *w, const char *s);   /* NULL -> null */
void gate_jsonw_int(struct gate_jsonw *w, long long v);
void gate_jsonw_bool(struct gate_jsonw *w, bool v);
void gate_jsonw_null(struct gate_jsonw *w);

/* Parse text[0..len); *out owned by the caller. Errors carry line:column. */
enum gate_code gate_json_parse(const char *text, size_t len, const char *what,
                               struct gate_json **out, struct gate_err *err);
/* Borrowed lookups; NULL when missing or of another type. */
const struct gate_json *gate_json_get(const struct gate_json *obj, const char *key);
const char *gate_json_get_str(const struct gate_json *obj, const char *key);
bool gate_json_is_string(const struct gate_json *v);
bool gate_json_is_object(const struct gate_json *v);
bool gate_json_is_array(const struct gate_json *v);
const char *gate_json_str_value(const struct gate_json *v);
size_t gate_json_array_size(const struct gate_json *v);
const struct gate_json *gate_json_array_at(const struct gate_json *v, size_t i);
bool gate_json_is_null(const struct gate_json *v);
bool gate_json_is_bool(const struct gate_json *v);
bool gate_json_bool_value(const struct gate_json *v); /* false unless a JSON true */
bool gate_json_is_number(const struct gate_json *v);  /* integer or real */
bool gate_json_is_integer(const struct gate_json *v);
long long gate_json_int_value(const struct gate_json *v); /* 0 unless an integer */
double gate_json_number_value(const struct gate_json *v); /* 0 unless a number */
/*
 * The value at a dotted path: "database.connected" is root.database.connected;
 * a segment of digits indexes an array ("checks.0.ok"). Keys holding a dot
 * cannot be reached. Borrowed; NULL when any step is missing.
 */
const struct gate_json *gate_json_path(const struct gate_json *root, const char *path);

#endif
