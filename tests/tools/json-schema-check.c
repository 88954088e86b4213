/* SPDX-License-Identifier: MIT */
/*
 * json-schema-check.c - a small JSON Schema validator for the tests (no
 * python3 or npm on a CI machine): `json-schema-check SCHEMA FILE...`
 * checks every FILE ("-" is stdin) against SCHEMA. Exit 0 when all are
 * valid, 1 when one is not (errors as FILE: /json/pointer: message),
 * 2 on a usage error, an unreadable file or a schema keyword it does not
 * know - so a schema can never claim more than is checked.
 *
 * A test tool, not part of prisma-gate: it uses jansson directly.
 *
 * Supported (JSON Schema 2020-12 / draft-07 vocabulary): $ref (local
 * "#/..." pointers), $defs/definitions, type, enum, const, properties,
 * required, additionalProperties, patternProperties, propertyNames,
 * minProperties, maxProperties, items (one schema), minItems, maxItems,
 * uniqueItems, minimum, maximum, exclusiveMinimum, exclusiveMaximum,
 * multipleOf (integers), minLength, maxLength (code points), pattern
 * (POSIX ERE: write patterns both dialects read), allOf, anyOf, oneOf,
 * not, if/then/else. Annotations ($schema, $id, $comment, title,
 * description, default, examples, format, deprecated) are ignored.
 * Documents with duplicate keys or invalid UTF-8 are rejected.
 */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ERRORS 20

struct ctx {
    json_t *root;     /* the schema document */
    const char *file; /* instance file, for messages */
    int errors;
    int fatal; /* a schema problem: exit 2 */
};

__attribute__((format(printf, 3, 4))) static void fail(struct ctx *c, const char *ptr,
                                                       const char *fmt, ...)
{
    va_list ap;

    if (c->errors++ >= MAX_ERRORS)
        return;
    printf("%s: %s: ", c->file, *ptr ? ptr : "/");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

static void schema_bug(struct ctx *c, const char *what, const char *detail)
{
    if (!c->fatal)
        fprintf(stderr, "json-schema-check: schema: %s%s\n", what, detail ? detail : "");
    c->fatal = 1;
}

static const char *type_of(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "object";
    case JSON_ARRAY:
        return "array";
    case JSON_STRING:
        return "string";
    case JSON_INTEGER:
        return "integer";
    case JSON_REAL:
        return "number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "boolean";
    default:
        return "null";
    }
}

static int type_is(const json_t *v, const char *t)
{
    if (!strcmp(t, "number"))
        return json_is_number(v);
    if (!strcmp(t, "integer"))
        return json_is_integer(v) ||
               (json_is_real(v) && json_real_value(v) == (double)(long long)json_real_value(v));
    return !strcmp(type_of(v), t);
}

/* Resolve "#/a/b" in the schema document. */
static json_t *resolve(struct ctx *c, const char *ref)
{
    json_t *cur = c->root;
    const char *p;

    if (ref[0] != '#') {
        schema_bug(c, "only local $ref (#/...) is supported: ", ref);
        return NULL;
    }
    p = ref + 1;
    while (*p == '/') {
        char key[256];
        size_t n = 0;

        p++;
        while (*p && *p != '/' && n + 1 < sizeof(key)) {
            if (p[0] == '~' && p[1] == '1') {
                key[n++] = '/';
                p += 2;
            } else if (p[0] == '~' && p[1] == '0') {
                key[n++] = '~';
                p += 2;
            } else {
                key[n++] = *p++;
            }
        }
        key[n] = '\0';
        if (json_is_object(cur))
            cur = json_object_get(cur, key);
        else if (json_is_array(cur))
            cur = json_array_get(cur, (size_t)strtoul(key, NULL, 10));
        else
            cur = NULL;
        if (!cur) {
            schema_bug(c, "unresolvable $ref ", ref);
            return NULL;
        }
    }
    return cur;
}

static size_t utf8_len(const char *s)
{
    size_t n = 0;

    for (; *s; s++) {
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    }
    return n;
}

static int re_match(struct ctx *c, const char *pattern, const char *s)
{
    regex_t re;
    int rc;

    if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB)) {
        schema_bug(c, "pattern POSIX ERE cannot compile: ", pattern);
        return 1;
    }
    rc = regexec(&re, s, 0, NULL, 0);
    regfree(&re);
    return rc == 0;
}

static void child_ptr(char *out, size_t size, const char *ptr, const char *key)
{
    size_t n = (size_t)snprintf(out, size, "%s/", ptr);

    for (; *key && n + 3 < size; key++) {
        if (*key == '/') {
            out[n++] = '~';
            out[n++] = '1';
        } else if (*key == '~') {
            out[n++] = '~';
            out[n++] = '0';
        } else {
            out[n++] = *key;
        }
    }
    out[n < size ? n : size - 1] = '\0';
}

static void validate(struct ctx *c, json_t *schema, json_t *v, const char *ptr);

