/* SPDX-License-Identifier: MIT */
/*
 * pbdecode.c - the protobuf wire format decoded into protobuf-c's structs
 * (pbdecode.h), driven by protobuf-c's message descriptors; the only file
 * that includes <protobuf-c/protobuf-c.h> itself.
 *
 * Why: protobuf_c_message_unpack() (protobuf-c 1.4.1) ends every message
 * with a loop over all the field descriptors of its type, to size repeated
 * arrays and to check required fields. libpg_query's Node is a oneof of
 * about 240 message fields and is unpacked once per node of a parse tree,
 * so that loop was most of the time spent unpacking.
 *
 * How: each message type gets a table (struct table), built once:
 *  - a dense field number -> field index array;
 *  - the image of a new message, as the generated message_init() leaves
 *    it (descriptor, proto3 strings at protobuf_c_empty_string, other
 *    defaults), copied into every message of the type;
 *  - the indices of its repeated fields and of its required fields;
 *  - for each message field, the table of the field's type.
 * A message with repeated fields is read twice, as protobuf-c does: the
 * first pass counts the elements of each repeated field, then the arrays
 * are allocated and the second pass fills them. Other messages (Node, and
 * most others) are read once.
 *
 * Semantics follow protobuf-c 1.4.1 (protobuf-c/protobuf-c.c):
 *  - a non-repeated scalar, string or bytes field given twice: the last
 *    one wins;
 *  - a non-repeated message field outside a oneof given twice: the two
 *    messages are merged as its merge_messages() merges them (merge_into);
 *  - a oneof member replaces whatever member was set before, the same
 *    member included (protobuf-c clears the old one first, so two
 *    occurrences of a message member are not merged);
 *  - repeated scalars are accepted packed and unpacked, whatever the
 *    descriptor says (packed bools are varints, as anywhere else);
 *  - unknown fields are kept in unknown_fields: tag, wire type and the
 *    value's bytes (with the length prefix of a length-delimited one).
 * The registry of tables is a list published with an atomic pointer:
 * lookups take no lock, builds are serialised by a mutex. The tables live
 * until the process ends.
 *
 * Messages still being read are frames on a stack of the decoder's own
 * (struct dec), not calls on the C stack, so a deep tree never runs a
 * thread out of stack.
 */
#include "gate/compat.h"
#include "gate/pbdecode.h"
#include "gate/xalloc.h"

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <protobuf-c/protobuf-c.h>

#define MAX_FIELD_ID    0x1fffffffu /* 2^29 - 1, the largest field number */
#define INITIAL_FRAMES  128         /* decoder stack frames on the C stack; more are malloc'd */
#define MERGE_MAX_DEPTH 1000        /* merge_into() recursion */

/* What the decoder needs to know about one message type. Immutable once published. */
struct table {
    const ProtobufCMessageDescriptor *desc;
    struct table *next; /* the registry list */
    struct table **sub; /* per field: the table of a message field's type, else NULL */
    uint32_t *by_id;    /* by_id[id]: field index + 1, 0: no such field; NULL: ids too sparse */
    uint32_t max_id;    /* the largest index into by_id */
    void *init;         /* desc->sizeof_message bytes: a new message */
    uint32_t *repeated; /* indices of the repeated fields */
    uint32_t n_repeated;
    uint32_t *required; /* indices of the required fields without a default */
    uint32_t *req_slot; /* per field: 1 + its position in required, else 0; NULL when none */
    uint32_t n_required;
};

/* ---- protobuf-c types ------------------------------------------------- */

static unsigned wire_of(ProtobufCType type)
{
    switch (type) {
    case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_FIXED32:
    case PROTOBUF_C_TYPE_FLOAT:
        return PROTOBUF_C_WIRE_TYPE_32BIT;
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_FIXED64:
    case PROTOBUF_C_TYPE_DOUBLE:
        return PROTOBUF_C_WIRE_TYPE_64BIT;
    case PROTOBUF_C_TYPE_STRING:
    case PROTOBUF_C_TYPE_BYTES:
    case PROTOBUF_C_TYPE_MESSAGE:
        return PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED;
    default:
        return PROTOBUF_C_WIRE_TYPE_VARINT;
    }
}

/* Bytes one value of type takes in the message or in a repeated array. */
static size_t elt_size(ProtobufCType type)
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

static bool packable(ProtobufCType type)
{
    return type != PROTOBUF_C_TYPE_STRING && type != PROTOBUF_C_TYPE_BYTES &&
           type != PROTOBUF_C_TYPE_MESSAGE;
}

