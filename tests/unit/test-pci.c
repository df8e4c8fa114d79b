/* test-pci: the libpci inventory on fake sysfs trees made by
 * tests/lab/mksysfs (the lab's reference hardware and odd trees), and
 * broken trees that make libpci fail. */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/err.h"
#include "lib/mem.h"
#include "pci/inventory.h"
#include "testutil.h"

extern char **environ;

/* Builds a tree in a new temporary folder: the default spec when `spec`
 * is NULL, else the given spec text. Returns the folder (caller removes
 * it with nr_test_rmrf and frees it). */
static char *make_tree(const char *spec)
{
	char *dir = nr_test_tmpdir();
	char *script = nr_strdup(nr_test_path("tests/lab/mksysfs"));
	char *tree = nr_asprintf("%s/sys", dir);
	char *spec_path = nr_asprintf("%s/spec", dir);
	char *argv[] = { script, tree, "--spec", spec_path, NULL };
	pid_t pid;
	int status;

	if (spec)
		nr_test_write(spec_path, spec);
	else
		argv[2] = NULL;
	assert_int_equal(
	    posix_spawn(&pid, script, NULL, NULL, argv, environ), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	free(script);
	free(tree);
	free(spec_path);
	return dir;
}

static int scan(struct nr_pci_list *l, const char *dir, struct nr_err *err)
{
	char *tree = nr_asprintf("%s/sys", dir);
	int rc = nr_pci_scan(l, tree, true, err);

	free(tree);
	return rc;
}

static void remove_tree(char *dir)
{
	nr_test_rmrf(dir);
	free(dir);
}

static void assert_dev(const struct nr_pci_dev *d, const char *slot,
    const char *id, const char *cls, const char *driver, const char *group)
{
	assert_string_equal(d->slot, slot);
	assert_string_equal(d->id, id);
	assert_string_equal(d->cls, cls);
	if (driver)
		assert_string_equal(d->driver, driver);
	else
		assert_null(d->driver);
	if (group)
		assert_string_equal(d->iommu_group, group);
	else
		assert_null(d->iommu_group);
}

static void test_reference(void **state)
{
	char *dir = make_tree(NULL);
	struct nr_pci_list l;
	struct nr_err err = NR_ERR_INIT;

	(void)state;
	assert_int_equal(scan(&l, dir, &err), 0);
	assert_int_equal(l.n, 4);
	assert_dev(&l.v[0], "0000:00:00.0", "8086:0d57", "0600", NULL, NULL);
	assert_dev(&l.v[1], "0000:01:00.0", "8086:1521", "0200", "igb", "12");
	assert_dev(&l.v[2], "0000:01:00.1", "8086:1521", "0200", "igb", "13");
	assert_dev(&l.v[3], "0000:06:00.0", "10ec:8168", "0200", "r8169", "15");
	assert_string_equal(l.v[0].vendor, "Intel Corporation");
	for (size_t i = 1; i <= 2; i++) {
		assert_string_equal(l.v[i].vendor, "Intel Corporation");
		assert_string_equal(
		    l.v[i].device, "I350 Gigabit Network Connection");
	}
	assert_string_equal(l.v[3].vendor, "Realtek Semiconductor Co., Ltd.");
	assert_non_null(strstr(l.v[3].device, "RTL8111/8168"));
	nr_pci_list_release(&l);
	assert_null(l.v);
	assert_int_equal(l.n, 0);
	remove_tree(dir);
}

/* The plan scans without names: the same devices, no pci.ids lookups. */
static void test_without_names(void **state)
{
	char *dir = make_tree(NULL);
	char *tree = nr_asprintf("%s/sys", dir);
	struct nr_pci_list l;
	struct nr_err err = NR_ERR_INIT;

	(void)state;
	assert_int_equal(nr_pci_scan(&l, tree, false, &err), 0);
	assert_int_equal(l.n, 4);
	assert_dev(&l.v[1], "0000:01:00.0", "8086:1521", "0200", "igb", "12");
	for (size_t i = 0; i < l.n; i++) {
		assert_null(l.v[i].vendor);
		assert_null(l.v[i].device);
	}
	nr_pci_list_release(&l);
	free(tree);
	remove_tree(dir);
}

static void test_find(void **state)
{
	char *dir = make_tree(NULL);
	struct nr_pci_list l;
	struct nr_err err = NR_ERR_INIT;
	const struct nr_pci_dev *d;

	(void)state;
	assert_int_equal(scan(&l, dir, &err), 0);
	d = nr_pci_find(&l, "0000:06:00.0");
	assert_non_null(d);
	assert_string_equal(d->id, "10ec:8168");
	d = nr_pci_find(&l, "0000:01:00.1");
	assert_non_null(d);
	assert_string_equal(d->iommu_group, "13");
	assert_null(nr_pci_find(&l, "0000:02:00.0"));
	assert_null(nr_pci_find(&l, "01:00.0")); /* full slots only */
	nr_pci_list_release(&l);
	remove_tree(dir);
}

static void test_json(void **state)
{
	char *dir = make_tree(NULL);
	struct nr_pci_list l;
	struct nr_err err = NR_ERR_INIT;
	static const char *const keys[] = { "slot", "id", "class", "driver",
		"iommu_group", "vendor", "device" };
	json_t *o;
	char *text;
	size_t i = 0;
	const char *key;
	json_t *val;

	(void)state;
	assert_int_equal(scan(&l, dir, &err), 0);
	o = nr_pci_dev_json(&l.v[1]);
	text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	assert_string_equal(text,
	    "{\"slot\":\"0000:01:00.0\",\"id\":\"8086:1521\","
	    "\"class\":\"0200\",\"driver\":\"igb\",\"iommu_group\":\"12\","
	    "\"vendor\":\"Intel Corporation\","
	    "\"device\":\"I350 Gigabit Network Connection\"}");
	free(text);
	json_decref(o);

	/* the bridge: the same keys in the same order, nulls where none */
	o = nr_pci_dev_json(&l.v[0]);
	assert_int_equal(json_object_size(o), NR_ARRAY_SIZE(keys));
	json_object_foreach (o, key, val) {
		assert_string_equal(key, keys[i++]);
	}
	assert_true(json_is_null(json_object_get(o, "driver")));
	assert_true(json_is_null(json_object_get(o, "iommu_group")));
	assert_string_equal(
	    json_string_value(json_object_get(o, "class")), "0600");
	json_decref(o);
	nr_pci_list_release(&l);
	remove_tree(dir);
}

/* Trees the PCI guard must see as they are: a device in the host NIC's
 * IOMMU group, a slot holding another ID, an unknown vendor, a second
 * domain, listed out of order. */
static void test_odd_tree(void **state)
{
	char *dir = make_tree("# out of order on purpose\n"
			      "0001:00:02.0  0bad:0001  0c0330  -      20\n"
			      "0000:06:00.1  10ec:8168  0200    r8169  15\n"
			      "0000:06:00.0  10ec:8168  0200    r8169  15\n"
			      "0000:01:00.1  8086:1533  020000  igb    13\n"
			      "0000:01:00.0  8086:1521  0x020000 vfio-pci 12\n"
			      "driver vfio-pci\n");
	struct nr_pci_list l;
	struct nr_err err = NR_ERR_INIT;
	json_t *o;

	(void)state;
	assert_int_equal(scan(&l, dir, &err), 0);
	assert_int_equal(l.n, 5);
	assert_dev(
	    &l.v[0], "0000:01:00.0", "8086:1521", "0200", "vfio-pci", "12");
	assert_dev(&l.v[1], "0000:01:00.1", "8086:1533", "0200", "igb", "13");
	assert_string_equal(l.v[1].device, "I210 Gigabit Network Connection");
	assert_dev(&l.v[2], "0000:06:00.0", "10ec:8168", "0200", "r8169", "15");
	assert_dev(&l.v[3], "0000:06:00.1", "10ec:8168", "0200", "r8169", "15");
	assert_dev(&l.v[4], "0001:00:02.0", "0bad:0001", "0c03", NULL, "20");
	assert_null(l.v[4].vendor);
	assert_null(l.v[4].device);
	o = nr_pci_dev_json(&l.v[4]);
	assert_true(json_is_null(json_object_get(o, "vendor")));
	assert_true(json_is_null(json_object_get(o, "device")));
	assert_true(json_is_null(json_object_get(o, "driver")));
	json_decref(o);
	nr_pci_list_release(&l);
	remove_tree(dir);
}

static void test_empty_tree(void **state)
{
	char *dir = make_tree("# no devices\n");
	struct nr_pci_list l;
	struct nr_err err = NR_ERR_INIT;

	(void)state;
	assert_int_equal(scan(&l, dir, &err), 0);
	assert_int_equal(l.n, 0);
	nr_pci_list_release(&l);
	remove_tree(dir);
}

static void test_missing_folder(void **state)
{
	char *dir = nr_test_tmpdir();
	char *tree = nr_asprintf("%s/nonexistent", dir);
	struct nr_pci_list l = { (void *)1, 1, 1 }; /* overwritten */
	struct nr_err err = NR_ERR_INIT;

	(void)state;
	assert_int_equal(nr_pci_scan(&l, tree, true, &err), NR_EIO);
	assert_non_null(strstr(err.msg, tree));
	assert_non_null(strstr(err.msg, "No such file or directory"));
	assert_null(l.v);
	assert_int_equal(l.n, 0);
	nr_pci_list_release(&l);
	free(tree);
	remove_tree(dir);
}

/* libpci's fatal error callback must come back as an error, with the list
 * empty, and a later scan must work again. */
static void expect_libpci_error(const char *dir, const char *what)
{
	struct nr_pci_list l;
	struct nr_err err = NR_ERR_INIT;

	assert_int_equal(scan(&l, dir, &err), NR_EEXTERNAL);
	assert_non_null(strstr(err.msg, "cannot read the PCI devices in '"));
	assert_non_null(strstr(err.msg, dir));
	assert_non_null(strstr(err.msg, what));
	assert_null(l.v);
	assert_int_equal(l.n, 0);
	nr_pci_list_release(&l);
}

static void test_broken_device(void **state)
{
	char *dir = make_tree(NULL);
	char *file = nr_asprintf("%s/sys/devices/0000:01:00.1/class", dir);
	char *bad = nr_asprintf("%s/sys/devices/not-a-slot", dir);
	struct nr_pci_list l;
	struct nr_err err = NR_ERR_INIT;

	(void)state;
	/* a mandatory file missing */
	assert_int_equal(unlink(file), 0);
	expect_libpci_error(dir, "0000:01:00.1/class");
	/* a folder that is not a slot */
	nr_test_write(file, "0x020000\n");
	assert_int_equal(mkdir(bad, 0755), 0);
	assert_int_equal(scan(&l, dir, &err), NR_EINVAL);
	assert_non_null(strstr(err.msg, "'not-a-slot' is not a PCI slot"));
	assert_null(l.v);
	assert_int_equal(rmdir(bad), 0);
	nr_err_clear(&err);
	/* the same process scans again after the jumps */
	assert_int_equal(scan(&l, dir, &err), 0);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.v[2].cls, "0200");
	nr_pci_list_release(&l);
	free(file);
	free(bad);
	remove_tree(dir);
}

