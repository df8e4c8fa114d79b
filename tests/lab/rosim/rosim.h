/* rosim: the RouterOS simulator of netrec's lab (ROUTEROS.md, "What the
 * simulator must reproduce"). One self-contained program: the login shell
 * of the router's user behind a real OpenSSH sshd (`rosim -c "COMMAND"`),
 * or run directly by tests (`rosim --state DIR COMMAND...`). The
 * configuration is the engine's model (reconciler/routeros); commands are
 * read by the engine's parser and run by its executor, and /export is the
 * engine's writer. The router's state lives in one file, DIR/router.state,
 * with the item ids, and its file store is the folder DIR/files. */
#ifndef ROSIM_H
#define ROSIM_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/buf.h"
#include "routeros/model.h"
#include "routeros/parse.h"

#define ROSIM_VERSION "7.19.3"

struct rosim_log {
	char *time;
	char *topics;
	char *msg;
};

struct rosim {
	char *dir; /* the state folder */
	char *files; /* DIR/files: the router's file store */
	char *state_path; /* DIR/router.state */
	int lockfd;
	struct nr_ros_model m;
	char *system_id; /* "# system id = ..." of exports */
	struct rosim_log *log;
	size_t nlog, caplog;
	struct nr_buf out; /* what the session prints (LF; CRLF on output) */
	bool dirty; /* the state must be written */
	bool end; /* the session ends (reset-configuration) */
};

/* state.c: DIR/router.state */

/* Reads the state, or makes a fresh router (CHR defaults) when the file
 * does not exist. Returns 0, or -1 with a message in `why`. */
int rosim_state_load(struct rosim *r, char *why, size_t whylen);
/* Writes the state atomically. Returns 0, or -1 with a message. */
int rosim_state_save(const struct rosim *r, char *why, size_t whylen);
/* Empties the configuration; `defaults`: then adds the CHR default
 * configuration (a DHCP client on ether1). Keeps the system id and the
 * log. */
void rosim_state_reset(struct rosim *r, bool defaults);
/* "2025-09-16 10:12:09", the time now. */
void rosim_now(char out[32]);
void rosim_log_add(struct rosim *r, const char *topics, const char *msg);

/* commands.c */

/* Runs one command line (one or more commands) as a router session does,
 * appending what the router prints to r->out. */
void rosim_run(struct rosim *r, const char *line);
/* Loads a script or export on the current model as `netrec ros fmt`
 * does (script constructs are skipped with a warning). Diagnostics go to
 * stderr. Returns 0 or -1. */
int rosim_load(struct rosim *r, const char *path);
/* Appends `fmt` and a newline to the session's output. */
void rosim_say(struct rosim *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* files.c: the file store */

struct rosim_file {
	char *name; /* relative to DIR/files, "/"-separated */
	bool dir;
	long long size;
	char mtime[32];
};

/* The files and folders, sorted by name (caller frees with
 * rosim_files_release). */
size_t rosim_files_list(const struct rosim *r, struct rosim_file **out);
void rosim_files_release(struct rosim_file *v, size_t n);
/* Is `name` a safe store name (no "..", not absolute, not empty)? */
bool rosim_file_name_ok(const char *name);
/* Reads DIR/files/NAME; 0, or -1 when it does not exist. */
int rosim_file_read(
    const struct rosim *r, const char *name, char **text, size_t *len);
/* Writes DIR/files/NAME (folders made as needed); 0 or -1. */
int rosim_file_write(
    const struct rosim *r, const char *name, const char *data, size_t len);
/* Removes a file or a folder with its contents; 0 or -1. */
int rosim_file_remove(const struct rosim *r, const char *name);
/* "script" for "x.rsc" in v6; v7 prints ".rsc file", "file" without an
 * extension, "directory" for folders. */
void rosim_file_type(const struct rosim_file *f, char *out, size_t len);

/* menutree.c: the console's menu tree */

/* Is `path` ("/ip firewall") a menu or a folder of menus RouterOS has? */
bool rosim_menu_known(const struct nr_ros_model *m, const char *path);

#endif
