/* res-router: the RouterOS layer, one resource router[HOST].
 *
 * observe: `/export terse show-sensitive` over SSH, loaded into the live
 *   model; the declared config loaded into the desired model with each
 *   secret reference replaced by a placeholder token. Where a placeholder
 *   stands in an exported property, the live value is kept when its HMAC
 *   matches the digest stored at the last apply (state/router.json), so an
 *   unchanged secret is no change. Menus RouterOS never exports (/user)
 *   are diffed from their lines as netrec last applied them (kept in
 *   router.json with the secret references, never the values), so that a
 *   declared `/user add` is not added twice, a changed property is `set`,
 *   a dropped item is removed, and a rotated secret (known from its HMAC,
 *   during an apply) is set again.
 * diff:    the engine's shortest script from live to desired, with
 *   placeholders shown as "(sensitive value changed)".
 * prepare: (apply only) resolves the secrets, in memory, and computes the
 *   final script with their values; a missing secret stops the apply
 *   before any change.
 * apply:   incremental: upload as netrec-<sha>.rsc (never *.auto.rsc),
 *   `/import file-name=... verbose=yes`, read the result text (RouterOS
 *   exits 0 either way), remove the file; then the digests are stored.
 *   <sha> is the start of the SHA-256 of the script as the plan shows it
 *   (secrets masked), so the name ties the upload to the reviewed plan
 *   and no digest of a secret value reaches the router's file list.
 *   reset: the whole config as netrec-reset-<sha>.rsc, <sha> of it with
 *   its secrets masked, run after `/system reset-configuration`. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/pipeline.h"
#include "lib/buf.h"
#include "lib/fsutil.h"
#include "lib/hash.h"
#include "lib/mem.h"
#include "router/ssh.h"
#include "routeros/diff.h"
#include "routeros/exec.h"
#include "routeros/export.h"
#include "routeros/model.h"
#include "routeros/quote.h"
#include "secret/ref.h"
#include "secret/resolve.h"

#define PLACEHOLDER "netrec.secret."
/* A secret value in the last applied hidden lines that is no longer the
 * declared one (rotated, or its reference is gone): differs from all. */
#define STALE "netrec.stale"
#define IMPORT_OK "Script file loaded and executed successfully"

/* Menus whose items no /export ever shows. */
static const char *const hidden_menus[] = { "/user", NULL };

struct have {
	struct nr_ros_model live;
	struct nr_ros_model declared; /* as declared, with placeholders */
	struct nr_ros_model want; /* declared, unchanged secrets taken
	                                 * from live, hidden menus dropped */
	char **refs; /* placeholder i stands for refs[i] */
	size_t nrefs, caprefs;
	/* the hidden menus as last applied (STALE where a secret changed
	 * since) and as declared, both with placeholders, each loaded from
	 * its lines into an empty model */
	struct nr_ros_model hprev, hwant;
	char *hidden_text; /* the declared hidden lines with {{ refs }} */
	char *hidden_script; /* hprev -> hwant (placeholders) */
	size_t hidden_ncmds;
	char *hidden_problem; /* no script found for the hidden menus */
	char *problem; /* the declared config does not load */
	/* apply: a secret could not be resolved; prepare stops with it,
	 * before any change (and the attempt is journaled as failed) */
	char *secret_error;
	char *final; /* prepare: the script with values */
	/* HMAC (state key) of the live export with its hidden values: a
	 * change of a secret on the router makes a saved plan stale; "" when
	 * the key could not be read or made */
	char live_hmac[65];
	struct nr_secrets secrets; /* prepare: resolved values */
	/* live values whose digest is a stored reference's: secrets set by
	 * an earlier apply (a rotated one is still on the router until the
	 * apply replaces it); masked wherever a script is shown */
	struct nr_secrets old;
};

/* `text` as it may be shown, every secret value masked (below). */
static char *shown_text(const struct have *h, const char *text);

/* An empty model for this resource: its values may be secrets (see
 * struct nr_ros_model), so none is interned and each is wiped. */
static void router_model(struct nr_ros_model *m)
{
	nr_ros_model_init(m);
	m->secret = true;
}

static const struct nr_router *want_of(const struct nr_resource *r)
{
	return &((const struct nr_config *)r->want)->router;
}

static bool is_hidden(const char *path)
{
	for (size_t i = 0; hidden_menus[i]; i++)
		if (strcmp(path, hidden_menus[i]) == 0)
			return true;
	return false;
}

static void ssh_opts(struct nr_ssh_opts *o, const struct nr_router *rt)
{
	o->host = rt->host.s;
	o->port = (int)rt->ssh.port.num;
	o->user = rt->ssh.user.s;
	o->key = rt->ssh.key.s;
	o->known_hosts = rt->ssh.known_hosts.s;
	o->timeout_ms = (int)rt->ssh.timeout.num * 1000;
}

/* "{{ op://v/i/f }}" -> "netrec.secret.N", N indexing h->refs. */
static char *with_placeholders(struct have *h, const char *text)
{
	struct nr_buf b = NR_BUF_INIT;
	struct nr_secret_ref r;
	char why[256];
	size_t pos = 0, last = 0;

	while (nr_secret_next(text, &pos, &r, why, sizeof(why)) > 0) {
		static const char *const schemes[] = { "op", "pass", "env",
			"file" };
		char *name = nr_asprintf("%s:%s", schemes[r.scheme], r.arg);
		size_t i;

		for (i = 0; i < h->nrefs && strcmp(h->refs[i], name) != 0; i++)
			;
		if (i == h->nrefs)
			*(char **)NR_PUSH(h->refs, h->nrefs, h->caprefs) = name;
		else
			free(name);
		nr_buf_add(&b, text + last, r.off - last);
		nr_buf_addf(&b, PLACEHOLDER "%zu", i);
		last = r.off + r.len;
	}
	nr_buf_adds(&b, text + last);
	return nr_buf_detach(&b);
}

