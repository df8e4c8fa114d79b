/* ref: parsing {{ scheme:rest }} secret references. */
#include "secret/ref.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const schemes[] = {
	[NR_SECRET_OP] = "op",
	[NR_SECRET_PASS] = "pass",
	[NR_SECRET_ENV] = "env",
	[NR_SECRET_FILE] = "file",
};

__attribute__((format(printf, 3, 4))) static int malformed(
    char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return -1;
}

static int check_arg(
    enum nr_secret_scheme s, const char *a, char *why, size_t whylen)
{
	switch (s) {
	case NR_SECRET_OP: {
		const char *p = a + 2;
		int parts = 0;

		if (strncmp(a, "//", 2) != 0)
			return malformed(why, whylen,
			    "malformed secret reference "
			    "'op:%s' (expected op://vault/item/field)",
			    a);
		while (*p) {
			size_t n = strcspn(p, "/");

			if (n == 0)
				break;
			parts++;
			p += n;
			if (*p == '/')
				p++;
		}
		if (*p || parts < 3 || a[strlen(a) - 1] == '/')
			return malformed(why, whylen,
			    "malformed secret reference "
			    "'op:%s' (expected op://vault/item/field)",
			    a);
		return 0;
	}
	case NR_SECRET_ENV:
		if (!(isalpha((unsigned char)a[0]) || a[0] == '_') ||
		    strspn(a,
			"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			"0123456789_") != strlen(a))
			return malformed(why, whylen,
			    "malformed secret reference "
			    "'env:%s' (expected an environment variable name)",
			    a);
		return 0;
	case NR_SECRET_FILE:
		if (a[0] != '/')
			return malformed(why, whylen,
			    "malformed secret reference "
			    "'file:%s' (the path must be absolute)",
			    a);
		return 0;
	case NR_SECRET_PASS:
		if (!*a || a[0] == '/' || strstr(a, ".."))
			return malformed(why, whylen,
			    "malformed secret reference "
			    "'pass:%s' (expected a password-store entry name)",
			    a);
		return 0;
	}
	return -1;
}

int nr_secret_next(const char *text, size_t *pos, struct nr_secret_ref *ref,
    char *why, size_t whylen)
{
	const char *lb = strstr(text + *pos, "{{");
	const char *close, *b, *e, *colon;
	size_t n;

	if (!lb)
		return 0;
	memset(ref, 0, sizeof(*ref));
	ref->off = (size_t)(lb - text);
	close = strstr(lb + 2, "}}");
	if (!close || memchr(lb, 0x0a, (size_t)(close - lb))) {
		*pos = ref->off + 2;
		return malformed(why, whylen, "%s",
		    "unterminated secret "
		    "reference (expected '{{ scheme:name }}' on one line)");
	}
	ref->len = (size_t)(close + 2 - lb);
	*pos = ref->off + ref->len;
	b = lb + 2;
	e = close;
	while (b < e && isspace((unsigned char)*b))
		b++;
	while (e > b && isspace((unsigned char)e[-1]))
		e--;
	colon = memchr(b, ':', (size_t)(e - b));
	n = (size_t)(e - b);
	if (!colon || n >= sizeof(ref->arg)) {
		snprintf(why, whylen,
		    "malformed secret reference '%.*s' "
		    "(expected op://, pass:, env: or file:)",
		    (int)(n > 64 ? 64 : n), b);
		return -1;
	}
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		if (strlen(schemes[i]) == (size_t)(colon - b) &&
		    strncmp(schemes[i], b, (size_t)(colon - b)) == 0) {
			ref->scheme = (enum nr_secret_scheme)i;
			memcpy(ref->arg, colon + 1, (size_t)(e - colon - 1));
			ref->arg[e - colon - 1] = '\0';
			return check_arg(ref->scheme, ref->arg, why, whylen)
			    ? -1
			    : 1;
		}
	}
	snprintf(why, whylen,
	    "unknown secret scheme '%.*s' (expected op, "
	    "pass, env or file)",
	    (int)(colon - b > 32 ? 32 : colon - b), b);
	return -1;
}
