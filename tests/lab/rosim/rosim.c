/* rosim: the RouterOS simulator's program (see rosim.h).
 *
 *   rosim -c "COMMAND"              as the login shell of the router's
 *                                   user: sshd runs it for each exec
 *                                   request; the state folder is $HOME
 *   rosim                           (no command) an interactive console
 *   rosim --state DIR COMMAND...    one command, for tests
 *   rosim --state DIR --load FILE   empties the configuration (as after a
 *                                   no-defaults reset) and loads FILE, a
 *                                   script or an export, as `netrec ros
 *                                   fmt` reads it
 *
 * What the router prints goes to stdout with CRLF line ends, and the exit
 * status is 0 whatever happened, as with RouterOS; only the simulator's
 * own failures (a state it cannot read or write) exit 1. A session takes
 * an exclusive flock on DIR/router.lock, so two sessions never interleave
 * their changes. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/err.h"
#include "lib/fsutil.h"
#include "lib/mem.h"
#include "rosim.h"

static void usage(void)
{
	fprintf(stderr,
	    "usage: rosim -c COMMAND | rosim [--state DIR] COMMAND... | "
	    "rosim --state DIR --load FILE\n");
	exit(64);
}

static int lock(struct rosim *r)
{
	char *p = nr_asprintf("%s/router.lock", r->dir);

	r->lockfd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	free(p);
	if (r->lockfd < 0 || flock(r->lockfd, LOCK_EX) != 0) {
		fprintf(stderr, "rosim: cannot lock %s/router.lock: %s\n",
		    r->dir, strerror(errno));
		return -1;
	}
	return 0;
}

static void unlock(struct rosim *r)
{
	if (r->lockfd >= 0)
		close(r->lockfd);
	r->lockfd = -1;
}

static void release(struct rosim *r)
{
	nr_ros_model_release(&r->m);
	for (size_t i = 0; i < r->nlog; i++) {
		free(r->log[i].time);
		free(r->log[i].topics);
		free(r->log[i].msg);
	}
	free(r->log);
	r->log = NULL;
	r->nlog = r->caplog = 0;
	free(r->system_id);
	r->system_id = NULL;
}

/* Locks and reads the state; -1 on failure (reported). */
static int begin(struct rosim *r)
{
	char why[1024];

	if (lock(r) < 0)
		return -1;
	r->dirty = false;
	if (rosim_state_load(r, why, sizeof(why)) < 0) {
		fprintf(stderr, "rosim: %s\n", why);
		unlock(r);
		return -1;
	}
	return 0;
}

/* Writes the state when it changed and unlocks; -1 on failure. */
static int finish(struct rosim *r)
{
	char why[1024];
	int rc = 0;

	if (r->dirty && rosim_state_save(r, why, sizeof(why)) < 0) {
		fprintf(stderr, "rosim: %s\n", why);
		rc = -1;
	}
	release(r);
	unlock(r);
	return rc;
}

/* Prints the session's output with CRLF line ends. */
static void flush_out(struct rosim *r)
{
	struct nr_buf b = NR_BUF_INIT;

	for (size_t i = 0; i < r->out.len; i++) {
		if (r->out.s[i] == '\n' && (i == 0 || r->out.s[i - 1] != '\r'))
			nr_buf_addch(&b, '\r');
		nr_buf_addch(&b, r->out.s[i]);
	}
	fwrite(b.s, 1, b.len, stdout);
	fflush(stdout);
	nr_buf_release(&b);
	nr_buf_reset(&r->out);
}

static int one(struct rosim *r, const char *cmd)
{
	if (begin(r) < 0)
		return 1;
	rosim_run(r, cmd);
	flush_out(r);
	return finish(r) < 0 ? 1 : 0;
}

static int load(struct rosim *r, const char *file)
{
	int rc;

	if (begin(r) < 0)
		return 1;
	rosim_state_reset(r, false);
	rc = rosim_load(r, file);
	if (finish(r) < 0)
		return 1;
	return rc < 0 ? 1 : 0;
}

/* The identity, for the prompt. */
static char *identity(struct rosim *r)
{
	struct nr_ros_menu *mn;
	char *name = NULL;

	if (begin(r) < 0)
		return nr_strdup("MikroTik");
	mn = nr_ros_model_find(&r->m, "/system identity");
	for (size_t i = 0; mn && i < mn->n && !name; i++) {
		const struct nr_ros_prop *p =
		    nr_ros_props_find(&mn->v[i]->props, "name");

		if (p && p->val)
			name = nr_strdup(p->val);
	}
	finish(r);
	return name ? name : nr_strdup("MikroTik");
}

/* An interactive console: a prompt, one line at a time, until `quit` or
 * the end of the input. */
static int console(struct rosim *r)
{
	const char *user = getenv("USER");
	char who[128], *line = NULL;
	size_t cap = 0;

	/* the login name without RouterOS's "+ct" suffixes */
	snprintf(who, sizeof(who), "%s", user ? user : "admin");
	who[strcspn(who, "+")] = '\0';
	for (;;) {
		char *name = identity(r);

		printf("[%s@%s] > ", who, name);
		free(name);
		fflush(stdout);
		if (getline(&line, &cap, stdin) < 0)
			break;
		line[strcspn(line, "\r\n")] = '\0';
		if (strcmp(line, "quit") == 0 || strcmp(line, "/quit") == 0)
			break;
		if (begin(r) < 0)
			break;
		rosim_run(r, line);
		flush_out(r);
		if (finish(r) < 0 || r->end)
			break;
	}
	free(line);
	printf("\r\n");
	return 0;
}

int main(int argc, char **argv)
{
	struct rosim r;
	const char *state = NULL, *cmd = NULL, *loadf = NULL;
	struct nr_buf words = NR_BUF_INIT;
	struct nr_err err = NR_ERR_INIT;
	int i, rc;

	memset(&r, 0, sizeof(r));
	r.lockfd = -1;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--state") == 0 && i + 1 < argc)
			state = argv[++i];
		else if (strcmp(argv[i], "--load") == 0 && i + 1 < argc)
			loadf = argv[++i];
		else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			cmd = argv[++i];
		else if (strcmp(argv[i], "--help") == 0)
			usage();
		else
			break;
	}
	for (; i < argc; i++) {
		if (words.len)
			nr_buf_addch(&words, ' ');
		nr_buf_adds(&words, argv[i]);
	}
	if (cmd && words.len)
		usage();
	if (!state)
		state = getenv("HOME");
	if (!state || !*state) {
		fprintf(
		    stderr, "rosim: no state folder (--state DIR or HOME)\n");
		return 1;
	}
	r.dir = nr_strdup(state);
	r.files = nr_asprintf("%s/files", state);
	r.state_path = nr_asprintf("%s/router.state", state);
	if (nr_mkdir_p(r.files, 0755, &err) < 0) {
		fprintf(stderr, "rosim: %s\n", err.msg);
		return 1;
	}
	if (loadf)
		rc = load(&r, loadf);
	else if (cmd)
		rc = one(&r, cmd);
	else if (words.len)
		rc = one(&r, words.s);
	else
		rc = console(&r);
	nr_buf_release(&words);
	nr_buf_release(&r.out);
	free(r.dir);
	free(r.files);
	free(r.state_path);
	return rc;
}
