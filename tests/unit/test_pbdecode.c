/* SPDX-License-Identifier: MIT */
/*
 * test_pbdecode.c - gate_pb_decode (pbdecode.c) against protobuf-c 1.4.1's
 * protobuf_c_message_unpack: a deep comparison of the two results, field
 * by field through the descriptors, for pg_query parse and scan trees
 * (golden SQL, hand-written SQL, the corpus when ../shared/corpus exists),
 * for a hand-made descriptor with every field type and label, and for
 * wire-format corner cases (packed and unpacked, repeats, merges, oneofs,
 * unknown fields). Malformed inputs (every truncation, byte mutations,
 * bad lengths, wire types and varints, deep nesting) must give NULL or a
 * valid message, read from right before an unmapped page.
 */
#include "gate/compat.h"
#include "gate/pbdecode.h"
#include "gate/arena.h"
#include "gate/err.h"
#include "gate/fs.h"

#include <dirent.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

/* ---- allocators ------------------------------------------------------- */

static void *arena_alloc(void *data, size_t size)
{
    return gate_arena_alloc(data, size ? size : 1);
}

static void arena_free(void *data, void *p)
{
    (void)data;
    (void)p;
}

static ProtobufCAllocator allocator_on(struct gate_arena *a)
{
    ProtobufCAllocator al = {arena_alloc, arena_free, a};

    return al;
}

/* ---- deep comparison ---------------------------------------------------- */

/*
 * Where the walk is ("ParseResult.stmts[0].stmt.create_stmt..."): one
 * buffer, not a string per level, so deep trees cost no stack. Cut at
 * the buffer's end.
 */
static char path[2048];
static size_t path_len;
static char diff[2560];            /* the first difference found */
static unsigned long unknown_seen; /* unknown fields in the messages compared */

static size_t path_push(const char *fmt, ...) GATE_PRINTF(1, 2);

static size_t path_push(const char *fmt, ...)
{
    size_t old = path_len;
    va_list ap;
    int n;

    if (path_len < sizeof(path) - 1) {
        va_start(ap, fmt);
        n = vsnprintf(path + path_len, sizeof(path) - path_len, fmt, ap);
        va_end(ap);
        if (n > 0)
            path_len += (size_t)n;
        if (path_len > sizeof(path) - 1)
            path_len = sizeof(path) - 1;
    }
    return old;
}

static void path_pop(size_t old)
{
    path_len = old;
    path[old] = '\0';
}

static bool differ(const char *what)
{
    snprintf(diff, sizeof(diff), "%s: %s", path, what);
    return false;
}

/* Kept apart from pbdecode.c's elt_size(): the oracle shares no code with what it checks. */
static size_t value_size(ProtobufCType type)
{
    switch (type) {
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
    case PROTOBUF_C_TYPE_DOUBLE:
        return 8;
    case PROTOBUF_C_TYPE_BOOL:
        return sizeof(protobuf_c_boolean);
    case PROTOBUF_C_TYPE_STRING:
        return sizeof(char *);
    case PROTOBUF_C_TYPE_MESSAGE:
        return sizeof(ProtobufCMessage *);
    case PROTOBUF_C_TYPE_BYTES:
        return sizeof(ProtobufCBinaryData);
    default:
        return 4;
    }
}

static bool msg_equal(const ProtobufCMessage *a, const ProtobufCMessage *b);

/* One value of field f at va and vb. */
static bool value_equal(const ProtobufCFieldDescriptor *f, const char *va, const char *vb)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_STRING: {
        const char *sa;
        const char *sb;

        memcpy(&sa, va, sizeof(sa));
        memcpy(&sb, vb, sizeof(sb));
        if (!sa || !sb)
            return sa == sb || differ("string NULL in one only");
        if (strcmp(sa, sb))
            return differ("strings differ");
        if ((sa == f->default_value) != (sb == f->default_value))
            return differ("string at its default pointer in one only");
        return true;
    }
    case PROTOBUF_C_TYPE_BYTES: {
        ProtobufCBinaryData ba;
        ProtobufCBinaryData bb;
        const ProtobufCBinaryData *def = f->default_value;

        memcpy(&ba, va, sizeof(ba));
        memcpy(&bb, vb, sizeof(bb));
        if (ba.len != bb.len || !ba.data != !bb.data)
            return differ("bytes differ in length or NULL data");
        if (ba.len && memcmp(ba.data, bb.data, ba.len))
            return differ("bytes differ");
        if (def && (ba.data == def->data) != (bb.data == def->data))
            return differ("bytes at the default in one only");
        return true;
    }
    case PROTOBUF_C_TYPE_MESSAGE: {
        const ProtobufCMessage *ma;
        const ProtobufCMessage *mb;

        memcpy(&ma, va, sizeof(ma));
        memcpy(&mb, vb, sizeof(mb));
        return msg_equal(ma, mb);
    }
    default:
        return !memcmp(va, vb, value_size(f->type)) || differ("values differ");
    }
}

static bool unknown_equal(const ProtobufCMessage *a, const ProtobufCMessage *b)
{
    if (a->n_unknown_fields != b->n_unknown_fields)
        return differ("unknown field counts differ");
    unknown_seen += a->n_unknown_fields;
    if (!a->unknown_fields != !b->unknown_fields)
        return differ("unknown_fields NULL in one only");
    for (unsigned i = 0; i < a->n_unknown_fields; i++) {
        const ProtobufCMessageUnknownField *ua = &a->unknown_fields[i];
        const ProtobufCMessageUnknownField *ub = &b->unknown_fields[i];

        if (ua->tag != ub->tag || ua->wire_type != ub->wire_type || ua->len != ub->len ||
            memcmp(ua->data, ub->data, ua->len))
            return differ("unknown fields differ");
    }
    return true;
}

/* Bytes of the union holding oneof member f: its largest member's size. */
static size_t union_size(const ProtobufCMessageDescriptor *desc, const ProtobufCFieldDescriptor *f)
{
    size_t n = 0;

    for (unsigned i = 0; i < desc->n_fields; i++) {
        const ProtobufCFieldDescriptor *g = &desc->fields[i];

        if ((g->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
            g->quantifier_offset == f->quantifier_offset && value_size(g->type) > n)
            n = value_size(g->type);
    }
    return n;
}

static bool field_equal(const ProtobufCMessageDescriptor *desc, const ProtobufCFieldDescriptor *f,
                        const char *ba, const char *bb)
{
    if (f->label == PROTOBUF_C_LABEL_REPEATED) {
        size_t na;
        size_t nb;
        const char *arra;
        const char *arrb;

        memcpy(&na, ba + f->quantifier_offset, sizeof(na));
        memcpy(&nb, bb + f->quantifier_offset, sizeof(nb));
        memcpy(&arra, ba + f->offset, sizeof(arra));
        memcpy(&arrb, bb + f->offset, sizeof(arrb));
        if (na != nb)
            return differ("repeated counts differ");
        if (!arra != !arrb)
            return differ("repeated array NULL in one only");
        for (size_t i = 0; i < na; i++) {
            size_t old = path_push("[%zu]", i);
            size_t sz = value_size(f->type);

            if (!value_equal(f, arra + i * sz, arrb + i * sz))
                return false;
            path_pop(old);
        }
        return true;
    }
    if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
        uint32_t ca;
        uint32_t cb;
        size_t sz;
        size_t un;

        memcpy(&ca, ba + f->quantifier_offset, sizeof(ca));
        memcpy(&cb, bb + f->quantifier_offset, sizeof(cb));
        if (ca != cb)
            return differ("oneof cases differ");
        if (ca != f->id)
            return true;
        /* the union past the member: what the member before it left there */
        sz = value_size(f->type);
        un = union_size(desc, f);
        if (un > sz && memcmp(ba + f->offset + sz, bb + f->offset + sz, un - sz))
            return differ("the oneof union differs past its member");
        return value_equal(f, ba + f->offset, bb + f->offset);
    }
    if (f->quantifier_offset) {
        protobuf_c_boolean ha;
        protobuf_c_boolean hb;

        memcpy(&ha, ba + f->quantifier_offset, sizeof(ha));
        memcpy(&hb, bb + f->quantifier_offset, sizeof(hb));
        if (ha != hb)
            return differ("has_ flags differ");
    }
    return value_equal(f, ba + f->offset, bb + f->offset);
}

/* Every field of a and b, recursively; on a difference, diff says where. */
static bool msg_equal(const ProtobufCMessage *a, const ProtobufCMessage *b)
{
    const ProtobufCMessageDescriptor *desc;

    if (!a || !b)
        return a == b || differ("message NULL in one only");
    if (a->descriptor != b->descriptor)
        return differ("descriptors differ");
    desc = a->descriptor;
    if (!unknown_equal(a, b))
        return false;
    for (unsigned i = 0; i < desc->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &desc->fields[i];
        size_t old = path_push(".%s", f->name);

        if (!field_equal(desc, f, (const char *)a, (const char *)b))
            return false;
        path_pop(old);
    }
    return true;
}

static bool same_tree(const ProtobufCMessage *a, const ProtobufCMessage *b)
{
    path_len = 0;
    path_push("%s", a ? a->descriptor->short_name : b ? b->descriptor->short_name : "?");
    diff[0] = '\0';
    return msg_equal(a, b);
}

