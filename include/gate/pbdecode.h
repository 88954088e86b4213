/* SPDX-License-Identifier: MIT */
/*
 * pbdecode.h - protobuf wire format to protobuf-c structs, driven by
 * protobuf-c's message descriptors.
 *
 * gate_pb_decode() builds the same structs protobuf_c_message_unpack()
 * (protobuf-c 1.4.1) builds from the same bytes: same layout, same field
 * values and defaults (proto3 strings point at protobuf_c_empty_string),
 * repeated arrays, has_ flags, oneof cases and unknown fields. Code that
 * reads the result cannot tell the two apart. What it does not do is visit
 * every field of a message type once per message: a message costs the
 * fields it carries, not the fields its type declares (pg_query's Node
 * declares about 240 and carries one).
 *
 * The per-type tables are built on the first call for a root type, for
 * every type reachable from it, and shared by all threads afterwards:
 * calls may run concurrently.
 *
 * gate_pb_next_field() reads the same wire format one field at a time.
 *
 * The header names protobuf-c's types only as incomplete structs: callers
 * include <protobuf-c/protobuf-c.h> (or generated *.pb-c.h) themselves.
 */
#ifndef GATE_PBDECODE_H
#define GATE_PBDECODE_H

#include "gate/compat.h"

struct ProtobufCAllocator;
struct ProtobufCMessage;
struct ProtobufCMessageDescriptor;

/*
 * Nesting limit, in messages open at once (the root counts). The decoder
 * keeps its own stack (48 bytes a level: on the C stack up to 128 levels,
 * then malloc'd and freed before it returns), so depth never costs the
 * thread's stack. libpg_query crashes long before its trees get this deep
 * (at about 9,000 levels on an 8 MiB stack).
 */
#define GATE_PB_MAX_DEPTH 100000

/*
 * Decode len bytes at data (need not be NUL-terminated; NULL when len is 0)
 * as a message of type desc. Every byte of the result (messages, arrays,
 * string copies, bytes, unknown fields) comes from alloc->alloc; nothing is
 * ever handed to alloc->free, so alloc is meant to be an arena that frees
 * everything at once. Unknown fields are kept as protobuf-c keeps them
 * (libpg_query's own trees have none).
 *
 * Returns the message, or NULL when the input is malformed: a varint of
 * more than 64 bits, a length past the end of its message, a wire type
 * that is not 0, 1, 2 or 5, a known field with the wrong wire type, a field
 * number of 0 or above 2^29-1, a missing required field, nesting deeper
 * than GATE_PB_MAX_DEPTH, more than 1,000 nested merges (a message field
 * given twice is merged into the first); or when desc or alloc is NULL or
 * alloc->alloc returned NULL. The input is untrusted: any bytes give NULL
 * or a valid message. On NULL, whatever was allocated so far stays in the
 * arena. Aborts only when malloc fails (gate_xmalloc), for the decoder's
 * tables or a stack deeper than 128 levels.
 *
 * Where protobuf-c 1.4.1 accepts malformed input, this is stricter: a bool
 * field with a non-varint wire type, field numbers 0 and above 2^29-1, and
 * a tenth varint byte above 1 are errors here.
 */
struct ProtobufCMessage *gate_pb_decode(const struct ProtobufCMessageDescriptor *desc,
                                        struct ProtobufCAllocator *alloc, size_t len,
                                        const uint8_t *data);

/*
 * The wire format read field by field, for callers that want a few fields
 * of a message without unpacking it (the scanner's tokens, the statement
 * count of a parse tree).
 */
struct gate_pb_field {
    uint32_t id;         /* field number, 1 .. 2^29-1 */
    unsigned wire;       /* wire type: 0 varint, 1 64-bit, 2 length-delimited, 5 32-bit */
    uint64_t varint;     /* wire type 0: the value; otherwise 0 */
    const uint8_t *data; /* wire type 2: the payload (a nested message); otherwise NULL */
    size_t len;          /* bytes of the value after the key (wire type 2: of the payload) */
};

/*
 * Read the field at *pp (before end) into *f and move *pp past it. Returns
 * false when the bytes are not a well-formed field, by the rules
 * gate_pb_decode applies (a varint of more than 64 bits, a length past
 * end, a field number of 0 or above 2^29-1, a wire type that is not 0, 1,
 * 2 or 5); *pp is then somewhere inside the field.
 */
bool gate_pb_next_field(const uint8_t **pp, const uint8_t *end, struct gate_pb_field *f);

#endif