/* Values libpci reads leniently: a driver link with no target, an unread
 * garbage `resource`, an unparsable ID (strtol gives 0). */
static void test_lenient_values(void **state)
{
	char *dir = make_tree(NULL);
	char *drv = nr_asprintf("%s/sys/drivers/r8169", dir);
	char *res = nr_asprintf("%s/sys/devices/0000:01:00.0/resource", dir);
	char *dev = nr_asprintf("%s/sys/devices/0000:01:00.1/device", dir);
	struct nr_pci_list l;
	struct nr_err err = NR_ERR_INIT;

	(void)state;
	nr_test_rmrf(drv);
	nr_test_write(res, "garbage\n");
	nr_test_write(dev, "garbage\n");
	assert_int_equal(scan(&l, dir, &err), 0);
	assert_int_equal(l.n, 4);
	assert_null(l.v[3].driver);
	assert_string_equal(l.v[3].iommu_group, "15");
	assert_string_equal(l.v[1].driver, "igb");
	assert_string_equal(l.v[2].id, "8086:0000");
	nr_pci_list_release(&l);
	free(drv);
	free(res);
	free(dev);
	remove_tree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference),
		cmocka_unit_test(test_without_names),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_odd_tree),
		cmocka_unit_test(test_empty_tree),
		cmocka_unit_test(test_missing_folder),
		cmocka_unit_test(test_broken_device),
		cmocka_unit_test(test_lenient_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