/* Struct members by offset; memcpy keeps the compiler's aliasing rules out of it. */
static uint32_t get_u32(const char *p)
{
    uint32_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

static void put_u32(char *p, uint32_t v)
{
    memcpy(p, &v, sizeof(v));
}

static size_t get_size(const char *p)
{
    size_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

static void put_size(char *p, size_t v)
{
    memcpy(p, &v, sizeof(v));
}

static void *get_ptr(const char *p)
{
    void *v;

    memcpy(&v, p, sizeof(v));
    return v;
}

static void put_ptr(char *p, const void *v)
{
    memcpy(p, &v, sizeof(v));
}

static void put_bool(char *p, bool b)
{
    protobuf_c_boolean v = b;

    memcpy(p, &v, sizeof(v));
}

/* ---- wire format ------------------------------------------------------ */

/* A varint at *pp, at most 10 bytes and 64 bits; false when malformed. */
static inline bool get_varint(const uint8_t **pp, const uint8_t *end, uint64_t *out)
{
    const uint8_t *p = *pp;
    uint64_t v = 0;

    if (p < end && *p < 0x80) {
        *out = *p;
        *pp = p + 1;
        return true;
    }
    for (unsigned shift = 0; p < end; shift += 7) {
        uint8_t b = *p++;

        if (shift == 63 && b > 1)
            return false; /* an eleventh byte, or bits past 64 */
        v |= (uint64_t)(b & 0x7f) << shift;
        if (b < 0x80) {
            *out = v;
            *pp = p;
            return true;
        }
    }
    return false;
}

/* A field key at *pp: its field number (1 .. 2^29-1) and wire type. */
static inline bool get_key(const uint8_t **pp, const uint8_t *end, uint32_t *id, unsigned *wt)
{
    uint64_t key;

    if (!get_varint(pp, end, &key))
        return false;
    if (key >> 3 == 0 || key >> 3 > MAX_FIELD_ID)
        return false;
    *id = (uint32_t)(key >> 3);
    *wt = (unsigned)(key & 7);
    return true;
}

/* A length-delimited value at *pp: *val gets its first byte, *n its length. */
static inline bool get_bytes(const uint8_t **pp, const uint8_t *end, const uint8_t **val, size_t *n)
{
    uint64_t len;

    if (!get_varint(pp, end, &len) || len > (uint64_t)(end - *pp))
        return false;
    *val = *pp;
    *n = (size_t)len;
    *pp += len;
    return true;
}

/* Step over a value of wire type wt. */
static bool skip_value(unsigned wt, const uint8_t **pp, const uint8_t *end)
{
    uint64_t v;
    const uint8_t *val;
    size_t n;

    switch (wt) {
    case PROTOBUF_C_WIRE_TYPE_VARINT:
        return get_varint(pp, end, &v);
    case PROTOBUF_C_WIRE_TYPE_64BIT:
        if (end - *pp < 8)
            return false;
        *pp += 8;
        return true;
    case PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED:
        return get_bytes(pp, end, &val, &n);
    case PROTOBUF_C_WIRE_TYPE_32BIT:
        if (end - *pp < 4)
            return false;
        *pp += 4;
        return true;
    default:
        return false; /* groups (3, 4) and 6, 7: protobuf-c rejects them too */
    }
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
    return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/*
 * A scalar of type at *pp, in the wire type of its type, stored at dst.
 * Narrow types keep the low 32 bits, as protobuf-c does; sint types are
 * zigzag-decoded; float and double are copied as bits.
 */
static bool get_scalar(ProtobufCType type, const uint8_t **pp, const uint8_t *end, char *dst)
{
    uint64_t v;

    switch (wire_of(type)) {
    case PROTOBUF_C_WIRE_TYPE_32BIT:
        if (end - *pp < 4)
            return false;
        put_u32(dst, le32(*pp));
        *pp += 4;
        return true;
    case PROTOBUF_C_WIRE_TYPE_64BIT:
        if (end - *pp < 8)
            return false;
        v = le64(*pp);
        memcpy(dst, &v, sizeof(v));
        *pp += 8;
        return true;
    default:
        break;
    }
    if (!get_varint(pp, end, &v))
        return false;
    switch (type) {
    case PROTOBUF_C_TYPE_SINT32:
        put_u32(dst, ((uint32_t)v >> 1) ^ (0u - ((uint32_t)v & 1)));
        break;
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_UINT64:
        memcpy(dst, &v, sizeof(v));
        break;
    case PROTOBUF_C_TYPE_SINT64:
        v = (v >> 1) ^ (0u - (v & 1));
        memcpy(dst, &v, sizeof(v));
        break;
    case PROTOBUF_C_TYPE_BOOL:
        put_bool(dst, v != 0);
        break;
    default: /* int32, uint32, enum */
        put_u32(dst, (uint32_t)v);
        break;
    }
    return true;
}

/* Elements in the packed run [p, end) of type; false when malformed. */
static bool packed_count(ProtobufCType type, const uint8_t *p, const uint8_t *end, size_t *count)
{
    size_t len = (size_t)(end - p);
    size_t n = 0;
    uint64_t v;

    switch (wire_of(type)) {
    case PROTOBUF_C_WIRE_TYPE_32BIT:
        *count = len / 4;
        return len % 4 == 0;
    case PROTOBUF_C_WIRE_TYPE_64BIT:
        *count = len / 8;
        return len % 8 == 0;
    default:
        break;
    }
    while (p < end) {
        if (!get_varint(&p, end, &v))
            return false;
        n++;
    }
    *count = n;
    return true;
}

/* ---- tables ------------------------------------------------------------ */

static _Atomic(struct table *) registry;
static pthread_mutex_t registry_mu = PTHREAD_MUTEX_INITIALIZER;

static struct table *find_table(struct table *t, const ProtobufCMessageDescriptor *desc)
{
    for (; t; t = t->next) {
        if (t->desc == desc)
            return t;
    }
    return NULL;
}

/* The index of field number id in t's type, or -1. */
static inline int field_index(const struct table *t, uint32_t id)
{
    const ProtobufCFieldDescriptor *f;

    if (t->by_id)
        return id <= t->max_id ? (int)t->by_id[id] - 1 : -1;
    f = protobuf_c_message_descriptor_get_field(t->desc, id);
    return f ? (int)(f - t->desc->fields) : -1;
}

/* A descriptor the decoder can follow without checking it again. */
static bool usable(const ProtobufCMessageDescriptor *desc)
{
    if (!desc || desc->magic != PROTOBUF_C__MESSAGE_DESCRIPTOR_MAGIC ||
        desc->sizeof_message < sizeof(ProtobufCMessage) || desc->n_fields > INT_MAX ||
        (desc->n_fields && !desc->fields))
        return false;
    for (unsigned i = 0; i < desc->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &desc->fields[i];

        if ((unsigned)f->type > PROTOBUF_C_TYPE_MESSAGE ||
            (unsigned)f->label > PROTOBUF_C_LABEL_NONE)
            return false;
        if (f->id == 0 || f->id > MAX_FIELD_ID)
            return false;
        if (f->type == PROTOBUF_C_TYPE_MESSAGE && !f->descriptor)
            return false;
    }
    return true;
}

/* What protobuf-c's message_init_generic() does when a type has no message_init. */
static void init_generic(const ProtobufCMessageDescriptor *desc, char *m)
{
    memset(m, 0, desc->sizeof_message);
    ((ProtobufCMessage *)(void *)m)->descriptor = desc;
    for (unsigned i = 0; i < desc->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &desc->fields[i];

        if (!f->default_value || f->label == PROTOBUF_C_LABEL_REPEATED)
            continue;
        if (f->type == PROTOBUF_C_TYPE_STRING || f->type == PROTOBUF_C_TYPE_MESSAGE)
            put_ptr(m + f->offset, f->default_value);
        else
            memcpy(m + f->offset, f->default_value, elt_size(f->type));
    }
}

static struct table *new_table(const ProtobufCMessageDescriptor *desc)
{
    struct table *t = gate_xcalloc(1, sizeof(*t));
    unsigned nf = desc->n_fields;
    uint32_t max_id = 0;

    t->desc = desc;
    t->sub = gate_xcalloc(nf ? nf : 1, sizeof(*t->sub));
    for (unsigned i = 0; i < nf; i++) {
        const ProtobufCFieldDescriptor *f = &desc->fields[i];

        if (f->id > max_id)
            max_id = f->id;
        if (f->label == PROTOBUF_C_LABEL_REPEATED)
            t->n_repeated++;
        else if (f->label == PROTOBUF_C_LABEL_REQUIRED && !f->default_value)
            t->n_required++;
    }
    if ((uint64_t)max_id <= 4 * (uint64_t)nf + 64) {
        t->max_id = max_id;
        t->by_id = gate_xcalloc((size_t)max_id + 1, sizeof(*t->by_id));
        for (unsigned i = 0; i < nf; i++)
            t->by_id[desc->fields[i].id] = i + 1;
    }
    t->repeated = gate_xcalloc(t->n_repeated ? t->n_repeated : 1, sizeof(*t->repeated));
    t->required = gate_xcalloc(t->n_required ? t->n_required : 1, sizeof(*t->required));
    if (t->n_required)
        t->req_slot = gate_xcalloc(nf, sizeof(*t->req_slot));
    t->n_repeated = 0;
    t->n_required = 0;
    for (unsigned i = 0; i < nf; i++) {
        const ProtobufCFieldDescriptor *f = &desc->fields[i];

        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            t->repeated[t->n_repeated++] = i;
        } else if (f->label == PROTOBUF_C_LABEL_REQUIRED && !f->default_value) {
            t->required[t->n_required++] = i;
            t->req_slot[i] = t->n_required;
        }
    }
    t->init = gate_xcalloc(1, desc->sizeof_message);
    if (desc->message_init)
        desc->message_init(t->init);
    else
        init_generic(desc, t->init);
    return t;
}

static bool listed(const ProtobufCMessageDescriptor *const *list, size_t n,
                   const ProtobufCMessageDescriptor *desc)
{
    for (size_t i = 0; i < n; i++) {
        if (list[i] == desc)
            return true;
    }
    return false;
}

/*
 * Tables for root and every type reachable from it that head does not
 * have yet, linked in front of head; root's table comes first. NULL when a
 * descriptor is unusable (nothing is built then).
 */
static struct table *build_tables(const ProtobufCMessageDescriptor *root, struct table *head)
{
    const ProtobufCMessageDescriptor **todo = NULL;
    struct table **made;
    size_t n = 0;
    size_t cap = 0;

    GATE_GROW(todo, cap, 1);
    todo[n++] = root;
    for (size_t i = 0; i < n; i++) {
        const ProtobufCMessageDescriptor *desc = todo[i];

        if (!usable(desc)) {
            free(todo);
            return NULL;
        }
        for (unsigned j = 0; j < desc->n_fields; j++) {
            const ProtobufCMessageDescriptor *sd = desc->fields[j].descriptor;

            if (desc->fields[j].type != PROTOBUF_C_TYPE_MESSAGE || find_table(head, sd) ||
                listed(todo, n, sd))
                continue;
            GATE_GROW(todo, cap, n + 1);
            todo[n++] = sd;
        }
    }
    made = gate_xcalloc(n, sizeof(*made));
    for (size_t i = 0; i < n; i++)
        made[i] = new_table(todo[i]);
    for (size_t i = 0; i < n; i++) {
        const ProtobufCMessageDescriptor *desc = todo[i];

        for (unsigned j = 0; j < desc->n_fields; j++) {
            const ProtobufCMessageDescriptor *sd = desc->fields[j].descriptor;
            struct table *st;

            if (desc->fields[j].type != PROTOBUF_C_TYPE_MESSAGE)
                continue;
            st = find_table(head, sd);
            for (size_t k = 0; !st && k < n; k++) {
                if (todo[k] == sd)
                    st = made[k];
            }
            made[i]->sub[j] = st;
        }
        made[i]->next = i + 1 < n ? made[i + 1] : head;
    }
    head = made[0];
    free(made);
    free(todo);
    return head;
}

static const struct table *table_for(const ProtobufCMessageDescriptor *desc)
{
    struct table *t = find_table(atomic_load_explicit(&registry, memory_order_acquire), desc);
    struct table *head;

    if (t)
        return t;
    pthread_mutex_lock(&registry_mu);
    head = atomic_load_explicit(&registry, memory_order_relaxed);
    t = find_table(head, desc);
    if (!t) {
        t = build_tables(desc, head);
        if (t)
            atomic_store_explicit(&registry, t, memory_order_release);
    }
    pthread_mutex_unlock(&registry_mu);
    return t;
}

/* ---- decoding ---------------------------------------------------------- */

/*
 * A message being read. The decoder keeps these on a stack of its own, not
 * on the C stack: a deep tree costs heap, never the thread's stack.
 */
struct frame {
    const struct table *t;
    ProtobufCMessage *m;
    const uint8_t *p;      /* the next field */
    const uint8_t *end;    /* the end of m's bytes */
    ProtobufCMessage *old; /* merged into m once m is read (a field given twice), or NULL */
    uint64_t *seen;        /* a bit per required field seen; NULL when the type has none */
};

struct dec {
    ProtobufCAllocator *alloc;
    struct frame *stack; /* the caller's array until it is outgrown, then malloc'd */
    size_t top;          /* frames in use */
    size_t cap;
    bool heap; /* stack is malloc'd */
};

static void *dalloc(struct dec *d, size_t n)
{
    return d->alloc->alloc(d->alloc->allocator_data, n);
}

/* Repeated field f of earlier and latter: latter gets both arrays, earlier none. */
static bool merge_repeated(struct dec *d, const ProtobufCFieldDescriptor *f, char *e, char *l)
{
    size_t ne = get_size(e + f->quantifier_offset);
    size_t nl = get_size(l + f->quantifier_offset);
    size_t sz = elt_size(f->type);
    char *arr;

    if (!ne)
        return true;
    if (nl) {
        if (ne > SIZE_MAX / sz - nl)
            return false;
        arr = dalloc(d, (ne + nl) * sz);
        if (!arr)
            return false;
        memcpy(arr, get_ptr(e + f->offset), ne * sz);
        memcpy(arr + ne * sz, get_ptr(l + f->offset), nl * sz);
        put_ptr(l + f->offset, arr);
        put_size(l + f->quantifier_offset, ne + nl);
    } else {
        put_ptr(l + f->offset, get_ptr(e + f->offset));
        put_size(l + f->quantifier_offset, ne);
    }
    put_ptr(e + f->offset, NULL);
    put_size(e + f->quantifier_offset, 0);
    return true;
}

/*
 * Merge earlier into latter, both of t's type, as protobuf-c 1.4.1's
 * merge_messages() does: repeated fields are concatenated, message fields
 * merged, and a field latter lacks is taken from earlier. "Lacks" is
 * protobuf-c's test: a has_ flag or oneof case of 0, a string or bytes
 * still at its default, a NULL message. A proto3 scalar has neither flag
 * nor case, so latter's value always stays (protobuf-c's test there reads
 * the descriptor pointer, which is never 0). Merges nest at most
 * MERGE_MAX_DEPTH deep (pg_query's never go past a Node, whose members
 * are a oneof and are not merged).
 */
static bool merge_into(struct dec *d, const struct table *t, ProtobufCMessage *earlier,
                       ProtobufCMessage *latter, unsigned depth)
{
    const ProtobufCMessageDescriptor *desc = t->desc;
    char *e = (char *)earlier;
    char *l = (char *)latter;

    if (depth >= MERGE_MAX_DEPTH)
        return false;
    for (unsigned i = 0; i < desc->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &desc->fields[i];
        unsigned fi = i;
        unsigned q = f->quantifier_offset;
        bool take = false;
        char *ee;
        char *le;

        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            if (!merge_repeated(d, f, e, l))
                return false;
            continue;
        }
        if (f->label == PROTOBUF_C_LABEL_REQUIRED)
            continue;
        if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
            int k;

            /* with both cases 0, protobuf-c looks up field 0 and reads fields[-1] */
            if (get_u32(l + q) || !get_u32(e + q))
                continue;
            k = field_index(t, get_u32(e + q));
            if (k < 0)
                continue;
            fi = (unsigned)k;
            f = &desc->fields[fi];
        }
        ee = e + f->offset;
        le = l + f->offset;
        switch (f->type) {
        case PROTOBUF_C_TYPE_MESSAGE: {
            ProtobufCMessage *em = get_ptr(ee);
            ProtobufCMessage *lm = get_ptr(le);

            if (em && lm) {
                if (!merge_into(d, t->sub[fi], em, lm, depth + 1))
                    return false;
            } else if (em) {
                take = true;
            }
            break;
        }
        case PROTOBUF_C_TYPE_BYTES: {
            ProtobufCBinaryData eb;
            ProtobufCBinaryData lb;
            const ProtobufCBinaryData *def = f->default_value;

            memcpy(&eb, ee, sizeof(eb));
            memcpy(&lb, le, sizeof(lb));
            take = eb.data && (!def || eb.data != def->data) &&
                   (!lb.data || (def && lb.data == def->data));
            break;
        }
        case PROTOBUF_C_TYPE_STRING: {
            const char *es = get_ptr(ee);
            const char *ls = get_ptr(le);
            const char *def = f->default_value;

            take = es != def && ls == def;
            break;
        }
        default:
            take = q && get_u32(e + q) && !get_u32(l + q);
            break;
        }
        if (take) {
            size_t sz = elt_size(f->type);

            memcpy(le, ee, sz);
            memset(ee, 0, sz);
            if (q) {
                put_u32(l + q, get_u32(e + q));
                put_u32(e + q, 0);
            }
        }
    }
    return true;
}