/* The index of the placeholder a value is, or -1. */
static long placeholder(const char *val)
{
	char *end;
	long i;

	if (!val || strncmp(val, PLACEHOLDER, strlen(PLACEHOLDER)) != 0)
		return -1;
	i = strtol(val + strlen(PLACEHOLDER), &end, 10);
	return *end ? -1 : i;
}

/* state/router.json: {"refs": {REF: HMAC}, "hidden_applied": the hidden
 * menus' lines as last applied, with {{ REF }} in place of each value}. */
static json_t *load_digests(const struct nr_ctx *ctx)
{
	char *path = nr_asprintf("%s/router.json", ctx->state_dir);
	json_t *j = json_load_file(path, 0, NULL);

	free(path);
	return j ? j : json_pack("{s:{}}", "refs");
}

static int save_digests(const struct nr_ctx *ctx, json_t *j, struct nr_err *err)
{
	char *path = nr_asprintf("%s/router.json", ctx->state_dir);
	char *text = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
	int rc = nr_file_replace(
	    path, text, strlen(text), 0600, (uid_t)-1, (gid_t)-1, err);

	free(text);
	free(path);
	return rc;
}

/* The declared lines of the hidden menus, canonical, for their digest. */
static void hidden_lines(struct nr_buf *out, const struct nr_ros_model *m)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct nr_ros_menu *mn = m->menus[i];

		if (!is_hidden(mn->path))
			continue;
		for (size_t k = 0; k < mn->n; k++) {
			nr_buf_addf(out, "%s ", mn->path);
			nr_ros_item_line(
			    out, mn, mn->v[k], NR_ROS_EXPORT_SENSITIVE);
			nr_buf_addch(out, '\n');
		}
	}
}

/* Whether the live value `lv` is secret `idx`'s value: compared with the
 * resolved value during an apply, else through the digest stored at the
 * last apply (a plan never resolves secrets). */
static bool same_secret(const struct have *h, const struct nr_ctx *ctx,
    size_t idx, const char *stored, const char *lv)
{
	struct nr_err e = NR_ERR_INIT;
	char d[65];

	if (idx < h->secrets.n)
		return h->secrets.v[idx].len == strlen(lv) &&
		    memcmp(h->secrets.v[idx].value, lv, strlen(lv)) == 0;
	return stored &&
	    nr_secret_digest(d, ctx->state_dir, lv, strlen(lv), &e) == 0 &&
	    strcmp(d, stored) == 0;
}

/* Do `a` (of `am`) and `b` (of `bm`) have the same natural key, leaving
 * out the part `skip` (NULL: none)? */
static bool same_key_but(const struct nr_ros_menu *am,
    const struct nr_ros_item *a, const struct nr_ros_menu *bm,
    const struct nr_ros_item *b, const char *skip)
{
	for (size_t j = 0; j < am->nkeys; j++) {
		char ia[16], ib[16];
		const char *x, *y;

		if (skip && strcmp(am->keys[j], skip) == 0)
			continue;
		x = nr_ros_item_get(am, a, am->keys[j], ia);
		y = nr_ros_item_get(bm, b, am->keys[j], ib);
		if (strcmp(x ? x : "", y ? y : "") != 0)
			return false;
	}
	return true;
}

/* Keeps the live value where a placeholder's secret is unchanged. The
 * live item is the one with the same natural key; when the secret is a
 * part of that key (a community's name), one whose value there has the
 * secret's digest. */
static void match_secrets(
    struct have *h, const struct nr_ctx *ctx, json_t *digests)
{
	json_t *refs = json_object_get(digests, "refs");

	for (size_t i = 0; i < h->want.n; i++) {
		struct nr_ros_menu *mn = h->want.menus[i];
		const struct nr_ros_menu *lm =
		    nr_ros_model_find(&h->live, mn->path);

		for (size_t k = 0; lm && k < mn->n; k++) {
			struct nr_ros_item *it = mn->v[k];

			for (size_t p = 0; p < it->props.n; p++) {
				struct nr_ros_prop *pr = &it->props.v[p];
				long idx = placeholder(pr->val);
				const char *stored, *keep = NULL;
				bool in_key = false, done = false;

				if (idx < 0 || (size_t)idx >= h->nrefs)
					continue;
				stored = json_string_value(
				    json_object_get(refs, h->refs[idx]));
				for (size_t j = 0; j < mn->nkeys; j++)
					in_key |=
					    strcmp(mn->keys[j], pr->key) == 0;
				for (size_t q = 0; q < lm->n && !done; q++) {
					char idbuf[16];
					const char *lv;

					if (!same_key_but(mn, it, lm, lm->v[q],
						in_key ? pr->key : NULL))
						continue;
					lv = nr_ros_item_get(
					    lm, lm->v[q], pr->key, idbuf);
					if (lv &&
					    same_secret(h, ctx, (size_t)idx,
						stored, lv))
						keep = lv;
					/* the item with this key: its secret
					 * changed; a key part: try the next */
					done = keep || !in_key;
				}
				if (keep)
					nr_ros_prop_take(pr, nr_strdup(keep));
			}
			/* a value of the key may have changed */
			nr_ros_menu_reindex(mn, it);
		}
	}
}

/* Moves the hidden menus out of both models (they are compared by
 * digest); *lines gets the desired hidden lines. */
static void drop_hidden(struct nr_ros_model *m)
{
	for (size_t i = 0; i < m->n; i++) {
		struct nr_ros_menu *mn = m->menus[i];

		while (is_hidden(mn->path) && mn->n)
			nr_ros_menu_remove_at(mn, mn->n - 1);
	}
}

/* Resolves the references in the order of h->refs (placeholder i is
 * secrets.v[i]). */
