/*
 * parse-floor.c - the "floor" for bench/run.sh.
 *
 * Reads each SQL file named on the command line (or, with no arguments,
 * each path listed one per line on standard input), parses it with
 * libpg_query's pg_query_parse_protobuf, frees the result and counts
 * statements and parse failures.  It does nothing else: no linting, no
 * output besides a one-line summary on standard error.  Whatever
 * prisma-gate spends beyond this program is the linter's own cost.
 *
 * Build: cc -std=c11 -O2 -o parse-floor parse-floor.c \
 *            -l:libpg_query.a -lprotobuf-c
 *
 * Exit status: 0 all files parsed, 1 some file failed to parse,
 * 2 usage or I/O error.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pg_query.h>

struct counts {
    unsigned long files;
    unsigned long statements;
    unsigned long failures;
    unsigned long io_errors;
};

static char *buf;
static size_t buf_cap;

/* Read a whole file into the shared buffer, NUL-terminated. */
static int read_file(const char *path, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    size_t len = 0;

    if (f == NULL) {
        fprintf(stderr, "parse-floor: %s: %s\n", path, strerror(errno));
        return -1;
    }
    for (;;) {
        size_t n;

        if (buf_cap - len < 4096 + 1) {
            size_t cap = buf_cap ? buf_cap * 2 : 65536;
            char *nb = realloc(buf, cap);

            if (nb == NULL) {
                fprintf(stderr, "parse-floor: out of memory\n");
                fclose(f);
                return -1;
            }
            buf = nb;
            buf_cap = cap;
        }
        n = fread(buf + len, 1, buf_cap - len - 1, f);
        len += n;
        if (n == 0) {
            break;
        }
    }
    if (ferror(f)) {
        fprintf(stderr, "parse-floor: %s: read error\n", path);
        fclose(f);
        return -1;
    }
    fclose(f);
    buf[len] = '\0';
    *len_out = len;
    return 0;
}

/* Read one base-128 varint; returns 0 on success. */
static int read_varint(const uint8_t **p, const uint8_t *end, uint64_t *out)
{
    uint64_t v = 0;
    int shift = 0;

    while (*p < end && shift < 64) {
        uint8_t b = **p;

        (*p)++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
            *out = v;
            return 0;
        }
        shift += 7;
    }
    return -1;
}

/*
 * Count the top-level "stmts" entries (field 2, length-delimited) of a
 * pg_query.ParseResult message by walking its wire format, without
 * unpacking the tree.  Cost is proportional to the number of statements.
 */
static unsigned long count_stmts(const PgQueryProtobuf *pb)
{
    const uint8_t *p = (const uint8_t *)pb->data;
    const uint8_t *end = p + pb->len;
    unsigned long n = 0;

    while (p < end) {
        uint64_t key;
        uint64_t v;

        if (read_varint(&p, end, &key) != 0) {
            break;
        }
        switch (key & 7) {
        case 0:
            if (read_varint(&p, end, &v) != 0) {
                return n;
            }
            break;
        case 1:
            p += 8;
            break;
        case 2:
            if (read_varint(&p, end, &v) != 0 || v > (uint64_t)(end - p)) {
                return n;
            }
            p += v;
            if ((key >> 3) == 2) {
                n++;
            }
            break;
        case 5:
            p += 4;
            break;
        default:
            return n;
        }
    }
    return n;
}

static void parse_one(const char *path, struct counts *c)
{
    size_t len;
    PgQueryProtobufParseResult r;

    c->files++;
    if (read_file(path, &len) != 0) {
        c->io_errors++;
        return;
    }
    r = pg_query_parse_protobuf(buf);
    if (r.error != NULL) {
        c->failures++;
    } else {
        c->statements += count_stmts(&r.parse_tree);
    }
    pg_query_free_protobuf_parse_result(r);
}

int main(int argc, char **argv)
{
    struct counts c = {0, 0, 0, 0};
    int i;

    if (argc > 1 && (strcmp(argv[1], "-h") == 0
                     || strcmp(argv[1], "--help") == 0)) {
        fprintf(stderr, "usage: parse-floor [FILE...]\n"
                        "       (no FILE: read paths, one per line, "
                        "from standard input)\n");
        return 2;
    }

    if (argc > 1) {
        for (i = 1; i < argc; i++) {
            parse_one(argv[i], &c);
        }
    } else {
        char *line = NULL;
        size_t cap = 0;
        ssize_t n;

        while ((n = getline(&line, &cap, stdin)) != -1) {
            while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) {
                line[--n] = '\0';
            }
            if (n > 0) {
                parse_one(line, &c);
            }
        }
        free(line);
    }

    free(buf);
    pg_query_exit();

    fprintf(stderr, "parse-floor: %lu files, %lu statements, "
                    "%lu parse failures, %lu read errors\n",
            c.files, c.statements, c.failures, c.io_errors);
    if (c.io_errors > 0 || c.files == 0) {
        return 2;
    }
    return c.failures > 0 ? 1 : 0;
}
