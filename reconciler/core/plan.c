/* plan: the change list, its notes, and how it is shown (text, JSON). */
#include "core/plan.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/mem.h"

void nr_plan_init(struct nr_plan *p)
{
	memset(p, 0, sizeof(*p));
}

void nr_plan_release(struct nr_plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].address);
		free(p->v[i].reason);
		free(p->v[i].diff);
	}
	for (size_t i = 0; i < p->nnotes; i++) {
		free(p->notes[i].address);
		free(p->notes[i].msg);
	}
	free(p->v);
	free(p->notes);
	free(p->commit);
	free(p->source);
	nr_plan_init(p);
}

struct nr_change *nr_plan_add(struct nr_plan *p, const struct nr_resource *r,
    enum nr_action action, enum nr_disruption dis, const char *diff,
    const char *reason_fmt, ...)
{
	struct nr_change *c = NR_PUSH(p->v, p->n, p->cap);
	struct nr_buf b = NR_BUF_INIT;
	va_list ap;

	va_start(ap, reason_fmt);
	nr_buf_vaddf(&b, reason_fmt, ap);
	va_end(ap);
	c->address = nr_strdup(r->address);
	c->action = action;
	c->disruption = dis;
	c->reason = nr_buf_detach(&b);
	c->diff = diff ? nr_strdup(diff) : NULL;
	c->res = r;
	return c;
}

void nr_plan_note(struct nr_plan *p, enum nr_note_kind kind,
    const char *address, const char *fmt, ...)
{
	struct nr_note *n = NR_PUSH(p->notes, p->nnotes, p->capnotes);
	struct nr_buf b = NR_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	nr_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	n->kind = kind;
	n->address = nr_strdup(address);
	n->msg = nr_buf_detach(&b);
}

size_t nr_plan_count_notes(const struct nr_plan *p, enum nr_note_kind kind)
{
	size_t n = 0;

	for (size_t i = 0; i < p->nnotes; i++)
		n += p->notes[i].kind == kind;
	return n;
}

const char *nr_action_name(enum nr_action a)
{
	static const char *const names[] = { "create", "update", "delete",
		"restart", "run", "reboot" };

	return names[a];
}

const char *nr_disruption_name(enum nr_disruption d)
{
	static const char *const names[] = { "none", "router-restart",
		"host-reboot" };

	return names[d];
}

const char *nr_note_kind_name(enum nr_note_kind k)
{
	static const char *const names[] = { "warning", "refused",
		"reboot-pending" };

	return names[k];
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* "host", "vm", "router" for the layers a plan covers. */
static json_t *targets_json(unsigned targets)
{
	static const char *const names[] = { "host", "vm", "router" };
	json_t *a = json_array();

	for (unsigned i = 0; i < 3; i++)
		if (targets & (1u << i))
			json_array_append_new(a, json_string(names[i]));
	return a;
}

json_t *nr_plan_json(const struct nr_plan *p)
{
	json_t *changes = json_array(), *notes = json_array();
	long long count[NR_ACT_REBOOT + 1] = { 0 };

	for (size_t i = 0; i < p->n; i++) {
		const struct nr_change *c = &p->v[i];

		count[c->action]++;
		json_array_append_new(changes,
		    json_pack("{s:s, s:s, s:s, s:s, s:o}", "address",
			c->address, "action", nr_action_name(c->action),
			"disruption", nr_disruption_name(c->disruption),
			"reason", c->reason, "diff", str_or_null(c->diff)));
	}
	for (size_t i = 0; i < p->nnotes; i++)
		json_array_append_new(notes,
		    json_pack("{s:s, s:s, s:s}", "kind",
			nr_note_kind_name(p->notes[i].kind), "address",
			p->notes[i].address, "message", p->notes[i].msg));
	return json_pack("{s:i, s:o, s:o, s:o, s:{s:I, s:I, s:I, s:I, s:I, "
			 "s:I}, s:o, s:s, s:s}",
	    "format_version", 1, "commit", str_or_null(p->commit), "changes",
	    changes, "notes", notes, "summary", "create", count[NR_ACT_CREATE],
	    "update", count[NR_ACT_UPDATE], "delete", count[NR_ACT_DELETE],
	    "restart", count[NR_ACT_RESTART], "reboot", count[NR_ACT_REBOOT],
	    "run", count[NR_ACT_RUN], "targets", targets_json(p->targets),
	    "live_digest", p->live_digest, "source_digest", p->source_digest);
}

static const char *symbol(enum nr_action a)
{
	static const char *const s[] = { "+", "~", "-", "~", ">", "!" };

	return s[a];
}

static const char *colour(enum nr_action a)
{
	static const char *const s[] = { "32", "33", "31", "33", "36", "35" };

	return s[a];
}

static void print_diff(FILE *fp, const char *diff, bool color)
{
	const char *p = diff;

	while (*p) {
		size_t n = strcspn(p, "\n");
		const char *c = NULL;

		if (color && (*p == '+' || *p == '-') &&
		    strncmp(p, "+++", 3) != 0 && strncmp(p, "---", 3) != 0)
			c = *p == '+' ? "32" : "31";
		else if (color && *p == '@')
			c = "36";
		if (c)
			fprintf(
			    fp, "        \033[%sm%.*s\033[0m\n", c, (int)n, p);
		else
			fprintf(fp, "        %.*s\n", (int)n, p);
		p += n;
		if (*p)
			p++;
	}
}

void nr_plan_print(FILE *fp, const struct nr_plan *p, bool color)
{
	long long count[NR_ACT_REBOOT + 1] = { 0 };

	fprintf(fp, "netrec plan: %s", p->source ? p->source : "network.yaml");
	if (p->commit)
		fprintf(fp, " (commit %.12s)", p->commit);
	fputs("\n\n", fp);
	for (size_t i = 0; i < p->n; i++) {
		const struct nr_change *c = &p->v[i];

		count[c->action]++;
		if (color)
			fprintf(fp, "  \033[%sm%s %s\033[0m", colour(c->action),
			    symbol(c->action), c->address);
		else
			fprintf(fp, "  %s %s", symbol(c->action), c->address);
		fprintf(fp, "  %s", nr_action_name(c->action));
		if (c->disruption != NR_DIS_NONE)
			fprintf(fp, " (%s)", nr_disruption_name(c->disruption));
		fprintf(fp, "\n        reason: %s\n", c->reason);
		if (c->diff)
			print_diff(fp, c->diff, color);
	}
	if (p->n == 0)
		fputs(
		    "  No changes. The live state matches network.yaml.\n", fp);
	if (p->nnotes)
		fputc('\n', fp);
	for (size_t i = 0; i < p->nnotes; i++) {
		const struct nr_note *n = &p->notes[i];
		const char *c = n->kind == NR_NOTE_REFUSE ? "1;31" : "1;33";

		if (color)
			fprintf(fp, "  \033[%sm%s:\033[0m %s: %s\n", c,
			    nr_note_kind_name(n->kind), n->address, n->msg);
		else
			fprintf(fp, "  %s: %s: %s\n",
			    nr_note_kind_name(n->kind), n->address, n->msg);
	}
	fprintf(fp,
	    "\nPlan: %lld to create, %lld to update, %lld to delete, %lld to "
	    "restart, %lld to run, %lld reboot.\n",
	    count[NR_ACT_CREATE], count[NR_ACT_UPDATE], count[NR_ACT_DELETE],
	    count[NR_ACT_RESTART], count[NR_ACT_RUN], count[NR_ACT_REBOOT]);
}
