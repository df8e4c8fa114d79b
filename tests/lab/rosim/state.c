/* state: the simulated router's state in one text file, DIR/router.state.
 *
 * The format is line based and every value goes through the engine's
 * quoting (nr_ros_quote) and comes back through its parser, so any byte
 * survives:
 *
 *   rosim format=1 next-id=12 system-id=Ab3dE5fG7hJ
 *   log time="2025-09-16 10:12:09" topics=system,info message="..."
 *   menu path="/interface ethernet"
 *   item id=3 builtin=yes lazy=yes bsel="[ find default-name=ether1 ]"
 *   base default-name=ether1 name=ether1
 *   props comment=wan
 *
 * An item line is followed by its factory (`base`) and configured
 * (`props`) properties; `!key` is a property explicitly unset. Ids are
 * decimal. Tests may read it, or pre-load a router with `--load`. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/err.h"
#include "lib/fsutil.h"
#include "lib/mem.h"
#include "rosim.h"
#include "routeros/exec.h"
#include "routeros/quote.h"

void rosim_now(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%d %H:%M:%S", &tm);
}

void rosim_log_add(struct rosim *r, const char *topics, const char *msg)
{
	struct rosim_log *l = NR_PUSH(r->log, r->nlog, r->caplog);
	char now[32];

	rosim_now(now);
	l->time = nr_strdup(now);
	l->topics = nr_strdup(topics);
	l->msg = nr_strdup(msg);
	/* a router keeps the last thousand */
	if (r->nlog > 1000) {
		free(r->log[0].time);
		free(r->log[0].topics);
		free(r->log[0].msg);
		memmove(
		    &r->log[0], &r->log[1], (r->nlog - 1) * sizeof(*r->log));
		r->nlog--;
	}
	r->dirty = true;
}

/* An 11-character id from the kernel's random bytes (or the clock). */
static char *new_system_id(void)
{
	static const char set[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
	    "vwxyz0123456789";
	unsigned char raw[11];
	char *id = nr_calloc(12, 1);
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, raw, sizeof(raw)) : -1;

	if (fd >= 0)
		close(fd);
	if (n != (ssize_t)sizeof(raw)) {
		unsigned long s = (unsigned long)time(NULL) ^
		    (unsigned long)getpid();

		for (size_t i = 0; i < sizeof(raw); i++) {
			s = s * 6364136223846793005UL + 1442695040888963407UL;
			raw[i] = (unsigned char)(s >> 33);
		}
	}
	for (size_t i = 0; i < sizeof(raw); i++)
		id[i] = set[raw[i] % (sizeof(set) - 1)];
	return id;
}

void rosim_state_reset(struct rosim *r, bool defaults)
{
	nr_ros_model_release(&r->m);
	nr_ros_model_init(&r->m);
	if (defaults) {
		/* what a fresh CHR has: a DHCP client on ether1 */
		static const char chr[] =
		    "/ip dhcp-client add interface=ether1\n";
		struct nr_diags d;

		nr_diags_init(&d);
		nr_ros_load(&r->m, chr, strlen(chr), 0, &d);
		nr_diags_release(&d);
	}
	r->dirty = true;
}

/* The pseudo-property that lists an item's flags in the state file. */
#define FLAGS_KEY "rosim-flags"

/* ---- writing ---- */

static void put_props(
    struct nr_buf *b, const char *tag, const struct nr_ros_props *p)
{
	struct nr_buf flags = NR_BUF_INIT;