static int resolve(struct have *h, struct nr_err *err)
{
	struct nr_buf text = NR_BUF_INIT;
	int rc;

	for (size_t i = 0; i < h->nrefs; i++)
		nr_buf_addf(&text, "{{ %s }}\n", h->refs[i]);
	rc = nr_secrets_resolve(&h->secrets, text.s, err);
	nr_buf_release(&text);
	return rc;
}

/* Placeholders back to the references they stand for: the hidden lines
 * as router.json keeps them. */
static char *with_refs(const struct have *h, const char *text)
{
	struct nr_buf b = NR_BUF_INIT;
	const char *p = text, *hit;

	while ((hit = strstr(p, PLACEHOLDER))) {
		const char *num = hit + strlen(PLACEHOLDER);
		char *end;
		long i = strtol(num, &end, 10);

		nr_buf_add(&b, p, (size_t)(hit - p));
		if (end > num && i >= 0 && (size_t)i < h->nrefs)
			nr_buf_addf(&b, "{{ %s }}", h->refs[i]);
		else
			nr_buf_add(&b, hit, (size_t)(end - hit));
		p = end;
	}
	nr_buf_adds(&b, p);
	return nr_buf_detach(&b);
}

/* The stored hidden lines with each reference as its placeholder; one no
 * longer declared (its value unknown here) becomes STALE. */
static char *stored_placeholders(const struct have *h, const char *text)
{
	static const char *const schemes[] = { "op", "pass", "env", "file" };
	struct nr_buf b = NR_BUF_INIT;
	struct nr_secret_ref r;
	char why[256];
	size_t pos = 0, last = 0;

	while (nr_secret_next(text, &pos, &r, why, sizeof(why)) > 0) {
		char *name = nr_asprintf("%s:%s", schemes[r.scheme], r.arg);
		size_t i;

		for (i = 0; i < h->nrefs && strcmp(h->refs[i], name) != 0; i++)
			;
		nr_buf_add(&b, text + last, r.off - last);
		if (i < h->nrefs)
			nr_buf_addf(&b, PLACEHOLDER "%zu", i);
		else
			nr_buf_adds(&b, STALE);
		last = r.off + r.len;
		free(name);
	}
	nr_buf_adds(&b, text + last);
	return nr_buf_detach(&b);
}

/* Whether a value holds a secret whose HMAC is not the one stored at the
 * last apply. Only during an apply, which resolved the secrets. */
static bool holds_stale(const char *val, const struct have *h,
    const struct nr_ctx *ctx, json_t *refs)
{
	const char *q = val, *hit;

	while (q && (hit = strstr(q, PLACEHOLDER))) {
		struct nr_err e = NR_ERR_INIT;
		char *end, d[65];
		long idx = strtol(hit + strlen(PLACEHOLDER), &end, 10);
		const char *stored;

		q = end;
		if (idx < 0 || (size_t)idx >= h->nrefs)
			continue;
		stored = json_string_value(json_object_get(refs, h->refs[idx]));
		if (!stored ||
		    nr_secret_digest(d, ctx->state_dir, h->secrets.v[idx].value,
			h->secrets.v[idx].len, &e) < 0 ||
		    strcmp(d, stored) != 0)
			return true;
	}
	return false;
}

/* During an apply, marks STALE each value of the last applied hidden
 * lines whose secret changed since: the diff then sets it again. A plan
 * knows no values and keeps them. */
static void mark_stale(struct nr_ros_model *m, const struct have *h,
    const struct nr_ctx *ctx, json_t *digests)
{
	json_t *refs = json_object_get(digests, "refs");

	if (!h->nrefs || h->secrets.n < h->nrefs)
		return;
	for (size_t i = 0; i < m->n; i++) {
		struct nr_ros_menu *mn = m->menus[i];

		for (size_t k = 0; k < mn->n; k++) {
			struct nr_ros_props *props = &mn->v[k]->props;

			for (size_t p = 0; p < props->n; p++) {
				if (!holds_stale(props->v[p].val, h, ctx, refs))
					continue;
				nr_ros_prop_take(
				    &props->v[p], nr_strdup(STALE));
			}
			nr_ros_menu_reindex(mn, mn->v[k]);
		}
	}
}

/* The hidden menus: the script from the lines netrec last applied
 * (router.json) to the declared ones. */
static void observe_hidden(
    struct have *h, const struct nr_ctx *ctx, json_t *digests)
{
	struct nr_buf lines = NR_BUF_INIT, script = NR_BUF_INIT;
	struct nr_diags diags;
	struct nr_err e = NR_ERR_INIT;
	const char *stored =
	    json_string_value(json_object_get(digests, "hidden_applied"));
	char *prev = stored_placeholders(h, stored ? stored : "");

	router_model(&h->hprev);
	router_model(&h->hwant);
	nr_diags_init(&diags);
	hidden_lines(&lines, &h->declared);
	h->hidden_text = with_refs(h, lines.s);
	if (nr_ros_load(&h->hwant, lines.s, lines.len, 0, &diags) < 0)
		h->hidden_problem = nr_asprintf(
		    "the declared /user lines do not load: line %d: %s",
		    diags.n ? diags.v[0].loc.line : 0,
		    diags.n ? diags.v[0].msg : "?");
	nr_diags_release(&diags);
	nr_diags_init(&diags);
	/* a damaged record: everything declared is applied again */
	if (nr_ros_load(&h->hprev, prev, strlen(prev), 0, &diags) < 0) {
		nr_ros_model_release(&h->hprev);
		router_model(&h->hprev);
	}
	mark_stale(&h->hprev, h, ctx, digests);
	if (!h->hidden_problem &&
	    nr_ros_diff(&script, &h->hidden_ncmds, &h->hprev, &h->hwant, &e) <
		0)
		h->hidden_problem =
		    nr_asprintf("no safe script found for /user: %s", e.msg);
	h->hidden_script = nr_buf_detach(&script);
	nr_diags_release(&diags);
	nr_buf_release(&lines);
	free(prev);
}

