/* test-config: the network.yaml loader on the reference file, the valid
 * and invalid example documents (tests/data), and hostile input. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf/load.h"
#include "lib/err.h"
#include "lib/mem.h"
#include "testutil.h"

static int load_text(
    struct nr_config *cfg, struct nr_diags *d, const char *text)
{
	nr_diags_init(d);
	return nr_config_load(cfg, text, strlen(text), d);
}

static void test_reference(void **state)
{
	struct nr_config cfg;
	struct nr_diags d;
	size_t len;
	char *text = nr_test_read(nr_test_path("network.yaml"), &len);

	(void)state;
	assert_non_null(text);
	nr_diags_init(&d);
	assert_int_equal(nr_config_load(&cfg, text, len, &d), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(cfg.version.num, 1);
	assert_int_equal(cfg.hardware.passthrough.n, 2);
	assert_string_equal(
	    cfg.hardware.passthrough.v[1].slot.s, "0000:01:00.1");
	assert_string_equal(cfg.hardware.passthrough.v[0].id.s, "8086:1521");
	assert_string_equal(cfg.hardware.passthrough.v[0].host_driver.s, "igb");
	assert_string_equal(cfg.hardware.host_nic.id.s, "10ec:8168");
	assert_int_equal(cfg.host.iommu.num, NR_IOMMU_INTEL);
	assert_int_equal(cfg.host.packages.n, 4);
	assert_string_equal(cfg.host.service_user.name.s, "qemu");
	assert_string_equal(cfg.host.service_user.groups.v[0].s, "kvm");
	assert_string_equal(cfg.vm.disk.s, "chr-7.19.3.qcow2");
	assert_int_equal(cfg.vm.memory.num, 512LL << 20);
	assert_int_equal(cfg.vm.cpus.num, 2);
	assert_true(cfg.vm.passthrough.all);
	assert_int_equal(cfg.vm.supervisor.num, NR_SUP_SYSTEMD);
	assert_int_equal(cfg.router.ssh.port.num, 22);
	assert_int_equal(cfg.router.mode.num, NR_MODE_INCREMENTAL);
	assert_non_null(strstr(
	    cfg.router.config.s, "{{ op://API_Vault/Test_Login/password }}"));
	assert_int_equal(cfg.checks.timeout.num, 120);
	assert_int_equal(cfg.checks.probes.n, 2);
	assert_int_equal(cfg.checks.probes.v[1].tcp.num, 443);
	/* every value knows where it came from */
	assert_true(cfg.vm.memory.loc.line > 0);
	nr_config_release(&cfg);
	nr_diags_release(&d);
	free(text);
}

static void test_defaults_and_normalising(void **state)
{
	struct nr_config cfg;
	struct nr_diags d;
	const char *text =
	    "version: 1\n"
	    "hardware:\n"
	    "  passthrough: [{slot: \"01:00.0\", id: \"8086:ABCD\"}]\n"
	    "vm: {name: r, dir: /srv/r, disk: r.qcow2}\n";

	(void)state;
	assert_int_equal(load_text(&cfg, &d, text), 0);
	assert_string_equal(
	    cfg.hardware.passthrough.v[0].slot.s, "0000:01:00.0");
	assert_string_equal(cfg.hardware.passthrough.v[0].id.s, "8086:abcd");
	assert_false(cfg.vm.memory.set);
	assert_string_equal(cfg.vm.memory.s, "512M");
	assert_int_equal(cfg.vm.memory.num, 512LL << 20);
	assert_int_equal(cfg.vm.cpus.num, 2);
	assert_string_equal(cfg.vm.accel.s, "kvm");
	assert_true(cfg.vm.passthrough.all);
	assert_int_equal(cfg.vm.snapshots.keep.num, 10);
	assert_false(cfg.router.o.present);
	assert_false(cfg.gitops.o.present);
	assert_int_equal(cfg.gitops.lock_timeout.num, 600);
	nr_config_release(&cfg);
	nr_diags_release(&d);
}

/* Every error of a file in one run, sorted by position. */
static void test_all_errors_sorted(void **state)
{
	struct nr_config cfg;
	struct nr_diags d;
	const char *text = "version: 1\n"
			   "vm:\n"
			   "  name: r\n"
			   "  dir: relative\n"
			   "  disk: r.qcow2\n"
			   "  cpus: 0\n"
			   "host:\n"
			   "  iommu: arm\n"
			   "  pakages: []\n";

	(void)state;
	assert_int_equal(load_text(&cfg, &d, text), NR_ECONFIG);
	assert_int_equal(d.errors, 4);
	assert_int_equal(d.v[0].loc.line, 4);
	assert_int_equal(d.v[1].loc.line, 6);
	assert_int_equal(d.v[2].loc.line, 8);
	assert_int_equal(d.v[3].loc.line, 9);
	assert_string_equal(
	    d.v[3].msg, "unknown key 'pakages' (did you mean 'packages'?)");
	nr_config_release(&cfg);
	nr_diags_release(&d);
}

/* A secret reference's error points into the block scalar. */
static void test_secret_location(void **state)
{
	struct nr_config cfg;
	struct nr_diags d;
	const char *text = "version: 1\n"
			   "router:\n"
			   "  host: 127.0.0.1\n"
			   "  ssh: {key: /k, known_hosts: /h}\n"
			   "  config: |\n"
			   "    /system identity set name=x\n"
			   "    /user set admin password={{ vault:a/b }}\n";

	(void)state;
	assert_int_equal(load_text(&cfg, &d, text), NR_ECONFIG);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].loc.line, 7);
	assert_int_equal(d.v[0].loc.col, 30);
	nr_config_release(&cfg);
	nr_diags_release(&d);
}