	nr_buf_adds(b, tag);
	for (size_t i = 0; i < p->n; i++) {
		/* flags (bare words such as `passive`) are listed apart, so
		 * that they come back as flags, not as key=yes */
		if (nr_ros_prop_flag(&p->v[i]))
			nr_buf_addf(
			    &flags, "%s%s", flags.len ? "," : "", p->v[i].key);
		nr_buf_addch(b, ' ');
		if (!p->v[i].val) {
			nr_buf_addch(b, '!');
			nr_buf_adds(b, p->v[i].key);
			continue;
		}

		nr_buf_adds(b, p->v[i].key);
		nr_buf_addch(b, '=');
		nr_ros_quote(b, p->v[i].val, NR_ROS_QUOTE_ALWAYS);
	}
	if (flags.len) {
		nr_buf_adds(b, " " FLAGS_KEY "=");
		nr_ros_quote(b, flags.s, NR_ROS_QUOTE_ALWAYS);
	}
	nr_buf_release(&flags);
	nr_buf_addch(b, '\n');
}

int rosim_state_save(const struct rosim *r, char *why, size_t whylen)
{
	struct nr_buf b = NR_BUF_INIT;
	struct nr_err err = NR_ERR_INIT;
	int rc;

	nr_buf_adds(&b,
	    "# rosim state: the simulated router's configuration "
	    "(tests/lab/rosim)\n");
	nr_buf_addf(&b, "rosim format=1 next-id=%u system-id=", r->m.next_id);
	nr_ros_quote(&b, r->system_id, NR_ROS_QUOTE_ALWAYS);
	nr_buf_addch(&b, '\n');
	for (size_t i = 0; i < r->nlog; i++) {
		nr_buf_adds(&b, "log time=");
		nr_ros_quote(&b, r->log[i].time, NR_ROS_QUOTE_ALWAYS);
		nr_buf_adds(&b, " topics=");
		nr_ros_quote(&b, r->log[i].topics, NR_ROS_QUOTE_ALWAYS);
		nr_buf_adds(&b, " message=");
		nr_ros_quote(&b, r->log[i].msg, NR_ROS_QUOTE_ALWAYS);
		nr_buf_addch(&b, '\n');
	}
	for (size_t i = 0; i < r->m.n; i++) {
		const struct nr_ros_menu *mn = r->m.menus[i];

		nr_buf_adds(&b, "menu path=");
		nr_ros_quote(&b, mn->path, NR_ROS_QUOTE_ALWAYS);
		nr_buf_addch(&b, '\n');
		for (size_t k = 0; k < mn->n; k++) {
			const struct nr_ros_item *it = mn->v[k];

			nr_buf_addf(&b, "item id=%u", it->id);
			if (it->builtin)
				nr_buf_adds(&b, " builtin=yes");
			if (it->lazy)
				nr_buf_adds(&b, " lazy=yes");
			if (it->bsel) {
				nr_buf_adds(&b, " bsel=");
				nr_ros_quote(&b, it->bsel, NR_ROS_QUOTE_ALWAYS);
			}
			nr_buf_addch(&b, '\n');
			if (it->base.n)
				put_props(&b, "base", &it->base);
			if (it->props.n)
				put_props(&b, "props", &it->props);
		}
	}
	rc = nr_file_replace(
	    r->state_path, b.s, b.len, 0600, (uid_t)-1, (gid_t)-1, &err);
	nr_buf_release(&b);
	if (rc < 0) {
		snprintf(why, whylen, "%s", err.msg);
		return -1;
	}
	return 0;
}

/* ---- reading ---- */

static const char *arg(const struct nr_ros_cmd *c, const char *key)
{
	const struct nr_ros_arg *a = nr_ros_cmd_arg(c, key);

	return a && a->val ? a->val : NULL;
}

static bool yes(const char *v)
{
	return v && strcmp(v, "yes") == 0;
}

static void fill_props(struct nr_ros_props *p, const struct nr_ros_cmd *c)
{
	for (size_t i = 0; i < c->nargs; i++) {
		const char *v = c->args[i].val;

		if (strcmp(c->args[i].key, FLAGS_KEY) != 0) {
			nr_ros_props_put(p, c->args[i].key, v);
			continue;
		}
		while (v && *v) {
			size_t n = strcspn(v, ",");
			char *k = nr_strndup(v, n);

			nr_ros_props_put_flag(p, k);
			free(k);
			v += n + (v[n] == ',');
		}
	}
}

