/* SPDX-License-Identifier: MIT */
/*
 * test_hmap.c - the string-keyed hash map (hmap.h): insert, find, counts,
 * growth past many keys, keys with embedded bytes, keys kept in a
 * caller's arena, release.
 */
#include "gate/compat.h"
#include "gate/hmap.h"
#include "gate/arena.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static void test_empty(void **state)
{
    struct gate_hmap h = {0};

    (void)state;
    assert_null(gate_hmap_finds(&h, "a"));
    gate_hmap_release(&h);
    assert_null(gate_hmap_finds(&h, ""));
}

static void test_insert_find(void **state)
{
    struct gate_hmap h = {0};
    int a = 1, b = 2;
    bool created = false;
    struct gate_hmap_entry *e;

    (void)state;
    e = gate_hmap_upserts(&h, "users", &created);
    assert_true(created);
    assert_null(e->ptr);
    assert_int_equal(e->num, 0);
    e->ptr = &a;
    e = gate_hmap_upserts(&h, "posts", &created);
    assert_true(created);
    e->ptr = &b;
    e = gate_hmap_upserts(&h, "users", &created);
    assert_false(created);
    assert_ptr_equal(e->ptr, &a);
    assert_ptr_equal(gate_hmap_finds(&h, "posts")->ptr, &b);
    assert_null(gate_hmap_finds(&h, "Users"));
    assert_null(gate_hmap_finds(&h, "user"));
    assert_int_equal(h.len, 2);
    gate_hmap_release(&h);
}

static void test_binary_keys(void **state)
{
    struct gate_hmap h = {0};
    bool created;

    (void)state;
    gate_hmap_upsert(&h, "a\0b", 3, &created)->num = 7;
    assert_true(created);
    gate_hmap_upsert(&h, "a\0c", 3, &created)->num = 8;
    assert_true(created);
    assert_int_equal(gate_hmap_find(&h, "a\0b", 3)->num, 7);
    assert_int_equal(gate_hmap_find(&h, "a\0c", 3)->num, 8);
    assert_null(gate_hmap_find(&h, "a", 1));
    gate_hmap_upsert(&h, "", 0, &created);
    assert_true(created);
    assert_non_null(gate_hmap_finds(&h, ""));
    gate_hmap_release(&h);
}

static void test_many(void **state)
{
    struct gate_hmap h = {0};
    char key[32];

    (void)state;
    for (size_t i = 0; i < 100000; i++) {
        snprintf(key, sizeof key, "t%zu", i);
        gate_hmap_upserts(&h, key, NULL)->num = i;
    }
    for (size_t i = 0; i < 100000; i++) {
        snprintf(key, sizeof key, "t%zu", i);
        gate_hmap_upserts(&h, key, NULL)->num++;
    }
    assert_int_equal(h.len, 100000);
    for (size_t i = 0; i < 100000; i += 997) {
        snprintf(key, sizeof key, "t%zu", i);
        assert_int_equal(gate_hmap_finds(&h, key)->num, i + 1);
    }
    assert_null(gate_hmap_finds(&h, "t100000"));
    gate_hmap_release(&h);
}

/* keys copied into the caller's arena: found after growth, not freed by release */
static void test_arena_keys(void **state)
{
    struct gate_arena a = {0};
    struct gate_hmap h = {.keys = &a};
    struct gate_hmap_entry *e;
    char key[32];

    (void)state;
    for (size_t i = 0; i < 1000; i++) {
        snprintf(key, sizeof key, "public%ct%zu", '\0', i);
        gate_hmap_upsert(&h, key, strlen(key) + 1 + strlen(key + strlen(key) + 1), NULL)->num = i;
    }
    assert_int_equal(h.len, 1000);
    snprintf(key, sizeof key, "public%ct%d", '\0', 777);
    e = gate_hmap_find(&h, key, 6 + 1 + 4);
    assert_non_null(e);
    assert_int_equal(e->num, 777);
    assert_true(a.total > 0); /* the copies are in the arena */
    gate_hmap_release(&h);
    assert_ptr_equal(h.keys, &a); /* still set: the map can be refilled */
    gate_arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),       cmocka_unit_test(test_insert_find),
        cmocka_unit_test(test_binary_keys), cmocka_unit_test(test_many),
        cmocka_unit_test(test_arena_keys),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
