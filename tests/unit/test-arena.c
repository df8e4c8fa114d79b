/* test-arena: aligned allocations, objects larger than a chunk, a reset
 * to a mark giving back exactly what came after it, zeroed (the memory
 * is handed out again; what came before stays intact), a reset to an
 * empty arena keeping one chunk for the next use, small first chunks. */
#include <stdalign.h>
#include <stdint.h>
#include <string.h>

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/asan_interface.h>
#endif

#include "lib/arena.h"
#include "testutil.h"

static void test_aligned_and_large(void **state)
{
	struct nr_arena a = NR_ARENA_INIT;
	char *big;

	(void)state;
	for (size_t n = 1; n < 300; n++) {
		char *p = nr_arena_alloc(&a, n);

		assert_int_equal((uintptr_t)p % alignof(max_align_t), 0);
		memset(p, 0xab, n);
	}
	big = nr_arena_alloc(&a, 1024 * 1024); /* larger than a chunk */
	memset(big, 1, 1024 * 1024);
	assert_int_equal((uintptr_t)big % alignof(max_align_t), 0);
	nr_arena_release(&a);
	assert_null(a.head);
}

static void test_reset_to_mark(void **state)
{
	struct nr_arena a = NR_ARENA_INIT;
	char *keep, *first, *again;
	struct nr_arena_mark m;

	(void)state;
	keep = nr_arena_alloc(&a, 16);
	strcpy(keep, "kept");
	m = nr_arena_mark(&a);
	first = nr_arena_alloc(&a, 100);
	for (int i = 0; i < 100; i++) /* over several chunks */
		memset(nr_arena_alloc(&a, 4000), i, 4000);
	memset(first, 'S', 100); /* a secret */
	nr_arena_reset(&a, m);
	/* what was given back is zeroed (it may have held a secret) */
#ifdef __SANITIZE_ADDRESS__
	ASAN_UNPOISON_MEMORY_REGION(first, 100);
#endif
	for (int i = 0; i < 100; i++)
		assert_int_equal(first[i], 0);
	again = nr_arena_alloc(&a, 100);
	assert_ptr_equal(first, again);
	assert_string_equal(keep, "kept");
	nr_arena_release(&a);
}

/* A reset to a mark made on an empty arena keeps one chunk for the next
 * use, poisoned for AddressSanitizer until it is handed out again. */
static void test_reset_to_empty_reuses(void **state)
{
	struct nr_arena a = NR_ARENA_INIT;
	struct nr_arena_mark m = nr_arena_mark(&a);
	char *first, *again;

	(void)state;
	for (int round = 0; round < 3; round++) {
		first = nr_arena_alloc(&a, 100);
		for (int i = 0; i < 100; i++) /* over several chunks */
			memset(nr_arena_alloc(&a, 4000), i, 4000);
		nr_arena_reset(&a, m);
		assert_non_null(a.head);
#ifdef __SANITIZE_ADDRESS__
		assert_true(__asan_address_is_poisoned(first));
#endif
		again = nr_arena_alloc(&a, 100);
		assert_ptr_equal(first, again);
		memset(again, 1, 100);
		nr_arena_reset(&a, m);
	}
	nr_arena_release(&a);
	assert_null(a.head);
}

/* A small first chunk, doubling: many objects, each intact after. */
static void test_small_first_chunk(void **state)
{
	struct nr_arena a = NR_ARENA_INIT;
	char *v[1000];

	(void)state;
	a.first = 64;
	for (int i = 0; i < 1000; i++) {
		v[i] = nr_arena_alloc(&a, 40);
		assert_int_equal((uintptr_t)v[i] % alignof(max_align_t), 0);
		memset(v[i], i & 0xff, 40);
	}
	for (int i = 0; i < 1000; i++)
		assert_int_equal((unsigned char)v[i][39], i & 0xff);
	nr_arena_release(&a);
	assert_null(a.head);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aligned_and_large),
		cmocka_unit_test(test_reset_to_mark),
		cmocka_unit_test(test_reset_to_empty_reuses),
		cmocka_unit_test(test_small_first_chunk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
