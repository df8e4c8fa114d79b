/* commands: what the simulated router does with a command line.
 *
 * A line is read by the engine's parser as a whole (a syntax error runs
 * nothing, as RouterOS compiles a line before running it), checked
 * against the console's menu tree ("bad command name X"), then run
 * command by command: configuration verbs by the engine's executor, with
 * its router messages; console commands (/export, /import, /file,
 * /system reset-configuration, print, ...) here. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/diag.h"
#include "lib/err.h"
#include "lib/fsutil.h"
#include "lib/mem.h"
#include "rosim.h"
#include "routeros/exec.h"
#include "routeros/export.h"
#include "routeros/menus.h"
#include "routeros/quote.h"

enum { MSG = 1024 };

void rosim_say(struct rosim *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	nr_buf_vaddf(&r->out, fmt, ap);
	va_end(ap);
	nr_buf_addch(&r->out, '\n');
}

__attribute__((format(printf, 3, 4))) static int fail(
    char *msg, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, len, fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- where a word is, for "(line L column C)" ---- */

static bool menu_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

/* The location of the idx-th word of the command's text (menu words and
 * the command word; a command under a header line starts with its
 * command word). */
static struct nr_loc word_loc(const struct nr_ros_cmd *c, size_t idx)
{
	const char *t = c->text ? c->text : "";
	struct nr_loc l = c->loc;
	size_t p = 0, k = 0;

	for (;;) {
		size_t s;

		while (t[p] == ' ' || t[p] == '\t' || t[p] == '/')
			p++;
		s = p;
		while (t[p] && menu_char(t[p]))
			p++;
		if (p == s || k == idx) {
			l.col += (int)s;
			return l;
		}
		k++;
	}
}

/* The location of the positional word `w` in the command's text. */
static struct nr_loc flag_loc(const struct nr_ros_cmd *c, const char *w)
{
	const char *t = c->text ? c->text : "";
	const char *at = c->word ? strstr(t, c->word) : NULL;
	struct nr_loc l = c->loc;
	size_t n = strlen(w);

	/* after the command word */
	at = at ? at + strlen(c->word) : t;
	for (const char *p = at; (p = strstr(p, w)); p++) {
		if ((p == t || p[-1] == ' ' || p[-1] == '\t') &&
		    (!p[n] || p[n] == ' ' || p[n] == '\t' || p[n] == ';' ||
			p[n] == '\n')) {
			l.col += (int)(p - t);
			return l;
		}
	}
	return l;
}

static size_t path_words(const char *path)
{
	size_t n = 0;

	for (const char *p = path; *p; p++)
		if (*p != ' ' && *p != '/' &&
		    (p == path || p[-1] == ' ' || p[-1] == '/'))
			n++;
	return n;
}

/* ---- positional words and arguments of console commands ---- */

struct words {
	const char *v[32];
	size_t n;
};

static int flags_of(
    const struct nr_ros_cmd *c, struct words *w, char *msg, size_t len)
{
	w->n = 0;
	if (c->sel.kind == NR_ROS_SEL_FIND)
		return fail(msg, len,
		    "expected end of command (line %d column %d)",
		    c->sel.loc.line, c->sel.loc.col);
	for (size_t i = 0; c->sel.kind == NR_ROS_SEL_REFS && i < c->sel.nrefs;
	     i++)
		if (w->n < NR_ARRAY_SIZE(w->v))
			w->v[w->n++] = c->sel.refs[i];
	for (size_t i = 0; i < c->npos; i++)
		if (w->n < NR_ARRAY_SIZE(w->v))
			w->v[w->n++] = c->pos[i];
	return 0;
}

static int bad_flag(
    const struct nr_ros_cmd *c, const char *w, char *msg, size_t len)
{
	struct nr_loc l = flag_loc(c, w);

	return fail(msg, len, "expected end of command (line %d column %d)",
	    l.line, l.col);
}

static int bad_arg(const struct nr_ros_cmd *c, const struct nr_ros_arg *a,
    char *msg, size_t len)
{
	(void)c;
	return fail(msg, len, "expected end of command (line %d column %d)",
	    a->loc.line, a->loc.col);
}

static bool in_list(const char *w, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(w, list[i]) == 0)
			return true;
	return false;
}

/* Checks the flags and key=value arguments of a console command. */
static int check_args(const struct nr_ros_cmd *c, struct words *w,
    const char *const *flags, const char *const *keys, char *msg, size_t len)
{
	if (flags_of(c, w, msg, len) < 0)
		return -1;
	for (size_t i = 0; i < w->n; i++)
		if (!in_list(w->v[i], flags))
			return bad_flag(c, w->v[i], msg, len);
	for (size_t i = 0; i < c->nargs; i++)
		if (!in_list(c->args[i].key, keys) || !c->args[i].val)
			return bad_arg(c, &c->args[i], msg, len);
	return 0;
}

