/* check: the cross-checks between keys that a schema cannot express:
 * duplicate slots, the host NIC among the passthrough ports or sharing
 * their driver or ID, VM slots not declared under hardware, and secret
 * references in the router config. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "conf/load.h"
#include "lib/mem.h"
#include "routeros/exec.h"
#include "secret/ref.h"

/* Values that failed to load are NULL: they match nothing. */
static bool eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* Kernel module names: modprobe treats '-' and '_' alike. */
static bool same_module(const char *a, const char *b)
{
	if (!a || !b)
		return false;
	for (; *a && *b; a++, b++)
		if (*a != *b && !(strchr("-_", *a) && strchr("-_", *b)))
			return false;
	return *a == *b;
}

static const struct nr_pt_port *find_port(
    const struct nr_hardware *hw, const char *slot, size_t before)
{
	for (size_t i = 0; i < before && i < hw->passthrough.n; i++)
		if (eq(hw->passthrough.v[i].slot.s, slot))
			return &hw->passthrough.v[i];
	return NULL;
}

static void check_hardware(const struct nr_hardware *hw, struct nr_diags *d)
{
	const struct nr_host_nic *nic = &hw->host_nic;

	if (hw->passthrough.n && !nic->o.present)
		nr_diag_warn(d, hw->o.loc,
		    "hardware.host_nic is not declared: "
		    "the PCI guard cannot make sure the host keeps its own NIC");

	for (size_t i = 0; i < hw->passthrough.n; i++) {
		const struct nr_pt_port *p = &hw->passthrough.v[i];
		const struct nr_pt_port *first = find_port(hw, p->slot.s, i);

		if (first)
			nr_diag_error(d, p->slot.loc,
			    "duplicate passthrough "
			    "slot '%s' (first at line %d)",
			    p->slot.s, first->slot.loc.line);
		if (!nic->o.present)
			continue;
		if (eq(p->slot.s, nic->slot.s))
			nr_diag_error(d, p->slot.loc,
			    "slot '%s' is the host NIC "
			    "(hardware.host_nic): passing it through would cut "
			    "the host off the network",
			    p->slot.s);
		else if (eq(p->id.s, nic->id.s))
			nr_diag_error(d, p->id.loc,
			    "passthrough ID '%s' is also "
			    "the host NIC's ID: vfio-pci.ids would take the host "
			    "NIC too",
			    p->id.s);
		if (same_module(p->host_driver.s, nic->driver.s))
			nr_diag_error(d, p->host_driver.loc,
			    "host_driver '%s' is "
			    "the host NIC's driver: denylisting it would cut the "
			    "host off the network",
			    p->host_driver.s);
	}
}

static void check_vm(const struct nr_config *cfg, struct nr_diags *d)
{
	const struct nr_vals *slots = &cfg->vm.passthrough.list;
	const struct nr_hardware *hw = &cfg->hardware;
	bool hw_ok = true;

	/* a slot that failed to load under hardware was reported already */
	for (size_t i = 0; i < hw->passthrough.n; i++)
		hw_ok = hw_ok && hw->passthrough.v[i].slot.s;
	for (size_t i = 0; i < slots->n; i++) {
		const struct nr_val *s = &slots->v[i];

		if (!s->s)
			continue;
		if (hw_ok && !find_port(hw, s->s, hw->passthrough.n))
			nr_diag_error(d, s->loc,
			    "vm passthrough slot '%s' is not "
			    "declared under hardware.passthrough",
			    s->s);
		for (size_t j = 0; j < i; j++)
			if (eq(slots->v[j].s, s->s))
				nr_diag_error(d, s->loc,
				    "slot '%s' is listed twice", s->s);
	}
}

/* The file position of byte `off` of a string value. */
static struct nr_loc text_loc(const struct nr_val *v, size_t off)
{
	struct nr_loc loc = v->body;
	const char *s = v->s;

	for (size_t i = 0; i < off; i++) {
		if (s[i] == '\n') {
			loc.line++;
			loc.col = v->block ? v->body.col : 1;
		} else if (((unsigned char)s[i] & 0xC0) != 0x80) {
			loc.col++;
		}
	}
	return loc;
}

static void check_secrets(const struct nr_val *config, struct nr_diags *d)
{
	struct nr_secret_ref ref;
	char why[256];
	size_t pos = 0;
	int r;

	if (!config->s)
		return;
	while ((r = nr_secret_next(config->s, &pos, &ref, why, sizeof(why))) !=
	    0) {
		if (r < 0)
			nr_diag_error(d, text_loc(config, ref.off),
			    "router.config: "
			    "%s",
			    why);
	}
}

/* The byte offset of line `line`, column `col` (characters) of `s`. */
static size_t offset_of(const char *s, int line, int col)
{
	size_t off = 0;

	for (int l = 1; l < line && s[off]; off++)
		if (s[off] == '\n')
			l++;
	for (int c = 1; c < col && s[off] && s[off] != '\n'; off++)
		if (((unsigned char)s[off + 1] & 0xC0) != 0x80)
			c++;
	return off;
}

/* The router config, run against an empty model as an apply would run it
 * (after a no-defaults reset): RouterOS syntax errors, unsupported script
 * constructs and failing commands are reported at their place in the
 * file. Secret references are blanked with words of the same length, so
 * the columns stay right. */
static void check_router_script(const struct nr_val *config, struct nr_diags *d)
{
	struct nr_ros_model m;
	struct nr_diags ros;
	char *text;

	if (!config->s)
		return;
	text = nr_strdup(config->s);
	/* every {{ ... }}, well-formed or not (those were reported above) */
	for (char *p = strstr(text, "{{"); p; p = strstr(p, "{{")) {
		char *end = strstr(p, "}}");
		char *nl = strchr(p, '\n');

		if (!end || (nl && nl < end))
			end = nl ? nl - 2 : p + strlen(p) - 2;
		memset(p, 'x', (size_t)(end + 2 - p));
		p = end + 2;
	}
	nr_ros_model_init(&m);
	nr_diags_init(&ros);
	nr_ros_load(&m, text, strlen(text), NR_ROS_EXEC_STRICT, &ros);
	for (size_t i = 0; i < ros.n; i++) {
		const struct nr_diag *g = &ros.v[i];
		struct nr_loc loc = text_loc(
		    config, offset_of(config->s, g->loc.line, g->loc.col));

		if (g->sev == NR_SEV_ERROR)
			nr_diag_error(d, loc, "router.config: %s", g->msg);
		else
			nr_diag_warn(d, loc, "router.config: %s", g->msg);
	}
	nr_diags_release(&ros);
	nr_ros_model_release(&m);
	free(text);
}

void nr_config_check(const struct nr_config *cfg, struct nr_diags *diags)
{
	check_hardware(&cfg->hardware, diags);
	check_vm(cfg, diags);
	check_secrets(&cfg->router.config, diags);
	check_router_script(&cfg->router.config, diags);
}
