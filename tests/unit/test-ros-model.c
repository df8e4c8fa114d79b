/* test-ros-model: executing commands against an empty model: built-ins
 * created on first reference, selectors, add/set/remove/move/enable/
 * disable/unset, stable ids, defaults normalised away, the error texts of
 * real routers and /import's stop-at-the-first-failure semantics; how a
 * property holds its value (interned, a flag, its own copy). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/diag.h"
#include "lib/err.h"
#include "routeros/exec.h"
#include "routeros/export.h"
#include "routeros/intern.h"
#include "routeros/model.h"
#include "routeros/parse.h"
#include "testutil.h"

struct run {
	struct nr_ros_model m;
	struct nr_diags d;
	struct nr_buf out;
	int rc;
};

/* Runs `text` on an empty model; out gets the canonical export. */
static void run(struct run *r, const char *text, unsigned flags)
{
	nr_ros_model_init(&r->m);
	nr_diags_init(&r->d);
	nr_buf_init(&r->out);
	r->rc = nr_ros_load(&r->m, text, strlen(text), flags, &r->d);
	nr_ros_export_terse(&r->out, &r->m);
}

static void done(struct run *r)
{
	nr_ros_model_release(&r->m);
	nr_diags_release(&r->d);
	nr_buf_release(&r->out);
}

/* `text` runs cleanly and its canonical export is `want`. */
static void expect(const char *text, const char *want)
{
	struct run r;

	run(&r, text, 0);
	if (r.rc != 0)
		fail_msg("%d:%d: %s", r.d.v[0].loc.line, r.d.v[0].loc.col,
		    r.d.v[0].msg);
	assert_string_equal(r.out.s, want);
	done(&r);
}

/* `text` fails on line `line` with `msg`, and what ran before stays. */
static void expect_error(
    const char *text, int line, const char *msg, const char *kept)
{
	struct run r;

	run(&r, text, 0);
	assert_int_equal(r.rc, NR_ECONFIG);
	assert_int_equal(r.d.errors, 1);
	assert_int_equal(r.d.v[r.d.n - 1].loc.line, line);
	assert_string_equal(r.d.v[r.d.n - 1].msg, msg);
	assert_string_equal(r.out.s, kept);
	done(&r);
}

/* `text` fails on line `line` with `msg`. */
static void expect_error_text(const char *text, int line, const char *msg)
{
	struct run r;

	run(&r, text, 0);
	assert_int_equal(r.rc, NR_ECONFIG);
	assert_int_equal(r.d.v[r.d.n - 1].loc.line, line);
	assert_string_equal(r.d.v[r.d.n - 1].msg, msg);
	done(&r);
}

static void test_singletons_and_defaults(void **state)
{
	(void)state;
	expect(
	    "/system identity set name=r1\n/ip dns\n"
	    "set allow-remote-requests=yes servers=1.1.1.1 cache-size=2048KiB\n"
	    "/system clock set time-zone-name=Europe/Riga\n",
	    "/ip dns set allow-remote-requests=yes servers=1.1.1.1\n"
	    "/system clock set time-zone-name=Europe/Riga\n"
	    "/system identity set name=r1\n");
	/* a value back at its default vanishes */
	expect("/system identity set name=r1\n/system identity set "
	       "name=MikroTik\n/ip dns set allow-remote-requests=no\n",
	    "");
	/* v7 routes print defaults: both forms are the same route */
	expect("/ip route add dst-address=0.0.0.0/0 gateway=10.0.0.1 "
	       "distance=1 routing-table=main scope=30 disabled=no\n",
	    "/ip route add gateway=10.0.0.1\n");
	/* /32 without prefix, network= derived and always printed */
	expect("/ip address add address=10.0.0.1/32 interface=lo\n"
	       "/ip address add address=192.168.1.1/24 interface=br "
	       "network=192.168.1.0\n",
	    "/ip address add address=10.0.0.1 interface=lo network=10.0.0.1\n"
	    "/ip address add address=192.168.1.1/24 interface=br "
	    "network=192.168.1.0\n");
	/* flags are kept and written bare */
	expect("/ip route add dst-address=10.9.0.0/16 blackhole\n"
	       "/routing table add name=t fib\n",
	    "/routing table add fib name=t\n"
	    "/ip route add blackhole dst-address=10.9.0.0/16\n");
	/* NTP servers given with set= live in the v7 submenu */
	expect("/system ntp client set enabled=yes servers=a.pool,b.pool\n",
	    "/system ntp client set enabled=yes\n"
	    "/system ntp client servers add address=a.pool\n"
	    "/system ntp client servers add address=b.pool\n");
}

