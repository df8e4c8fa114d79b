/* udiff: git_diff_buffers with a line callback that writes the text. */
#include "lib/udiff.h"

#include <git2.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/mem.h"

static int on_line(const git_diff_delta *delta, const git_diff_hunk *hunk,
    const git_diff_line *line, void *payload)
{
	struct nr_buf *b = payload;

	(void)delta;
	(void)hunk;
	switch (line->origin) {
	case GIT_DIFF_LINE_CONTEXT:
	case GIT_DIFF_LINE_ADDITION:
	case GIT_DIFF_LINE_DELETION:
		nr_buf_addch(b, line->origin);
		nr_buf_add(b, line->content, line->content_len);
		if (!line->content_len ||
		    line->content[line->content_len - 1] != '\n')
			nr_buf_addch(b, '\n');
		break;
	case GIT_DIFF_LINE_CONTEXT_EOFNL:
	case GIT_DIFF_LINE_ADD_EOFNL:
	case GIT_DIFF_LINE_DEL_EOFNL:
		nr_buf_adds(b, "\\ No newline at end of file\n");
		break;
	default: break;
	}
	return 0;
}

static int on_hunk(
    const git_diff_delta *delta, const git_diff_hunk *hunk, void *payload)
{
	(void)delta;
	nr_buf_add(payload, hunk->header, hunk->header_len);
	return 0;
}

char *nr_udiff(const char *path, const char *old, size_t old_len,
    const char *new_text, size_t new_len)
{
	struct nr_buf b = NR_BUF_INIT;
	git_diff_options opts;
	const char *rel = path[0] == '/' ? path + 1 : path;

	if (old && new_text && old_len == new_len &&
	    memcmp(old, new_text, old_len) == 0)
		return nr_strdup("");
	git_libgit2_init();
	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	opts.context_lines = 3;
	if (old)
		nr_buf_addf(&b, "--- a/%s\n", rel);
	else
		nr_buf_adds(&b, "--- /dev/null\n");
	if (new_text)
		nr_buf_addf(&b, "+++ b/%s\n", rel);
	else
		nr_buf_adds(&b, "+++ /dev/null\n");
	git_diff_buffers(old ? old : "", old ? old_len : 0, rel,
	    new_text ? new_text : "", new_text ? new_len : 0, rel, &opts, NULL,
	    NULL, on_hunk, on_line, &b);
	git_libgit2_shutdown();
	return nr_buf_detach(&b);
}
