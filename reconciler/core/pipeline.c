/* pipeline: derive -> observe -> digest -> diff -> post-actions. */
#include "core/pipeline.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/hash.h"
#include "lib/mem.h"

void nr_pipeline_init(struct nr_pipeline *p, struct nr_ctx *ctx,
    const struct nr_config *cfg, const struct nr_source *src, unsigned targets)
{
	memset(p, 0, sizeof(*p));
	p->ctx = ctx;
	p->cfg = cfg;
	nr_plan_init(&p->plan);
	p->plan.targets = targets;
	p->plan.source = nr_strdup(src->name);
	if (src->commit[0]) {
		p->plan.commit = nr_strdup(src->commit);
		p->commit = p->plan.commit;
	}
	nr_sha256_hex(src->data, src->len, p->plan.source_digest);
}

void nr_pipeline_release(struct nr_pipeline *p)
{
	for (size_t i = 0; i < p->n; i++) {
		struct nr_resource *r = p->res[i];

		if (r->ops->free_want)
			r->ops->free_want(r->want);
		if (r->have && r->ops->free_have)
			r->ops->free_have(r->have);
		free(r->address);
		free(r);
	}
	free(p->res);
	nr_plan_release(&p->plan);
	nr_pending_release(&p->pending);
	memset(p, 0, sizeof(*p));
}

struct nr_resource *nr_pipeline_add(struct nr_pipeline *p,
    const struct nr_resource_ops *ops, void *want,
    const struct nr_post *const *post, const char *address_fmt, ...)
{
	struct nr_resource *r = nr_calloc(1, sizeof(*r));
	struct nr_resource **slot = NR_PUSH(p->res, p->n, p->cap);
	struct nr_buf b = NR_BUF_INIT;
	va_list ap;

	va_start(ap, address_fmt);
	nr_buf_vaddf(&b, address_fmt, ap);
	va_end(ap);
	r->ops = ops;
	r->want = want;
	r->post = post;
	r->address = nr_buf_detach(&b);
	*slot = r;
	return r;
}

const char *nr_pipeline_origin(const struct nr_pipeline *p)
{
	return p->commit ? p->commit : "a local file";
}

extern const struct nr_resource_ops nr_res_run;

/* Whether the post-action is among the changes from `from` on. */
static bool planned(
    const struct nr_plan *plan, size_t from, const struct nr_post *post)
{
	for (size_t j = from; j < plan->n; j++)
		if (plan->v[j].action == NR_ACT_RUN &&
		    plan->v[j].res->want == post)
			return true;
	return false;
}

/* After the diff: each post-action once, after the changes, in the order
 * of the resources. It runs when a change of its resource is planned, or
 * when an earlier apply stopped before running it (p->pending). Then one
 * reboot change when a change only takes effect after one. */
static bool needs_post(const struct nr_resource *r, const struct nr_post *post)
{
	for (size_t k = 0; r->post && r->post[k]; k++)
		if (r->post[k] == post)
			return true;
	return false;
}

/* Post-actions run as one batch after the changes that need them, but
 * before the first restart: a VM restarted before `systemctl
 * daemon-reload` would start from the old unit. Owed runs and the reboot
 * stay last. */
static void order_runs(struct nr_plan *plan)
{
	struct nr_change *v = nr_calloc(plan->n ? plan->n : 1, sizeof(*v));
	bool *taken = nr_calloc(plan->n ? plan->n : 1, sizeof(*taken));
	size_t n = 0;

	for (size_t i = 0; i < plan->n; i++) {
		const struct nr_change *c = &plan->v[i];

		if (c->action == NR_ACT_RUN || c->action == NR_ACT_REBOOT)
			continue;
		for (size_t r = 0; c->action == NR_ACT_RESTART && r < plan->n;
		     r++) {
			const struct nr_change *run = &plan->v[r];
			bool later = false;

			if (taken[r] || run->action != NR_ACT_RUN)
				continue;
			for (size_t j = i; j < plan->n && !later; j++)
				later = plan->v[j].action != NR_ACT_RUN &&
				    needs_post(plan->v[j].res, run->res->want);
			if (!later) {
				v[n++] = *run;
				taken[r] = true;
			}
		}
		v[n++] = *c;
		taken[i] = true;
	}
	for (size_t pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < plan->n; i++)
			if (!taken[i] &&
			    (plan->v[i].action == NR_ACT_REBOOT) == (pass == 1))
				v[n++] = plan->v[i];
	if (n) /* an empty plan may have no array at all: memcpy(NULL) is UB */
		memcpy(plan->v, v, n * sizeof(*v));
	free(v);
	free(taken);
}