static void test_builtins(void **state)
{
	(void)state;
	expect("/interface ethernet\n"
	       "set [ find default-name=ether2 ] comment=lan\n"
	       "set [ find default-name=ether1 ] name=wan\n"
	       "set ether10 mtu=9000\n"
	       "set wan comment=uplink\n"
	       "set [ find default-name=ether3 ] name=ether3\n",
	    "/interface ethernet set [ find default-name=ether1 ] "
	    "comment=uplink name=wan\n"
	    "/interface ethernet set [ find default-name=ether2 ] comment=lan\n"
	    "/interface ethernet set [ find default-name=ether10 ] mtu=9000\n");
	expect(
	    "/ip service\nset telnet disabled=yes\nset www-ssl disabled=yes\n"
	    "set ssh port=2222 address=10.0.0.0/8\n"
	    "/ip service disable ftp,www\n",
	    "/ip service set telnet disabled=yes\n"
	    "/ip service set ftp disabled=yes\n"
	    "/ip service set www disabled=yes\n"
	    "/ip service set ssh address=10.0.0.0/8 port=2222\n");
	expect("/port set 0 name=serial0\n/system logging set 3 action=memory\n"
	       "/system logging add topics=dhcp\n",
	    "/port set 0 name=serial0\n"
	    "/system logging set 3 action=memory\n"
	    "/system logging add topics=dhcp\n");
	expect("/interface wireless security-profiles set [ find default=yes ] "
	       "supplicant-identity=MikroTik mode=dynamic-keys\n"
	       "/ppp profile set *FFFFFFFE use-encryption=required\n"
	       "/interface list set [ find name=all ] comment=\"contains all "
	       "interfaces\"\n",
	    "/interface wireless security-profiles set [ find default=yes ] "
	    "mode=dynamic-keys supplicant-identity=MikroTik\n"
	    "/ppp profile set *FFFFFFFE use-encryption=required\n");
	/* a find by an empty name makes no built-in (found by libFuzzer) */
	expect("/foo set 2 x=1\n/foo set [ find name=\"\" ] y=2\n",
	    "/foo set 2 x=1 y=2\n");
	/* ports are named by default-name in exports: a port may take the
	 * name another had */
	expect("/interface ethernet\n"
	       "set [ find default-name=ether1 ] name=wan\n"
	       "set [ find default-name=ether2 ] name=ether1\n",
	    "/interface ethernet set [ find default-name=ether1 ] name=wan\n"
	    "/interface ethernet set [ find default-name=ether2 ] "
	    "name=ether1\n");
	/* nor are built-ins named by number: either order gives one export
	 * (found by libFuzzer) */
	expect("/interface ethernet\nset l name=all\nset 0 name=all\n",
	    "/interface ethernet set 0 name=all\n"
	    "/interface ethernet set [ find default-name=l ] name=all\n");
	expect("/interface ethernet\nset 0 name=all\nset l name=all\n",
	    "/interface ethernet set 0 name=all\n"
	    "/interface ethernet set [ find default-name=l ] name=all\n");
	/* a port renamed, then named by its old name: that names nothing
	 * (no second port; found by libFuzzer) */
	expect("/interface ethernet\n"
	       "set [ find name=ether5 ] name=wan\n"
	       "set [ find name=ether5 ] comment=x\n"
	       "set [ find default-name=ether5 ] mtu=1400\n",
	    "/interface ethernet set [ find default-name=ether5 ] mtu=1400 "
	    "name=wan\n");
	/* a radio named by find, then by name, is one built-in */
	expect("/interface wireless set [ find default-name=wlan1 ] ssid=a\n"
	       "/interface wireless set wlan1 band=5ghz-ac\n"
	       "/interface wireless add name=guest master-interface=wlan1\n",
	    "/interface wireless set [ find default-name=wlan1 ] band=5ghz-ac "
	    "ssid=a\n"
	    "/interface wireless add master-interface=wlan1 name=guest\n");
	/* an unknown menu: settings, built-ins by selector, items */
	expect("/system lcd set contrast=0\n/system lcd page set time "
	       "disabled=yes\n/foo bar add x=1\n",
	    "/foo bar add x=1\n/system lcd set contrast=0\n"
	    "/system lcd page set time disabled=yes\n");
}