static bool has(const struct words *w, const char *flag)
{
	for (size_t i = 0; i < w->n; i++)
		if (strcmp(w->v[i], flag) == 0)
			return true;
	return false;
}

static const char *val(const struct nr_ros_cmd *c, const char *key)
{
	const struct nr_ros_arg *a = nr_ros_cmd_arg(c, key);

	return a && a->val ? a->val : NULL;
}

static bool yes(const char *v)
{
	return v && (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0);
}

/* ---- /export ---- */

/* Menus no export shows: users, their keys, certificates. */
static bool hidden(const char *path)
{
	return strcmp(path, "/user") == 0 ||
	    strncmp(path, "/user ssh-keys", 14) == 0 ||
	    strcmp(path, "/user active") == 0 ||
	    strcmp(path, "/certificate") == 0;
}

static bool under(const char *path, const char *top)
{
	size_t n = strlen(top);

	return strcmp(top, "/") == 0 ||
	    (strncmp(path, top, n) == 0 && (!path[n] || path[n] == ' '));
}

static int cmd_export(
    struct rosim *r, const struct nr_ros_cmd *c, char *msg, size_t len)
{
	static const char *const flags[] = { "terse", "verbose", "compact",
		"show-sensitive", "hide-sensitive", NULL };
	static const char *const keys[] = { "file", NULL };
	struct nr_ros_model view;
	struct nr_ros_export_opts o = { 0 };
	struct nr_buf b = NR_BUF_INIT;
	struct words w;
	char now[32];
	const char *file;

	if (check_args(c, &w, flags, keys, msg, len) < 0)
		return -1;
	o.flags = (has(&w, "terse") ? NR_ROS_EXPORT_TERSE : 0) |
	    (has(&w, "verbose") ? NR_ROS_EXPORT_VERBOSE : 0) |
	    (has(&w, "show-sensitive") ? NR_ROS_EXPORT_SENSITIVE : 0);
	rosim_now(now);
	o.date = now;
	o.version = ROSIM_VERSION;
	o.system_id = r->system_id;
	/* a view of the menus this export shows (the model owns them) */
	nr_ros_model_init(&view);
	view.menus = nr_calloc(r->m.n + 1, sizeof(*view.menus));
	for (size_t i = 0; i < r->m.n; i++)
		if (!hidden(r->m.menus[i]->path) &&
		    under(r->m.menus[i]->path, c->path))
			view.menus[view.n++] = r->m.menus[i];
	file = val(c, "file");
	if (file)
		o.flags |= NR_ROS_EXPORT_CRLF;
	nr_ros_export(&b, &view, &o);
	free(view.menus);
	if (file) {
		size_t n = strlen(file);
		char *name = n > 4 && strcmp(file + n - 4, ".rsc") == 0
		    ? nr_strdup(file)
		    : nr_asprintf("%s.rsc", file);
		int rc = rosim_file_write(r, name, b.s, b.len);

		free(name);
		nr_buf_release(&b);
		if (rc < 0)
			return fail(msg, len, "failure: could not save file");
		return 0;
	}
	nr_buf_add(&r->out, b.s, b.len);
	nr_buf_release(&b);
	return 0;
}

/* ---- checking a parsed line ---- */

struct problem {
	bool set;
	struct nr_loc loc;
	char msg[MSG];
};

