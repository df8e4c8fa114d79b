/* asan: memory a pool keeps for reuse is poisoned for AddressSanitizer
 * while nobody may use it, so a use after it was given back is caught as
 * a use after free would be; nothing in other builds. */
#ifndef NR_ASAN_H
#define NR_ASAN_H

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/asan_interface.h>
#define NR_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define NR_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define NR_POISON(p, n) ((void)(p), (void)(n))
#define NR_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#endif
