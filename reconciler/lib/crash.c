/* crash: test-only kill points (see crash.h). */
#include "lib/crash.h"

#ifdef NETREC_TEST_HOOKS
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void nr_crashpoint(const char *point)
{
	const char *at = getenv("NETREC_CRASH_AT");

	if (at && strcmp(at, point) == 0)
		kill(getpid(), SIGKILL);
}
#endif