/*
 * One value of field f (wire type wt, not a message) at *pp into member,
 * as protobuf-c's parse_required_member().
 */
static bool get_value(struct dec *d, const ProtobufCFieldDescriptor *f, unsigned wt,
                      const uint8_t **pp, const uint8_t *end, char *member)
{
    const uint8_t *val;
    size_t n;

    if (wt != wire_of(f->type))
        return false;
    if (f->type == PROTOBUF_C_TYPE_STRING) {
        char *s;

        if (!get_bytes(pp, end, &val, &n))
            return false;
        s = dalloc(d, n + 1);
        if (!s)
            return false;
        memcpy(s, val, n);
        s[n] = '\0';
        put_ptr(member, s);
        return true;
    }
    if (f->type == PROTOBUF_C_TYPE_BYTES) {
        ProtobufCBinaryData bd = {0, NULL};

        if (!get_bytes(pp, end, &val, &n))
            return false;
        if (n) {
            bd.data = dalloc(d, n);
            if (!bd.data)
                return false;
            memcpy(bd.data, val, n);
        }
        bd.len = n;
        memcpy(member, &bd, sizeof(bd));
        return true;
    }
    return get_scalar(f->type, pp, end, member);
}

/* One occurrence of repeated field f (not a message), packed or not, appended to its array. */
static bool get_repeated(struct dec *d, const ProtobufCFieldDescriptor *f, unsigned wt,
                         const uint8_t **pp, const uint8_t *end, char *base)
{
    size_t n = get_size(base + f->quantifier_offset);
    char *arr = get_ptr(base + f->offset);
    size_t sz = elt_size(f->type);
    const uint8_t *val;
    size_t len;
    size_t count;

    if (wt != PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED || !packable(f->type)) {
        if (!arr || !get_value(d, f, wt, pp, end, arr + n * sz))
            return false;
        put_size(base + f->quantifier_offset, n + 1);
        return true;
    }
    /* size_arrays() counted this run with the same function: count fits */
    if (!get_bytes(pp, end, &val, &len) || !packed_count(f->type, val, val + len, &count))
        return false;
    if (!count)
        return true;
    if (!arr)
        return false;
    for (size_t i = 0; i < count; i++) {
        if (!get_scalar(f->type, &val, *pp, arr + (n + i) * sz))
            return false;
    }
    put_size(base + f->quantifier_offset, n + count);
    return true;
}