/* Validate quietly: the number of errors v has against schema. */
static int count_errors(struct ctx *c, json_t *schema, json_t *v, const char *ptr)
{
    struct ctx q = *c;

    q.errors = MAX_ERRORS; /* print nothing */
    validate(&q, schema, v, ptr);
    c->fatal |= q.fatal;
    return q.errors - MAX_ERRORS;
}

static const char *const known[] = {
    "$schema",
    "$id",
    "$comment",
    "title",
    "description",
    "default",
    "examples",
    "format",
    "deprecated",
    "readOnly",
    "$defs",
    "definitions",
    "$ref",
    "type",
    "enum",
    "const",
    "properties",
    "required",
    "additionalProperties",
    "patternProperties",
    "propertyNames",
    "minProperties",
    "maxProperties",
    "items",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "if",
    "then",
    "else",
};

static void validate(struct ctx *c, json_t *schema, json_t *v, const char *ptr)
{
    const char *key;
    json_t *kw, *t;
    char cptr[1024];

    if (c->fatal)
        return;
    if (json_is_true(schema))
        return;
    if (json_is_false(schema)) {
        fail(c, ptr, "no value is allowed here");
        return;
    }
    if (!json_is_object(schema)) {
        schema_bug(c, "a schema must be an object or a boolean at ", ptr);
        return;
    }
    json_object_foreach(schema, key, kw)
    {
        size_t i;

        for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
            if (!strcmp(key, known[i]))
                break;
        }
        if (i == sizeof(known) / sizeof(known[0])) {
            schema_bug(c, "unsupported keyword: ", key);
            return;
        }
    }
    if ((kw = json_object_get(schema, "$ref"))) {
        json_t *target = resolve(c, json_string_value(kw));

        if (target)
            validate(c, target, v, ptr);
    }
    if ((kw = json_object_get(schema, "type"))) {
        int ok = 0;

        if (json_is_string(kw)) {
            ok = type_is(v, json_string_value(kw));
        } else {
            size_t i;

            json_array_foreach(kw, i, t) ok |= type_is(v, json_string_value(t));
        }
        if (!ok) {
            char *want = json_dumps(kw, JSON_COMPACT | JSON_ENCODE_ANY);

            fail(c, ptr, "type %s, expected %s", type_of(v), want);
            free(want);
            return;
        }
    }
    if ((kw = json_object_get(schema, "enum"))) {
        size_t i;
        int ok = 0;

        json_array_foreach(kw, i, t) ok |= json_equal(t, v);
        if (!ok) {
            char *got = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
            char *want = json_dumps(kw, JSON_COMPACT | JSON_ENCODE_ANY);

            fail(c, ptr, "%s is not one of %s", got, want);
            free(got);
            free(want);
        }
    }
    if ((kw = json_object_get(schema, "const")) && !json_equal(kw, v)) {
        char *got = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        char *want = json_dumps(kw, JSON_COMPACT | JSON_ENCODE_ANY);

        fail(c, ptr, "%s is not %s", got, want);
        free(got);
        free(want);
    }
    if (json_is_object(v)) {
        json_t *props = json_object_get(schema, "properties");
        json_t *pats = json_object_get(schema, "patternProperties");
        json_t *addl = json_object_get(schema, "additionalProperties");
        json_t *names = json_object_get(schema, "propertyNames");
        json_t *val;
        size_t i;

        if ((kw = json_object_get(schema, "required"))) {
            json_array_foreach(kw, i, t)
            {
                if (!json_object_get(v, json_string_value(t)))
                    fail(c, ptr, "missing required member \"%s\"", json_string_value(t));
            }
        }
        if ((kw = json_object_get(schema, "minProperties")) &&
            json_object_size(v) < (size_t)json_integer_value(kw))
            fail(c, ptr, "too few members");
        if ((kw = json_object_get(schema, "maxProperties")) &&
            json_object_size(v) > (size_t)json_integer_value(kw))
            fail(c, ptr, "too many members");
        json_object_foreach(v, key, val)
        {
            int matched = 0;
            json_t *ps;

            child_ptr(cptr, sizeof(cptr), ptr, key);
            if (names) {
                json_t *k = json_string(key);

                validate(c, names, k, cptr);
                json_decref(k);
            }
            if (props && (ps = json_object_get(props, key))) {
                matched = 1;
                validate(c, ps, val, cptr);
            }
            if (pats) {
                const char *pat;

                json_object_foreach(pats, pat, ps)
                {
                    if (re_match(c, pat, key)) {
                        matched = 1;
                        validate(c, ps, val, cptr);
                    }
                }
            }
            if (!matched && addl) {
                if (json_is_false(addl))
                    fail(c, cptr, "member \"%s\" is not allowed here", key);
                else
                    validate(c, addl, val, cptr);
            }
        }
    }
    if (json_is_array(v)) {
        size_t i;
        json_t *item;

        if ((kw = json_object_get(schema, "items"))) {
            if (json_is_array(kw)) {
                schema_bug(c, "tuple items (an array) are not supported at ", ptr);
                return;
            }
            json_array_foreach(v, i, item)
            {
                char idx[32];

                (void)snprintf(idx, sizeof(idx), "%zu", i);
                child_ptr(cptr, sizeof(cptr), ptr, idx);
                validate(c, kw, item, cptr);
            }
        }
        if ((kw = json_object_get(schema, "minItems")) &&
            json_array_size(v) < (size_t)json_integer_value(kw))
            fail(c, ptr, "too few items");
        if ((kw = json_object_get(schema, "maxItems")) &&
            json_array_size(v) > (size_t)json_integer_value(kw))
            fail(c, ptr, "too many items");
        if ((kw = json_object_get(schema, "uniqueItems")) && json_is_true(kw)) {
            for (size_t a = 0; a < json_array_size(v); a++) {
                for (size_t b = a + 1; b < json_array_size(v); b++) {
                    if (json_equal(json_array_get(v, a), json_array_get(v, b)))
                        fail(c, ptr, "items are not unique");
                }
            }
        }
    }
    if (json_is_number(v)) {
        double d = json_number_value(v);

        if ((kw = json_object_get(schema, "minimum")) && d < json_number_value(kw))
            fail(c, ptr, "below the minimum");
        if ((kw = json_object_get(schema, "maximum")) && d > json_number_value(kw))
            fail(c, ptr, "above the maximum");
        if ((kw = json_object_get(schema, "exclusiveMinimum")) && d <= json_number_value(kw))
            fail(c, ptr, "not above the exclusive minimum");
        if ((kw = json_object_get(schema, "exclusiveMaximum")) && d >= json_number_value(kw))
            fail(c, ptr, "not below the exclusive maximum");
        if ((kw = json_object_get(schema, "multipleOf")) && json_is_integer(v) &&
            json_integer_value(kw) > 0 && json_integer_value(v) % json_integer_value(kw))
            fail(c, ptr, "not a multiple");
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);

        if ((kw = json_object_get(schema, "minLength")) &&
            utf8_len(s) < (size_t)json_integer_value(kw))
            fail(c, ptr, "string too short");
        if ((kw = json_object_get(schema, "maxLength")) &&
            utf8_len(s) > (size_t)json_integer_value(kw))
            fail(c, ptr, "string too long");
        if ((kw = json_object_get(schema, "pattern")) && !re_match(c, json_string_value(kw), s)) {
            char shown[80];

            (void)snprintf(shown, sizeof(shown), "%s", s);
            fail(c, ptr, "\"%s\" does not match %s", shown, json_string_value(kw));
        }
    }
    if ((kw = json_object_get(schema, "allOf"))) {
        size_t i;

        json_array_foreach(kw, i, t) validate(c, t, v, ptr);
    }
    if ((kw = json_object_get(schema, "anyOf"))) {
        size_t i;
        int ok = 0;

        json_array_foreach(kw, i, t) ok |= count_errors(c, t, v, ptr) == 0;
        if (!ok)
            fail(c, ptr, "matches none of anyOf");
    }
    if ((kw = json_object_get(schema, "oneOf"))) {
        size_t i;
        int n = 0;

        json_array_foreach(kw, i, t) n += count_errors(c, t, v, ptr) == 0;
        if (n != 1)
            fail(c, ptr, "matches %s of oneOf, not exactly one", n ? "several" : "none");
    }
    if ((kw = json_object_get(schema, "not")) && count_errors(c, kw, v, ptr) == 0)
        fail(c, ptr, "matches a schema it must not match");
    if ((kw = json_object_get(schema, "if"))) {
        json_t *branch =
            json_object_get(schema, count_errors(c, kw, v, ptr) == 0 ? "then" : "else");

        if (branch)
            validate(c, branch, v, ptr);
    }
}