/* Builds the model, the log and the system id from the parsed file. */
static int from_script(
    struct rosim *r, const struct nr_ros_script *s, char *why, size_t whylen)
{
	struct nr_ros_menu *mn = NULL;
	struct nr_ros_item *it = NULL;
	unsigned next_id = 0;

	for (size_t i = 0; i < s->n; i++) {
		const struct nr_ros_cmd *c = &s->v[i];
		const char *w = c->word ? c->word : "";

		if (strcmp(w, "rosim") == 0) {
			const char *v = arg(c, "next-id");

			next_id = v ? (unsigned)strtoul(v, NULL, 10) : 0;
			free(r->system_id);
			r->system_id = arg(c, "system-id")
			    ? nr_strdup(arg(c, "system-id"))
			    : new_system_id();
		} else if (strcmp(w, "log") == 0) {
			struct rosim_log *l =
			    NR_PUSH(r->log, r->nlog, r->caplog);

			l->time =
			    nr_strdup(arg(c, "time") ? arg(c, "time") : "");
			l->topics =
			    nr_strdup(arg(c, "topics") ? arg(c, "topics") : "");
			l->msg = nr_strdup(
			    arg(c, "message") ? arg(c, "message") : "");
		} else if (strcmp(w, "menu") == 0 && arg(c, "path")) {
			if (it && mn)
				nr_ros_menu_reindex(mn, it);
			it = NULL;
			mn = nr_ros_model_menu(&r->m, arg(c, "path"));
			/* the stored items replace the eager built-ins */
			while (mn->n)
				nr_ros_menu_remove_at(mn, mn->n - 1);
		} else if (strcmp(w, "item") == 0 && mn && arg(c, "id")) {
			if (it)
				nr_ros_menu_reindex(mn, it);
			it = nr_ros_item_new(&r->m, mn, mn->n);
			it->id = (unsigned)strtoul(arg(c, "id"), NULL, 10);
			it->builtin = yes(arg(c, "builtin"));
			it->lazy = yes(arg(c, "lazy"));
			if (arg(c, "bsel"))
				it->bsel = nr_strdup(arg(c, "bsel"));
		} else if (strcmp(w, "base") == 0 && it) {
			fill_props(&it->base, c);
		} else if (strcmp(w, "props") == 0 && it) {
			fill_props(&it->props, c);
		} else {
			snprintf(why, whylen, "%s: line %d: unexpected '%s'",
			    r->state_path, c->loc.line, w);
			return -1;
		}
	}
	if (it && mn)
		nr_ros_menu_reindex(mn, it);
	r->m.next_id = next_id;
	r->m.last = NULL;
	return 0;
}

int rosim_state_load(struct rosim *r, char *why, size_t whylen)
{
	struct nr_err err = NR_ERR_INIT;
	struct nr_ros_script s;
	struct nr_diags d;
	char *text = NULL;
	size_t len = 0;
	int rc = nr_file_read(&text, &len, r->state_path, 0, &err);

	nr_ros_model_init(&r->m);
	if (rc == NR_ENOTFOUND) {
		r->system_id = new_system_id();
		rosim_state_reset(r, true);
		rosim_log_add(r, "system,info", "router was started");
		return 0;
	}
	if (rc < 0) {
		snprintf(why, whylen, "%s", err.msg);
		return -1;
	}
	nr_diags_init(&d);
	rc = nr_ros_parse(&s, text, len, &d);
	if (rc < 0) {
		snprintf(why, whylen, "%s: line %d: %s", r->state_path,
		    d.n ? d.v[0].loc.line : 0, d.n ? d.v[0].msg : "bad state");
	} else {
		rc = from_script(r, &s, why, whylen);
	}
	if (!r->system_id)
		r->system_id = new_system_id();
	nr_ros_script_release(&s);
	nr_diags_release(&d);
	free(text);
	return rc < 0 ? -1 : 0;
}