static void test_lists_and_order(void **state)
{
	(void)state;
	/* place-before, move before and to the end, enable/disable */
	expect(
	    "/ip firewall filter\n"
	    "add chain=input action=drop comment=last\n"
	    "add chain=input comment=first place-before=[ find comment=last "
	    "]\n"
	    "add chain=forward action=drop comment=fwd\n"
	    "add chain=input comment=middle place-before=1\n"
	    "move [ find comment=first ] destination=[ find comment=middle ]\n"
	    "disable [ find comment=fwd ]\n",
	    "/ip firewall filter add action=drop chain=forward comment=fwd "
	    "disabled=yes\n"
	    "/ip firewall filter add action=accept chain=input comment=first\n"
	    "/ip firewall filter add action=accept chain=input "
	    "comment=middle\n"
	    "/ip firewall filter add action=drop chain=input comment=last\n");
	expect("/ip firewall nat\nadd chain=srcnat comment=a\n"
	       "add chain=srcnat comment=b\nadd chain=srcnat comment=c\n"
	       "move numbers=[ find comment=a ]\n"
	       "move 0 2\n",
	    "/ip firewall nat add action=accept chain=srcnat comment=c\n"
	    "/ip firewall nat add action=accept chain=srcnat comment=b\n"
	    "/ip firewall nat add action=accept chain=srcnat comment=a\n");
	/* keyed menus print sorted by key; a referenced pool comes first */
	expect(
	    "/ip pool\nadd name=c ranges=10.0.0.3\n"
	    "add name=b ranges=10.0.0.2 next-pool=c\nadd name=a ranges=10.0.0.1\n"
	    "/interface bridge\nadd name=br2\nadd name=br1\n"
	    "set br2 comment=two\nremove [ find name=br1 ]\n",
	    "/interface bridge add comment=two name=br2\n"
	    "/ip pool add name=a ranges=10.0.0.1\n"
	    "/ip pool add name=c ranges=10.0.0.3\n"
	    "/ip pool add name=b next-pool=c ranges=10.0.0.2\n");
	/* unset: back to "no value"; where the default is a value, unset
	 * is a state of its own and exports print it as !key */
	expect("/interface 6to4 add name=t remote-address=1.2.3.4 "
	       "local-address=5.6.7.8\n"
	       "/interface 6to4 unset [ find ] value-name=local-address\n"
	       "/interface pppoe-client add name=p interface=ether1 "
	       "!profile\n"
	       "/interface bridge add name=a\n/interface bridge add name=b\n",
	    "/interface bridge add name=a\n/interface bridge add name=b\n"
	    "/interface 6to4 add !local-address name=t "
	    "remote-address=1.2.3.4\n"
	    "/interface pppoe-client add interface=ether1 name=p !profile\n");
	expect_error_text("/interface bridge add name=a\n"
			  "/interface bridge add name=b\n"
			  "/interface bridge set [ find ] name=c\n",
	    3, "failure: already have such name");
	/* unset and !key */
	expect("/ip dhcp-server network add address=10.0.0.0/24 "
	       "gateway=10.0.0.1 dns-server=1.1.1.1 comment=x\n"
	       "/ip dhcp-server network unset [ find ] value-name=dns-server\n"
	       "/ip dhcp-server network set 0 comment=y\n",
	    "/ip dhcp-server network add address=10.0.0.0/24 comment=y "
	    "gateway=10.0.0.1\n");
}

