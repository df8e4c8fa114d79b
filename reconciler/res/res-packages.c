/* res-packages: Debian packages, observed in ROOT/var/lib/dpkg/status and
 * installed with one `apt-get install -y` for all missing ones. Off the
 * real root netrec cannot install: the plan says so instead. */
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/fsutil.h"
#include "lib/mem.h"
#include "lib/run.h"
#include "res/res-host.h"

struct have {
	struct nr_buf missing; /* "a b c" */
	bool foreign_root;
};

/* Whether the status file says `pkg` is "install ok installed". */
static bool installed(const char *status, const char *pkg)
{
	size_t n = strlen(pkg);

	for (const char *p = status; p && *p;) {
		const char *end = strstr(p, "\n\n");
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (strncmp(p, "Package: ", 9) == 0 &&
		    strncmp(p + 9, pkg, n) == 0 &&
		    (p[9 + n] == '\n' || p[9 + n] == '\0')) {
			const char *st = strstr(p, "\nStatus: ");

			return st && st < p + len &&
			    strncmp(st + 9, "install ok installed", 20) == 0;
		}
		p = end ? end + 2 : NULL;
	}
	return false;
}

static int observe(void **out, const struct nr_resource *r, struct nr_ctx *ctx,
    struct nr_err *err)
{
	const struct nr_vals *want = r->want;
	struct have *h = nr_calloc(1, sizeof(*h));
	char *path = nr_rooted(ctx->root, "/var/lib/dpkg/status");
	char *status = NULL;
	size_t len;
	int rc = nr_file_read(&status, &len, path, 0, err);

	nr_buf_init(&h->missing);
	free(path);
	if (rc == NR_ENOTFOUND)
		rc = 0;
	if (rc < 0) {
		free(h);
		return rc;
	}
	for (size_t i = 0; i < want->n; i++)
		if (!installed(status, want->v[i].s))
			nr_buf_addf(&h->missing, "%s%s",
			    h->missing.len ? " " : "", want->v[i].s);
	h->foreign_root = strcmp(ctx->root, "/") != 0;
	free(status);
	*out = h;
	return 0;
}

static void diff(struct nr_plan *plan, const struct nr_resource *r)
{
	const struct have *h = r->have;

	if (!h->missing.len)
		return;
	if (h->foreign_root)
		nr_plan_note(plan, NR_NOTE_WARNING, r->address,
		    "not installed: %s; netrec cannot install packages into a "
		    "foreign root (--root): install them in that system",
		    h->missing.s);
	else
		nr_plan_add(plan, r, NR_ACT_CREATE, NR_DIS_NONE, NULL,
		    "not installed: %s", h->missing.s);
}

static int apply(
    const struct nr_change *c, struct nr_ctx *ctx, struct nr_err *err)
{
	const struct have *h = c->res->have;
	const char *argv[80] = { "apt-get", "install", "-y" };
	size_t n = 3;
	char *list = nr_strdup(h->missing.s);
	int rc;

	(void)ctx;
	for (char *save, *tok = strtok_r(list, " ", &save); tok && n < 79;
	     tok = strtok_r(NULL, " ", &save))
		argv[n++] = tok;
	argv[n] = NULL;
	rc = nr_run_checked(argv, err);
	free(list);
	return rc;
}

static json_t *live_json(const struct nr_resource *r)
{
	const struct have *h = r->have;

	return json_pack("{s:s}", "missing", h->missing.s);
}

static void free_have(void *p)
{
	struct have *h = p;

	nr_buf_release(&h->missing);
	free(h);
}

static const struct nr_resource_ops ops = {
	.kind = "host.packages",
	.layer = NR_LAYER_HOST,
	.observe = observe,
	.diff = diff,
	.apply = apply,
	.live_json = live_json,
	.free_have = free_have,
};

void nr_res_packages_add(struct nr_pipeline *p)
{
	nr_pipeline_add(
	    p, &ops, (void *)&p->cfg->host.packages, NULL, "host.packages");
}