/* ---- helpers ------------------------------------------------------------ */

/*
 * Decode len bytes at data with both decoders; they must agree. Returns
 * whether the input decoded. The bytes are read from right before an
 * unmapped page, so reading one byte too far faults.
 */
static bool both_decode(const char *what, const ProtobufCMessageDescriptor *desc, const void *data,
                        size_t len)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t span = (len + page - 1) / page * page + page;
    uint8_t *mem = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    uint8_t *buf;
    struct gate_arena a1 = {0};
    struct gate_arena a2 = {0};
    ProtobufCAllocator al1 = allocator_on(&a1);
    ProtobufCAllocator al2 = allocator_on(&a2);
    ProtobufCMessage *want;
    ProtobufCMessage *got;
    bool ok;

    assert_true(mem != MAP_FAILED);
    assert_int_equal(mprotect(mem + span - page, page, PROT_NONE), 0);
    buf = mem + span - page - len;
    if (len)
        memcpy(buf, data, len);
    want = protobuf_c_message_unpack(desc, &al1, len, buf);
    got = gate_pb_decode(desc, &al2, len, buf);
    if (!want != !got)
        fail_msg("%s: protobuf-c %s, gate_pb_decode %s", what, want ? "decodes" : "fails",
                 got ? "decodes" : "fails");
    if (!same_tree(want, got))
        fail_msg("%s: %s", what, diff);
    ok = !!got;
    gate_arena_release(&a1);
    gate_arena_release(&a2);
    assert_int_equal(munmap(mem, span), 0);
    return ok;
}

/* gate_pb_decode alone (for inputs protobuf-c may mishandle): NULL or a walkable message. */
static bool gate_decodes(const ProtobufCMessageDescriptor *desc, const uint8_t *data, size_t len)
{
    struct gate_arena a = {0};
    ProtobufCAllocator al = allocator_on(&a);
    ProtobufCMessage *m = gate_pb_decode(desc, &al, len, data);
    bool ok = !!m;

    if (m && !same_tree(m, m))
        fail_msg("decoded message does not walk: %s", diff);
    gate_arena_release(&a);
    return ok;
}

/* Parse and scan sql; compare both trees. False when the SQL does not parse. */
static bool check_sql(const char *what, const char *sql)
{
    PgQueryProtobufParseResult r = pg_query_parse_protobuf(sql);
    PgQueryScanResult s;
    bool parsed = !r.error;

    if (parsed)
        assert_true(both_decode(what, &pg_query__parse_result__descriptor, r.parse_tree.data,
                                r.parse_tree.len));
    pg_query_free_protobuf_parse_result(r);
    s = pg_query_scan(sql);
    if (!s.error)
        assert_true(both_decode(what, &pg_query__scan_result__descriptor, s.pbuf.data, s.pbuf.len));
    pg_query_free_scan_result(s);
    return parsed;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s);
    size_t k = strlen(suffix);

    return n >= k && !strcmp(s + n - k, suffix);
}

struct sql_files {
    const char *suffix; /* file names that end so */
    int files;
    int parsed;
};

/* check_sql on every file under dir whose name ends with w->suffix. */
static void check_tree(const char *dir, struct sql_files *w)
{
    DIR *dh = opendir(dir);
    struct dirent *de;

    assert_non_null(dh);
    while ((de = readdir(dh))) {
        char *p;

        if (de->d_name[0] == '.')
            continue;
        p = gate_path_join(dir, de->d_name);
        if (gate_path_kind(p) == GATE_PATH_DIR) {
            check_tree(p, w);
        } else if (ends_with(de->d_name, w->suffix)) {
            struct gate_err err = {0};
            char *sql;
            size_t len;

            assert_int_equal(gate_read_file(p, GATE_MAX_SQL_FILE, &sql, &len, &err), GATE_OK);
            w->files++;
            if (check_sql(p, sql))
                w->parsed++;
            free(sql);
        }
        free(p);
    }
    closedir(dh);
}

/* A whole parse tree as bytes (malloc'd). */
static uint8_t *parse_bytes(const char *sql, size_t *len)
{
    PgQueryProtobufParseResult r = pg_query_parse_protobuf(sql);
    uint8_t *out;

    assert_null(r.error);
    *len = r.parse_tree.len;
    out = malloc(*len);
    assert_non_null(out);
    memcpy(out, r.parse_tree.data, *len);
    pg_query_free_protobuf_parse_result(r);
    return out;
}

/* ---- a wire-format writer for hand-made inputs -------------------------- */

#define MAX_FIELD_ID_FOR_TEST 0x1fffffffu /* 2^29 - 1 */

struct wbuf {
    uint8_t b[4096];
    size_t n;
};

static void w_byte(struct wbuf *w, uint8_t c)
{
    assert_true(w->n < sizeof(w->b));
    w->b[w->n++] = c;
}

static void w_varint(struct wbuf *w, uint64_t v)
{
    while (v >= 0x80) {
        w_byte(w, (uint8_t)(v | 0x80));
        v >>= 7;
    }
    w_byte(w, (uint8_t)v);
}

static void w_key(struct wbuf *w, uint32_t id, unsigned wt)
{
    w_varint(w, (uint64_t)id << 3 | wt);
}

/* A varint field. */
static void w_uint(struct wbuf *w, uint32_t id, uint64_t v)
{
    w_key(w, id, PROTOBUF_C_WIRE_TYPE_VARINT);
    w_varint(w, v);
}

static void w_fixed(struct wbuf *w, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        w_byte(w, (uint8_t)(v >> (8 * i)));
}

static void w_len(struct wbuf *w, uint32_t id, const void *data, size_t n)
{
    w_key(w, id, PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED);
    w_varint(w, n);
    assert_true(w->n + n <= sizeof(w->b));
    if (n)
        memcpy(w->b + w->n, data, n);
    w->n += n;
}

static void w_sub(struct wbuf *w, uint32_t id, const struct wbuf *sub)
{
    w_len(w, id, sub->b, sub->n);
}

static void w_str(struct wbuf *w, uint32_t id, const char *s)
{
    w_len(w, id, s, strlen(s));
}

/* ---- a descriptor with every field type and label ------------------------ */

struct all {
    ProtobufCMessage base;
    int32_t i32;
    int32_t s32;
    int32_t sf32;
    int64_t i64;
    int64_t s64;
    int64_t sf64;
    uint32_t u32;
    uint32_t f32;
    uint64_t u64;
    uint64_t f64;
    float fl;
    double db;
    protobuf_c_boolean b;
    int en;
    char *str;
    ProtobufCBinaryData by;
    struct all *sub;
    protobuf_c_boolean has_opt_i32;
    int32_t opt_i32;
    char *opt_str;
    protobuf_c_boolean has_opt_by;
    ProtobufCBinaryData opt_by;
    protobuf_c_boolean has_opt_db;
    double opt_db;
    size_t n_r_i32;
    int32_t *r_i32;
    size_t n_r_s64;
    int64_t *r_s64;
    size_t n_r_f32;
    uint32_t *r_f32;
    size_t n_r_db;
    double *r_db;
    size_t n_r_b;
    protobuf_c_boolean *r_b;
    size_t n_r_str;
    char **r_str;
    size_t n_r_by;
    ProtobufCBinaryData *r_by;
    size_t n_r_sub;
    struct all **r_sub;
    uint32_t choice_case;
    union {
        int32_t c_i32;
        char *c_str;
        struct all *c_sub;
        ProtobufCBinaryData c_by;
    } choice;
    size_t n_r_u64;
    uint64_t *r_u64;
    size_t n_r_en;
    int *r_en;
    uint64_t far;
};

enum {
    ALL_I32 = 1,
    ALL_S32,
    ALL_SF32,
    ALL_I64,
    ALL_S64,
    ALL_SF64,
    ALL_U32,
    ALL_F32,
    ALL_U64,
    ALL_F64,
    ALL_FL,
    ALL_DB,
    ALL_B,
    ALL_EN,
    ALL_STR,
    ALL_BY,
    ALL_SUB,
    ALL_OPT_I32,
    ALL_OPT_STR,
    ALL_OPT_BY,
    ALL_OPT_DB,
    ALL_R_I32,
    ALL_R_S64,
    ALL_R_F32,
    ALL_R_DB,
    ALL_R_B,
    ALL_R_STR,
    ALL_R_BY,
    ALL_R_SUB,
    ALL_C_I32,
    ALL_C_STR,
    ALL_C_SUB,
    ALL_C_BY,
    ALL_R_U64,
    ALL_R_EN,
    ALL_FAR = 1000, /* far from the others: no dense table for this type */
};

static const int32_t opt_i32_default = 42;
static const double opt_db_default = 2.5;
static uint8_t opt_by_bytes[] = {'x', 'y'};
static const ProtobufCBinaryData opt_by_default = {2, opt_by_bytes};

static const ProtobufCMessageDescriptor all_desc;

