/* err: filling error records. */
#include "lib/err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void vset(struct nr_err *err, int code, const char *fmt, va_list ap)
{
	if (err->code)
		return;
	err->code = code;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

int nr_err_set(struct nr_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(err, code, fmt, ap);
	va_end(ap);
	return code;
}

int nr_err_sys(struct nr_err *err, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	size_t len;

	if (err->code)
		return err->code;
	va_start(ap, fmt);
	vset(err, NR_EIO, fmt, ap);
	va_end(ap);
	err->sys_errno = saved;
	len = strlen(err->msg);
	snprintf(
	    err->msg + len, sizeof(err->msg) - len, ": %s", strerror(saved));
	return NR_EIO;
}

void nr_err_clear(struct nr_err *err)
{
	err->code = 0;
	err->sys_errno = 0;
	err->msg[0] = '\0';
}
