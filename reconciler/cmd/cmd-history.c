/* cmd-history: every attempt in the journal, newest first. */
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/common.h"
#include "state/journal.h"

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "-";
}

/* One attempt as the JSON of docs/cli.md. A key the begin entry lacks
 * (a restore has no "changes") is null: with a plain "O" json_pack would
 * fail and the attempt would silently vanish from the history. */
static json_t *attempt(const struct nr_journal *j, json_t *begin)
{
	long long seq = json_integer_value(json_object_get(begin, "seq"));
	json_t *end = nr_journal_end_of(j, seq);
	json_t *a = json_pack("{s:I, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?}",
	    "seq", (json_int_t)seq, "time", json_object_get(begin, "time"),
	    "action", json_object_get(begin, "action"), "commit",
	    json_object_get(begin, "commit"), "trigger",
	    json_object_get(begin, "trigger"), "snapshot",
	    json_object_get(begin, "snapshot"), "changes",
	    json_object_get(begin, "changes"));

	json_object_set_new(a, "outcome",
	    json_string(end ? str(end, "outcome") : "interrupted"));
	json_object_set(a, "duration_ms",
	    end ? json_object_get(end, "duration_ms") : json_null());
	json_object_set(
	    a, "error", end ? json_object_get(end, "error") : json_null());
	return a;
}

static int exec_history(struct nr_ctx *ctx, const struct nr_args *a)
{
	struct nr_journal j;
	struct nr_err err = NR_ERR_INIT;
	json_t *list = json_array();
	size_t n;

	(void)a;
	if (nr_journal_read(&j, ctx->state_dir, &err) < 0) {
		nr_cmd_error(ctx, "%s", err.msg);
		json_decref(list);
		return NR_EXIT_ERROR;
	}
	n = json_array_size(j.entries);
	for (size_t i = n; i > 0; i--) {
		json_t *e = json_array_get(j.entries, i - 1);

		if (strcmp(str(e, "event"), "begin") == 0)
			json_array_append_new(list, attempt(&j, e));
	}
	if (j.bad_line)
		fprintf(ctx->errf,
		    "netrec: warning: journal line %zu is torn or "
		    "not JSON (an interrupted write?): %s\n",
		    j.bad_line, j.bad_text ? j.bad_text : "");
	if (ctx->json) {
		nr_cmd_print_json(ctx, list);
		list = NULL;
	} else if (!json_array_size(list)) {
		fprintf(ctx->out, "No attempts recorded in %s/journal.jsonl.\n",
		    ctx->state_dir);
	} else {
		size_t i;
		json_t *h;

		fprintf(ctx->out, "%-5s %-20s %-8s %-7s %-12s %-13s %8s  %s\n",
		    "SEQ", "TIME", "ACTION", "BY", "COMMIT", "OUTCOME", "MS",
		    "SNAPSHOT");
		json_array_foreach (list, i, h)
			fprintf(ctx->out,
			    "%-5lld %-20s %-8s %-7s %-12.12s %-13s %8lld  "
			    "%s\n",
			    (long long)json_integer_value(
				json_object_get(h, "seq")),
			    str(h, "time"), str(h, "action"), str(h, "trigger"),
			    str(h, "commit"), str(h, "outcome"),
			    (long long)json_integer_value(
				json_object_get(h, "duration_ms")),
			    str(h, "snapshot"));
	}
	json_decref(list);
	nr_journal_release(&j);
	return NR_EXIT_OK;
}

const struct nr_cmd nr_cmd_history = {
	.name = "history",
	.args = "",
	.summary = "every apply and rollback attempt, newest first",
	.max_args = 0,
	.exec = exec_history,
};
