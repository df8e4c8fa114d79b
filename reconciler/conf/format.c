/* format: value formats of network.yaml (PCI slots and IDs, sizes,
 * durations, host:port, paths, names). Each pairs the JSON Schema pattern
 * with the stricter check and normalisation the loader applies. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/schema.h"
#include "lib/mem.h"

#define FAIL(...) (snprintf(why, whylen, __VA_ARGS__), why)

static bool all_of(const char *s, size_t n, int (*pred)(int))
{
	for (size_t i = 0; i < n; i++)
		if (!pred((unsigned char)s[i]))
			return false;
	return true;
}

static const char *parse_slot(
    const char *in, char **norm, long long *num, char *why, size_t whylen)
{
	unsigned dom = 0, bus, dev, fn;
	const char *p = in;
	size_t n = strlen(in);

	(void)num;
	if (n == 12) {
		if (!all_of(p, 4, isxdigit) || p[4] != ':')
			return FAIL("malformed PCI slot '%s' (expected "
				    "DDDD:BB:DD.F, e.g. 0000:01:00.0)",
			    in);
		dom = (unsigned)strtoul(p, NULL, 16);
		p += 5;
	} else if (n != 7) {
		return FAIL("malformed PCI slot '%s' (expected DDDD:BB:DD.F, "
			    "e.g. 0000:01:00.0)",
		    in);
	}
	if (!all_of(p, 2, isxdigit) || p[2] != ':' ||
	    !all_of(p + 3, 2, isxdigit) || p[5] != '.' ||
	    !isdigit((unsigned char)p[6]))
		return FAIL("malformed PCI slot '%s' (expected DDDD:BB:DD.F, "
			    "e.g. 0000:01:00.0)",
		    in);
	bus = (unsigned)strtoul(p, NULL, 16);
	dev = (unsigned)strtoul(p + 3, NULL, 16);
	fn = (unsigned)(p[6] - '0');
	if (dev > 0x1f)
		return FAIL(
		    "malformed PCI slot '%s' (device must be 00-1f)", in);
	if (fn > 7)
		return FAIL(
		    "malformed PCI slot '%s' (function must be 0-7)", in);
	*norm = nr_asprintf("%04x:%02x:%02x.%u", dom, bus, dev, fn);
	return NULL;
}

const struct nr_format nr_fmt_pci_slot = {
	"^([0-9A-Fa-f]{4}:)?[0-9A-Fa-f]{2}:[01][0-9A-Fa-f]\\.[0-7]$",
	parse_slot,
};

static const char *parse_pci_id(
    const char *in, char **norm, long long *num, char *why, size_t whylen)
{
	(void)num;
	if (strlen(in) != 9 || !all_of(in, 4, isxdigit) || in[4] != ':' ||
	    !all_of(in + 5, 4, isxdigit))
		return FAIL("malformed PCI ID '%s' (expected vendor:device in "
			    "hex, e.g. 8086:1521)",
		    in);
	*norm = nr_strdup(in);
	for (char *c = *norm; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return NULL;
}

const struct nr_format nr_fmt_pci_id = {
	"^[0-9A-Fa-f]{4}:[0-9A-Fa-f]{4}$",
	parse_pci_id,
};

/* digits then exactly one unit letter from `units`; *val and *unit out */
static bool number_unit(
    const char *in, const char *units, long long *val, char *unit)
{
	size_t d = strspn(in, "0123456789");

	if (d == 0 || d > 12 || !in[d] || in[d + 1] || !strchr(units, in[d]))
		return false;
	*val = strtoll(in, NULL, 10);
	*unit = in[d];
	return true;
}

#define MEM_MIN (128LL << 20)
#define MEM_MAX (256LL << 30)

static const char *parse_memory(
    const char *in, char **norm, long long *num, char *why, size_t whylen)
{
	long long v;
	char unit;

	(void)norm;
	if (!number_unit(in, "MG", &v, &unit))
		return FAIL("malformed memory size '%s' (expected a number "
			    "with M or G, e.g. 512M or 1G)",
		    in);
	/* compare before shifting: a large count must not wrap around */
	if (v > MEM_MAX >> (unit == 'G' ? 30 : 20))
		return FAIL(
		    "memory size '%s' is out of range (128M to 256G)", in);
	v <<= unit == 'G' ? 30 : 20;
	if (v < MEM_MIN)
		return FAIL(
		    "memory size '%s' is out of range (128M to 256G)", in);
	*num = v;
	return NULL;
}

const struct nr_format nr_fmt_memory = { "^[0-9]+[MG]$", parse_memory };

static const char *parse_duration(
    const char *in, char **norm, long long *num, char *why, size_t whylen)
{
	long long v;
	char unit;

	(void)norm;
	if (!number_unit(in, "smh", &v, &unit))
		return FAIL("malformed duration '%s' (expected a number with "
			    "s, m or h, e.g. 120s or 2m)",
		    in);
	v *= unit == 'h' ? 3600 : unit == 'm' ? 60 : 1;
	if (v < 1 || v > 86400)
		return FAIL("duration '%s' is out of range (1s to 24h)", in);
	*num = v;
	return NULL;
}