/* Does a value of `mn` hold a placeholder? */
static bool holds_placeholder(const struct nr_ros_menu *mn)
{
	for (size_t k = 0; k < mn->n; k++)
		for (size_t p = 0; p < mn->v[k]->props.n; p++)
			if (mn->v[k]->props.v[p].val &&
			    strstr(mn->v[k]->props.v[p].val, PLACEHOLDER))
				return true;
	return false;
}

/* state/router.json's "secret_menus": the menus where a secret was
 * declared by some apply (a set of paths). */
static bool secret_menu(json_t *digests, const char *path)
{
	json_t *menus = json_object_get(digests, "secret_menus");
	size_t i;
	json_t *m;

	json_array_foreach (menus, i, m) {
		if (json_is_string(m) &&
		    strcmp(json_string_value(m), path) == 0)
			return true;
	}
	return false;
}

static void add_secret_menu(json_t *digests, const char *path)
{
	json_t *menus = json_object_get(digests, "secret_menus");

	if (!json_is_array(menus)) {
		menus = json_array();
		json_object_set_new(digests, "secret_menus", menus);
	}
	if (!secret_menu(digests, path))
		json_array_append_new(menus, json_string(path));
}

/* Fills h->old: the live values, in the menus where a secret is or was
 * declared, whose digest is a stored reference's. */
static void remember_old(
    struct have *h, const struct nr_ctx *ctx, json_t *digests)
{
	json_t *refs = json_object_get(digests, "refs");

	for (size_t i = 0; json_object_size(refs) && i < h->live.n; i++) {
		const struct nr_ros_menu *lm = h->live.menus[i];
		const struct nr_ros_menu *wm =
		    nr_ros_model_find(&h->want, lm->path);

		if (!secret_menu(digests, lm->path) &&
		    !(wm && holds_placeholder(wm)))
			continue;
		for (size_t k = 0; k < lm->n; k++) {
			const struct nr_ros_props *props = &lm->v[k]->props;

			for (size_t p = 0; p < props->n; p++) {
				const char *v = props->v[p].val, *ref;
				struct nr_err e = NR_ERR_INIT;
				json_t *d;
				char hm[65];

				if (!v || !*v ||
				    nr_secret_digest(hm, ctx->state_dir, v,
					strlen(v), &e) < 0)
					continue;
				json_object_foreach (refs, ref, d) {
					struct nr_secret *o;

					if (!json_is_string(d) ||
					    strcmp(json_string_value(d), hm) !=
						0)
						continue;
					o = NR_PUSH(
					    h->old.v, h->old.n, h->old.cap);
					o->value = nr_strdup(v);
					o->len = strlen(v);
					break;
				}
			}
		}
	}
}

/* h->live_hmac, when the state key exists (a plan makes no key: an
 * apply does, with the first secret it stores). */
static void live_hmac(struct have *h, const struct nr_ctx *ctx)
{
	struct nr_buf b = NR_BUF_INIT;
	struct nr_err e = NR_ERR_INIT;
	char *key = nr_asprintf("%s/secret.key", ctx->state_dir);
	bool have_key = access(key, F_OK) == 0;

	free(key);
	h->live_hmac[0] = '\0';
	if (!have_key)
		return;
	nr_ros_export_terse(&b, &h->live);
	if (nr_secret_digest(h->live_hmac, ctx->state_dir, b.s, b.len, &e) < 0)
		h->live_hmac[0] = '\0';
	explicit_bzero(b.s, b.len);
	nr_buf_release(&b);
}

static void free_have(void *p);

static int observe(void **out, const struct nr_resource *r, struct nr_ctx *ctx,
    struct nr_err *err)
{
	const struct nr_router *rt = want_of(r);
	struct have *h = nr_calloc(1, sizeof(*h));
	struct nr_ssh_opts so;
	struct nr_ssh *ssh = NULL;
	struct nr_buf text = NR_BUF_INIT;
	struct nr_diags diags;
	char *declared;
	json_t *digests;

	router_model(&h->live);
	router_model(&h->declared);
	router_model(&h->want);
	nr_diags_init(&diags);
	ssh_opts(&so, rt);
	if (nr_ssh_open(&ssh, &so, err) < 0 ||
	    nr_ssh_exec(ssh, "/export terse show-sensitive", &text, err) < 0) {
		nr_ssh_close(ssh);
		goto fail;
	}
	nr_ssh_close(ssh);
	if (nr_ros_load(
		&h->live, text.s, text.len, NR_ROS_EXEC_EXPORT, &diags) < 0) {
		nr_err_set(err, NR_EEXTERNAL,
		    "cannot read the router's export: "
		    "line %d: %s",
		    diags.n ? diags.v[0].loc.line : 0,
		    diags.n ? diags.v[0].msg : "?");
		goto fail;
	}
	nr_diags_release(&diags);
	nr_diags_init(&diags);
	live_hmac(h, ctx);
	declared = with_placeholders(h, rt->config.s);
	if (nr_ros_load(&h->declared, declared, strlen(declared),
		NR_ROS_EXEC_STRICT, &diags) < 0) {
		const struct nr_diag *g = diags.n ? &diags.v[0] : NULL;

		/* reported as a refusal: validate locates it in the file */
		h->problem = nr_asprintf("router.config line %d: %s",
		    g ? g->loc.line : 0, g ? g->msg : "does not load");
	}
	free(declared);
	/* an apply resolves the secrets now; a missing one stops it in
	 * prepare, before any change, on the record. Meanwhile the diff goes
	 * on as a plan's does (without values). */
	if (ctx->secrets) {
		struct nr_err se = NR_ERR_INIT;

		if (resolve(h, &se) < 0)
			h->secret_error = nr_strdup(se.msg);
	}
	nr_ros_model_copy(&h->want, &h->declared);
	digests = load_digests(ctx);
	match_secrets(h, ctx, digests);
	remember_old(h, ctx, digests);
	observe_hidden(h, ctx, digests);
	json_decref(digests);
	drop_hidden(&h->want);
	drop_hidden(&h->live);
	nr_buf_release(&text);
	nr_diags_release(&diags);
	*out = h;
	return 0;
fail:
	nr_buf_release(&text);
	nr_diags_release(&diags);
	free_have(h);
	return NR_EEXTERNAL;
}