/*
 * The first pass over a message with repeated fields: count each one's
 * elements, allocate the arrays and leave their counts at 0 for the
 * second pass to fill. Checks the framing of every field on the way.
 */
static bool size_arrays(struct dec *d, const struct table *t, char *base, const uint8_t *p,
                        const uint8_t *end)
{
    const ProtobufCFieldDescriptor *fields = t->desc->fields;

    while (p < end) {
        const ProtobufCFieldDescriptor *f;
        const uint8_t *val;
        uint32_t id;
        unsigned wt;
        size_t len;
        size_t count = 1;
        int fi;

        if (!get_key(&p, end, &id, &wt))
            return false;
        fi = field_index(t, id);
        if (fi < 0 || fields[fi].label != PROTOBUF_C_LABEL_REPEATED) {
            if (!skip_value(wt, &p, end))
                return false;
            continue;
        }
        f = &fields[fi];
        if (wt == PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED && packable(f->type)) {
            if (!get_bytes(&p, end, &val, &len) || !packed_count(f->type, val, val + len, &count))
                return false;
        } else if (wt != wire_of(f->type) || !skip_value(wt, &p, end)) {
            return false;
        }
        put_size(base + f->quantifier_offset, get_size(base + f->quantifier_offset) + count);
    }
    for (uint32_t k = 0; k < t->n_repeated; k++) {
        const ProtobufCFieldDescriptor *f = &fields[t->repeated[k]];
        size_t n = get_size(base + f->quantifier_offset);
        size_t sz = elt_size(f->type);
        void *arr;

        if (!n)
            continue;
        if (n > SIZE_MAX / sz)
            return false;
        arr = dalloc(d, n * sz);
        if (!arr)
            return false;
        put_ptr(base + f->offset, arr);
        put_size(base + f->quantifier_offset, 0);
    }
    return true;
}