const struct nr_format nr_fmt_duration = { "^[0-9]+[smh]$", parse_duration };

static int is_host_char(int c)
{
	return isalnum(c) || c == '.' || c == '-' || c == '_';
}

static int is_host6_char(int c)
{
	return isxdigit(c) || c == ':' || c == '.';
}

static const char *parse_host(
    const char *in, char **norm, long long *num, char *why, size_t whylen)
{
	size_t n = strlen(in);

	(void)norm;
	(void)num;
	if (n == 0 || n > 253 ||
	    !(all_of(in, n, is_host_char) || all_of(in, n, is_host6_char)))
		return FAIL("malformed host '%s' (expected a host name or an "
			    "IP address)",
		    in);
	return NULL;
}

const struct nr_format nr_fmt_host = {
	"^([A-Za-z0-9._-]+|[0-9A-Fa-f:.]+)$",
	parse_host,
};

static const char *parse_hostport(
    const char *in, char **norm, long long *num, char *why, size_t whylen)
{
	const char *colon = strrchr(in, ':');
	const char *host = in, *hend;
	long long port;

	(void)norm;
	if (in[0] == '[') {
		hend = strchr(in, ']');
		if (!hend || hend[1] != ':')
			return FAIL(
			    "'%s' has no port (expected [ipv6]:port)", in);
		colon = hend + 1;
		host = in + 1;
		if (hend == host ||
		    !all_of(host, (size_t)(hend - host), is_host6_char))
			return FAIL("malformed address in '%s'", in);
	} else {
		if (!colon)
			return FAIL("'%s' has no port (expected host:port, "
				    "e.g. 192.0.2.1:22)",
			    in);
		if (colon == in)
			return FAIL("'%s' has no host (expected host:port, "
				    "e.g. 192.0.2.1:22)",
			    in);
		hend = colon;
		if (!all_of(host, (size_t)(hend - host), is_host_char))
			return FAIL("malformed host in '%s' (an IPv6 address "
				    "needs brackets: [::1]:22)",
			    in);
	}
	if (!colon[1] || strspn(colon + 1, "0123456789") != strlen(colon + 1) ||
	    strlen(colon + 1) > 5)
		return FAIL("malformed port in '%s' (expected 1-65535)", in);
	port = strtoll(colon + 1, NULL, 10);
	if (port < 1 || port > 65535)
		return FAIL(
		    "port %lld in '%s' is out of range (1-65535)", port, in);
	*num = port;
	return NULL;
}

const struct nr_format nr_fmt_hostport = {
	"^(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+):[0-9]{1,5}$",
	parse_hostport,
};

static const char *parse_filemode(
    const char *in, char **norm, long long *num, char *why, size_t whylen)
{
	size_t n = strlen(in);

	(void)norm;
	if (n < 3 || n > 4 || strspn(in, "01234567") != n)
		return FAIL("malformed file mode '%s' (expected octal such as "
			    "\"0644\"; quote it)",
		    in);
	*num = strtoll(in, NULL, 8);
	return NULL;
}

const struct nr_format nr_fmt_filemode = { "^[0-7]{3,4}$", parse_filemode };