/* The members of a field of struct all (desc: a message field's type); each entry adds braces. */
#define F(fname, fid, flabel, ftype, q, fflags, dflt, desc)                                      \
 .name = #fname, .id = fid, .label = PROTOBUF_C_LABEL_##flabel, .type = PROTOBUF_C_TYPE_##ftype, \
 .quantifier_offset = q, .offset = offsetof(struct all, fname), .descriptor = desc,              \
 .default_value = dflt, .flags = fflags
#define Q(name) offsetof(struct all, name)
#define C(name) offsetof(struct all, choice.name)

static const ProtobufCFieldDescriptor all_fields[] = {
    {F(i32, ALL_I32, NONE, INT32, 0, 0, NULL, NULL)},
    {F(s32, ALL_S32, NONE, SINT32, 0, 0, NULL, NULL)},
    {F(sf32, ALL_SF32, NONE, SFIXED32, 0, 0, NULL, NULL)},
    {F(i64, ALL_I64, NONE, INT64, 0, 0, NULL, NULL)},
    {F(s64, ALL_S64, NONE, SINT64, 0, 0, NULL, NULL)},
    {F(sf64, ALL_SF64, NONE, SFIXED64, 0, 0, NULL, NULL)},
    {F(u32, ALL_U32, NONE, UINT32, 0, 0, NULL, NULL)},
    {F(f32, ALL_F32, NONE, FIXED32, 0, 0, NULL, NULL)},
    {F(u64, ALL_U64, NONE, UINT64, 0, 0, NULL, NULL)},
    {F(f64, ALL_F64, NONE, FIXED64, 0, 0, NULL, NULL)},
    {F(fl, ALL_FL, NONE, FLOAT, 0, 0, NULL, NULL)},
    {F(db, ALL_DB, NONE, DOUBLE, 0, 0, NULL, NULL)},
    {F(b, ALL_B, NONE, BOOL, 0, 0, NULL, NULL)},
    {F(en, ALL_EN, NONE, ENUM, 0, 0, NULL, NULL)},
    {F(str, ALL_STR, NONE, STRING, 0, 0, &protobuf_c_empty_string, NULL)},
    {F(by, ALL_BY, NONE, BYTES, 0, 0, NULL, NULL)},
    {F(sub, ALL_SUB, NONE, MESSAGE, 0, 0, NULL, &all_desc)},
    {F(opt_i32, ALL_OPT_I32, OPTIONAL, INT32, Q(has_opt_i32), 0, &opt_i32_default, NULL)},
    {F(opt_str, ALL_OPT_STR, OPTIONAL, STRING, 0, 0, "dflt", NULL)},
    {F(opt_by, ALL_OPT_BY, OPTIONAL, BYTES, Q(has_opt_by), 0, &opt_by_default, NULL)},
    {F(opt_db, ALL_OPT_DB, OPTIONAL, DOUBLE, Q(has_opt_db), 0, &opt_db_default, NULL)},
    {F(r_i32, ALL_R_I32, REPEATED, INT32, Q(n_r_i32), PROTOBUF_C_FIELD_FLAG_PACKED, NULL, NULL)},
    {F(r_s64, ALL_R_S64, REPEATED, SINT64, Q(n_r_s64), 0, NULL, NULL)},
    {F(r_f32, ALL_R_F32, REPEATED, FIXED32, Q(n_r_f32), 0, NULL, NULL)},
    {F(r_db, ALL_R_DB, REPEATED, DOUBLE, Q(n_r_db), PROTOBUF_C_FIELD_FLAG_PACKED, NULL, NULL)},
    {F(r_b, ALL_R_B, REPEATED, BOOL, Q(n_r_b), PROTOBUF_C_FIELD_FLAG_PACKED, NULL, NULL)},
    {F(r_str, ALL_R_STR, REPEATED, STRING, Q(n_r_str), 0, NULL, NULL)},
    {F(r_by, ALL_R_BY, REPEATED, BYTES, Q(n_r_by), 0, NULL, NULL)},
    {F(r_sub, ALL_R_SUB, REPEATED, MESSAGE, Q(n_r_sub), 0, NULL, &all_desc)},
    {"c_i32", ALL_C_I32, PROTOBUF_C_LABEL_NONE, PROTOBUF_C_TYPE_INT32, Q(choice_case), C(c_i32),
     NULL, NULL, PROTOBUF_C_FIELD_FLAG_ONEOF, 0, NULL, NULL},
    /*
     * no default: without message_init, protobuf-c would store it in the
     * union and then take it for the message of c_sub (merge_messages)
     */
    {"c_str", ALL_C_STR, PROTOBUF_C_LABEL_NONE, PROTOBUF_C_TYPE_STRING, Q(choice_case), C(c_str),
     NULL, NULL, PROTOBUF_C_FIELD_FLAG_ONEOF, 0, NULL, NULL},
    {"c_sub", ALL_C_SUB, PROTOBUF_C_LABEL_NONE, PROTOBUF_C_TYPE_MESSAGE, Q(choice_case), C(c_sub),
     &all_desc, NULL, PROTOBUF_C_FIELD_FLAG_ONEOF, 0, NULL, NULL},
    {"c_by", ALL_C_BY, PROTOBUF_C_LABEL_NONE, PROTOBUF_C_TYPE_BYTES, Q(choice_case), C(c_by), NULL,
     NULL, PROTOBUF_C_FIELD_FLAG_ONEOF, 0, NULL, NULL},
    {F(r_u64, ALL_R_U64, REPEATED, UINT64, Q(n_r_u64), 0, NULL, NULL)},
    {F(r_en, ALL_R_EN, REPEATED, ENUM, Q(n_r_en), PROTOBUF_C_FIELD_FLAG_PACKED, NULL, NULL)},
    {F(far, ALL_FAR, NONE, FIXED64, 0, 0, NULL, NULL)},
};

/* ids 1..35 are fields 0..34, ALL_FAR is field 35 */
static const ProtobufCIntRange all_ranges[] = {{1, 0}, {ALL_FAR, 35}, {0, 36}};
_Static_assert(GATE_ARRAY_SIZE(all_fields) == 36, "all_ranges lists every field");

/* No message_init: both decoders start from the descriptor's defaults. */
static const ProtobufCMessageDescriptor all_desc = {
    PROTOBUF_C__MESSAGE_DESCRIPTOR_MAGIC,
    "test.All",
    "All",
    "All",
    "test",
    sizeof(struct all),
    GATE_ARRAY_SIZE(all_fields),
    all_fields,
    NULL,
    2,
    all_ranges,
    NULL,
    NULL,
    NULL,
    NULL,
};

/* A type with required fields: a (no default), s (with one), m (optional message). */
struct req {
    ProtobufCMessage base;
    int32_t a;
    char *s;
    struct all *m;
};

static const ProtobufCMessageDescriptor req_desc;

static const ProtobufCFieldDescriptor req_fields[] = {
    {"a", 1, PROTOBUF_C_LABEL_REQUIRED, PROTOBUF_C_TYPE_INT32, 0, offsetof(struct req, a), NULL,
     NULL, 0, 0, NULL, NULL},
    {"s", 2, PROTOBUF_C_LABEL_REQUIRED, PROTOBUF_C_TYPE_STRING, 0, offsetof(struct req, s), NULL,
     "s-default", 0, 0, NULL, NULL},
    {"m", 3, PROTOBUF_C_LABEL_OPTIONAL, PROTOBUF_C_TYPE_MESSAGE, 0, offsetof(struct req, m),
     &all_desc, NULL, 0, 0, NULL, NULL},
};

static const ProtobufCIntRange req_ranges[] = {{1, 0}, {0, 3}};

static const ProtobufCMessageDescriptor req_desc = {
    PROTOBUF_C__MESSAGE_DESCRIPTOR_MAGIC,
    "test.Req",
    "Req",
    "Req",
    "test",
    sizeof(struct req),
    GATE_ARRAY_SIZE(req_fields),
    req_fields,
    NULL,
    1,
    req_ranges,
    NULL,
    NULL,
    NULL,
    NULL,
};

/* ---- pg_query trees --------------------------------------------------------- */