static void problem(struct problem *p, struct nr_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(struct problem *p, struct nr_loc loc, const char *fmt, ...)
{
	va_list ap;

	if (p->set &&
	    (p->loc.line < loc.line ||
		(p->loc.line == loc.line && p->loc.col <= loc.col)))
		return;
	p->set = true;
	p->loc = loc;
	va_start(ap, fmt);
	vsnprintf(p->msg, sizeof(p->msg), fmt, ap);
	va_end(ap);
}

typedef int (*console_fn)(
    struct rosim *r, const struct nr_ros_cmd *c, char *msg, size_t len);

static int cmd_import(
    struct rosim *r, const struct nr_ros_cmd *c, char *msg, size_t len);
static int cmd_reset(
    struct rosim *r, const struct nr_ros_cmd *c, char *msg, size_t len);
static int cmd_print(
    struct rosim *r, const struct nr_ros_cmd *c, char *msg, size_t len);
static int cmd_file(
    struct rosim *r, const struct nr_ros_cmd *c, char *msg, size_t len);
static int cmd_log_print(
    struct rosim *r, const struct nr_ros_cmd *c, char *msg, size_t len);
static int cmd_resource_print(
    struct rosim *r, const struct nr_ros_cmd *c, char *msg, size_t len);
static int cmd_sshkey_import(
    struct rosim *r, const struct nr_ros_cmd *c, char *msg, size_t len);

/* Console commands: a menu (NULL: any) and a command word. `script`:
 * allowed inside /import files and run-after-reset scripts. */
static const struct console {
	const char *path;
	const char *word;
	console_fn run;
	bool script;
} consoles[] = {
	{ NULL, "export", cmd_export, true },
	{ "/", "import", cmd_import, false },
	{ "/system", "reset-configuration", cmd_reset, false },
	{ "/log", "print", cmd_log_print, true },
	{ "/system resource", "print", cmd_resource_print, true },
	{ "/user ssh-keys", "import", cmd_sshkey_import, true },
	{ "/file", "print", cmd_file, true },
	{ NULL, "print", cmd_print, true },
};

static const struct console *console_of(const struct nr_ros_cmd *c)
{
	if (c->verb != NR_ROS_OTHER || !c->word)
		return NULL;
	for (size_t i = 0; i < NR_ARRAY_SIZE(consoles); i++)
		if ((!consoles[i].path ||
			strcmp(consoles[i].path, c->path) == 0) &&
		    strcmp(consoles[i].word, c->word) == 0)
			return &consoles[i];
	return NULL;
}

/* `/system reset-configuration` with no arguments reads as a header. */
static bool reset_header(const struct nr_ros_cmd *c)
{
	return c->verb == NR_ROS_HEADER &&
	    strcmp(c->path, "/system reset-configuration") == 0;
}

/* Script commands the simulator takes as no-ops. */
static bool harmless_script(const struct nr_ros_cmd *c)
{
	return c->verb == NR_ROS_SCRIPT && c->word &&
	    (strcmp(c->word, ":delay") == 0 || strcmp(c->word, ":log") == 0);
}

/* Finds the first menu word of `c` that is no menu ("bad command name"). */
static bool check_path(
    const struct rosim *r, const struct nr_ros_cmd *c, struct problem *p)
{
	const char *path = c->path;
	size_t n = strlen(path), k = 0;
	struct nr_buf pre = NR_BUF_INIT;
	bool rel = !c->text || c->text[0] != '/';

	if (strcmp(path, "/") == 0 || rosim_menu_known(&r->m, path) ||
	    (strcmp(path, "/file") == 0))
		return true;
	/* the longest known prefix; the next word is the bad one */
	for (size_t i = 1; i <= n; i++) {
		if (i < n && path[i] != ' ')
			continue;
		nr_buf_reset(&pre);
		nr_buf_add(&pre, path, i);
		if (!rosim_menu_known(&r->m, pre.s))
			break;
		k++;
	}
	{
		const char *w = path + 1;
		struct nr_loc l;
		size_t wn;

		for (size_t i = 0; i < k; i++)
			w += strcspn(w, " ") + 1;
		wn = strcspn(w, " ");
		/* a command under a bad header: the header was reported */
		l = rel ? c->loc : word_loc(c, k);
		problem(p, l, "bad command name %.*s (line %d column %d)",
		    (int)wn, w, l.line, l.col);
	}
	nr_buf_release(&pre);
	return false;
}

/* Checks one parsed command before anything runs. */
static void check_cmd(const struct rosim *r, const struct nr_ros_cmd *c,
    bool script, struct problem *p)
{
	struct nr_loc l;

	if (c->verb == NR_ROS_SCRIPT) {
		if (!harmless_script(c))
			problem(p, c->loc,
			    "%s: scripting is not simulated (line %d column %d)",
			    c->word ? c->word : "script", c->loc.line,
			    c->loc.col);
		return;
	}
	if (reset_header(c)) {
		if (script)
			problem(p, c->loc,
			    "reset-configuration is not simulated in a script "
			    "(line %d column %d)",
			    c->loc.line, c->loc.col);
		return;
	}
	if (!check_path(r, c, p))
		return;
	if (c->verb == NR_ROS_HEADER)
		return;
	if (c->unsupported && c->verb != NR_ROS_OTHER) {
		problem(p, c->loc,
		    "%s: scripting is not simulated (line %d column %d)",
		    c->unsupported, c->loc.line, c->loc.col);
		return;
	}
	l = word_loc(c, c->text && c->text[0] == '/' ? path_words(c->path) : 0);
	if (c->verb == NR_ROS_OTHER) {
		const struct console *k = console_of(c);

		if (!k &&
		    !(strcmp(c->path, "/file") == 0 &&
			strcmp(c->word, "print") == 0))
			problem(p, l, "bad command name %s (line %d column %d)",
			    c->word, l.line, l.col);
		else if (k && script && !k->script)
			problem(p, l,
			    "%s is not simulated in a script (line %d column "
			    "%d)",
			    c->word, l.line, l.col);
		return;
	}
	/* positional words where a verb takes none */
	if ((c->verb == NR_ROS_ADD && c->sel.kind != NR_ROS_SEL_NONE) ||
	    (c->npos && c->verb != NR_ROS_MOVE && c->verb != NR_ROS_UNSET) ||
	    (c->verb == NR_ROS_MOVE && c->npos > 1)) {
		struct nr_loc at = c->verb == NR_ROS_ADD ? c->sel.loc
		    : c->npos ? flag_loc(c, c->pos[c->npos - 1])
			      : c->loc;

		problem(p, at, "expected end of command (line %d column %d)",
		    at.line, at.col);
	}
}

/* The first syntax problem of a parsed text: a parser error or a bad
 * command. */
static void first_problem(const struct rosim *r, const struct nr_ros_script *s,
    struct nr_diags *d, bool script, struct problem *p)
{
	for (size_t i = 0; i < d->n; i++) {
		const char *m = d->v[i].msg;

		if (d->v[i].sev != NR_SEV_ERROR)
			continue;
		/* "syntax error (unexpected ']')" prints as "syntax error" */
		if (strncmp(m, "syntax error", 12) == 0)
			problem(p, d->v[i].loc,
			    "syntax error (line %d column %d)",
			    d->v[i].loc.line, d->v[i].loc.col);
		else
			problem(p, d->v[i].loc, "%s (line %d column %d)", m,
			    d->v[i].loc.line, d->v[i].loc.col);
	}
	for (size_t i = 0; i < s->n; i++)
		check_cmd(r, &s->v[i], script, p);
}

/* ---- running commands ---- */

/* Runs one checked command. */
static int run_cmd(
    struct rosim *r, const struct nr_ros_cmd *c, char *msg, size_t len)
{
	const struct console *k;

	msg[0] = '\0';
	if (c->verb == NR_ROS_SCRIPT) {
		if (c->word && strcmp(c->word, ":log") == 0)
			rosim_log_add(r, "script,info", c->text ? c->text : "");
		return 0;
	}
	if (reset_header(c))
		return cmd_reset(r, c, msg, len);
	if (c->verb == NR_ROS_HEADER)
		return 0;
	if (strcmp(c->path, "/file") == 0)
		return cmd_file(r, c, msg, len);
	k = console_of(c);
	if (k)
		return k->run(r, c, msg, len);
	if (nr_ros_exec_cmd(&r->m, c, msg, len) < 0)
		return -1;
	r->dirty = true;
	return 0;
}

void rosim_run(struct rosim *r, const char *line)
{
	struct nr_ros_script s;
	struct nr_diags d;
	struct problem p = { 0 };
	char msg[MSG];

	nr_diags_init(&d);
	nr_ros_parse(&s, line, strlen(line), &d);
	first_problem(r, &s, &d, false, &p);
	if (p.set) {
		rosim_say(r, "%s", p.msg);
	} else {
		for (size_t i = 0; i < s.n && !r->end; i++) {
			if (run_cmd(r, &s.v[i], msg, sizeof(msg)) < 0) {
				rosim_say(r, "%s", msg);
				break;
			}
		}
	}
	nr_ros_script_release(&s);
	nr_diags_release(&d);
}

/* ---- /import and scripts ---- */

enum { SCRIPT_VERBOSE = 1, SCRIPT_DRY = 2 };

/* Runs a script file as /import does. The result line ("Script file
 * loaded and executed successfully" or "Script Error: ...") goes to
 * `res`, with `where` (" (:import; line 1)") after a runtime error.
 * Without SCRIPT_VERBOSE the whole file is checked first and a syntax
 * error runs nothing; with it, the lines before the error run. Returns 0
 * or -1. */
static int run_script(struct rosim *r, const char *text, size_t tlen,
    unsigned flags, const char *where, struct nr_buf *res)
{
	struct nr_ros_script s;
	struct nr_diags d;
	struct problem p = { 0 };
	struct nr_ros_model saved;
	char msg[MSG];
	int rc = 0, limit;

	nr_diags_init(&d);
	nr_ros_parse(&s, text, tlen, &d);
	first_problem(r, &s, &d, true, &p);
	limit = p.set ? p.loc.line : INT_MAX;
	if (p.set && !(flags & SCRIPT_VERBOSE))
		limit = 0;
	if (flags & SCRIPT_DRY) {
		saved = r->m;
		nr_ros_model_copy(&r->m, &saved);
	}
	for (size_t i = 0; i < s.n && s.v[i].loc.line < limit && !rc; i++) {
		const struct nr_ros_cmd *c = &s.v[i];

		if (run_cmd(r, c, msg, sizeof(msg)) < 0) {
			struct nr_buf where_cmd = NR_BUF_INIT;

			/* "/ip address" + add -> "/ip/address/add" */
			for (const char *q = c->path; *q; q++)
				nr_buf_addch(&where_cmd, *q == ' ' ? '/' : *q);
			if (where_cmd.len > 1)
				nr_buf_addch(&where_cmd, '/');
			nr_buf_adds(&where_cmd, c->word ? c->word : "");
			nr_buf_addf(res, "Script Error: %s (%s; line %d)%s",
			    msg, where_cmd.s, c->loc.line, where);
			nr_buf_release(&where_cmd);
			rc = -1;
		}
	}
	if (!rc && p.set) {
		nr_buf_addf(res, "Script Error: %s", p.msg);
		rc = -1;
	}
	if (!rc)
		nr_buf_adds(
		    res, "Script file loaded and executed successfully");
	if (flags & SCRIPT_DRY) {
		nr_ros_model_release(&r->m);
		r->m = saved;
	}
	nr_ros_script_release(&s);
	nr_diags_release(&d);
	return rc;
}

static int cmd_import(
    struct rosim *r, const struct nr_ros_cmd *c, char *msg, size_t len)
{
	static const char *const keys[] = { "file-name", "verbose", "on-error",
		NULL };
	struct words w;
	const char *name = val(c, "file-name");
	struct nr_buf res = NR_BUF_INIT;
	unsigned flags = 0;
	char *text = NULL;
	size_t tlen = 0;

	if (flags_of(c, &w, msg, len) < 0)
		return -1;
	for (size_t i = 0; i < w.n; i++) {
		if (strcmp(w.v[i], "dry-run") == 0)
			flags |= SCRIPT_DRY;
		else if (!name && i == 0)
			name = w.v[i];
		else
			return bad_flag(c, w.v[i], msg, len);
	}
	for (size_t i = 0; i < c->nargs; i++)
		if (!in_list(c->args[i].key, keys) || !c->args[i].val)
			return bad_arg(c, &c->args[i], msg, len);
	if (yes(val(c, "verbose")))
		flags |= SCRIPT_VERBOSE;
	if (!name)
		return fail(
		    msg, len, "missing value(s) of argument(s) file-name");
	if (rosim_file_read(r, name, &text, &tlen) < 0) {
		char *alt = nr_asprintf("%s.rsc", name);
		int rc = rosim_file_read(r, alt, &text, &tlen);

		free(alt);
		if (rc < 0) {
			rosim_say(r,
			    "Cannot open import file, file does not "
			    "exist (:import; line 1)");
			return 0;
		}
	}
	run_script(r, text, tlen, flags, " (:import; line 1)", &res);
	rosim_say(r, "%s", res.s);
	nr_buf_release(&res);
	free(text);
	return 0;
}

/* ---- /system reset-configuration ---- */

static int cmd_reset(
    struct rosim *r, const struct nr_ros_cmd *c, char *msg, size_t len)
{
	static const char *const keys[] = { "no-defaults", "skip-backup",
		"keep-users", "keep-certs", "run-after-reset", "caps-mode",
		NULL };
	static const char *const flags[] = { NULL };
	struct words w;
	const char *script = val(c, "run-after-reset");
	struct nr_ros_model old;
	char *text = NULL;
	size_t tlen = 0;
	bool found = false;

	if (c->verb != NR_ROS_HEADER &&
	    check_args(c, &w, flags, keys, msg, len) < 0)
		return -1;
	if (script && *script)
		found = rosim_file_read(r, script, &text, &tlen) == 0;
	old = r->m;
	nr_ros_model_init(&r->m);
	rosim_state_reset(r, !yes(val(c, "no-defaults")));
	if (yes(val(c, "keep-users"))) {
		/* the users go over to the new configuration */
		for (size_t i = 0; i < old.n; i++) {
			if (strcmp(old.menus[i]->path, "/user") != 0 &&
			    strncmp(old.menus[i]->path, "/user ", 6) != 0)
				continue;
			*NR_PUSH(r->m.menus, r->m.n, r->m.cap) = old.menus[i];
			old.menus[i] = old.menus[--old.n];
			i--;
		}
		if (r->m.next_id < old.next_id)
			r->m.next_id = old.next_id;
	}
	nr_ros_model_release(&old);
	rosim_log_add(r, "system,info", "configuration was reset");
	if (script && *script && !found) {
		char *m = nr_asprintf(
		    "run-after-reset: file %s does not exist", script);

		rosim_log_add(r, "script,error", m);
		free(m);
	} else if (found) {
		struct nr_buf res = NR_BUF_INIT;
		int rc = run_script(r, text, tlen, 0, "", &res);
		char *m = nr_asprintf("run-after-reset %s: %s", script, res.s);

		rosim_log_add(r, rc < 0 ? "script,error" : "script,info", m);
		free(m);
		nr_buf_release(&res);
	}
	free(text);
	r->dirty = true;
	/* the router reboots: the session ends */
	r->end = true;
	return 0;
}

/* ---- print ---- */

/* An item as print shows it: its factory and configured properties and
 * the defaults an export shows too (all with `detail`), secrets left
 * out. */
static void print_props(struct nr_buf *out, const struct nr_ros_menu *mn,
    const struct nr_ros_item *it, bool detail)
{
	struct nr_ros_props all = { 0 };

	nr_ros_item_all_props(&all, mn, it, detail);
	nr_ros_item_printed(&all, mn, it);
	for (size_t i = 0; i < all.n; i++) {
		if (!all.v[i].val || nr_ros_sensitive(all.v[i].key) ||
		    strcmp(all.v[i].key, "default") == 0)
			continue;
		nr_buf_addch(out, ' ');
		nr_buf_adds(out, all.v[i].key);
		nr_buf_addch(out, '=');
		nr_ros_quote(out, all.v[i].val, 0);
	}
	nr_ros_props_release(&all);
}

/* `key: value` lines of a settings object, keys right-aligned. */
static void print_settings(
    struct rosim *r, const struct nr_ros_menu *mn, const struct nr_ros_item *it)
{
	struct nr_buf line = NR_BUF_INIT;
	struct nr_ros_script s;
	struct nr_diags d;
	size_t wkey = 0;

	nr_ros_item_line(
	    &line, mn, it, NR_ROS_EXPORT_VERBOSE | NR_ROS_EXPORT_SENSITIVE);
	nr_diags_init(&d);
	nr_ros_parse(&s, line.s, line.len, &d);
	for (size_t i = 0; i < s.n; i++)
		for (size_t k = 0; k < s.v[i].nargs; k++)
			if (strlen(s.v[i].args[k].key) > wkey)
				wkey = strlen(s.v[i].args[k].key);
	for (size_t i = 0; i < s.n; i++)
		for (size_t k = 0; k < s.v[i].nargs; k++)
			rosim_say(r, "%*s: %s", (int)wkey + 2,
			    s.v[i].args[k].key,
			    s.v[i].args[k].val ? s.v[i].args[k].val : "");
	nr_ros_script_release(&s);
	nr_diags_release(&d);
	nr_buf_release(&line);
}

static int cmd_print(
    struct rosim *r, const struct nr_ros_cmd *c, char *msg, size_t len)
{
	static const char *const flags[] = { "detail", "terse", "show-ids",
		"count-only", "without-paging", "where", NULL };
	struct nr_ros_menu *mn;
	struct words w;
	size_t count = 0;
	struct nr_ros_cond *conds;

	if (flags_of(c, &w, msg, len) < 0)
		return -1;
	for (size_t i = 0; i < w.n; i++)
		if (!in_list(w.v[i], flags))
			return bad_flag(c, w.v[i], msg, len);
	if (c->nargs && !has(&w, "where"))
		return bad_arg(c, &c->args[0], msg, len);
	mn = nr_ros_model_find(&r->m, c->path);
	if (!mn)
		mn = nr_ros_model_menu(&r->m, c->path);
	conds = nr_calloc(c->nargs + 1, sizeof(*conds));
	for (size_t i = 0; i < c->nargs; i++) {
		conds[i].key = c->args[i].key;
		conds[i].val = c->args[i].val;
	}
	for (size_t i = 0; i < mn->n; i++) {
		const struct nr_ros_item *it = mn->v[i];
		struct nr_buf line = NR_BUF_INIT;
		char idbuf[16], num[32];
		const char *dis;

		if (it->builtin && !it->bsel) {
			print_settings(r, mn, it);
			continue;
		}
		if (!nr_ros_item_matches(mn, it, conds, c->nargs))
			continue;
		count++;
		if (has(&w, "count-only"))
			continue;
		dis = nr_ros_item_get(mn, it, "disabled", idbuf);
		print_props(&line, mn, it, has(&w, "detail"));
		if (has(&w, "show-ids"))
			snprintf(num, sizeof(num), "*%X", it->id);
		else
			snprintf(num, sizeof(num), "%zu", i);
		rosim_say(r, "%3s %c%s", num,
		    dis && strcmp(dis, "yes") == 0 ? 'X' : ' ', line.s);
		nr_buf_release(&line);
	}
	if (has(&w, "count-only"))
		rosim_say(r, "%zu", count);
	free(conds);
	return 0;
}

/* A print that takes no argument but `without-paging`. */
static int plain_print(const struct nr_ros_cmd *c, char *msg, size_t len)
{
	static const char *const flags[] = { "without-paging", NULL };
	static const char *const keys[] = { NULL };
	struct words w;

	return check_args(c, &w, flags, keys, msg, len);
}

static int cmd_log_print(
    struct rosim *r, const struct nr_ros_cmd *c, char *msg, size_t len)
{
	if (plain_print(c, msg, len) < 0)
		return -1;
	for (size_t i = 0; i < r->nlog; i++)
		rosim_say(r, "%s %s %s", r->log[i].time, r->log[i].topics,
		    r->log[i].msg);
	return 0;
}

static int cmd_resource_print(
    struct rosim *r, const struct nr_ros_cmd *c, char *msg, size_t len)
{
	if (plain_print(c, msg, len) < 0)
		return -1;
	rosim_say(r, "                   uptime: 1h2m3s");
	rosim_say(r, "                  version: %s (stable)", ROSIM_VERSION);
	rosim_say(r, "              free-memory: 200.0MiB");
	rosim_say(r, "             total-memory: 256.0MiB");
	rosim_say(r, "                      cpu: QEMU");
	rosim_say(r, "                cpu-count: 1");
	rosim_say(r, "        architecture-name: x86_64");
	rosim_say(r, "               board-name: CHR QEMU Standard PC");
	rosim_say(r, "                 platform: MikroTik");
	return 0;
}

/* /user ssh-keys import public-key-file=x.pub user=netrec */
static int cmd_sshkey_import(
    struct rosim *r, const struct nr_ros_cmd *c, char *msg, size_t len)
{
	static const char *const flags[] = { NULL };
	static const char *const keys[] = { "public-key-file", "user", NULL };
	const char *file = val(c, "public-key-file"), *user = val(c, "user");
	struct words w;
	struct nr_ros_menu *mn;
	struct nr_ros_item *it;
	char *text = NULL, *owner;
	size_t tlen = 0, n;

	if (check_args(c, &w, flags, keys, msg, len) < 0)
		return -1;
	if (!file || !user)
		return fail(msg, len,
		    "missing value(s) of argument(s) public-key-file, user");
	if (rosim_file_read(r, file, &text, &tlen) < 0)
		return fail(msg, len, "failure: can not open file");
	n = strcspn(text, "\r\n");
	text[n] = '\0';
	owner = strrchr(text, ' ');
	mn = nr_ros_model_menu(&r->m, "/user ssh-keys");
	it = nr_ros_item_new(&r->m, mn, mn->n);
	nr_ros_props_put(&it->props, "user", user);
	nr_ros_props_put(&it->props, "key", text);
	if (owner && owner != text)
		nr_ros_props_put(&it->props, "key-owner", owner + 1);
	nr_ros_menu_reindex(mn, it);
	free(text);
	r->dirty = true;
	return 0;
}

/* ---- /file ---- */

static void file_props(const struct rosim_file *f, struct nr_ros_props *p)
{
	char type[64], size[32];

	rosim_file_type(f, type, sizeof(type));
	nr_ros_props_put(p, "name", f->name);
	nr_ros_props_put(p, "type", type);
	if (!f->dir) {
		snprintf(size, sizeof(size), "%lld", f->size);
		nr_ros_props_put(p, "size", size);
	}
	nr_ros_props_put(p, "last-modified", f->mtime);
}

/* "1234", "12.1KiB", "3.4MiB", as v7 prints sizes. */
static void human_size(long long n, char out[32])
{
	if (n < 10240)
		snprintf(out, 32, "%lld", n);
	else if (n < 10LL * 1024 * 1024)
		snprintf(out, 32, "%.1fKiB", (double)n / 1024);
	else
		snprintf(out, 32, "%.1fMiB", (double)n / (1024 * 1024));
}

static void file_table(struct rosim *r, const struct rosim_file *v, size_t n)
{
	size_t wn = 4, wt = 4, ws = 4, wi = 1;
	char type[64], size[32], num[32];

	for (size_t i = 0; i < n; i++) {
		rosim_file_type(&v[i], type, sizeof(type));
		human_size(v[i].size, size);
		snprintf(num, sizeof(num), "%zu", i);
		wn = strlen(v[i].name) > wn ? strlen(v[i].name) : wn;
		wt = strlen(type) > wt ? strlen(type) : wt;
		ws = !v[i].dir && strlen(size) > ws ? strlen(size) : ws;
		wi = strlen(num) > wi ? strlen(num) : wi;
	}
	rosim_say(r, "Columns: NAME, TYPE, SIZE, LAST-MODIFIED");
	rosim_say(r, "%-*s  %-*s  %-*s  %-*s  %-19s", (int)wi, "#", (int)wn,
	    "NAME", (int)wt, "TYPE", (int)ws, "SIZE", "LAST-MODIFIED");
	for (size_t i = 0; i < n; i++) {
		rosim_file_type(&v[i], type, sizeof(type));
		human_size(v[i].size, size);
		rosim_say(r, "%-*zu  %-*s  %-*s  %*s  %s", (int)wi, i, (int)wn,
		    v[i].name, (int)wt, type, (int)ws, v[i].dir ? "" : size,
		    v[i].mtime);
	}
}

/* The files a selector names (marks in `sel`). */
static int file_select(const struct nr_ros_cmd *c, const struct rosim_file *v,
    size_t n, bool *sel, char *msg, size_t len)
{
	if (c->sel.kind == NR_ROS_SEL_NONE)
		return fail(
		    msg, len, "missing value(s) of argument(s) numbers");
	if (c->sel.kind == NR_ROS_SEL_FIND) {
		struct nr_ros_model tmp;
		struct nr_ros_menu *mn;

		nr_ros_model_init(&tmp);
		mn = nr_ros_model_menu(&tmp, "/file");
		for (size_t i = 0; i < n; i++) {
			struct nr_ros_item *it =
			    nr_ros_item_new(&tmp, mn, mn->n);

			file_props(&v[i], &it->props);
			sel[i] = nr_ros_item_matches(
			    mn, it, c->sel.conds, c->sel.nconds);
		}
		nr_ros_model_release(&tmp);
		return 0;
	}
	for (size_t k = 0; k < c->sel.nrefs; k++) {
		const char *ref = c->sel.refs[k];
		bool found = false;
		char *end;
		unsigned long num = strtoul(ref, &end, 10);

		for (size_t i = 0; i < n; i++)
			if (strcmp(v[i].name, ref) == 0 ||
			    (*ref && !*end && num == i)) {
				sel[i] = true;
				found = true;
			}
		if (!found)
			return fail(msg, len, "no such item");
	}
	return 0;
}

static int cmd_file(
    struct rosim *r, const struct nr_ros_cmd *c, char *msg, size_t len)
{
	struct rosim_file *v = NULL;
	size_t n = rosim_files_list(r, &v);
	bool *sel = nr_calloc(n + 1, sizeof(*sel));
	struct words w;
	int rc = 0;

	if (c->verb == NR_ROS_OTHER && strcmp(c->word, "print") == 0) {
		static const char *const flags[] = { "detail", "terse",
			"without-paging", NULL };
		static const char *const keys[] = { NULL };

		rc = check_args(c, &w, flags, keys, msg, len);
		if (!rc && (has(&w, "detail") || has(&w, "terse"))) {
			for (size_t i = 0; i < n; i++) {
				struct nr_ros_props p = { 0 };
				struct nr_buf b = NR_BUF_INIT;

				file_props(&v[i], &p);
				nr_ros_props_format(&b, &p);
				rosim_say(r, "%2zu %s", i, b.s);
				nr_buf_release(&b);
				nr_ros_props_release(&p);
			}
		} else if (!rc) {
			file_table(r, v, n);
		}
	} else if (c->verb == NR_ROS_REMOVE) {
		rc = file_select(c, v, n, sel, msg, len);
		for (size_t i = 0; i < n && !rc; i++)
			if (sel[i] && rosim_file_remove(r, v[i].name) < 0)
				rc = fail(msg, len,
				    "failure: could not remove %s", v[i].name);
	} else if (c->verb == NR_ROS_ADD) {
		const char *name = val(c, "name"), *type = val(c, "type");
		const char *contents = val(c, "contents");
		struct nr_buf p = NR_BUF_INIT;

		if (!name)
			rc = fail(msg, len, "failure: name not given");
		else if (!rosim_file_name_ok(name[0] == '/' ? name + 1 : name))
			rc = fail(msg, len, "failure: bad file name");
		for (size_t i = 0; i < n && !rc; i++)
			if (strcmp(v[i].name,
				name[0] == '/' ? name + 1 : name) == 0)
				rc = fail(
				    msg, len, "failure: file already exists");
		if (!rc && type && strcmp(type, "directory") == 0) {
			struct nr_err err = NR_ERR_INIT;

			nr_buf_addf(&p, "%s/%s", r->files,
			    name[0] == '/' ? name + 1 : name);
			if (nr_mkdir_p(p.s, 0755, &err) < 0)
				rc = fail(msg, len, "failure: %s", err.msg);
		} else if (!rc &&
		    rosim_file_write(r, name[0] == '/' ? name + 1 : name,
			contents ? contents : "",
			contents ? strlen(contents) : 0) < 0) {
			rc = fail(msg, len, "failure: could not create file");
		}
		nr_buf_release(&p);
	} else if (c->verb == NR_ROS_SET) {
		const char *contents = val(c, "contents");

		rc = file_select(c, v, n, sel, msg, len);
		for (size_t i = 0; i < n && !rc && contents; i++)
			if (sel[i] && !v[i].dir &&
			    rosim_file_write(
				r, v[i].name, contents, strlen(contents)) < 0)
				rc = fail(msg, len,
				    "failure: could not write %s", v[i].name);
	} else {
		rc = fail(
		    msg, len, "bad command name %s", c->word ? c->word : "");
	}
	free(sel);
	rosim_files_release(v, n);
	return rc;
}

/* ---- loading a file as `netrec ros fmt` does ---- */

int rosim_load(struct rosim *r, const char *path)
{
	struct nr_err err = NR_ERR_INIT;
	struct nr_diags d;
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (nr_file_read(&text, &len, path, 0, &err) < 0) {
		fprintf(stderr, "rosim: %s: %s\n", path,
		    err.msg[0] ? err.msg : "no such file");
		return -1;
	}
	nr_diags_init(&d);
	rc = nr_ros_load(&r->m, text, len, 0, &d);
	nr_diags_sort(&d);
	nr_diags_print(stderr, &d, path, text, len, false);
	nr_diags_release(&d);
	free(text);
	r->dirty = true;
	return rc < 0 ? -1 : 0;
}
