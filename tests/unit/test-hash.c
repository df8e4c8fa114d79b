/* test-hash: nr_sha256_hex against the FIPS 180-2 vectors, binary input
 * with NUL bytes, and a bound on what it writes (65 bytes, no more). */
#include <stdlib.h>
#include <string.h>

#include "lib/hash.h"
#include "lib/mem.h"
#include "testutil.h"

static void test_vectors(void **state)
{
	static const struct {
		const char *in;
		const char *hex;
	} t[] = {
		{ "",
		    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc",
		    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	};
	char out[65];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		nr_sha256_hex(t[i].in, strlen(t[i].in), out);
		assert_string_equal(out, t[i].hex);
	}
}

/* a million 'a's (FIPS 180-2 C.3): more than one EVP update's worth */
static void test_long(void **state)
{
	char *a = nr_malloc(1000000);
	char out[65];

	(void)state;
	memset(a, 'a', 1000000);
	nr_sha256_hex(a, 1000000, out);
	assert_string_equal(out,
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(a);
}

/* the length is taken as given: NUL bytes are data, not the end */
static void test_binary(void **state)
{
	unsigned char in[259] = { 'a', 0, 'b' };
	char out[65];

	(void)state;
	for (int i = 0; i < 256; i++)
		in[3 + i] = (unsigned char)i;
	nr_sha256_hex(in, sizeof(in), out);
	assert_string_equal(out,
	    "5c81b88bf211a94620035376d360f06da8709ecda7f1cef8cb2648b8ba33044b");
}

/* exactly 64 lower-case hex digits and a NUL: the byte after is untouched */
static void test_bounds(void **state)
{
	char out[66];

	(void)state;
	memset(out, 'X', sizeof(out));
	nr_sha256_hex("abc", 3, out);
	assert_int_equal(strlen(out), 64);
	assert_int_equal(strspn(out, "0123456789abcdef"), 64);
	assert_int_equal(out[65], 'X');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_long),
		cmocka_unit_test(test_binary),
		cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