/* A field m's type does not know: kept as protobuf-c keeps it. */
static bool keep_unknown(struct dec *d, ProtobufCMessage *m, uint32_t id, unsigned wt,
                         const uint8_t **pp, const uint8_t *end)
{
    const uint8_t *start = *pp;
    unsigned n = m->n_unknown_fields;
    ProtobufCMessageUnknownField *uf;
    size_t len;

    if (!skip_value(wt, pp, end) || n == UINT_MAX)
        return false;
    len = (size_t)(*pp - start);
    /* the capacity follows from n: 4, then powers of two */
    if (n == 0 || (n >= 4 && !(n & (n - 1)))) {
        size_t cap = n ? (size_t)n * 2 : 4;
        ProtobufCMessageUnknownField *arr = dalloc(d, cap * sizeof(*arr));

        if (!arr)
            return false;
        if (n)
            memcpy(arr, m->unknown_fields, n * sizeof(*arr));
        m->unknown_fields = arr;
    }
    uf = &m->unknown_fields[n];
    uf->tag = id;
    uf->wire_type = (ProtobufCWireType)wt;
    uf->len = len;
    uf->data = dalloc(d, len);
    if (!uf->data)
        return false;
    memcpy(uf->data, start, len);
    m->n_unknown_fields = n + 1;
    return true;
}