/* Shows placeholders as what they are in a plan. */
static char *masked(const char *script)
{
	struct nr_buf b = NR_BUF_INIT;
	const char *p = script, *hit;

	while ((hit = strstr(p, PLACEHOLDER))) {
		nr_buf_add(&b, p, (size_t)(hit - p));
		nr_buf_adds(&b, "\"(sensitive value changed)\"");
		p = hit + strlen(PLACEHOLDER);
		p += strspn(p, "0123456789");
	}
	nr_buf_adds(&b, p);
	return nr_buf_detach(&b);
}

/* Whether the declared config keeps a way in for netrec: a DHCP client,
 * or an address equal to router.host. A loopback host (a lab's port
 * forward) says nothing about the router's own addresses. */
static bool keeps_access(const struct nr_ros_model *m, const char *host)
{
	const struct nr_ros_menu *dhcp =
	    nr_ros_model_find(m, "/ip dhcp-client");
	const struct nr_ros_menu *addr = nr_ros_model_find(m, "/ip address");
	size_t hl = strlen(host);
	char idbuf[16];

	if (strncmp(host, "127.", 4) == 0 || strcmp(host, "::1") == 0 ||
	    (dhcp && dhcp->n))
		return true;
	for (size_t i = 0; addr && i < addr->n; i++) {
		const char *a =
		    nr_ros_item_get(addr, addr->v[i], "address", idbuf);

		if (a && strncmp(a, host, hl) == 0 && (a[hl] == '/' || !a[hl]))
			return true;
	}
	return false;
}

static void diff(struct nr_plan *plan, const struct nr_resource *r)
{
	const struct nr_router *rt = want_of(r);
	struct have *h = r->have;
	struct nr_buf script = NR_BUF_INIT;
	struct nr_err err = NR_ERR_INIT;
	size_t ncmds = 0;
	char *shown;

	if (h->problem || h->hidden_problem) {
		nr_plan_note(plan, NR_NOTE_REFUSE, r->address, "%s",
		    h->problem ? h->problem : h->hidden_problem);
		return;
	}
	if (!keeps_access(&h->declared, rt->host.s))
		nr_plan_note(plan, NR_NOTE_WARNING, r->address,
		    "the declared config has no DHCP client and no address "
		    "%s/...: after a reset netrec could lose its way in",
		    rt->host.s);
	if (nr_ros_diff(&script, &ncmds, &h->live, &h->want, &err) < 0) {
		nr_plan_note(plan, NR_NOTE_REFUSE, r->address,
		    "no safe script found: %s", err.msg);
		nr_buf_release(&script);
		return;
	}
	/* the hidden menus' commands after the rest */
	nr_buf_adds(&script, h->hidden_script);
	ncmds += h->hidden_ncmds;
	if (!ncmds && h->secret_error) {
		/* nothing to change that a plan can see, but a rotated secret
		 * cannot be ruled out: the apply must not claim convergence */
		nr_plan_add(plan, r, NR_ACT_UPDATE, NR_DIS_NONE, NULL,
		    "a secret cannot be resolved, so a rotated one cannot be "
		    "checked");
	} else if (ncmds) {
		char *m = masked(script.s);

		shown = shown_text(h, m);
		free(m);
		nr_plan_add(plan, r,
		    rt->mode.num == NR_MODE_RESET ? NR_ACT_RESTART
						  : NR_ACT_UPDATE,
		    rt->mode.num == NR_MODE_RESET ? NR_DIS_ROUTER_RESTART
						  : NR_DIS_NONE,
		    shown, "%zu RouterOS command%s%s", ncmds,
		    ncmds == 1 ? "" : "s",
		    rt->mode.num == NR_MODE_RESET
			? " (reset mode: the whole config after a "
			  "reset-configuration)"
			: "");
		free(shown);
	}
	nr_buf_release(&script);
}

/* Fills the secrets' values into every property that holds a
 * placeholder (whole or part); values never pass through script text. */
static void fill_model(struct nr_ros_model *m, const struct have *h)
{
	for (size_t i = 0; i < m->n; i++) {
		struct nr_ros_menu *mn = m->menus[i];

		for (size_t k = 0; k < mn->n; k++) {
			struct nr_ros_props *props = &mn->v[k]->props;

			for (size_t p = 0; p < props->n; p++) {
				const char *v = props->v[p].val;
				struct nr_buf b = NR_BUF_INIT;
				const char *q = v, *hit;

				if (!v || !strstr(v, PLACEHOLDER))
					continue;
				while ((hit = strstr(q, PLACEHOLDER))) {
					char *end;
					long idx =
					    strtol(hit + strlen(PLACEHOLDER),
						&end, 10);

					nr_buf_add(&b, q, (size_t)(hit - q));
					if (idx >= 0 &&
					    (size_t)idx < h->nrefs &&
					    idx < (long)h->secrets.n)
						nr_buf_add(&b,
						    h->secrets.v[idx].value,
						    h->secrets.v[idx].len);
					q = end;
				}
				nr_buf_adds(&b, q);
				nr_ros_prop_take(
				    &props->v[p], nr_buf_detach(&b));
			}
		}
	}
}

/* An error about the script with the values: each value masked, and the
 * message it was in wiped. */
static int masked_error(struct nr_err *err, const struct have *h)
{
	char *m = shown_text(h, err->msg);
	int code = err->code;

	explicit_bzero(err->msg, sizeof(err->msg));
	nr_err_set(err, code, "%s", m);
	free(m);
	return code;
}

