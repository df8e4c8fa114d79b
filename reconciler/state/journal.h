/* journal: state/journal.jsonl, one JSON object per line, two lines per
 * attempt (apply, rollback, snapshot restore): "begin" before the first
 * change and "end" after the last, sharing the attempt's "seq". Appends
 * are fsync'd. A begin without an end is an interrupted attempt (a crash);
 * a last line without its newline, or one that is not JSON, is a torn
 * line: reported, never silently dropped or overwritten.
 *
 * Keys (docs/state.md): seq, event ("begin"|"end"), time (UTC,
 * "2026-11-26T06:42:12Z"), action ("apply"|"rollback"|"restore"), and
 *   begin: commit (full id or null), previous_commit, source, trigger
 *          ("cli"|"hook"|"auto"), target, changes (addresses),
 *          plan_digest, snapshot (name or null), pid
 *   end:   outcome ("applied"|"failed"|"no-changes"|"rolled-back"|
 *          "refused"), done (addresses applied), error (or null),
 *          duration_ms, reboot_pending (bool) */
#ifndef NR_JOURNAL_H
#define NR_JOURNAL_H

#include <jansson.h>
#include <stddef.h>

#include "lib/err.h"

struct nr_journal {
	json_t *entries; /* array of the well-formed lines, file order */
	size_t bad_line; /* 1-based line of a torn or invalid line, 0 */
	char *bad_text; /* its first 200 bytes, for the report */
	long long last_seq; /* highest seq seen, 0 for none */
};

/* Reads `state_dir`/journal.jsonl; a missing journal is empty. */
int nr_journal_read(
    struct nr_journal *out, const char *state_dir, struct nr_err *err);
void nr_journal_release(struct nr_journal *j);

/* Appends `entry` as one line; adds "time" when absent. When the file ends
 * in a torn line, a newline is written first so the torn text stays
 * visible as its own line. Steals nothing (the caller keeps `entry`). */
int nr_journal_append(const char *state_dir, json_t *entry, struct nr_err *err);

/* The end entry of the newest attempt with outcome "applied" (its begin
 * entry, in *begin, names the commit and source now live), or NULL. An
 * attempt whose checks failed and was rolled back ends "rolled-back": it
 * is not live. Borrowed references into j->entries. */
json_t *nr_journal_last_applied(const struct nr_journal *j, json_t **begin);
/* The same, among attempts with a seq below `before_seq`. */
json_t *nr_journal_applied_before(
    const struct nr_journal *j, long long before_seq, json_t **begin);
/* The begin entry of `seq`, or NULL. */
json_t *nr_journal_begin_of(const struct nr_journal *j, long long seq);
/* The end entry of `seq`, or NULL (interrupted or running). */
json_t *nr_journal_end_of(const struct nr_journal *j, long long seq);

/* "2026-11-26T06:42:12Z" for now. Caller frees. */
char *nr_utc_now(void);

#endif
