/* hash: SHA-256 through libcrypto's one-shot EVP_Digest. */
#include "lib/hash.h"

#include <openssl/evp.h>
#include <stdlib.h>

void nr_sha256_hex(const void *data, size_t len, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	/* fails only when libcrypto cannot allocate a context */
	if (!EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) || n != 32)
		abort();
	for (unsigned int i = 0; i < n; i++) {
		out[2 * (size_t)i] = hex[md[i] >> 4];
		out[2 * (size_t)i + 1] = hex[md[i] & 0xf];
	}
	out[64] = '\0';
}