static int prepare(
    struct nr_resource *r, struct nr_ctx *ctx, struct nr_err *err)
{
	struct have *h = r->have;
	struct nr_ros_model final;
	struct nr_buf script = NR_BUF_INIT;
	size_t ncmds = 0;
	int rc;

	if (h->secret_error)
		return nr_err_set(err, NR_ENOTFOUND, "%s", h->secret_error);
	if (h->secrets.n < h->nrefs)
		return nr_err_set(err, NR_EINVAL,
		    "%s: the secrets were not "
		    "resolved",
		    r->address);
	nr_ros_model_copy(&final, &h->declared);
	fill_model(&final, h);
	(void)ctx;
	if (want_of(r)->mode.num == NR_MODE_RESET) {
		/* reset mode: the whole config, run after a no-defaults reset */
		struct nr_buf all = NR_BUF_INIT;

		nr_ros_export_terse(&all, &final);
		h->final = nr_buf_detach(&all);
		nr_ros_model_release(&final);
		return 0;
	}
	drop_hidden(&final);
	rc = nr_ros_diff(&script, &ncmds, &h->live, &final, err);
	if (rc == 0) {
		/* the hidden menus' commands after the rest, from the lines
		 * last applied, with the values */
		struct nr_ros_model hp, hw;

		nr_ros_model_copy(&hp, &h->hprev);
		nr_ros_model_copy(&hw, &h->hwant);
		fill_model(&hp, h);
		fill_model(&hw, h);
		rc = nr_ros_diff(&script, NULL, &hp, &hw, err);
		nr_ros_model_release(&hp);
		nr_ros_model_release(&hw);
	}
	h->final = nr_buf_detach(&script);
	nr_ros_model_release(&final);
	return rc < 0 ? masked_error(err, h) : rc;
}

/* `text` with every secret value replaced by "(sensitive)": as it is,
 * and as RouterOS writes it inside a quoted string (escaped). */
static char *mask_values(const char *text, const struct nr_secrets *s)
{
	char *cur = nr_strdup(text);

	for (size_t i = 0; i < s->n; i++) {
		struct nr_buf q = NR_BUF_INIT;
		const char *form[2];
		size_t flen[2];

		if (!s->v[i].len)
			continue;
		nr_ros_quote(&q, s->v[i].value, NR_ROS_QUOTE_ALWAYS);
		form[0] = s->v[i].value;
		flen[0] = strlen(s->v[i].value);
		form[1] = q.s + 1; /* inside the quotes */
		flen[1] = q.len >= 2 ? q.len - 2 : 0;
		for (int f = 0; f < 2; f++) {
			struct nr_buf b = NR_BUF_INIT;
			const char *p = cur, *hit;

			if (!flen[f])
				continue;
			while ((hit = memmem(p, strlen(p), form[f], flen[f]))) {
				nr_buf_add(&b, p, (size_t)(hit - p));
				nr_buf_adds(&b, "(sensitive)");
				p = hit + flen[f];
			}
			nr_buf_adds(&b, p);
			explicit_bzero(cur, strlen(cur));
			free(cur);
			cur = nr_buf_detach(&b);
		}
		explicit_bzero(q.s, q.len);
		nr_buf_release(&q);
	}
	return cur;
}

/* `text` as it may be shown: the values of this apply's secrets, and the
 * secrets an earlier apply set, masked. Caller frees. */
static char *shown_text(const struct have *h, const char *text)
{
	char *a = mask_values(text, &h->secrets);
	char *b = mask_values(a, &h->old);

	explicit_bzero(a, strlen(a));
	free(a);
	return b;
}

/* The router's error line from /import's output and the command of the
 * uploaded script it names ("...; line N)"), every secret value masked
 * (a router may echo values). */
static char *import_error(const char *out, const struct have *h)
{
	const char *line = strstr(out, "Script Error");
	const char *at;
	struct nr_buf b = NR_BUF_INIT;
	char *raw, *msg;
	long lineno = 0;

	if (!line)
		line = strstr(out, "failure");
	if (!line)
		line = out;
	raw = nr_strndup(line, strcspn(line, "\n"));
	if ((at = strstr(raw, "; line ")))
		lineno = strtol(at + 7, NULL, 10);
	msg = shown_text(h, raw);
	explicit_bzero(raw, strlen(raw));
	free(raw);
	nr_buf_addf(&b, "%.400s", msg);
	free(msg);
	if (lineno > 0 && h->final) {
		const char *p = h->final;
		char *cmd, *shown;

		for (long i = 1; i < lineno && p; i++)
			if ((p = strchr(p, '\n')))
				p++;
		if (p && *p) {
			cmd = nr_strndup(p, strcspn(p, "\n"));
			shown = shown_text(h, cmd);
			explicit_bzero(cmd, strlen(cmd));
			free(cmd);
			nr_buf_addf(&b, "; line %ld of the script was: %.300s",
			    lineno, shown);
			free(shown);
		}
		/* RouterOS stops at the failing line and keeps the rest */
		if (lineno > 1)
			nr_buf_addf(&b,
			    " (the %ld command%s before it ran and stay; "
			    "'netrec plan' shows what remains)",
			    lineno - 1, lineno == 2 ? "" : "s");
	}
	return nr_buf_detach(&b);
}

static int store_digests(
    const struct have *h, struct nr_ctx *ctx, struct nr_err *err)
{
	json_t *j = load_digests(ctx), *refs;
	int rc = 0;

	refs = json_object_get(j, "refs");
	if (!json_is_object(refs)) {
		refs = json_object();
		json_object_set_new(j, "refs", refs);
	}
	for (size_t i = 0; rc == 0 && i < h->secrets.n; i++) {
		char d[65];

		rc = nr_secret_digest(d, ctx->state_dir, h->secrets.v[i].value,
		    h->secrets.v[i].len, err);
		if (rc == 0)
			json_object_set_new(refs, h->refs[i], json_string(d));
	}
	/* the menus that held secrets, now or before: where an earlier
	 * value may still stand on the router (remember_old) */
	for (size_t i = 0; i < h->want.n; i++)
		if (holds_placeholder(h->want.menus[i]))
			add_secret_menu(j, h->want.menus[i]->path);
	/* the hidden lines as applied, with the references (no values) */
	json_object_del(j, "hidden");
	json_object_set_new(j, "hidden_applied", json_string(h->hidden_text));
	if (rc == 0)
		rc = save_digests(ctx, j, err);
	json_decref(j);
	return rc;
}