static void test_ids(void **state)
{
	struct run r;
	const struct nr_ros_menu *mn;
	char idbuf[16];

	(void)state;
	run(&r,
	    "/interface bridge\nadd name=a\nadd name=b\nadd name=c\n"
	    "remove b\nadd name=d\nset [ find .id=*4 ] comment=four\n",
	    0);
	assert_int_equal(r.rc, 0);
	mn = nr_ros_model_find(&r.m, "/interface bridge");
	assert_non_null(mn);
	assert_int_equal(mn->n, 3);
	assert_string_equal(nr_ros_item_get(mn, mn->v[2], ".id", idbuf), "*4");
	assert_string_equal(
	    nr_ros_item_get(mn, mn->v[2], "comment", idbuf), "four");
	for (int i = 0; i < 12; i++) {
		static const char line[] = "/interface bridge add name=x";
		char buf[64];
		char msg[256];
		struct nr_ros_script s;
		struct nr_diags d;

		snprintf(buf, sizeof(buf), "%s%d\n", line, i);
		nr_diags_init(&d);
		assert_int_equal(nr_ros_parse(&s, buf, strlen(buf), &d), 0);
		assert_int_equal(
		    nr_ros_exec_cmd(&r.m, &s.v[0], msg, sizeof(msg)), 0);
		nr_ros_script_release(&s);
		nr_diags_release(&d);
	}
	assert_string_equal(
	    nr_ros_item_get(mn, mn->v[mn->n - 1], ".id", idbuf), "*10");
	done(&r);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("/ip address add address=10.0.0.1/24 interface=ether1\n"
		     "/ip address add address=10.0.0.1/24 interface=ether1\n"
		     "/system identity set name=never\n",
	    2, "failure: already have such address",
	    "/ip address add address=10.0.0.1/24 interface=ether1 "
	    "network=10.0.0.0\n");
	expect_error("/interface bridge add name=br\n"
		     "/interface bridge add name=br\n",
	    2, "failure: already have interface with name br",
	    "/interface bridge add name=br\n");
	/* two built-ins of one name: a selector would name both (found
	 * by libFuzzer in a menu the table does not know) */
	expect_error("/foo set [ find name=a ] x=1\n/foo set b name=a\n", 2,
	    "failure: already have such name",
	    "/foo set [ find name=a ] x=1\n");
	/* also when an added item stands before the built-ins (reviewer) */
	expect_error("/foo set time comment=a\n"
		     "/foo add comment=b place-before=[ find comment=a ]\n"
		     "/foo set other name=time\n",
	    3, "failure: already have such name",
	    "/foo set time comment=a\n/foo add comment=b\n");
	/* one made by number and one by name may share a name now, in
	 * either order (libFuzzer: one order failed, so an export of the
	 * other did not read back) */
	expect("set 0 name=all\nset = name=all\n",
	    "/ set \"=\" name=all\n/ set 0 name=all\n");
	expect("/ set \"=\" name=all\n/ set 0 name=all\n",
	    "/ set \"=\" name=all\n/ set 0 name=all\n");
	/* nor the name another had when it was made: its selector */
	expect_error("/disk set slot1 slot\n/disk set x slot=slot1\n", 2,
	    "failure: already have such slot", "/disk set slot1 slot\n");
	expect_error(
	    "/foo set p x=1\n/foo set q x=2\n/foo set [ find ] name=c\n", 3,
	    "failure: already have such name",
	    "/foo set p x=1\n/foo set q x=2\n");
	expect_error("/interface bridge add name=a\n/interface bridge add "
		     "name=b\n/interface bridge set b name=a\n",
	    3, "failure: already have interface with name a",
	    "/interface bridge add name=a\n/interface bridge add name=b\n");
	expect_error(
	    "/ip pool set nope ranges=1.1.1.1\n", 1, "no such item", "");
	expect_error(
	    "/interface bridge port add bridge=nope interface=ether1\n", 1,
	    "input does not match any value of bridge", "");
	expect_error("/ip pool add name=p ranges=1.1.1.1\n"
		     "/ip dhcp-server add name=d interface=ether1 "
		     "address-pool=q\n",
	    2, "input does not match any value of address-pool",
	    "/ip pool add name=p ranges=1.1.1.1\n");
	expect_error(
	    "/system identity add name=x\n", 1, "bad command name add", "");
	expect_error("/ip service remove telnet\n", 1,
	    "failure: cannot remove built-in item", "");
	expect_error("/ip firewall filter add chain=input place-before=5\n", 1,
	    "no such item", "");
	expect_error("/ip address remove\n", 1,
	    "missing value(s) of argument(s) numbers", "");
}

