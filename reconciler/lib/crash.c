/* crash: test-only kill points (see crash.h). */
#include "lib/crash.h"

#ifdef NETREC_TEST_HOOKS
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void nr_crashpoint(const char *point)
{
	static long hits;
	const char *at = getenv("NETREC_CRASH_AT");
	size_t len = strlen(point);
	long want = 1;

	if (!at || strncmp(at, point, len) != 0)
		return;
	if (at[len] == '@')
		want = strtol(at + len + 1, NULL, 10);
	else if (at[len] != '\0')
		return;
	if (++hits == want)
		kill(getpid(), SIGKILL);
}
#endif