/* Digits of the SHA-256 in an upload's name: 64 bits, enough that two
 * different scripts never share one in practice. */
#define UPLOAD_DIGITS 16

/* The name of an upload: netrec-<prefix><sha>.rsc, <sha> the first
 * UPLOAD_DIGITS hex digits of the SHA-256 of `shown`, the script with
 * every secret masked (never the text with the values: a digest of a
 * secret must not reach the router's file list). Never *.auto.rsc:
 * RouterOS runs those on upload. Caller frees. */
static char *upload_name(const char *prefix, const char *shown)
{
	char d[65];

	nr_sha256_hex(shown, strlen(shown), d);
	return nr_asprintf("netrec-%s%.*s.rsc", prefix, UPLOAD_DIGITS, d);
}

/* Whether a file store name is one of netrec's uploads, as upload_name
 * writes them: netrec-<16 hex>.rsc or netrec-reset-<16 hex>.rsc (lower
 * case), or as earlier builds wrote them: netrec-<pid>.rsc and
 * netrec-reset-<pid>.rsc (they too may hold secret values); nothing
 * else. */
static bool is_upload(const char *name, size_t n)
{
	size_t i = 7, digits = 0, hex = 0;

	if (n < 7 || strncmp(name, "netrec-", 7) != 0)
		return false;
	if (n >= 13 && strncmp(name + 7, "reset-", 6) == 0)
		i = 13;
	if (n < i + 5 || memcmp(name + n - 4, ".rsc", 4) != 0)
		return false;
	for (size_t k = i; k < n - 4; k++) {
		digits += name[k] >= '0' && name[k] <= '9';
		hex += (name[k] >= '0' && name[k] <= '9') ||
		    (name[k] >= 'a' && name[k] <= 'f');
	}
	n -= 4 + i;
	return (hex == n && n == UPLOAD_DIGITS) || (digits == n && n <= 10);
}

/* Removes netrec's uploads from the router's file store (they hold
 * secret values): this attempt's `name`, and any an earlier attempt left
 * behind when its connection dropped. Returns -1 when the connection
 * failed before `name` could be removed. */
static int remove_uploads(struct nr_ssh *ssh, const char *name)
{
	struct nr_buf list = NR_BUF_INIT;
	struct nr_err e = NR_ERR_INIT;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	*(char **)NR_PUSH(names, n, cap) = nr_strdup(name);
	if (nr_ssh_exec(ssh, "/file print terse", &list, &e) == 0) {
		for (const char *p = list.s; (p = strstr(p, " name="));) {
			size_t len;

			p += 6;
			len = strcspn(p, " \n");
			if (is_upload(p, len) &&
			    (len != strlen(name) || strncmp(p, name, len) != 0))
				*(char **)NR_PUSH(names, n, cap) =
				    nr_strndup(p, len);
			p += len;
		}
	}
	nr_buf_release(&list);
	for (size_t i = 0; i < n; i++) {
		struct nr_buf cmd = NR_BUF_INIT, out = NR_BUF_INIT;
		struct nr_err e2 = NR_ERR_INIT;

		nr_buf_adds(&cmd, "/file remove [ find where name=");
		nr_ros_quote(&cmd, names[i], NR_ROS_QUOTE_ALWAYS);
		nr_buf_adds(&cmd, " ]");
		if (nr_ssh_exec(ssh, cmd.s, &out, &e2) < 0 && i == 0)
			rc = -1;
		nr_buf_release(&cmd);
		nr_buf_release(&out);
		free(names[i]);
	}
	free(names);
	return rc;
}

/* Waits until the router answers again after a reset (progress every
 * 5 s, up to router.reset_timeout). */
static int wait_back(
    const struct nr_router *rt, struct nr_ctx *ctx, struct nr_err *err)
{
	struct nr_ssh_opts so;
	time_t start = time(NULL), last = start;

	ssh_opts(&so, rt);
	so.timeout_ms = 5000;
	while (time(NULL) - start < (time_t)rt->reset_timeout.num) {
		struct nr_ssh *ssh = NULL;
		struct nr_buf out = NR_BUF_INIT;
		struct nr_err e = NR_ERR_INIT;
		int rc = nr_ssh_open(&ssh, &so, &e);

		if (rc == 0)
			rc = nr_ssh_exec(
			    ssh, "/system identity print", &out, &e);
		nr_ssh_close(ssh);
		nr_buf_release(&out);
		if (rc == 0)
			return 0;
		if (time(NULL) - last >= 5) {
			nr_say(ctx, "(waiting for the router, %lds) ",
			    (long)(time(NULL) - start));
			last = time(NULL);
		}
		sleep(1);
	}
	return nr_err_set(err, NR_EEXTERNAL,
	    "the router did not come back within %lld s after "
	    "reset-configuration (router.reset_timeout)",
	    (long long)rt->reset_timeout.num);
}

/* reset mode (the historical way): upload the whole config, run
 * `/system reset-configuration no-defaults=yes skip-backup=yes
 * run-after-reset=...`, which drops the session, then wait for the router
 * to come back. */