/*
 * A new message of t's type for the bytes [p, end), its repeated arrays
 * allocated, pushed on the stack to be read. old: see struct frame.
 */
static ProtobufCMessage *open_message(struct dec *d, const struct table *t, const uint8_t *p,
                                      const uint8_t *end, ProtobufCMessage *old)
{
    size_t size = t->desc->sizeof_message;
    struct frame *fr;
    ProtobufCMessage *m;
    uint64_t *seen = NULL;

    if (d->top >= GATE_PB_MAX_DEPTH)
        return NULL;
    if (d->top == d->cap) {
        struct frame *st = gate_xmalloc(2 * d->cap * sizeof(*st));

        memcpy(st, d->stack, d->top * sizeof(*st));
        if (d->heap)
            free(d->stack);
        d->stack = st;
        d->cap *= 2;
        d->heap = true;
    }
    m = dalloc(d, size);
    if (!m)
        return NULL;
    memcpy(m, t->init, size);
    if (t->n_repeated && !size_arrays(d, t, (char *)m, p, end))
        return NULL;
    if (t->n_required) {
        size_t bytes = (t->n_required + 63) / 64 * sizeof(*seen);

        seen = dalloc(d, bytes);
        if (!seen)
            return NULL;
        memset(seen, 0, bytes);
    }
    fr = &d->stack[d->top++];
    fr->t = t;
    fr->m = m;
    fr->p = p;
    fr->end = end;
    fr->old = old;
    fr->seen = seen;
    return m;
}

