/* cmd-validate: schema and cross-checks only, no live access. Prints every
 * problem of the file at once, then (when valid) what it declares. */
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/common.h"
#include "conf/load.h"
#include "secret/ref.h"

static size_t count_secrets(const char *text)
{
	struct nr_secret_ref ref;
	char why[256];
	size_t pos = 0, n = 0;

	while (text && nr_secret_next(text, &pos, &ref, why, sizeof(why)) > 0)
		n++;
	return n;
}

static size_t count_lines(const char *text)
{
	size_t n = 0;

	for (const char *p = text; p && *p; p++)
		if (*p == '\n' || !p[1])
			n++;
	return n;
}

static const char *plural(size_t n)
{
	return n == 1 ? "" : "s";
}

static void print_summary(struct nr_ctx *ctx, const struct nr_config *c)
{
	FILE *o = ctx->out;
	size_t lines = count_lines(c->router.config.s);
	size_t secrets = count_secrets(c->router.config.s);

	if (c->hardware.o.present) {
		fprintf(o, "  passthrough  ");
		for (size_t i = 0; i < c->hardware.passthrough.n; i++) {
			const struct nr_pt_port *p =
			    &c->hardware.passthrough.v[i];

			fprintf(o, "%s%s (%s%s%s)", i ? ", " : "", p->slot.s,
			    p->id.s, p->host_driver.set ? ", off " : "",
			    p->host_driver.set ? p->host_driver.s : "");
		}
		fprintf(o, "%s\n", c->hardware.passthrough.n ? "" : "none");
		if (c->hardware.host_nic.o.present)
			fprintf(o, "  host NIC     %s (%s)\n",
			    c->hardware.host_nic.slot.s,
			    c->hardware.host_nic.id.s);
	}
	if (c->host.o.present)
		fprintf(o,
		    "  host         %s IOMMU, %zu package%s, user %s, "
		    "%zu NTP server%s, %zu extra file%s\n",
		    c->host.iommu.s, c->host.packages.n,
		    plural(c->host.packages.n),
		    c->host.service_user.o.present ? c->host.service_user.name.s
						   : "(none)",
		    c->host.ntp.servers.n, plural(c->host.ntp.servers.n),
		    c->host.files.n, plural(c->host.files.n));
	if (c->vm.o.present)
		fprintf(o,
		    "  vm           %s: %s/%s, %s, %s, cpu %s, %lld cpus, "
		    "%s, %s supervisor, passthrough %s\n",
		    c->vm.name.s, c->vm.dir.s, c->vm.disk.s, c->vm.machine.s,
		    c->vm.accel.s, c->vm.cpu.s, c->vm.cpus.num, c->vm.memory.s,
		    c->vm.supervisor.s,
		    c->vm.passthrough.all ? "all" : "listed");
	if (c->router.o.present)
		fprintf(o,
		    "  router       %s at %s:%lld as %s, %s mode, %zu "
		    "config line%s, %zu secret reference%s\n",
		    c->router.type.s, c->router.host.s, c->router.ssh.port.num,
		    c->router.ssh.user.s, c->router.mode.s, lines,
		    plural(lines), secrets, plural(secrets));
	if (c->checks.o.present)
		fprintf(o,
		    "  checks       %zu probe%s within %s, on failure %s\n",
		    c->checks.probes.n, plural(c->checks.probes.n),
		    c->checks.timeout.s, c->checks.on_failure.s);
}

static json_t *diags_json(const struct nr_diags *d, enum nr_severity sev)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < d->n; i++) {
		const struct nr_diag *g = &d->v[i];

		if (g->sev != sev)
			continue;
		json_array_append_new(arr,
		    json_pack("{s:i, s:i, s:s}", "line", g->loc.line, "column",
			g->loc.col, "message", g->msg));
	}
	return arr;
}

static int exec_validate(struct nr_ctx *ctx, const struct nr_args *a)
{
	struct nr_source src = { 0 };
	struct nr_config cfg;
	struct nr_diags diags;
	int rc;

	(void)a;
	nr_diags_init(&diags);
	memset(&cfg, 0, sizeof(cfg));
	rc = nr_cmd_load(ctx, &src, &cfg, &diags);
	if (rc < 0 && rc != NR_ECONFIG) {
		/* the source could not be read (printed): still answer in JSON */
		if (ctx->json)
			nr_cmd_print_json(ctx,
			    json_pack("{s:s, s:n, s:b, s:[], "
				      "s:[]}",
				"file", ctx->repo ? ctx->repo : ctx->file,
				"commit", "valid", 0, "errors", "warnings"));
		goto out;
	}
	if (ctx->json) {
		nr_cmd_print_json(ctx,
		    json_pack("{s:s, s:o, s:b, s:o, s:o}", "file", src.name,
			"commit",
			src.commit[0] ? json_string(src.commit) : json_null(),
			"valid", rc == 0, "errors",
			diags_json(&diags, NR_SEV_ERROR), "warnings",
			diags_json(&diags, NR_SEV_WARNING)));
	} else {
		nr_cmd_print_diags(ctx, &src, &diags);
		if (rc == 0 && ctx->verbosity >= 0) {
			fprintf(ctx->out, "%s: valid", src.name);
			if (src.commit[0])
				fprintf(ctx->out, " (commit %s)", src.commit);
			fputc('\n', ctx->out);
			print_summary(ctx, &cfg);
		} else if (rc) {
			fprintf(ctx->errf, "%s: %zu error%s\n", src.name,
			    diags.errors, diags.errors == 1 ? "" : "s");
		}
	}
out:
	nr_config_release(&cfg);
	nr_diags_release(&diags);
	nr_source_release(&src);
	return rc == 0 ? NR_EXIT_OK : NR_EXIT_ERROR;
}

const struct nr_cmd nr_cmd_validate = {
	.name = "validate",
	.args = "",
	.summary =
	    "check network.yaml (schema and cross-checks; no live access)",
	.max_args = 0,
	.exec = exec_validate,
};