static int apply_reset(
    const struct nr_change *c, struct nr_ctx *ctx, struct nr_err *err)
{
	const struct nr_router *rt = want_of(c->res);
	struct have *h = c->res->have;
	struct nr_ssh_opts so;
	struct nr_ssh *ssh = NULL;
	struct nr_buf out = NR_BUF_INIT;
	struct nr_err dropped = NR_ERR_INIT;
	struct nr_buf all = NR_BUF_INIT;
	struct nr_ros_export_opts o = { .flags = NR_ROS_EXPORT_TERSE };
	char *name, *cmd, *shown;
	int rc;

	/* the plan shows only the difference: the name comes from the whole
	 * config as uploaded, each secret masked as a plan masks it, and
	 * without the values RouterOS hides (a password written in
	 * network.yaml itself) */
	nr_ros_export(&all, &h->declared, &o);
	shown = masked(all.s);
	name = upload_name("reset-", shown);
	free(shown);
	nr_buf_release(&all);
	cmd = nr_asprintf("/system reset-configuration no-defaults=yes "
			  "skip-backup=yes run-after-reset=%s",
	    name);
	ssh_opts(&so, rt);
	rc = nr_ssh_open(&ssh, &so, err);
	if (rc == 0)
		rc = nr_ssh_upload(ssh, name, h->final, strlen(h->final), err);
	if (rc == 0) {
		nr_say(ctx, "resetting the router ... ");
		/* the router drops the session as it resets: not an error */
		nr_ssh_exec(ssh, cmd, &out, &dropped);
	}
	nr_ssh_close(ssh);
	explicit_bzero(out.s, out.len);
	nr_buf_release(&out);
	if (rc == 0)
		rc = wait_back(rt, ctx, err);
	if (rc == 0) {
		/* the script holds secret values: not left in the file store
		 * (best effort; an incremental apply removes it too) */
		struct nr_err e = NR_ERR_INIT;

		ssh = NULL;
		if (nr_ssh_open(&ssh, &so, &e) == 0)
			remove_uploads(ssh, name);
		nr_ssh_close(ssh);
	}
	if (rc == 0)
		rc = store_digests(h, ctx, err);
	free(name);
	free(cmd);
	return rc;
}

static int apply(
    const struct nr_change *c, struct nr_ctx *ctx, struct nr_err *err)
{
	const struct nr_router *rt = want_of(c->res);
	struct have *h = c->res->have;
	struct nr_ssh_opts so;
	struct nr_ssh *ssh = NULL;
	struct nr_buf out = NR_BUF_INIT;
	char *name, *cmd;
	int rc;

	if (!h->final)
		return nr_err_set(
		    err, NR_EINVAL, "%s: not prepared", c->address);
	if (rt->mode.num == NR_MODE_RESET)
		return apply_reset(c, ctx, err);
	/* the change's diff is the uploaded script as the plan shows it:
	 * the same commands, "(sensitive value changed)" for each value */
	name = upload_name("", c->diff ? c->diff : "");
	cmd = nr_asprintf("/import file-name=%s verbose=yes", name);
	ssh_opts(&so, rt);
	rc = nr_ssh_open(&ssh, &so, err);
	if (rc == 0)
		rc = nr_ssh_upload(ssh, name, h->final, strlen(h->final), err);
	if (rc == 0)
		rc = nr_ssh_exec(ssh, cmd, &out, err);
	if (rc == 0 && !strstr(out.s, IMPORT_OK)) {
		char *msg = import_error(out.s, h);

		rc = nr_err_set(err, NR_EEXTERNAL,
		    "the router refused the "
		    "import: %s",
		    msg);
		free(msg);
	}
	if (ssh && remove_uploads(ssh, name) < 0) {
		/* the connection dropped: the upload holds secret values, so
		 * once more on a new one (else the next apply removes it) */
		struct nr_err e = NR_ERR_INIT;

		nr_ssh_close(ssh);
		ssh = NULL;
		if (nr_ssh_open(&ssh, &so, &e) == 0)
			remove_uploads(ssh, name);
	}
	nr_ssh_close(ssh);
	explicit_bzero(out.s, out.len);
	nr_buf_release(&out);
	if (rc == 0)
		rc = store_digests(h, ctx, err);
	free(name);
	free(cmd);
	return rc;
}

static json_t *live_json(const struct nr_resource *r)
{
	const struct have *h = r->have;
	struct nr_buf b = NR_BUF_INIT;
	char d[65];
	json_t *j;

	/* the live export, digested without the values RouterOS hides
	 * without show-sensitive: a plan file never holds a digest from
	 * which a weak password could be guessed */
	struct nr_ros_export_opts o = { .flags = NR_ROS_EXPORT_TERSE };

	nr_ros_export(&b, &h->live, &o);
	nr_sha256_hex(b.s, b.len, d);
	j = json_pack("{s:s, s:s, s:b}", "export_sha256", d, "export_hmac",
	    h->live_hmac, "hidden_changed", h->hidden_ncmds > 0);
	explicit_bzero(b.s, b.len);
	nr_buf_release(&b);
	return j;
}

static void free_have(void *p)
{
	struct have *h = p;

	nr_ros_model_release(&h->live);
	nr_ros_model_release(&h->declared);
	nr_ros_model_release(&h->want);
	for (size_t i = 0; i < h->nrefs; i++)
		free(h->refs[i]);
	free(h->refs);
	nr_ros_model_release(&h->hprev);
	nr_ros_model_release(&h->hwant);
	free(h->hidden_text);
	free(h->hidden_script);
	free(h->hidden_problem);
	free(h->problem);
	free(h->secret_error);
	nr_secret_free_text(h->final);
	nr_secrets_wipe(&h->secrets);
	nr_secrets_wipe(&h->old);
	free(h);
}

static const struct nr_resource_ops ops = {
	.kind = "router",
	.layer = NR_LAYER_ROUTER,
	.observe = observe,
	.diff = diff,
	.prepare = prepare,
	.apply = apply,
	.live_json = live_json,
	.free_have = free_have,
};

void nr_router_resources(struct nr_pipeline *p)
{
	if (!p->cfg->router.o.present)
		return;
	nr_pipeline_add(
	    p, &ops, (void *)p->cfg, NULL, "router[%s]", p->cfg->router.host.s);
}
