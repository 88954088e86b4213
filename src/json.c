/* SPDX-License-Identifier: MIT */
/*
 * json.c - jansson wrapper.
 */
#include "gate/compat.h"
#include "gate/json.h"
#include "gate/utf8.h"
#include "gate/buf.h"
#include "gate/xalloc.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#define J(v)  ((json_t *)(v))
#define CJ(v) ((const json_t *)(v))

static struct gate_json *wrap(json_t *j)
{
    if (!j)
        GATE_BUG("out of memory in jansson");
    return (struct gate_json *)j;
}

struct gate_json *gate_json_object(void)
{
    return wrap(json_object());
}

struct gate_json *gate_json_array(void)
{
    return wrap(json_array());
}

static json_t *utf8_string(const char *s)
{
    json_t *j = json_string(s);
    struct gate_buf b = {0};

    if (j)
        return j;
    gate_utf8_repair(&b, s, strlen(s));
    j = json_string(gate_buf_str(&b));
    gate_buf_release(&b);
    return j;
}

struct gate_json *gate_json_string(const char *s)
{
    if (!s)
        return wrap(json_null());
    return wrap(utf8_string(s));
}

struct gate_json *gate_json_int(long long v)
{
    return wrap(json_integer((json_int_t)v));
}

struct gate_json *gate_json_real(double v)
{
    return wrap(json_real(v));
}

struct gate_json *gate_json_bool(bool v)
{
    return wrap(json_boolean(v));
}

struct gate_json *gate_json_null(void)
{
    return wrap(json_null());
}

void gate_json_set(struct gate_json *obj, const char *key, struct gate_json *val)
{
    if (json_object_set_new(J(obj), key, J(val)))
        GATE_BUG("json_object_set_new failed");
}

void gate_json_set_str(struct gate_json *obj, const char *key, const char *s)
{
    gate_json_set(obj, key, gate_json_string(s));
}

void gate_json_set_int(struct gate_json *obj, const char *key, long long v)
{
    gate_json_set(obj, key, gate_json_int(v));
}

void gate_json_set_bool(struct gate_json *obj, const char *key, bool v)
{
    gate_json_set(obj, key, gate_json_bool(v));
}

void gate_json_append(struct gate_json *arr, struct gate_json *val)
{
    if (json_array_append_new(J(arr), J(val)))
        GATE_BUG("json_array_append_new failed");
}

char *gate_json_dump(const struct gate_json *v)
{
    char *s = json_dumps(CJ(v), JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
    char *out;

    if (!s)
        GATE_BUG("json_dumps failed");
    out = gate_xasprintf("%s\n", s);
    free(s);
    return out;
}

char *gate_json_dump_compact(const struct gate_json *v)
{
    char *s = json_dumps(CJ(v), JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
    char *out;

    if (!s)
        GATE_BUG("json_dumps failed");
    out = gate_xstrdup(s);
    free(s);
    return out;
}

void gate_json_free(struct gate_json *v)
{
    if (v)
        json_decref(J(v));
}

enum gate_code gate_json_parse(const char *text, size_t len, const char *what,
                               struct gate_json **out, struct gate_err *err)
{
    json_error_t e;
    json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &e);

    *out = NULL;
    if (!j)
        return gate_fail(err, GATE_E_IO, "%s:%d:%d: invalid JSON: %s", what, e.line, e.column,
                         e.text);
    *out = (struct gate_json *)j;
    return GATE_OK;
}

const struct gate_json *gate_json_get(const struct gate_json *obj, const char *key)
{
    if (!obj || !json_is_object(CJ(obj)))
        return NULL;
    return (const struct gate_json *)json_object_get(CJ(obj), key);
}

const char *gate_json_get_str(const struct gate_json *obj, const char *key)
{
    return gate_json_str_value(gate_json_get(obj, key));
}

bool gate_json_is_string(const struct gate_json *v)
{
    return v && json_is_string(CJ(v));
}

bool gate_json_is_object(const struct gate_json *v)
{
    return v && json_is_object(CJ(v));
}

bool gate_json_is_array(const struct gate_json *v)
{
    return v && json_is_array(CJ(v));
}

const char *gate_json_str_value(const struct gate_json *v)
{
    if (!v || !json_is_string(CJ(v)))
        return NULL;
    return json_string_value(CJ(v));
}

size_t gate_json_array_size(const struct gate_json *v)
{
    if (!v || !json_is_array(CJ(v)))
        return 0;
    return json_array_size(CJ(v));
}

const struct gate_json *gate_json_array_at(const struct gate_json *v, size_t i)
{
    if (!v || !json_is_array(CJ(v)))
        return NULL;
    return (const struct gate_json *)json_array_get(CJ(v), i);
}

bool gate_json_is_null(const struct gate_json *v)
{
    return v && json_is_null(CJ(v));
}

bool gate_json_is_bool(const struct gate_json *v)
{
    return v && json_is_boolean(CJ(v));
}

bool gate_json_bool_value(const struct gate_json *v)
{
    return v && json_is_true(CJ(v));
}

bool gate_json_is_number(const struct gate_json *v)
{
    return v && json_is_number(CJ(v));
}

bool gate_json_is_integer(const struct gate_json *v)
{
    return v && json_is_integer(CJ(v));
}

long long gate_json_int_value(const struct gate_json *v)
{
    if (!v || !json_is_integer(CJ(v)))
        return 0;
    return (long long)json_integer_value(CJ(v));
}

double gate_json_number_value(const struct gate_json *v)
{
    if (!v || !json_is_number(CJ(v)))
        return 0;
    return json_number_value(CJ(v));
}

const struct gate_json *gate_json_path(const struct gate_json *root, const char *path)
{
    const json_t *cur = CJ(root);
    const char *p = path;

    if (!cur || !path || !*path)
        return NULL;
    while (cur) {
        size_t n = strcspn(p, ".");
        char key[256];

        if (n >= sizeof(key))
            return NULL;
        memcpy(key, p, n);
        key[n] = '\0';
        if (json_is_object(cur)) {
            cur = json_object_get(cur, key);
        } else if (json_is_array(cur) && n && strspn(key, "0123456789") == n && n < 10) {
            cur = json_array_get(cur, strtoul(key, NULL, 10));
        } else {
            return NULL;
        }
        if (!p[n])
            break;
        p += n + 1;
    }
    return (const struct gate_json *)cur;
}

/* ---- streaming writer ---------------------------------------------------- */

static void newline_indent(struct gate_buf *out, int depth)
{
    static const char blanks[] =
        "\n                                                                ";
    size_t n = 1 + 2 * (size_t)depth;

    if (n <= sizeof(blanks) - 1) {
        gate_buf_add(out, blanks, n);
        return;
    }
    gate_buf_addc(out, '\n');
    for (int i = 0; i < depth; i++)
        gate_buf_add(out, "  ", 2);
}

/* Separator and indentation before a value (or before a key in an object). */
static void before_value(struct gate_jsonw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth > 0) {
        if (!w->empty[w->depth])
            gate_buf_addc(w->out, ',');
        w->empty[w->depth] = false;
        newline_indent(w->out, w->depth);
    }
}

