/* quote: RouterOS value quoting and escaping (ROUTEROS.md "Values,
 * quoting, escapes"). Bare words are limited to a conservative set of
 * characters; everything else is quoted, and inside quotes `"` `\` `$` `?`
 * and every control or non-ASCII byte are escaped. */
#include "routeros/quote.h"

#include <string.h>

static bool bare_char(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return true;
	/* `~` and `#` as exports print them (log-prefix=~~~SMB, #FTP) */
	return c && strchr("-_.,:/*!@%+<>~#", c) != NULL;
}

bool nr_ros_is_bare(const char *val)
{
	if (!*val)
		return false;
	for (const unsigned char *p = (const unsigned char *)val; *p; p++)
		if (!bare_char(*p))
			return false;
	return true;
}

static bool plain_word(const char *val)
{
	if (!*val)
		return false;
	for (const unsigned char *p = (const unsigned char *)val; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			(*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			return false;
	return true;
}

void nr_ros_quote(struct nr_buf *out, const char *val, unsigned flags)
{
	static const char hex[] = "0123456789ABCDEF";
	bool bare = (flags & NR_ROS_QUOTE_EXPR) ? plain_word(val)
						: nr_ros_is_bare(val);

	if (!(flags & NR_ROS_QUOTE_ALWAYS) && bare) {
		nr_buf_adds(out, val);
		return;
	}
	nr_buf_addch(out, '"');
	for (const unsigned char *p = (const unsigned char *)val; *p; p++) {
		unsigned char c = *p;

		switch (c) {
		case '"': nr_buf_adds(out, "\\\""); break;
		case '\\': nr_buf_adds(out, "\\\\"); break;
		case '$': nr_buf_adds(out, "\\$"); break;
		case '?': nr_buf_adds(out, "\\?"); break;
		case '\n': nr_buf_adds(out, "\\n"); break;
		case '\r': nr_buf_adds(out, "\\r"); break;
		case '\t': nr_buf_adds(out, "\\t"); break;
		default:
			if (c < 0x20 || c >= 0x7f) {
				nr_buf_addch(out, '\\');
				nr_buf_addch(out, hex[c >> 4]);
				nr_buf_addch(out, hex[c & 15]);
			} else {
				nr_buf_addch(out, (char)c);
			}
		}
	}
	nr_buf_addch(out, '"');
}

unsigned nr_ros_ref_flags(const char *ref)
{
	return ref[0] == '!' || strchr(ref, ',') ? NR_ROS_QUOTE_ALWAYS : 0;
}
