/* hash: SHA-256 as lower-case hex, for digests netrec prints or stores. */
#ifndef NR_HASH_H
#define NR_HASH_H

#include <stddef.h>

/* Writes the SHA-256 of `len` bytes at `data` to `out` as 64 lower-case
 * hex digits and a NUL. Owns nothing; cannot fail (aborts if libcrypto
 * cannot digest, as on allocation failure). */
void nr_sha256_hex(const void *data, size_t len, char out[65]);

#endif
