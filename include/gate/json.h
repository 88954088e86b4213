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

#endif
