/* diag: collecting, sorting and printing located diagnostics. */
#include "lib/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/mem.h"

void nr_diags_init(struct nr_diags *d)
{
	memset(d, 0, sizeof(*d));
}

void nr_diags_release(struct nr_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].msg);
	free(d->v);
	nr_diags_init(d);
}

void nr_diags_take(struct nr_diags *dst, struct nr_diags *src)
{
	for (size_t i = 0; i < src->n; i++)
		*NR_PUSH(dst->v, dst->n, dst->cap) = src->v[i];
	dst->errors += src->errors;
	free(src->v);
	nr_diags_init(src);
}

void nr_diag_vadd(struct nr_diags *d, struct nr_loc loc, enum nr_severity sev,
    const char *fmt, va_list ap)
{
	struct nr_diag *g = NR_PUSH(d->v, d->n, d->cap);
	struct nr_buf b = NR_BUF_INIT;

	nr_buf_vaddf(&b, fmt, ap);
	g->loc = loc;
	g->sev = sev;
	g->msg = nr_buf_detach(&b);
	if (sev == NR_SEV_ERROR)
		d->errors++;
}

void nr_diag_error(struct nr_diags *d, struct nr_loc loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	nr_diag_vadd(d, loc, NR_SEV_ERROR, fmt, ap);
	va_end(ap);
}

void nr_diag_warn(struct nr_diags *d, struct nr_loc loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	nr_diag_vadd(d, loc, NR_SEV_WARNING, fmt, ap);
	va_end(ap);
}

void nr_diags_sort(struct nr_diags *d)
{
	/* insertion sort: stable, and the lists are short */
	for (size_t i = 1; i < d->n; i++) {
		struct nr_diag cur = d->v[i];
		size_t j = i;

		while (j > 0 &&
		    (d->v[j - 1].loc.line > cur.loc.line ||
			(d->v[j - 1].loc.line == cur.loc.line &&
			    d->v[j - 1].loc.col > cur.loc.col))) {
			d->v[j] = d->v[j - 1];
			j--;
		}
		d->v[j] = cur;
	}
}

/* Finds line `line` (1-based) of `text`; returns its start and length. */
static const char *find_line(
    const char *text, size_t len, int line, size_t *out_len)
{
	const char *p = text, *end = text + len, *nl;

	for (int i = 1; i < line; i++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return NULL;
		p = nl + 1;
	}
	nl = memchr(p, '\n', (size_t)(end - p));
	*out_len = (size_t)((nl ? nl : end) - p);
	if (*out_len && p[*out_len - 1] == '\r')
		(*out_len)--;
	return p;
}

static void print_source(
    FILE *fp, const char *text, size_t len, struct nr_loc loc)
{
	size_t n, chars = 0;
	const char *line = find_line(text, len, loc.line, &n);

	if (!line)
		return;
	fprintf(fp, "  %.*s\n  ", (int)n, line);
	/* the column counts characters; keep tabs so the caret lines up */
	for (size_t i = 0; i < n && chars + 1 < (size_t)loc.col; i++) {
		unsigned char c = (unsigned char)line[i];

		if ((c & 0xC0) == 0x80)
			continue;
		fputc(c == '\t' ? '\t' : ' ', fp);
		chars++;
	}
	fputs("^\n", fp);
}

void nr_diags_print(FILE *fp, const struct nr_diags *d, const char *name,
    const char *text, size_t len, bool color)
{
	const char *bold = color ? "\033[1m" : "",
		   *off = color ? "\033[0m" : "";

	for (size_t i = 0; i < d->n; i++) {
		const struct nr_diag *g = &d->v[i];

		fputs(bold, fp);
		if (g->loc.line > 0)
			fprintf(fp, "%s:%d:%d:", name, g->loc.line, g->loc.col);
		else
			fprintf(fp, "%s:", name);
		fprintf(fp, "%s ", off);
		if (g->sev == NR_SEV_WARNING)
			fprintf(fp, "%swarning:%s ", color ? "\033[1;33m" : "",
			    off);
		fprintf(fp, "%s\n", g->msg);
		if (text && g->loc.line > 0)
			print_source(fp, text, len, g->loc);
	}
}