/* The top message is read: check its required fields, merge what it replaces. */
static bool close_message(struct dec *d, const struct frame *fr)
{
    for (uint32_t s = 0; s < fr->t->n_required; s++) {
        if (!(fr->seen[s / 64] & (uint64_t)1 << (s % 64)))
            return false;
    }
    return !fr->old || merge_into(d, fr->t, fr->old, fr->m, 0);
}

/* Field f of fr's message was read: its has_ flag, or its required bit. */
static void mark_present(const struct frame *fr, int fi, const ProtobufCFieldDescriptor *f)
{
    if (f->label != PROTOBUF_C_LABEL_REQUIRED) {
        if (f->quantifier_offset)
            put_bool((char *)fr->m + f->quantifier_offset, true);
    } else if (fr->t->req_slot && fr->t->req_slot[fi] && fr->seen) {
        uint32_t s = fr->t->req_slot[fi] - 1;

        fr->seen[s / 64] |= (uint64_t)1 << (s % 64);
    }
}

/* Before a oneof member is set: clear the member set before it, as protobuf-c does. */
static void clear_oneof(const struct table *t, char *base, const ProtobufCFieldDescriptor *f)
{
    uint32_t old = get_u32(base + f->quantifier_offset);
    int k;

    if (!old)
        return;
    k = field_index(t, old);
    if (k >= 0)
        memset(base + f->offset, 0, elt_size(t->desc->fields[k].type));
}

/*
 * A message field of fr's message: the new message is stored in its place
 * and pushed. fr is not valid afterwards (the stack may move).
 */