/* An export is read with its references as they stand: a router prints
 * a pool before the newer pool it names; a script is checked line by
 * line, as /import does. */
static void test_export_forward_reference(void **state)
{
	static const char text[] =
	    "/ip pool add name=a next-pool=b ranges=10.0.0.1\n"
	    "/ip pool add name=b ranges=10.0.0.2\n";
	struct run r;

	(void)state;
	run(&r, text, 0);
	assert_int_equal(r.rc, NR_ECONFIG);
	assert_non_null(strstr(
	    r.d.v[0].msg, "input does not match any value of next-pool"));
	done(&r);
	run(&r, text, NR_ROS_EXEC_EXPORT);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out.s, "next-pool=b"));
	done(&r);
}

static void test_unsupported(void **state)
{
	struct run r;

	(void)state;
	/* a script line is reported and skipped, never silently */
	run(&r,
	    ":global x \"br\"\n/interface bridge add name=$x\n"
	    "/interface bridge add name=ok\n",
	    0);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.d.n, 2);
	assert_int_equal(r.d.v[0].sev, NR_SEV_WARNING);
	assert_int_equal(r.d.v[0].loc.line, 1);
	assert_int_equal(r.d.v[1].loc.line, 2);
	assert_non_null(strstr(r.d.v[1].msg, "variable"));
	assert_string_equal(r.out.s, "/interface bridge add name=ok\n");
	done(&r);

	/* in a declared config it is an error, and nothing after it runs */
	run(&r,
	    "/interface bridge add name=a\n:delay 10s\n"
	    "/interface bridge add name=b\n",
	    NR_ROS_EXEC_STRICT);
	assert_int_equal(r.rc, NR_ECONFIG);
	assert_int_equal(r.d.errors, 1);
	assert_int_equal(r.d.v[0].loc.line, 2);
	assert_string_equal(r.out.s, "/interface bridge add name=a\n");
	done(&r);

	/* a syntax error anywhere: nothing runs (the file is read first) */
	run(&r, "/interface bridge add name=a\nadd name=\"b\n", 0);
	assert_int_equal(r.rc, NR_ECONFIG);
	assert_string_equal(r.out.s, "");
	done(&r);
}

/* A property holds an interned value, a flag or its own copy (a value
 * that may be a secret): each reads as its text, a copy owns its own
 * copies, and a flag is not the same property as `key=yes`. */