static json_t *load(const char *path)
{
    json_error_t e;
    json_t *j;

    if (!strcmp(path, "-"))
        j = json_loadf(stdin, JSON_REJECT_DUPLICATES, &e);
    else
        j = json_load_file(path, JSON_REJECT_DUPLICATES, &e);
    if (!j)
        printf("%s:%d:%d: not valid JSON: %s\n", path, e.line, e.column, e.text);
    return j;
}

int main(int argc, char **argv)
{
    struct ctx c = {0};
    int bad = 0;

    if (argc < 3) {
        fprintf(stderr, "usage: json-schema-check SCHEMA FILE...\n");
        return 2;
    }
    c.root = load(argv[1]);
    if (!c.root)
        return 2;
    for (int i = 2; i < argc && !c.fatal; i++) {
        json_t *v = load(argv[i]);

        if (!v) {
            bad = 1;
            continue;
        }
        c.file = argv[i];
        c.errors = 0;
        validate(&c, c.root, v, "");
        if (c.errors > MAX_ERRORS)
            printf("%s: ... %d more errors\n", c.file, c.errors - MAX_ERRORS);
        if (c.errors)
            bad = 1;
        json_decref(v);
    }
    json_decref(c.root);
    if (c.fatal)
        return 2;
    return bad;
}
