/* res-user: the service user (system account, no login shell) and its
 * supplementary groups, observed in ROOT/etc/passwd and ROOT/etc/group and
 * changed with groupadd/useradd/usermod (--prefix ROOT off /). */
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/mem.h"
#include "lib/passwd.h"
#include "lib/run.h"
#include "res/res-host.h"

struct have {
	bool exists;
	struct nr_buf missing_groups; /* groups that do not exist, "a,b" */
	struct nr_buf not_member; /* groups the user is not in */
};

static const struct nr_service_user *want_of(const struct nr_resource *r)
{
	return r->want;
}

static void add_csv(struct nr_buf *b, const char *s)
{
	nr_buf_addf(b, "%s%s", b->len ? "," : "", s);
}

static int observe(void **out, const struct nr_resource *r, struct nr_ctx *ctx,
    struct nr_err *err)
{
	const struct nr_service_user *u = want_of(r);
	struct have *h = nr_calloc(1, sizeof(*h));
	struct nr_passwd pw;

	nr_buf_init(&h->missing_groups);
	nr_buf_init(&h->not_member);
	if (nr_passwd_load(&pw, ctx->root, err) < 0) {
		free(h);
		return NR_EIO;
	}
	h->exists = nr_passwd_uid(&pw, u->name.s) >= 0;
	for (size_t i = 0; i < u->groups.n; i++) {
		const char *g = u->groups.v[i].s;

		if (nr_passwd_gid(&pw, g) < 0)
			add_csv(&h->missing_groups, g);
		if (!h->exists || !nr_passwd_in_group(&pw, u->name.s, g))
			add_csv(&h->not_member, g);
	}
	nr_passwd_release(&pw);
	*out = h;
	return 0;
}

static void diff(struct nr_plan *plan, const struct nr_resource *r)
{
	const struct have *h = r->have;

	if (!h->exists)
		nr_plan_add(plan, r, NR_ACT_CREATE, NR_DIS_NONE, NULL,
		    "missing: a system user without login%s%s%s%s",
		    h->not_member.len ? ", in " : "", h->not_member.s,
		    h->missing_groups.len ? "; new groups " : "",
		    h->missing_groups.s);
	else if (h->not_member.len)
		nr_plan_add(plan, r, NR_ACT_UPDATE, NR_DIS_NONE, NULL,
		    "not in group%s %s%s%s",
		    strchr(h->not_member.s, ',') ? "s" : "", h->not_member.s,
		    h->missing_groups.len ? "; new groups " : "",
		    h->missing_groups.s);
}

/* argv = words + ["--prefix", root] off "/" + [last]; runs it. */
static int run_tool(const char *const *words, const char *last,
    const struct nr_ctx *ctx, struct nr_err *err)
{
	const char *argv[16];
	size_t n = 0;

	for (; words[n]; n++)
		argv[n] = words[n];
	if (strcmp(ctx->root, "/") != 0) {
		argv[n++] = "--prefix";
		argv[n++] = ctx->root;
	}
	argv[n++] = last;
	argv[n] = NULL;
	return nr_run_checked(argv, err);
}

static int apply(
    const struct nr_change *c, struct nr_ctx *ctx, struct nr_err *err)
{
	const struct nr_service_user *u = want_of(c->res);
	const struct have *h = c->res->have;
	int rc = 0;

	for (const char *g = h->missing_groups.s; rc == 0 && *g;) {
		size_t n = strcspn(g, ",");
		char *name = nr_strndup(g, n);

		rc = run_tool((const char *const[]){ "groupadd", "-r", NULL },
		    name, ctx, err);
		free(name);
		g += n + (g[n] == ',');
	}
	if (rc == 0 && !h->exists)
		rc = run_tool((const char *const[]){ "useradd", "-r", "-U",
				  "-M", "-s", "/usr/sbin/nologin", NULL },
		    u->name.s, ctx, err);
	if (rc == 0 && h->not_member.len)
		rc = run_tool((const char *const[]){ "usermod", "-a", "-G",
				  h->not_member.s, NULL },
		    u->name.s, ctx, err);
	return rc;
}

static json_t *live_json(const struct nr_resource *r)
{
	const struct have *h = r->have;

	return json_pack("{s:b, s:s, s:s}", "exists", h->exists,
	    "missing_groups", h->missing_groups.s, "not_member",
	    h->not_member.s);
}

static void free_have(void *p)
{
	struct have *h = p;

	nr_buf_release(&h->missing_groups);
	nr_buf_release(&h->not_member);
	free(h);
}

static const struct nr_resource_ops ops = {
	.kind = "host.user",
	.layer = NR_LAYER_HOST,
	.observe = observe,
	.diff = diff,
	.apply = apply,
	.live_json = live_json,
	.free_have = free_have,
};

void nr_res_user_add(struct nr_pipeline *p)
{
	const struct nr_service_user *u = &p->cfg->host.service_user;

	/* the config outlives the pipeline: want borrows it */
	nr_pipeline_add(p, &ops, (void *)u, NULL, "host.user[%s]", u->name.s);
}
