/* cmd-status: the applied commit against the source, drift (the plan's
 * summary), a pending reboot and the last outcome. */
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/common.h"
#include "core/pipeline.h"
#include "state/journal.h"

static json_t *last_attempt(const struct nr_journal *j)
{
	size_t n = json_array_size(j->entries);

	for (size_t i = n; i > 0; i--) {
		json_t *e = json_array_get(j->entries, i - 1);
		const char *ev = json_string_value(json_object_get(e, "event"));

		if (ev && strcmp(ev, "begin") == 0) {
			long long seq =
			    json_integer_value(json_object_get(e, "seq"));
			json_t *end = nr_journal_end_of(j, seq);

			return json_pack("{s:I, s:O, s:O, s:s, s:O}", "seq",
			    (json_int_t)seq, "action",
			    json_object_get(e, "action"), "time",
			    json_object_get(e, "time"), "outcome",
			    end ? json_string_value(
				      json_object_get(end, "outcome"))
				: "interrupted",
			    "error",
			    end ? json_object_get(end, "error") : json_null());
		}
	}
	return json_null();
}

static json_t *reboot_reasons(const struct nr_plan *plan)
{
	json_t *a = json_array();

	for (size_t i = 0; i < plan->nnotes; i++)
		if (plan->notes[i].kind == NR_NOTE_DEBT)
			json_array_append_new(a,
			    json_pack("{s:s, s:s}", "address",
				plan->notes[i].address, "message",
				plan->notes[i].msg));
	return a;
}

static void print_text(struct nr_ctx *ctx, json_t *s)
{
	FILE *o = ctx->out;
	json_t *drift = json_object_get(s, "drift");
	json_t *last = json_object_get(s, "last");
	json_t *reasons = json_object_get(s, "reboot_reasons");
	const char *applied =
	    json_string_value(json_object_get(s, "applied_commit"));
	const char *source =
	    json_string_value(json_object_get(s, "source_commit"));
	size_t i;
	json_t *r;

	fprintf(o, "applied commit  %s\n", applied ? applied : "(none)");
	if (source)
		fprintf(o, "source commit   %s%s\n", source,
		    applied && strcmp(applied, source) == 0
			? " (applied)"
			: " (not applied yet)");
	fprintf(o,
	    "drift           %lld to create, %lld to update, %lld to "
	    "delete, %lld to restart, %lld to run\n",
	    (long long)json_integer_value(json_object_get(drift, "create")),
	    (long long)json_integer_value(json_object_get(drift, "update")),
	    (long long)json_integer_value(json_object_get(drift, "delete")),
	    (long long)json_integer_value(json_object_get(drift, "restart")),
	    (long long)json_integer_value(json_object_get(drift, "run")));
	fprintf(
	    o, "reboot pending  %s\n", json_array_size(reasons) ? "yes" : "no");
	json_array_foreach (reasons, i, r)
		fprintf(o, "                %s: %s\n",
		    json_string_value(json_object_get(r, "address")),
		    json_string_value(json_object_get(r, "message")));
	if (json_is_object(last))
		fprintf(o, "last attempt    #%lld %s %s at %s\n",
		    (long long)json_integer_value(json_object_get(last, "seq")),
		    json_string_value(json_object_get(last, "action")),
		    json_string_value(json_object_get(last, "outcome")),
		    json_string_value(json_object_get(last, "time")));
	else
		fprintf(o, "last attempt    (none)\n");
}

enum { O_TARGET };

static const struct nr_opt opts[] = {
	[O_TARGET] = { "target", 0, "LAYERS",
	    "drift of these layers only: host, vm, router (comma-separated)" },
	{ NULL, 0, NULL, NULL },
};

static int exec_status(struct nr_ctx *ctx, const struct nr_args *a)
{
	struct nr_source src = { 0 };
	struct nr_config cfg;
	struct nr_pipeline p;
	struct nr_journal j;
	struct nr_err err = NR_ERR_INIT;
	json_t *begin = NULL, *s, *plan;
	int rc = NR_EXIT_ERROR;

	unsigned targets;

	if (nr_cmd_targets(ctx, a->opts.val[O_TARGET], &targets) < 0)
		return NR_EXIT_USAGE;
	if (nr_journal_read(&j, ctx->state_dir, &err) < 0) {
		nr_cmd_error(ctx, "%s", err.msg);
		return NR_EXIT_ERROR;
	}
	if (nr_cmd_load_valid(ctx, &src, &cfg)) {
		nr_config_release(&cfg);
		nr_source_release(&src);
		nr_journal_release(&j);
		return NR_EXIT_ERROR;
	}
	nr_pipeline_init(&p, ctx, &cfg, &src, targets);
	if (nr_pipeline_plan(&p, &err) < 0) {
		nr_cmd_error(ctx, "%s", err.msg);
		goto out;
	}
	nr_journal_last_applied(&j, &begin);
	plan = nr_plan_json(&p.plan);
	s = json_pack("{s:O, s:o, s:O, s:b, s:o, s:o, s:o}", "applied_commit",
	    begin ? json_object_get(begin, "commit") : json_null(),
	    "source_commit",
	    src.commit[0] ? json_string(src.commit) : json_null(), "drift",
	    json_object_get(plan, "summary"), "reboot_pending",
	    nr_plan_count_notes(&p.plan, NR_NOTE_DEBT) > 0, "reboot_reasons",
	    reboot_reasons(&p.plan), "last", last_attempt(&j),
	    "journal_bad_line",
	    j.bad_line ? json_integer((json_int_t)j.bad_line) : json_null());
	json_decref(plan);
	if (!begin)
		json_object_set_new(s, "applied_commit", json_null());
	if (ctx->json)
		nr_cmd_print_json(ctx, json_incref(s));
	else
		print_text(ctx, s);
	if (j.bad_line)
		fprintf(ctx->errf,
		    "netrec: warning: journal line %zu is torn or "
		    "not JSON (an interrupted write?)\n",
		    j.bad_line);
	json_decref(s);
	rc = NR_EXIT_OK;
out:
	nr_pipeline_release(&p);
	nr_config_release(&cfg);
	nr_source_release(&src);
	nr_journal_release(&j);
	return rc;
}

const struct nr_cmd nr_cmd_status = {
	.name = "status",
	.args = "",
	.summary = "applied commit, drift, pending reboot, last outcome",
	.opts = opts,
	.max_args = 0,
	.exec = exec_status,
};