static void add_post_actions(struct nr_pipeline *p, size_t nres)
{
	size_t nchanges = p->plan.n;
	bool reboot = false;

	for (size_t i = 0; i < nchanges; i++)
		reboot = reboot ||
		    p->plan.v[i].disruption == NR_DIS_HOST_REBOOT;
	for (size_t i = 0; i < nres; i++) {
		const struct nr_resource *r = p->res[i];
		size_t first = nchanges;

		for (size_t j = 0; j < nchanges && first == nchanges; j++)
			if (p->plan.v[j].res == r)
				first = j;
		for (size_t k = 0; r->post && r->post[k]; k++) {
			const struct nr_post *post = r->post[k];
			struct nr_resource *run;

			if ((first == nchanges &&
				!nr_pending_has(&p->pending, post->name)) ||
			    planned(&p->plan, nchanges, post))
				continue;
			run = nr_pipeline_add(p, &nr_res_run, (void *)post,
			    NULL, "host.run[%s]", post->name);
			if (first < nchanges)
				nr_plan_add(&p->plan, run, NR_ACT_RUN,
				    NR_DIS_NONE, NULL, "after %s",
				    p->plan.v[first].address);
			else
				nr_plan_add(&p->plan, run, NR_ACT_RUN,
				    NR_DIS_NONE, NULL,
				    "still owed: an earlier apply stopped "
				    "before running it");
		}
	}
	if (reboot)
		nr_pipeline_add_reboot(p,
		    "the kernel command line or driver "
		    "denylist changed; only with --allow-reboot");
}

void nr_pipeline_add_reboot(struct nr_pipeline *p, const char *reason)
{
	struct nr_resource *r =
	    nr_pipeline_add(p, &nr_res_run, NULL, NULL, "host.reboot");

	nr_plan_add(
	    &p->plan, r, NR_ACT_REBOOT, NR_DIS_HOST_REBOOT, NULL, "%s", reason);
}

int nr_pipeline_plan(struct nr_pipeline *p, struct nr_err *err)
{
	struct nr_buf live = NR_BUF_INIT;
	size_t nres;

	if (nr_pending_load(&p->pending, p->ctx->state_dir, err) < 0)
		return NR_EIO;
	if (p->plan.targets & NR_LAYER_HOST)
		nr_host_resources(p);
	if (p->plan.targets & NR_LAYER_VM)
		nr_vm_resources(p);
	if (p->plan.targets & NR_LAYER_ROUTER)
		nr_router_resources(p);
	nres = p->n;
	/* what is owed is live state too: a saved plan goes stale with it */
	for (size_t i = 0; i < p->pending.n; i++)
		nr_buf_addf(&live, "pending=%s\n", p->pending.v[i]);
	for (size_t i = 0; i < nres; i++) {
		struct nr_resource *r = p->res[i];
		json_t *j;
		char *s;
		int rc = r->ops->observe(&r->have, r, p->ctx, err);

		if (rc < 0) {
			nr_buf_release(&live);
			return rc;
		}
		j = r->ops->live_json(r);
		s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
		nr_buf_addf(&live, "%s=%s\n", r->address, s);
		free(s);
		json_decref(j);
	}
	nr_sha256_hex(live.s, live.len, p->plan.live_digest);
	nr_buf_release(&live);
	for (size_t i = 0; i < nres; i++)
		p->res[i]->ops->diff(&p->plan, p->res[i]);
	add_post_actions(p, nres);
	order_runs(&p->plan);
	return 0;
}