static void test_prop_values(void **state)
{
	struct nr_ros_props a = { 0 }, b = { 0 }, c = { 0 };
	const struct nr_ros_prop *p;
	char *secret = strdup("s3cret");

	(void)state;
	nr_ros_props_put(&a, "name", "x");
	nr_ros_props_put_flag(&a, "blackhole");
	nr_ros_props_put(&a, "password", "pw"); /* hidden: own copy */
	p = nr_ros_props_find(&a, "password");
	assert_string_equal(p->val, "pw");
	assert_ptr_not_equal(p->val, nr_ros_intern("pw"));
	p = nr_ros_props_find(&a, "name");
	assert_ptr_equal(p->val, nr_ros_intern("x"));
	p = nr_ros_props_find(&a, "blackhole");
	assert_true(nr_ros_prop_flag(p));
	assert_string_equal(p->val, "yes");
	nr_ros_prop_take(
	    (struct nr_ros_prop *)nr_ros_props_find(&a, "name"), secret);
	assert_string_equal(nr_ros_props_find(&a, "name")->val, "s3cret");

	nr_ros_props_copy(&b, &a);
	assert_true(nr_ros_props_equal(&a, &b));
	assert_int_equal(nr_ros_props_cmp(&a, &b), 0);
	assert_int_equal(nr_ros_props_hash(&a), nr_ros_props_hash(&b));
	assert_ptr_not_equal(nr_ros_props_find(&b, "password")->val,
	    nr_ros_props_find(&a, "password")->val);
	nr_ros_props_release(&a);
	assert_string_equal(nr_ros_props_find(&b, "password")->val, "pw");

	nr_ros_props_copy(&c, &b);
	nr_ros_props_put(&c, "blackhole", "yes"); /* a value, not a flag */
	assert_false(nr_ros_prop_flag(nr_ros_props_find(&c, "blackhole")));
	assert_false(nr_ros_props_equal(&b, &c));
	assert_int_not_equal(nr_ros_props_cmp(&b, &c), 0);
	nr_ros_props_release(&b);
	nr_ros_props_release(&c);
}

/* Two items with one natural key (no script makes them: a model read
 * from elsewhere could hold them): the index gives the first, the
 * second is not "keyed", and once the first goes the second is. */
static void test_key_held_twice(void **state)
{
	struct run r;
	struct nr_ros_menu *mn;
	struct nr_ros_item *dup;

	(void)state;
	run(&r, "/system ntp client set enabled=yes servers=a,b\n", 0);
	assert_int_equal(r.rc, 0);
	mn = nr_ros_model_find(&r.m, "/system ntp client servers");
	assert_non_null(mn);
	dup = nr_ros_item_new(&r.m, mn, mn->n);
	nr_ros_props_put(&dup->props, "address", "a");
	nr_ros_menu_reindex(mn, dup);
	assert_int_equal(mn->n, 3);
	assert_true(nr_ros_menu_keyed(mn, mn->v[0]));
	assert_true(nr_ros_menu_keyed(mn, mn->v[1]));
	assert_false(nr_ros_menu_keyed(mn, dup));
	nr_ros_menu_remove_at(mn, 0);
	assert_true(nr_ros_menu_keyed(mn, mn->v[0]));
	assert_true(nr_ros_menu_keyed(mn, dup));
	done(&r);
	/* a script cannot give an address twice */
	expect_error("/system ntp client set enabled=yes servers=a,b\n"
		     "/system ntp client set servers=b,a,a\n",
	    2, "failure: already have such address",
	    "/system ntp client set enabled=yes\n"
	    "/system ntp client servers add address=a\n"
	    "/system ntp client servers add address=b\n");
	/* nor does a command that fails change the servers */
	expect_error("/system ntp client set enabled=yes servers=a,b\n"
		     "/system ntp client set servers=c enabled=[ find ]\n",
	    2, "expected end of command",
	    "/system ntp client set enabled=yes\n"
	    "/system ntp client servers add address=a\n"
	    "/system ntp client servers add address=b\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_singletons_and_defaults),
		cmocka_unit_test(test_builtins),
		cmocka_unit_test(test_lists_and_order),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_unsupported),
		cmocka_unit_test(test_export_forward_reference),
		cmocka_unit_test(test_prop_values),
		cmocka_unit_test(test_key_held_twice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