static void open_container(struct gate_jsonw *w, char open)
{
    before_value(w);
    gate_buf_addc(w->out, open);
    if (w->depth + 1 >= (int)GATE_ARRAY_SIZE(w->empty))
        GATE_BUG("JSON nesting too deep");
    w->depth++;
    w->empty[w->depth] = true;
    w->closer[w->depth] = open == '{' ? '}' : ']';
}

void gate_jsonw_object(struct gate_jsonw *w)
{
    open_container(w, '{');
}

void gate_jsonw_array(struct gate_jsonw *w)
{
    open_container(w, '[');
}

void gate_jsonw_end(struct gate_jsonw *w)
{
    char close = w->closer[w->depth];

    if (w->depth <= 0)
        GATE_BUG("gate_jsonw_end without an open container");
    if (!w->empty[w->depth])
        newline_indent(w->out, w->depth - 1);
    gate_buf_addc(w->out, close);
    w->depth--;
    if (!w->depth)
        gate_buf_addc(w->out, '\n');
}

void gate_jsonw_key(struct gate_jsonw *w, const char *key)
{
    before_value(w);
    gate_buf_addc(w->out, '"');
    gate_buf_adds(w->out, key);
    gate_buf_add(w->out, "\": ", 3);
    w->after_key = true;
}

/*
 * Append s as a JSON string literal: the escapes jansson writes (\" \\ \b
 * \f \n \r \t, \u00XX for other control characters), UTF-8 kept as is,
 * every invalid byte replaced by U+FFFD, and "##[" written "##\u005B" (a
 * CI log runs "##[name]" anywhere in a line as a GitHub workflow command;
 * the JSON value is the same). Runs of plain bytes are copied in
 * one go: reports are mostly such runs.
 */
static void put_string(struct gate_buf *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *run = p;

    gate_buf_addc(out, '"');
    for (;;) {
        unsigned char ch = *p;
        const char *esc;
        size_t len;

        if (ch >= 0x20 && ch != '"' && ch != '\\' && ch < 0x80 &&
            !(ch == '[' && p - (const unsigned char *)s >= 2 && p[-1] == '#' && p[-2] == '#')) {
            p++;
            continue;
        }
        if (ch == '\0')
            break;
        if (ch >= 0x80) {
            if (gate_utf8_decode(p, SIZE_MAX, &len) >= 0) {
                p += len;
                continue;
            }
            gate_buf_add(out, run, (size_t)(p - run));
            gate_buf_add(out, "\xEF\xBF\xBD", 3);
            run = ++p;
            continue;
        }
        gate_buf_add(out, run, (size_t)(p - run));
        switch (ch) {
        case '"':
            esc = "\\\"";
            break;
        case '\\':
            esc = "\\\\";
            break;
        case '\b':
            esc = "\\b";
            break;
        case '\f':
            esc = "\\f";
            break;
        case '\n':
            esc = "\\n";
            break;
        case '\r':
            esc = "\\r";
            break;
        case '\t':
            esc = "\\t";
            break;
        case '[':
            esc = "\\u005B"; /* after "##": the older form of a GitHub workflow command */
            break;
        default:
            esc = NULL;
            break;
        }
        if (esc)
            gate_buf_adds(out, esc);
        else
            gate_buf_printf(out, "\\u%04X", ch);
        run = ++p;
    }
    gate_buf_add(out, run, (size_t)(p - run));
    gate_buf_addc(out, '"');
}

void gate_jsonw_str(struct gate_jsonw *w, const char *s)
{
    if (!s) {
        gate_jsonw_null(w);
        return;
    }
    before_value(w);
    put_string(w->out, s);
}

void gate_jsonw_int(struct gate_jsonw *w, long long v)
{
    before_value(w);
    gate_buf_printf(w->out, "%lld", v);
}

void gate_jsonw_bool(struct gate_jsonw *w, bool v)
{
    before_value(w);
    gate_buf_adds(w->out, v ? "true" : "false");
}

void gate_jsonw_null(struct gate_jsonw *w)
{
    before_value(w);
    gate_buf_add(w->out, "null", 4);
}