static bool step_message(struct dec *d, struct frame *fr, int fi, unsigned wt)
{
    const struct table *t = fr->t;
    const struct table *sub = t->sub[fi];
    const ProtobufCFieldDescriptor *f = &t->desc->fields[fi];
    char *base = (char *)fr->m;
    ProtobufCMessage *old;
    ProtobufCMessage *m;
    const uint8_t *val;
    size_t n;

    if (wt != PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED || !get_bytes(&fr->p, fr->end, &val, &n))
        return false;
    if (f->label == PROTOBUF_C_LABEL_REPEATED) {
        size_t k = get_size(base + f->quantifier_offset);
        char *arr = get_ptr(base + f->offset);

        /* size_arrays() counted this occurrence: arr has room for it */
        if (!arr)
            return false;
        m = open_message(d, sub, val, val + n, NULL);
        if (!m)
            return false;
        put_ptr(arr + k * sizeof(m), m);
        put_size(base + f->quantifier_offset, k + 1);
        return true;
    }
    if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
        clear_oneof(t, base, f);
        m = open_message(d, sub, val, val + n, NULL);
        if (!m)
            return false;
        put_ptr(base + f->offset, m);
        put_u32(base + f->quantifier_offset, f->id);
        return true;
    }
    mark_present(fr, fi, f);
    old = get_ptr(base + f->offset);
    if ((const void *)old == f->default_value)
        old = NULL;
    m = open_message(d, sub, val, val + n, old);
    if (!m)
        return false;
    put_ptr(base + f->offset, m);
    return true;
}

/* Read the next field of fr's message. fr is not valid afterwards. */
static bool step(struct dec *d, struct frame *fr)
{
    const struct table *t = fr->t;
    char *base = (char *)fr->m;
    const ProtobufCFieldDescriptor *f;
    uint32_t id;
    unsigned wt;
    int fi;

    if (!get_key(&fr->p, fr->end, &id, &wt))
        return false;
    fi = field_index(t, id);
    if (fi < 0)
        return keep_unknown(d, fr->m, id, wt, &fr->p, fr->end);
    f = &t->desc->fields[fi];
    if (f->type == PROTOBUF_C_TYPE_MESSAGE)
        return step_message(d, fr, fi, wt);
    if (f->label == PROTOBUF_C_LABEL_REPEATED)
        return get_repeated(d, f, wt, &fr->p, fr->end, base);
    if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
        clear_oneof(t, base, f);
        if (!get_value(d, f, wt, &fr->p, fr->end, base + f->offset))
            return false;
        put_u32(base + f->quantifier_offset, f->id);
        return true;
    }
    if (!get_value(d, f, wt, &fr->p, fr->end, base + f->offset))
        return false;
    mark_present(fr, fi, f);
    return true;
}

static ProtobufCMessage *decode(struct dec *d, const struct table *t, const uint8_t *p,
                                const uint8_t *end)
{
    ProtobufCMessage *root = open_message(d, t, p, end, NULL);

    if (!root)
        return NULL;
    while (d->top) {
        struct frame *fr = &d->stack[d->top - 1];

        if (fr->p < fr->end) {
            if (!step(d, fr))
                return NULL;
        } else {
            if (!close_message(d, fr))
                return NULL;
            d->top--;
        }
    }
    return root;
}

ProtobufCMessage *gate_pb_decode(const ProtobufCMessageDescriptor *desc, ProtobufCAllocator *alloc,
                                 size_t len, const uint8_t *data)
{
    static const uint8_t empty[1];
    struct frame frames[INITIAL_FRAMES];
    struct dec d = {alloc, frames, 0, INITIAL_FRAMES, false};
    const struct table *t;
    ProtobufCMessage *m;

    if (!desc || !alloc || !alloc->alloc || (!data && len))
        return NULL;
    if (!data)
        data = empty;
    t = table_for(desc);
    if (!t)
        return NULL;
    m = decode(&d, t, data, data + len);
    if (d.heap)
        free(d.stack);
    return m;
}

bool gate_pb_next_field(const uint8_t **pp, const uint8_t *end, struct gate_pb_field *f)
{
    const uint8_t *start;

    memset(f, 0, sizeof(*f));
    if (!get_key(pp, end, &f->id, &f->wire))
        return false;
    switch (f->wire) {
    case PROTOBUF_C_WIRE_TYPE_VARINT:
        return get_varint(pp, end, &f->varint);
    case PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED:
        return get_bytes(pp, end, &f->data, &f->len);
    default:
        start = *pp;
        if (!skip_value(f->wire, pp, end))
            return false;
        f->len = (size_t)(*pp - start);
        return true;
    }
}