static const char *check_path(
    const char *in, bool absolute, char *why, size_t whylen)
{
	if (!*in)
		return FAIL("empty path");
	if (absolute && in[0] != '/')
		return FAIL("path '%s' must be absolute", in);
	for (const char *p = in; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return FAIL("path '%s' holds a control character", in);
	if (strcmp(in, "..") == 0 || strncmp(in, "../", 3) == 0 ||
	    strstr(in, "/../") ||
	    (strlen(in) >= 3 && strcmp(in + strlen(in) - 3, "/..") == 0))
		return FAIL("path '%s' must not contain '..'", in);
	return NULL;
}

static const char *parse_abspath(
    const char *in, char **norm, long long *num, char *why, size_t whylen)
{
	(void)norm;
	(void)num;
	return check_path(in, true, why, whylen);
}

static const char *parse_path(
    const char *in, char **norm, long long *num, char *why, size_t whylen)
{
	(void)norm;
	(void)num;
	return check_path(in, false, why, whylen);
}

const struct nr_format nr_fmt_abspath = { "^/", parse_abspath };
const struct nr_format nr_fmt_path = { NULL, parse_path };

static int is_name_char(int c)
{
	return isalnum(c) || c == '_' || c == '.' || c == '-';
}

/* VM names end up in unit and file names */
static const char *parse_name(
    const char *in, char **norm, long long *num, char *why, size_t whylen)
{
	size_t n = strlen(in);

	(void)norm;
	(void)num;
	if (n == 0 || n > 64 || !isalnum((unsigned char)in[0]) ||
	    !all_of(in, n, is_name_char))
		return FAIL("malformed name '%s' (letters, digits, '_', '.', "
			    "'-'; starting with a letter or digit)",
		    in);
	return NULL;
}

const struct nr_format nr_fmt_name = {
	"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$",
	parse_name,
};

static int is_unix_char(int c)
{
	return islower(c) || isdigit(c) || c == '_' || c == '-';
}

static const char *unix_name(const char *in, size_t n, char *why, size_t whylen)
{
	if (n == 0 || n > 32 ||
	    !(islower((unsigned char)in[0]) || in[0] == '_') ||
	    !all_of(in, n, is_unix_char))
		return FAIL("malformed user or group name '%.*s' (lower case "
			    "letters, digits, '_' and '-', at most 32)",
		    (int)n, in);
	return NULL;
}

static const char *parse_unix_name(
    const char *in, char **norm, long long *num, char *why, size_t whylen)
{
	(void)norm;
	(void)num;
	return unix_name(in, strlen(in), why, whylen);
}

const struct nr_format nr_fmt_unix_name = {
	"^[a-z_][a-z0-9_-]{0,31}$",
	parse_unix_name,
};

static const char *parse_owner(
    const char *in, char **norm, long long *num, char *why, size_t whylen)
{
	const char *colon = strchr(in, ':');
	const char *r;

	(void)norm;
	(void)num;
	r = unix_name(
	    in, colon ? (size_t)(colon - in) : strlen(in), why, whylen);
	if (!r && colon)
		r = unix_name(colon + 1, strlen(colon + 1), why, whylen);
	return r;
}

const struct nr_format nr_fmt_owner = {
	"^[a-z_][a-z0-9_-]{0,31}(:[a-z_][a-z0-9_-]{0,31})?$",
	parse_owner,
};

static int is_driver_char(int c)
{
	return isalnum(c) || c == '_' || c == '-';
}

/* a kernel module name, as modprobe takes it (e.g. igb, 8139too) */
static const char *parse_driver(
    const char *in, char **norm, long long *num, char *why, size_t whylen)
{
	size_t n = strlen(in);

	(void)norm;
	(void)num;
	if (n == 0 || n > 55 || !all_of(in, n, is_driver_char))
		return FAIL("malformed driver name '%s' (a kernel module name: "
			    "letters, digits, '_' and '-')",
		    in);
	return NULL;
}

const struct nr_format nr_fmt_driver = {
	"^[A-Za-z0-9_-]{1,55}$",
	parse_driver,
};

static int is_pkg_char(int c)
{
	return islower(c) || isdigit(c) || c == '+' || c == '-' || c == '.';
}

static const char *parse_package(
    const char *in, char **norm, long long *num, char *why, size_t whylen)
{
	size_t n = strlen(in);

	(void)norm;
	(void)num;
	if (n < 2 || !isalnum((unsigned char)in[0]) ||
	    !all_of(in, n, is_pkg_char))
		return FAIL("malformed package name '%s' (Debian package names "
			    "use a-z, 0-9, '+', '-', '.')",
		    in);
	return NULL;
}

const struct nr_format nr_fmt_package = {
	"^[a-z0-9][a-z0-9+.-]+$",
	parse_package,
};

static int is_word_char(int c)
{
	return isalnum(c) || strchr("_.,=+-:", c) != NULL;
}

/* one argv word for QEMU (machine, cpu): no spaces or shell-ish bytes */
static const char *parse_word(
    const char *in, char **norm, long long *num, char *why, size_t whylen)
{
	size_t n = strlen(in);

	(void)norm;
	(void)num;
	if (n == 0 || n > 128 || !all_of(in, n, is_word_char))
		return FAIL("malformed value '%s' (letters, digits and "
			    "_.,=+-: only)",
		    in);
	return NULL;
}

const struct nr_format nr_fmt_word = { "^[A-Za-z0-9_.,=+:-]+$", parse_word };

/* One port of a hostfwd rule: an optional IPv4 address, ':', a port. */
static bool fwd_side(const char *s, size_t n)
{
	const char *colon = memchr(s, ':', n);
	size_t plen;
	long port;

	if (!colon)
		return false;
	for (const char *p = s; p < colon; p++)
		if (!isdigit((unsigned char)*p) && *p != '.')
			return false;
	plen = (size_t)(s + n - colon - 1);
	if (plen == 0 || plen > 5 || strspn(colon + 1, "0123456789") < plen)
		return false;
	port = strtol(colon + 1, NULL, 10);
	return port >= 1 && port <= 65535;
}

static const char *parse_hostfwd(
    const char *in, char **norm, long long *num, char *why, size_t whylen)
{
	const char *dash = strchr(in, '-');
	const char *rest;

	(void)norm;
	(void)num;
	if (strncmp(in, "tcp:", 4) == 0 || strncmp(in, "udp:", 4) == 0) {
		rest = in + 4;
		if (dash && fwd_side(rest, (size_t)(dash - rest)) &&
		    fwd_side(dash + 1, strlen(dash + 1)))
			return NULL;
	}
	return FAIL("malformed port forward '%s' (expected "
		    "tcp:HOSTADDR:HOSTPORT-GUESTADDR:GUESTPORT, e.g. "
		    "tcp:127.0.0.1:2222-:22)",
	    in);
}

const struct nr_format nr_fmt_hostfwd = {
	"^(tcp|udp):[0-9.]*:[0-9]{1,5}-[0-9.]*:[0-9]{1,5}$",
	parse_hostfwd,
};