/* SQL that reaches node types and field kinds migrations rarely do. */
static const char *const odd_sql[] = {
    "DO $$ BEGIN RAISE NOTICE 'x %', 1; END $$",
    "DO LANGUAGE plpgsql $$ DECLARE r record; BEGIN FOR r IN SELECT 1 LOOP NULL; END LOOP; END $$",
    "CREATE FUNCTION f(a int, b text DEFAULT 'x', VARIADIC c int[] DEFAULT '{}') RETURNS int "
    "LANGUAGE plpgsql STABLE PARALLEL SAFE COST 5 AS $$ BEGIN RETURN a; END $$",
    "CREATE OR REPLACE FUNCTION g(OUT x int, INOUT y text) RETURNS SETOF record LANGUAGE sql "
    "IMMUTABLE STRICT SECURITY DEFINER SET search_path = public AS 'SELECT 1, ''a'''",
    "CREATE FUNCTION h() RETURNS trigger AS $$ BEGIN NEW.x := 1; RETURN NEW; END $$ LANGUAGE plpgsql",
    "CREATE PROCEDURE pr(a int) LANGUAGE sql BEGIN ATOMIC SELECT a; END",
    "CALL pr(1)",
    "SELECT 1, -2, 0, 2147483647, 2147483648, -2147483649, 9223372036854775807, "
    "-9223372036854775808, 99999999999999999999999, 3.14, -0.5e10, 1e-300, 1e400, .5",
    "SELECT 'str', E'esc\\n\\t', U&'\\0041', $$dollar$$, $tag$x$tag$, B'1010', X'1F', b'', x''",
    "SELECT true, false, NULL, NULL::int, 'NaN'::float8, '-Infinity'::float4, 1.5::real",
    "SELECT ARRAY[1, 2, 3], ARRAY[[1, 2], [3, 4]], ARRAY[]::int[], '{1,2}'::int[], a[1], a[1:2], "
    "a[:2], (a).b, (f(x)).* FROM t",
    "SELECT j -> 'a', j ->> 'b', j #> '{a,b}', j #>> '{a}', j @> '{}'::jsonb, j ? 'k', "
    "j ?| ARRAY['a'], j - 'a', jsonb_build_object('a', 1), j @? '$.a', j::json FROM t",
    "SELECT row_number() OVER (PARTITION BY a ORDER BY b DESC NULLS LAST ROWS BETWEEN "
    "UNBOUNDED PRECEDING AND CURRENT ROW), sum(x) FILTER (WHERE x > 0) OVER w, "
    "avg(y) OVER (RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE TIES), "
    "string_agg(DISTINCT s, ',' ORDER BY s), percentile_cont(0.5) WITHIN GROUP (ORDER BY x) "
    "FROM t WINDOW w AS (ORDER BY c GROUPS 2 PRECEDING)",
    "COPY t (a, b) FROM STDIN WITH (FORMAT csv, HEADER true, DELIMITER ';')",
    "COPY (SELECT 1) TO '/tmp/x' (FORMAT binary)",
    "COPY t TO PROGRAM 'gzip > x.gz'",
    "ALTER TYPE mood ADD VALUE IF NOT EXISTS 'happy' BEFORE 'sad'",
    "ALTER TYPE mood ADD VALUE 'meh' AFTER 'ok'",
    "ALTER TYPE mood RENAME VALUE 'a' TO 'b'",
    "CREATE TABLE p (id int, created date, region text) PARTITION BY RANGE (created, (id + 1))",
    "CREATE TABLE p1 PARTITION OF p FOR VALUES FROM ('2020-01-01', MINVALUE) TO ('2021-01-01', "
    "MAXVALUE)",
    "CREATE TABLE l1 PARTITION OF l FOR VALUES IN (1, 2, NULL)",
    "CREATE TABLE h1 PARTITION OF h FOR VALUES WITH (MODULUS 4, REMAINDER 1)",
    "CREATE TABLE d PARTITION OF p DEFAULT",
    "ALTER TABLE p ATTACH PARTITION p2 FOR VALUES FROM (MINVALUE) TO (MAXVALUE)",
    "ALTER TABLE p DETACH PARTITION p2 CONCURRENTLY",
    "CREATE TABLE g (a int GENERATED ALWAYS AS IDENTITY (START WITH 10), b int GENERATED ALWAYS "
    "AS (a * 2) STORED, c text COLLATE \"C\" NOT NULL DEFAULT '' CHECK (c <> 'x'), d int "
    "REFERENCES o (id) ON DELETE CASCADE ON UPDATE SET NULL DEFERRABLE INITIALLY DEFERRED, "
    "e numeric(10, 2)[], f timestamptz(3), EXCLUDE USING gist (a WITH =) WHERE (a > 0), "
    "PRIMARY KEY (a) INCLUDE (b), UNIQUE NULLS NOT DISTINCT (c), FOREIGN KEY (d) REFERENCES o "
    "MATCH FULL) WITH (fillfactor = 70) TABLESPACE ts",
    "CREATE UNLOGGED TABLE IF NOT EXISTS u (LIKE g INCLUDING ALL) INHERITS (base)",
    "CREATE TEMP TABLE tt ON COMMIT DROP AS SELECT 1 AS a WITH NO DATA",
    "ALTER TABLE t ALTER COLUMN a TYPE bigint USING a::bigint, ADD CONSTRAINT c UNIQUE (a) "
    "DEFERRABLE, ALTER COLUMN b SET DEFAULT now(), ALTER COLUMN b DROP NOT NULL, "
    "ADD COLUMN IF NOT EXISTS z int, DROP COLUMN y CASCADE, VALIDATE CONSTRAINT k, "
    "ALTER COLUMN c SET STATISTICS 100, SET (autovacuum_enabled = false), OWNER TO bob",
    "ALTER TABLE ONLY t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES o (id) NOT VALID",
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON ONLY t USING gin (a jsonb_path_ops, "
    "lower(b) DESC NULLS FIRST) INCLUDE (c) WITH (fastupdate = off) WHERE c > 0",
    "DROP INDEX CONCURRENTLY IF EXISTS i, j RESTRICT",
    "CREATE DOMAIN d AS int DEFAULT 1 CONSTRAINT pos CHECK (VALUE > 0) NOT NULL",
    "CREATE TYPE comp AS (a int, b text COLLATE \"C\")",
    "CREATE TYPE e AS ENUM ('a', 'b', '')",
    "CREATE TYPE r AS RANGE (subtype = float8, subtype_diff = float8mi)",
    "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10) SEARCH DEPTH "
    "FIRST BY n SET o CYCLE n SET c USING p SELECT * FROM r",
    "WITH m AS MATERIALIZED (SELECT 1), d AS (DELETE FROM t RETURNING *) SELECT * FROM m, d",
    "INSERT INTO t AS x (a, b) OVERRIDING SYSTEM VALUE VALUES (1, DEFAULT), (2, 3) ON CONFLICT "
    "(a) WHERE a > 0 DO UPDATE SET a = EXCLUDED.a, (b, c) = (1, 2) WHERE x.a < 5 RETURNING *, a",
    "INSERT INTO t DEFAULT VALUES ON CONFLICT ON CONSTRAINT k DO NOTHING",
    "UPDATE t SET (a, b) = (SELECT 1, 2), c = DEFAULT FROM u WHERE CURRENT OF cur",
    "DELETE FROM ONLY t USING u WHERE t.id = u.id RETURNING t.*",
    "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED AND s.x THEN UPDATE SET v = s.v "
    "WHEN MATCHED THEN DELETE WHEN NOT MATCHED THEN INSERT (id, v) VALUES (s.id, s.v) "
    "WHEN NOT MATCHED THEN DO NOTHING",
    "SELECT CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END, CASE x WHEN 1 THEN 'a' END, "
    "COALESCE(a, b), NULLIF(a, b), GREATEST(1, 2), LEAST(1, 2), a IS DISTINCT FROM b, "
    "a IS NOT DISTINCT FROM b, a BETWEEN SYMMETRIC 1 AND 2, x NOT IN (1, 2), EXISTS (SELECT 1), "
    "x = ANY (ARRAY[1]), x <> ALL (SELECT 1), CAST(1 AS numeric(10, 2)), 1::float8, "
    "interval '1 day', interval '1' YEAR TO MONTH, current_timestamp(2), CURRENT_USER, "
    "SESSION_USER, current_catalog, a COLLATE \"C\", a LIKE 'x%' ESCAPE '!', a NOT ILIKE 'y', "
    "a SIMILAR TO 'b', $1, $2::text FROM t",
    "SELECT a IS NOT TRUE AND b IS UNKNOWN AND NOT c OR d IS NULL OR e ISNULL OR f NOTNULL, "
    "'a' || 'b', -x, +x, ~x, x ^ 2, @ x, |/ 4.0, x % 3, x OPERATOR(pg_catalog.+) 1, "
    "ROW(1, 2) = ROW(3, 4), (1, 2) < (3, 4), x IS DOCUMENT, normalize(s, NFC), s IS NFD NORMALIZED",
    "SELECT xmlelement(name foo, xmlattributes(1 AS a), 'x'), xmlparse(document '<a/>'), "
    "xmlserialize(content x AS text), xmlforest(a, b), xmlpi(name php), xmlroot(x, version '1.0')",
    "SELECT * FROM ROWS FROM (generate_series(1, 2), unnest(ARRAY[1])) WITH ORDINALITY "
    "AS x(a, b, c)",
    "SELECT * FROM t TABLESAMPLE SYSTEM (10) REPEATABLE (1)",
    "SELECT * FROM json_to_record('{}') AS x(a int, b text)",
    "SELECT * FROM t, LATERAL (SELECT 1) s, xmltable('/r' PASSING x COLUMNS a int PATH 'a', "
    "o FOR ORDINALITY) xt",
    "SELECT * FROM t NATURAL FULL JOIN u LEFT JOIN v USING (id) AS j CROSS JOIN w RIGHT JOIN z "
    "ON true",
    "SELECT a FROM t GROUP BY DISTINCT GROUPING SETS ((a), (b), ()), ROLLUP (c), CUBE (d) "
    "HAVING count(*) > 1 AND GROUPING(a) = 0",
    "SELECT DISTINCT ON (a) a FROM t ORDER BY a USING <, b",
    "SELECT * FROM t FOR UPDATE OF t SKIP LOCKED",
    "SELECT * FROM t FOR KEY SHARE NOWAIT",
    "SELECT * FROM t LIMIT ALL OFFSET 5",
    "SELECT * FROM t ORDER BY a FETCH FIRST 5 ROWS WITH TIES",
    "SELECT 1 INTO TEMP x",
    "TABLE t",
    "VALUES (1, 'a'), (2, 'b') ORDER BY 1",
    "SELECT 1 UNION SELECT 2 INTERSECT ALL SELECT 3 EXCEPT SELECT 4",
    "SELECT count(*), f(VARIADIC ARRAY[1]), f(a => 1, b := 2), extract(epoch FROM now()), "
    "substring('x' FROM 1 FOR 2), position('a' IN 'b'), overlay('a' PLACING 'b' FROM 1), "
    "trim(BOTH 'x' FROM 'y'), collation for ('a'), 'a'::regclass, "
    "timestamp '2020-01-01' AT TIME ZONE 'UTC', array_agg(x) FILTER (WHERE x)",
    "GRANT SELECT, UPDATE (a) ON ALL TABLES IN SCHEMA public TO PUBLIC, bob WITH GRANT OPTION",
    "REVOKE ALL ON FUNCTION f(int) FROM alice CASCADE",
    "GRANT r1 TO r2 WITH ADMIN OPTION",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA s GRANT SELECT ON TABLES TO r",
    "CREATE POLICY p ON t AS RESTRICTIVE FOR SELECT TO r USING (owner = current_user) WITH CHECK "
    "(true)",
    "CREATE TRIGGER tr BEFORE UPDATE OF a ON t FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) "
    "EXECUTE FUNCTION f('x', 1)",
    "CREATE CONSTRAINT TRIGGER ct AFTER INSERT ON t DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
    "EXECUTE PROCEDURE f()",
    "CREATE EVENT TRIGGER et ON ddl_command_start WHEN TAG IN ('CREATE TABLE') EXECUTE FUNCTION f()",
    "CREATE RULE r AS ON INSERT TO t DO INSTEAD NOTHING",
    "COMMENT ON COLUMN t.a IS 'x'",
    "COMMENT ON TABLE t IS NULL",
    "SECURITY LABEL FOR p ON TABLE t IS 'x'",
    "VACUUM (ANALYZE, VERBOSE, PARALLEL 2) t (a), u",
    "ANALYZE t",
    "CLUSTER t USING i",
    "REINDEX (CONCURRENTLY) INDEX i",
    "EXPLAIN (ANALYZE, BUFFERS, FORMAT json) SELECT 1",
    "LOCK TABLE t, u IN ACCESS EXCLUSIVE MODE NOWAIT",
    "SET search_path = a, \"B\", public",
    "SET LOCAL statement_timeout = '5s'",
    "SET TIME ZONE INTERVAL '+00:00' HOUR TO MINUTE",
    "RESET ALL",
    "SHOW work_mem",
    "BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY DEFERRABLE",
    "SAVEPOINT s",
    "ROLLBACK TO SAVEPOINT s",
    "RELEASE s",
    "COMMIT AND CHAIN",
    "PREPARE TRANSACTION 'x'",
    "PREPARE q(int, text) AS SELECT $1, $2",
    "EXECUTE q(1, 'a')",
    "DEALLOCATE ALL",
    "DECLARE c SCROLL CURSOR WITH HOLD FOR SELECT 1",
    "FETCH BACKWARD 5 FROM c",
    "MOVE ABSOLUTE -1 IN c",
    "CLOSE ALL",
    "LISTEN ch",
    "NOTIFY ch, 'payload'",
    "UNLISTEN *",
    "CHECKPOINT",
    "DISCARD ALL",
    "CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA s VERSION '1.3' CASCADE",
    "ALTER EXTENSION e UPDATE TO '2.0'",
    "CREATE MATERIALIZED VIEW mv (a) WITH (fillfactor = 50) AS SELECT 1 WITH NO DATA",
    "REFRESH MATERIALIZED VIEW CONCURRENTLY mv WITH DATA",
    "CREATE OR REPLACE RECURSIVE VIEW v (n) AS SELECT 1",
    "CREATE VIEW v2 WITH (security_barrier) AS SELECT * FROM t WITH LOCAL CHECK OPTION",
    "CREATE SEQUENCE IF NOT EXISTS s AS bigint START 1 INCREMENT BY -2 MINVALUE -100 NO MAXVALUE "
    "CACHE 10 NO CYCLE OWNED BY t.a",
    "ALTER SEQUENCE s RESTART WITH 5",
    "SELECT nextval('s'), setval('s', 1, false)",
    "CREATE SCHEMA s AUTHORIZATION bob CREATE TABLE x (a int) CREATE VIEW v AS SELECT 1",
    "ALTER SCHEMA s RENAME TO s2",
    "ALTER TABLE t RENAME COLUMN a TO b",
    "ALTER TABLE IF EXISTS t SET SCHEMA s",
    "ALTER INDEX i RENAME TO j",
    "DROP TABLE IF EXISTS a, b.c CASCADE",
    "DROP TYPE e",
    "DROP FUNCTION IF EXISTS f(int, text), g",
    "TRUNCATE ONLY t, u RESTART IDENTITY CASCADE",
    "CREATE ROLE r WITH LOGIN PASSWORD 'x' VALID UNTIL 'infinity' CONNECTION LIMIT 5 IN ROLE a",
    "ALTER ROLE r SET search_path TO s",
    "CREATE USER MAPPING FOR current_user SERVER s OPTIONS (user 'x')",
    "CREATE SERVER s FOREIGN DATA WRAPPER w OPTIONS (host 'h')",
    "CREATE FOREIGN TABLE ft (a int OPTIONS (column_name 'b')) SERVER s OPTIONS (table_name 't')",
    "IMPORT FOREIGN SCHEMA r LIMIT TO (t) FROM SERVER s INTO l",
    "CREATE PUBLICATION p FOR TABLE t (a, b) WHERE (a > 1), TABLES IN SCHEMA s",
    "CREATE SUBSCRIPTION sub CONNECTION 'c' PUBLICATION p WITH (enabled = false)",
    "CREATE STATISTICS st (dependencies) ON a, b FROM t",
    "CREATE AGGREGATE ag (int) (SFUNC = f, STYPE = int, INITCOND = '0')",
    "CREATE OPERATOR === (LEFTARG = int, RIGHTARG = int, FUNCTION = f)",
    "CREATE CAST (text AS int) WITH FUNCTION f(text) AS IMPLICIT",
    "CREATE COLLATION c (provider = icu, locale = 'und')",
    "CREATE TEXT SEARCH CONFIGURATION x (COPY = english)",
    "ALTER SYSTEM SET work_mem = '1MB'",
    "CREATE ACCESS METHOD am TYPE TABLE HANDLER h",
    "CREATE TABLESPACE ts LOCATION '/x'",
    "CREATE DATABASE d WITH OWNER o ENCODING 'UTF8' TEMPLATE template0",
    "REASSIGN OWNED BY a TO b",
    "DROP OWNED BY a",
    "SELECT 1; SELECT 2;; SELECT 3 -- trailing\n",
    "",
    "-- only a comment",
};

/* ---- tests ---------------------------------------------------------------- */

/* Decoder threads started together on types no decode has used yet: the tables are built once. */
struct race {
    pthread_barrier_t *start;
    const uint8_t *tree;
    size_t tree_len;
    const uint8_t *all;
    size_t all_len;
    int ok;
};

static void *race_thread(void *arg)
{
    struct race *r = arg;
    int ok = 0;

    pthread_barrier_wait(r->start);
    for (int i = 0; i < 20; i++) {
        struct gate_arena a = {0};
        ProtobufCAllocator al = allocator_on(&a);

        ok += !!gate_pb_decode(&pg_query__parse_result__descriptor, &al, r->tree_len, r->tree);
        ok += !!gate_pb_decode(&all_desc, &al, r->all_len, r->all);
        gate_arena_release(&a);
    }
    r->ok = ok;
    return NULL;
}

static void test_first_use_in_threads(void **state)
{
    enum { THREADS = 6 };
    pthread_t th[THREADS];
    struct race r[THREADS];
    pthread_barrier_t start;
    struct wbuf all = {0};
    struct wbuf sub = {0};
    size_t len;
    uint8_t *tree =
        parse_bytes("CREATE TABLE t (id int PRIMARY KEY, name text NOT NULL DEFAULT 'x')", &len);

    (void)state;
    w_uint(&sub, ALL_I32, 7);
    w_sub(&all, ALL_R_SUB, &sub);
    w_str(&all, ALL_STR, "s");
    assert_int_equal(pthread_barrier_init(&start, NULL, THREADS), 0);
    for (int i = 0; i < THREADS; i++) {
        r[i] = (struct race){&start, tree, len, all.b, all.n, 0};
        assert_int_equal(pthread_create(&th[i], NULL, race_thread, &r[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_int_equal(r[i].ok, 40);
    }
    pthread_barrier_destroy(&start);
    assert_true(both_decode("race tree", &pg_query__parse_result__descriptor, tree, len));
    free(tree);
}

/* Every message type of the tree decodes from no bytes to message_init's image. */
static void test_empty_messages(void **state)
{
    const ProtobufCMessageDescriptor *todo[512];
    size_t n = 0;

    (void)state;
    todo[n++] = &pg_query__parse_result__descriptor;
    todo[n++] = &pg_query__scan_result__descriptor;
    for (size_t i = 0; i < n; i++) {
        const ProtobufCMessageDescriptor *d = todo[i];

        assert_true(both_decode(d->name, d, NULL, 0));
        for (unsigned j = 0; j < d->n_fields; j++) {
            const ProtobufCMessageDescriptor *sd = d->fields[j].descriptor;
            bool seen = false;

            if (d->fields[j].type != PROTOBUF_C_TYPE_MESSAGE)
                continue;
            for (size_t k = 0; k < n; k++)
                seen = seen || todo[k] == sd;
            if (!seen) {
                assert_true(n < GATE_ARRAY_SIZE(todo));
                todo[n++] = sd;
            }
        }
    }
    assert_true(n > 200);
}

static void test_golden_sql(void **state)
{
    struct sql_files w = {".sql", 0, 0};

    (void)state;
    unknown_seen = 0;
    check_tree("tests/golden", &w);
    print_message("golden: %d .sql files, %d parsed and compared, %lu unknown fields\n", w.files,
                  w.parsed, unknown_seen);
    assert_true(w.files > 0);
    assert_true(w.parsed > 0);
}

static void test_odd_sql(void **state)
{
    int parsed = 0;

    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(odd_sql); i++) {
        if (check_sql(odd_sql[i], odd_sql[i]))
            parsed++;
        else
            fail_msg("does not parse: %s", odd_sql[i]);
    }
    assert_int_equal(parsed, (int)GATE_ARRAY_SIZE(odd_sql));
}

static void test_corpus(void **state)
{
    static const char dir[] = "../shared/corpus";
    struct sql_files w = {"migration.sql", 0, 0};

    (void)state;
    if (gate_path_kind(dir) != GATE_PATH_DIR) {
        print_message("corpus: %s not found, skipped\n", dir);
        skip();
    }
    unknown_seen = 0;
    check_tree(dir, &w);
    print_message("corpus: %d migration.sql files, %d parsed and compared, %lu unknown fields\n",
                  w.files, w.parsed, unknown_seen);
    assert_true(w.files > 0);
}

/* Repeated field name of struct all m: the local array of the same name. */
#define SET_REPEATED(m, name) ((m).n_##name = GATE_ARRAY_SIZE(name), (m).name = name)

/* protobuf_c_message_pack of a full message, decoded back by both. */
static void test_all_types_packed_by_protobuf_c(void **state)
{
    struct all leaf;
    struct all top;
    struct all *r_sub[] = {&leaf, &leaf};
    int32_t r_i32[] = {0, -1, INT32_MIN, INT32_MAX, 300};
    int64_t r_s64[] = {0, -1, INT64_MIN, INT64_MAX};
    uint32_t r_f32[] = {1, UINT32_MAX};
    double r_db[] = {0.0, -1.5, 1e300};
    protobuf_c_boolean r_b[] = {1, 0, 1};
    char *r_str[] = {(char *)(uintptr_t) "", (char *)(uintptr_t) "two"};
    uint8_t raw[] = {0, 1, 2, 0xff};
    ProtobufCBinaryData r_by[] = {{0, NULL}, {4, raw}};
    uint64_t r_u64[] = {UINT64_MAX, 1};
    int r_en[] = {3, -1};
    uint8_t *bytes;
    size_t len;

    (void)state;
    memset(&leaf, 0, sizeof(leaf));
    leaf.base.descriptor = &all_desc;
    leaf.str = (char *)(uintptr_t) "leaf";
    leaf.opt_str = (char *)(uintptr_t) "dflt";
    leaf.choice_case = ALL_C_STR;
    leaf.choice.c_str = (char *)(uintptr_t) "chosen";
    top = leaf;
    top.i32 = -5;
    top.s32 = INT32_MIN;
    top.sf32 = -7;
    top.i64 = INT64_MIN;
    top.s64 = -123456789012345;
    top.sf64 = -1;
    top.u32 = UINT32_MAX;
    top.f32 = 0x80000001u;
    top.u64 = UINT64_MAX;
    top.f64 = 0x0102030405060708u;
    top.fl = -0.25f;
    top.db = 6.02e23;
    top.b = 1;
    top.en = 7;
    top.str = (char *)(uintptr_t) "hello\xc3\xa9";
    top.by.len = sizeof(raw);
    top.by.data = raw;
    top.sub = &leaf;
    top.has_opt_i32 = 1;
    top.opt_i32 = 0;
    top.opt_str = (char *)(uintptr_t) "other";
    top.has_opt_by = 1;
    top.opt_by.len = 0;
    top.opt_by.data = NULL;
    top.has_opt_db = 1;
    top.opt_db = -0.0;
    SET_REPEATED(top, r_i32);
    SET_REPEATED(top, r_s64);
    SET_REPEATED(top, r_f32);
    SET_REPEATED(top, r_db);
    SET_REPEATED(top, r_b);
    SET_REPEATED(top, r_str);
    SET_REPEATED(top, r_by);
    SET_REPEATED(top, r_sub);
    top.choice_case = ALL_C_SUB;
    top.choice.c_sub = &leaf;
    SET_REPEATED(top, r_u64);
    SET_REPEATED(top, r_en);
    top.far = 0xfedcba9876543210u;

    len = protobuf_c_message_get_packed_size(&top.base);
    bytes = malloc(len);
    assert_non_null(bytes);
    assert_int_equal(protobuf_c_message_pack(&top.base, bytes), len);
    assert_true(both_decode("all types", &all_desc, bytes, len));
    free(bytes);
    /* the defaults of an empty message (no message_init: from the descriptor) */
    assert_true(both_decode("all empty", &all_desc, NULL, 0));
}

/* Hand-written bytes: one per case; protobuf-c and gate_pb_decode must agree. */
static void test_wire_cases(void **state)
{
    struct wbuf w;
    struct wbuf s1;
    struct wbuf s2;
    struct wbuf packed;

    (void)state;

    /* packed encoding for a field without the packed flag, and unpacked for one with it */
    memset(&w, 0, sizeof(w));
    memset(&packed, 0, sizeof(packed));
    w_varint(&packed, 3);           /* sint64 1 ... */
    w_varint(&packed, 0x7ffffffff); /* a large one */
    w_varint(&packed, 1);
    w_sub(&w, ALL_R_S64, &packed);
    w_uint(&w, ALL_R_S64, 5);
    w_uint(&w, ALL_R_I32, UINT64_MAX); /* -1 as a 10-byte varint */
    w_uint(&w, ALL_R_I32, 2);
    memset(&packed, 0, sizeof(packed));
    w_varint(&packed, 300);
    w_sub(&w, ALL_R_I32, &packed);
    w_len(&w, ALL_R_I32, NULL, 0); /* an empty packed run */
    memset(&packed, 0, sizeof(packed));
    w_fixed(&packed, 1, 4);
    w_fixed(&packed, 0xdeadbeef, 4);
    w_sub(&w, ALL_R_F32, &packed);
    w_key(&w, ALL_R_F32, 5);
    w_fixed(&w, 9, 4);
    w_key(&w, ALL_R_DB, 1);
    w_fixed(&w, 0x3ff0000000000000u, 8);
    w_len(&w, ALL_R_B, "\x01\x00\x01", 3);
    w_uint(&w, ALL_R_B, 128); /* a two-byte true */
    w_uint(&w, ALL_R_U64, 1);
    memset(&packed, 0, sizeof(packed));
    w_varint(&packed, UINT64_MAX);
    w_varint(&packed, 0);
    w_sub(&w, ALL_R_U64, &packed);
    w_len(&w, ALL_R_EN, "\x01\x02", 2);
    w_uint(&w, ALL_R_EN, 3);
    w_str(&w, ALL_R_STR, "a");
    w_uint(&w, ALL_I32, 1); /* interleaved with other fields */
    w_str(&w, ALL_R_STR, "");
    w_len(&w, ALL_R_BY, "\0x", 2);
    w_len(&w, ALL_R_BY, NULL, 0);
    assert_true(both_decode("packed and unpacked", &all_desc, w.b, w.n));

    /* a scalar, string or bytes given twice: the last wins */
    memset(&w, 0, sizeof(w));
    w_uint(&w, ALL_I32, 1);
    w_uint(&w, ALL_I32, 2);
    w_str(&w, ALL_STR, "first");
    w_str(&w, ALL_STR, "second");
    w_len(&w, ALL_BY, "ab", 2);
    w_len(&w, ALL_BY, NULL, 0);
    w_uint(&w, ALL_OPT_I32, 5);
    w_uint(&w, ALL_OPT_I32, 0);
    w_str(&w, ALL_OPT_STR, "o1");
    w_str(&w, ALL_OPT_STR, "o2");
    w_len(&w, ALL_OPT_BY, "q", 1);
    w_uint(&w, ALL_B, 1);
    w_uint(&w, ALL_B, 0);
    w_len(&w, ALL_STR, "nul\0inside", 10);
    assert_true(both_decode("last wins", &all_desc, w.b, w.n));

    /* a message field given twice is merged (each has its oneof set: see merge_into) */
    memset(&s1, 0, sizeof(s1));
    w_uint(&s1, ALL_I32, 11);
    w_uint(&s1, ALL_U32, 12);
    w_str(&s1, ALL_STR, "from-first");
    w_len(&s1, ALL_BY, "b1", 2);
    w_uint(&s1, ALL_OPT_I32, 13);
    w_str(&s1, ALL_OPT_STR, "opt-first");
    w_uint(&s1, ALL_R_I32, 14);
    w_str(&s1, ALL_R_STR, "r1");
    w_uint(&s1, ALL_C_I32, 15);
    memset(&s2, 0, sizeof(s2));
    w_uint(&s2, ALL_U64, 21);
    w_uint(&s2, ALL_R_I32, 22);
    w_uint(&s2, ALL_R_I32, 23);
    w_str(&s2, ALL_C_STR, "c2");
    memset(&w, 0, sizeof(w));
    w_sub(&w, ALL_SUB, &s1);
    w_sub(&w, ALL_SUB, &s2);
    assert_true(both_decode("merge", &all_desc, w.b, w.n));
    /* the same, the other way round, and a third time */
    memset(&w, 0, sizeof(w));
    w_sub(&w, ALL_SUB, &s2);
    w_sub(&w, ALL_SUB, &s1);
    w_sub(&w, ALL_SUB, &s2);
    assert_true(both_decode("merge twice", &all_desc, w.b, w.n));
    /* merged messages that hold merged messages */
    memset(&packed, 0, sizeof(packed));
    w_sub(&packed, ALL_SUB, &s1);
    w_uint(&packed, ALL_C_I32, 1);
    memset(&w, 0, sizeof(w));
    w_sub(&w, ALL_SUB, &packed);
    w_sub(&w, ALL_SUB, &packed);
    assert_true(both_decode("nested merge", &all_desc, w.b, w.n));

    /* a oneof member replaces the one before, the same member too (not merged) */
    memset(&w, 0, sizeof(w));
    w_str(&w, ALL_C_STR, "gone");
    w_len(&w, ALL_C_BY, "bytes", 5);
    w_uint(&w, ALL_C_I32, 9);
    assert_true(both_decode("oneof replaced", &all_desc, w.b, w.n));
    memset(&w, 0, sizeof(w));
    w_sub(&w, ALL_C_SUB, &s1);
    w_sub(&w, ALL_C_SUB, &s2);
    assert_true(both_decode("oneof message twice", &all_desc, w.b, w.n));
    memset(&w, 0, sizeof(w));
    w_sub(&w, ALL_C_SUB, &s1);
    w_str(&w, ALL_C_STR, "last");
    assert_true(both_decode("oneof message then string", &all_desc, w.b, w.n));

    /* unknown fields of every wire type, more than the first capacities, some ids sparse */
    memset(&w, 0, sizeof(w));
    for (uint32_t i = 0; i < 20; i++) {
        uint32_t id = i % 2 ? 36 + i : 5000 + i;

        switch (i % 4) {
        case 0:
            w_uint(&w, id, (uint64_t)i << 40);
            break;
        case 1:
            w_key(&w, id, 1);
            w_fixed(&w, i, 8);
            break;
        case 2:
            w_str(&w, id, "unknown");
            break;
        default:
            w_key(&w, id, 5);
            w_fixed(&w, i, 4);
            break;
        }
        w_uint(&w, ALL_R_I32, i);
    }
    w_key(&w, ALL_FAR, 1);
    w_fixed(&w, 42, 8);
    w_uint(&w, MAX_FIELD_ID_FOR_TEST, 1);
    assert_true(both_decode("unknown fields", &all_desc, w.b, w.n));

    /* required fields: missing fails (unless it has a default), present decodes */
    memset(&w, 0, sizeof(w));
    w_str(&w, 2, "s");
    assert_false(both_decode("required missing", &req_desc, w.b, w.n));
    memset(&w, 0, sizeof(w));
    w_uint(&w, 1, 3);
    assert_true(both_decode("required present", &req_desc, w.b, w.n));
    w_sub(&w, 3, &s1);
    w_sub(&w, 3, &s2);
    assert_true(both_decode("required and a merge", &req_desc, w.b, w.n));
}

/* Node given two members, and the same member twice. */
static void test_pg_query_oneof(void **state)
{
    struct wbuf node;
    struct wbuf str;
    struct wbuf ival;
    struct wbuf stmt;
    struct wbuf res;

    (void)state;
    memset(&str, 0, sizeof(str));
    w_str(&str, 1, "name");
    memset(&ival, 0, sizeof(ival));
    w_uint(&ival, 1, 42);
    memset(&node, 0, sizeof(node));
    w_sub(&node, PG_QUERY__NODE__NODE_STRING, &str);
    w_sub(&node, PG_QUERY__NODE__NODE_INTEGER, &ival);
    w_sub(&node, PG_QUERY__NODE__NODE_INTEGER, &ival);
    assert_true(both_decode("Node members", &pg_query__node__descriptor, node.b, node.n));
    memset(&stmt, 0, sizeof(stmt));
    w_sub(&stmt, 1, &node);
    w_uint(&stmt, 2, 3);
    memset(&res, 0, sizeof(res));
    w_uint(&res, 1, 150001);
    w_sub(&res, 2, &stmt);
    w_sub(&res, 2, &stmt);
    assert_true(both_decode("ParseResult", &pg_query__parse_result__descriptor, res.b, res.n));
}

/* Every truncation of a real tree: protobuf-c and gate_pb_decode agree on each. */
static void test_truncations(void **state)
{
    size_t len;
    uint8_t *tree = parse_bytes(
        "CREATE TABLE \"User\" (id serial PRIMARY KEY, email text NOT NULL, \"createdAt\" "
        "timestamp(3) DEFAULT CURRENT_TIMESTAMP, n numeric(65, 30) DEFAULT 1.5, flags bool[] "
        "DEFAULT ARRAY[true, false]);\n"
        "CREATE UNIQUE INDEX \"User_email_key\" ON \"User\"(email);\n"
        "ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_authorId_fkey\" FOREIGN KEY (\"authorId\") "
        "REFERENCES \"User\"(id) ON DELETE SET NULL ON UPDATE CASCADE;",
        &len);
    int decoded = 0;

    (void)state;
    assert_true(len > 200);
    for (size_t n = 0; n <= len; n++) {
        char what[64];

        snprintf(what, sizeof(what), "truncated to %zu of %zu bytes", n, len);
        decoded += both_decode(what, &pg_query__parse_result__descriptor, tree, n);
    }
    assert_true(decoded >= 2); /* the whole tree, and cuts between top-level fields */
    free(tree);
}

/* Byte mutations at every offset: NULL or a message that walks (gate_pb_decode only). */
static void test_mutations(void **state)
{
    static const uint8_t values[] = {0x00, 0x01, 0x7f, 0x80, 0xff};
    size_t len;
    uint8_t *tree =
        parse_bytes("SELECT a, 'x' || b FROM t WHERE c IN (1, 2.5, NULL) ORDER BY d", &len);
    uint8_t *copy = malloc(len);

    (void)state;
    assert_non_null(copy);
    for (size_t i = 0; i < len; i++) {
        for (size_t v = 0; v < GATE_ARRAY_SIZE(values) + 1; v++) {
            memcpy(copy, tree, len);
            /* the last variant flips the wire type bits of whatever byte is there */
            copy[i] = v < GATE_ARRAY_SIZE(values) ? values[v] : (uint8_t)(tree[i] ^ 0x07);
            (void)gate_decodes(&pg_query__parse_result__descriptor, copy, len);
        }
    }
    free(copy);
    free(tree);
}

/* Malformed framing: each case must fail (protobuf-c fails them too, except where noted). */
static void test_malformed(void **state)
{
    static const struct {
        const char *what;
        const char *bytes;
        size_t len;
        bool protobuf_c_fails;
    } rows[] = {
        {"length prefix past the end", "\x12\x05\x0a\x01", 4, true},
        {"length prefix past the end of a nested message", "\x12\x04\x0a\x05\x08\x01", 6, true},
        {"length varint cut", "\x12\x80", 2, true},
        {"huge length", "\x12\xff\xff\xff\xff\x0f", 6, true},
        {"wire type 3 (group start)", "\x0b\x08\x01", 3, true},
        {"wire type 4 (group end)", "\x0c", 1, true},
        {"wire type 6", "\x0e\x01", 2, true},
        {"wire type 7", "\x0f\x01", 2, true},
        {"varint field as length-delimited", "\x0a\x01\x01", 3, true},
        {"message field as varint", "\x10\x01", 2, true},
        {"message field as fixed32", "\x15\x01\x02\x03\x04", 5, true},
        {"64-bit value cut", "\x09\x01\x02", 3, true},
        {"32-bit value cut", "\x0d\x01", 2, true},
        {"overlong varint (11 bytes)", "\x08\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01", 12,
         true},
        {"varint value cut", "\x08\x80\x80", 3, true},
        {"key varint cut", "\x80", 1, true},
        {"tenth varint byte above 1", "\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", 11, false},
        {"field number 0", "\x00\x01", 2, false},
        {"field number 2^29", "\x80\x80\x80\x80\x10\x01", 6, false},
    };

    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(rows); i++) {
        const uint8_t *b = (const uint8_t *)rows[i].bytes;

        if (gate_decodes(&pg_query__parse_result__descriptor, b, rows[i].len))
            fail_msg("%s: decoded", rows[i].what);
        if (rows[i].protobuf_c_fails)
            assert_false(
                both_decode(rows[i].what, &pg_query__parse_result__descriptor, b, rows[i].len));
    }
    /* a packed run that is not a whole number of values, a packed bool above 1 */
    assert_false(both_decode("packed fixed32 of 3 bytes", &all_desc,
                             (const uint8_t *)"\xc2\x01\x03\x01\x02\x03", 6));
    assert_false(both_decode("packed double of 4 bytes", &all_desc,
                             (const uint8_t *)"\xca\x01\x04\x01\x02\x03\x04", 7));
    /* packed bools are varints: 2 and a two-byte 1 are two trues */
    assert_true(
        both_decode("packed bools", &all_desc, (const uint8_t *)"\xd2\x01\x03\x02\x80\x01", 6));
    assert_false(
        both_decode("packed varint cut", &all_desc, (const uint8_t *)"\xb2\x01\x01\x80", 4));
    /* a ten-byte varint whose last byte is 1 is fine */
    assert_true(both_decode("ten-byte varint", &all_desc,
                            (const uint8_t *)"\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11));
    /* arguments */
    {
        struct gate_arena a = {0};
        ProtobufCAllocator al = allocator_on(&a);

        assert_null(gate_pb_decode(NULL, &al, 0, NULL));
        assert_null(gate_pb_decode(&all_desc, NULL, 0, NULL));
        assert_null(gate_pb_decode(&all_desc, &al, 1, NULL));
        assert_non_null(gate_pb_decode(&all_desc, &al, 0, NULL));
        gate_arena_release(&a);
    }
}

static void w_prefix(uint8_t *hdr, size_t *h, uint64_t v)
{
    while (v >= 0x80) {
        hdr[(*h)++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    hdr[(*h)++] = (uint8_t)v;
}

/*
 * The bytes of a Node nesting levels messages below it, alternately
 * A_Expr (Node.a_expr) and Node (A_Expr.lexpr), built from the inside
 * out; levels is odd, so the root is a Node. malloc'd; *len gets its size.
 */
static uint8_t *nested_nodes(size_t levels, size_t *len)
{
    size_t cap = levels * 12 + 16;
    uint8_t *buf = malloc(cap);
    size_t start = cap;

    assert_true(levels % 2 == 1);
    assert_non_null(buf);
    for (size_t i = 0; i < levels; i++) {
        uint32_t id = i % 2 ? 3 : PG_QUERY__NODE__NODE_A_EXPR;
        uint8_t hdr[16];
        size_t h = 0;

        w_prefix(hdr, &h, (uint64_t)id << 3 | PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED);
        w_prefix(hdr, &h, cap - start);
        assert_true(start >= h);
        start -= h;
        memcpy(buf + start, hdr, h);
    }
    *len = cap - start;
    memmove(buf, buf + start, *len);
    return buf;
}

/* Messages from m down the Node.a_expr / A_Expr.lexpr chain. */
static size_t chain_length(const ProtobufCMessage *m)
{
    size_t n = 0;

    while (m) {
        n++;
        if (m->descriptor == &pg_query__node__descriptor) {
            const PgQuery__Node *node = (const PgQuery__Node *)(const void *)m;

            m = node->node_case == PG_QUERY__NODE__NODE_A_EXPR
                    ? (const ProtobufCMessage *)(const void *)node->a_expr
                    : NULL;
        } else {
            m = (const ProtobufCMessage *)(const void *)((const PgQuery__AExpr *)(const void *)m)
                    ->lexpr;
        }
    }
    return n;
}

/* Deep trees cost no C stack; past GATE_PB_MAX_DEPTH messages they fail. */
static void test_deep_nesting(void **state)
{
    size_t len;
    uint8_t *buf;
    struct gate_arena a = {0};
    ProtobufCAllocator al = allocator_on(&a);
    const ProtobufCMessage *m;

    (void)state;
    buf = nested_nodes(GATE_PB_MAX_DEPTH - 1, &len);
    m = gate_pb_decode(&pg_query__node__descriptor, &al, len, buf);
    assert_non_null(m);
    assert_int_equal(chain_length(m), GATE_PB_MAX_DEPTH);
    gate_arena_release(&a);
    free(buf);
    buf = nested_nodes(GATE_PB_MAX_DEPTH + 1, &len);
    assert_false(gate_decodes(&pg_query__node__descriptor, buf, len));
    free(buf);
    /* a depth libpg_query does produce, compared with protobuf-c */
    buf = nested_nodes(1001, &len);
    assert_true(both_decode("1,001 levels", &pg_query__node__descriptor, buf, len));
    free(buf);
}

/* gate_pb_next_field: each wire type, a nested message, and what it rejects. */
static void test_next_field(void **state)
{
    struct wbuf w = {{0}, 0};
    struct wbuf sub = {{0}, 0};
    struct gate_pb_field f;
    const uint8_t *p;
    const uint8_t *end;
    static const struct {
        uint8_t b[12];
        size_t n;
    } bad[] = {
        {{0x00, 0x01}, 2},      /* field number 0 */
        {{0x0b}, 1},            /* wire type 3 (a group) */
        {{0x0a, 0x05, 'a'}, 3}, /* length past the end */
        {{0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02}, 11}, /* > 64 bits */
        {{0x09, 1, 2, 3}, 4},                      /* 64-bit field cut short */
        {{0x80, 0x80, 0x80, 0x80, 0x10, 0x00}, 6}, /* field number 2^29 */
    };

    (void)state;
    w_uint(&sub, 1, 7);
    w_uint(&sub, 4, 300);
    w_uint(&w, 1, 150);
    w_sub(&w, 2, &sub);
    w_key(&w, 3, PROTOBUF_C_WIRE_TYPE_64BIT);
    w_fixed(&w, 1, 8);
    w_key(&w, MAX_FIELD_ID_FOR_TEST, PROTOBUF_C_WIRE_TYPE_32BIT);
    w_fixed(&w, 1, 4);
    w_len(&w, 5, "", 0);
    p = w.b;
    end = w.b + w.n;
    assert_true(gate_pb_next_field(&p, end, &f));
    assert_int_equal(f.id, 1);
    assert_int_equal(f.wire, 0);
    assert_int_equal(f.varint, 150);
    assert_null(f.data);
    assert_true(gate_pb_next_field(&p, end, &f));
    assert_int_equal(f.id, 2);
    assert_int_equal(f.wire, 2);
    assert_int_equal(f.len, sub.n);
    assert_memory_equal(f.data, sub.b, sub.n);
    {
        const uint8_t *q = f.data;
        const uint8_t *qend = f.data + f.len;
        struct gate_pb_field g;

        assert_true(gate_pb_next_field(&q, qend, &g));
        assert_int_equal(g.id, 1);
        assert_int_equal(g.varint, 7);
        assert_true(gate_pb_next_field(&q, qend, &g));
        assert_int_equal(g.id, 4);
        assert_int_equal(g.varint, 300);
        assert_ptr_equal(q, qend);
    }
    assert_true(gate_pb_next_field(&p, end, &f));
    assert_int_equal(f.id, 3);
    assert_int_equal(f.wire, 1);
    assert_int_equal(f.len, 8);
    assert_null(f.data);
    assert_true(gate_pb_next_field(&p, end, &f));
    assert_int_equal(f.id, MAX_FIELD_ID_FOR_TEST);
    assert_int_equal(f.wire, 5);
    assert_int_equal(f.len, 4);
    assert_true(gate_pb_next_field(&p, end, &f));
    assert_int_equal(f.id, 5);
    assert_int_equal(f.len, 0);
    assert_non_null(f.data); /* an empty payload is still there */
    assert_ptr_equal(p, end);
    assert_false(gate_pb_next_field(&p, end, &f)); /* nothing left */
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        p = bad[i].b;
        assert_false(gate_pb_next_field(&p, bad[i].b + bad[i].n, &f));
    }
}

static int teardown(void **state)
{
    (void)state;
    pg_query_exit();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_use_in_threads), /* first: the tables are not built yet */
        cmocka_unit_test(test_empty_messages),
        cmocka_unit_test(test_golden_sql),
        cmocka_unit_test(test_odd_sql),
        cmocka_unit_test(test_corpus),
        cmocka_unit_test(test_all_types_packed_by_protobuf_c),
        cmocka_unit_test(test_wire_cases),
        cmocka_unit_test(test_pg_query_oneof),
        cmocka_unit_test(test_truncations),
        cmocka_unit_test(test_mutations),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_next_field),
    };

    return cmocka_run_group_tests(tests, NULL, teardown);
}