static char *billion_laughs(void)
{
	char *s =
	    nr_strdup("version: 1\na0: &a0 [x, x, x, x, x, x, x, x, x]\n");

	for (int i = 1; i < 12; i++) {
		char *t =
		    nr_asprintf("%sa%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, "
				"*a%d, *a%d, *a%d, *a%d]\n",
			s, i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1,
			i - 1, i - 1, i - 1);
		free(s);
		s = t;
	}
	return s;
}

/* Exponential aliases are refused on the way, never expanded. */
static void test_billion_laughs(void **state)
{
	struct nr_config cfg;
	struct nr_diags d;
	char *text = billion_laughs();

	(void)state;
	assert_int_equal(load_text(&cfg, &d, text), NR_ECONFIG);
	assert_int_equal(d.errors, 1);
	assert_non_null(strstr(d.v[0].msg, "aliases expand the document"));
	nr_config_release(&cfg);
	nr_diags_release(&d);
	free(text);
}

/* Aliases within the limit work, by reference. */
static void test_alias_ok(void **state)
{
	struct nr_config cfg;
	struct nr_diags d;
	const char *text = "version: 1\n"
			   "host:\n"
			   "  packages: &p [socat, chrony]\n"
			   "  service_user: {name: qemu, groups: [kvm]}\n"
			   "vm: {name: r, dir: /r, disk: d.qcow2}\n";

	(void)state;
	assert_int_equal(load_text(&cfg, &d, text), 0);
	assert_int_equal(cfg.host.packages.n, 2);
	nr_config_release(&cfg);
	nr_diags_release(&d);
}

static void test_too_big(void **state)
{
	struct nr_config cfg;
	struct nr_diags d;
	size_t n = NR_CONFIG_MAX_BYTES + 1;
	char *text = nr_malloc(n + 1);

	(void)state;
	memset(text, '#', n);
	text[n] = '\0';
	nr_diags_init(&d);
	assert_int_equal(nr_config_load(&cfg, text, n, &d), NR_ECONFIG);
	assert_non_null(strstr(d.v[0].msg, "larger than 16 MiB"));
	nr_config_release(&cfg);
	nr_diags_release(&d);
	free(text);
}

/* The expectation header of an example: "# error: LINE:COL: message". */
static void parse_expect(const char *text, int *line, int *col, char **msg)
{
	const char *p = strstr(text, "# error: ");
	const char *nl;
	int used = 0;

	assert_non_null(p);
	p += strlen("# error: ");
	assert_int_equal(sscanf(p, "%d:%d: %n", line, col, &used), 2);
	nl = strchr(p, '\n');
	*msg = nr_strndup(p + used, (size_t)(nl - p - used));
}

/* The first error (warnings come and go with the cross-checks). */
static const struct nr_diag *first_error(const struct nr_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].sev == NR_SEV_ERROR)
			return &d->v[i];
	return d->n ? &d->v[0] : NULL;
}

static size_t run_folder(const char *rel, bool valid)
{
	char *dirpath = nr_strdup(nr_test_path(rel));
	DIR *dir = opendir(dirpath);
	struct dirent *e;
	size_t count = 0;

	assert_non_null(dir);
	while ((e = readdir(dir))) {
		char *path, *text, *msg = NULL;
		struct nr_config cfg;
		struct nr_diags d;
		size_t len;
		const struct nr_diag *first;
		int line = 0, col = 0, rc;

		if (!strstr(e->d_name, ".yaml"))
			continue;
		path = nr_asprintf("%s/%s", dirpath, e->d_name);
		text = nr_test_read(path, &len);
		assert_non_null(text);
		nr_diags_init(&d);
		rc = nr_config_load(&cfg, text, len, &d);
		first = first_error(&d);
		if (valid) {
			if (rc != 0)
				fail_msg("%s: expected valid, got %s:%d:%d: %s",
				    e->d_name, e->d_name, first->loc.line,
				    first->loc.col, first->msg);
		} else {
			parse_expect(text, &line, &col, &msg);
			if (rc != NR_ECONFIG)
				fail_msg("%s: expected an error", e->d_name);
			if (first->loc.line != line || first->loc.col != col ||
			    strcmp(first->msg, msg) != 0)
				fail_msg(
				    "%s: expected %d:%d: %s\n got %d:%d: %s",
				    e->d_name, line, col, msg, first->loc.line,
				    first->loc.col, first->msg);
		}
		count++;
		free(msg);
		nr_config_release(&cfg);
		nr_diags_release(&d);
		free(text);
		free(path);
	}
	closedir(dir);
	free(dirpath);
	return count;
}

static void test_valid_examples(void **state)
{
	(void)state;
	assert_true(run_folder("tests/data/valid", true) >= 6);
}

static void test_invalid_examples(void **state)
{
	(void)state;
	assert_true(run_folder("tests/data/invalid", false) >= 50);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference),
		cmocka_unit_test(test_defaults_and_normalising),
		cmocka_unit_test(test_all_errors_sorted),
		cmocka_unit_test(test_secret_location),
		cmocka_unit_test(test_billion_laughs),
		cmocka_unit_test(test_alias_ok),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_valid_examples),
		cmocka_unit_test(test_invalid_examples),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
