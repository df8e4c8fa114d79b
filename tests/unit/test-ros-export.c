/* test-ros-export: the /export writer a simulator answers with: header
 * lines, compact form with menu headers and 80-column wrapping (never
 * inside an escape, reading back to the same configuration), terse,
 * verbose, show-sensitive and CRLF; defaults printed anyway (a firewall
 * rule's action=accept) and the router's list order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/diag.h"
#include "lib/mem.h"
#include "routeros/exec.h"
#include "routeros/export.h"
#include "testutil.h"

static void load(struct nr_ros_model *m, const char *text)
{
	struct nr_diags d;

	nr_ros_model_init(m);
	nr_diags_init(&d);
	if (nr_ros_load(m, text, strlen(text), 0, &d) != 0)
		fail_msg(
		    "%d:%d: %s", d.v[0].loc.line, d.v[0].loc.col, d.v[0].msg);
	nr_diags_release(&d);
}

static char *fmt(const char *text)
{
	struct nr_ros_model m;
	struct nr_buf b = NR_BUF_INIT;

	load(&m, text);
	nr_ros_export_terse(&b, &m);
	nr_ros_model_release(&m);
	return nr_buf_detach(&b);
}

static char *export(const char *text, const struct nr_ros_export_opts *o)
{
	struct nr_ros_model m;
	struct nr_buf b = NR_BUF_INIT;

	load(&m, text);
	nr_ros_export(&b, &m, o);
	nr_ros_model_release(&m);
	return nr_buf_detach(&b);
}

static const char config[] =
    "/interface bridge add name=bridge1\n"
    "/interface wireguard add name=wg0 listen-port=13231 "
    "private-key=\"cGFzc3dvcmQ=\"\n"
    "/ip address add address=192.168.88.1/24 interface=bridge1\n"
    "/ip firewall filter add chain=input action=drop "
    "comment=\"\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 "
    "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 \\\"quoted\\\" and "
    "\\$dollars, a long comment that has to wrap\" "
    "in-interface-list=!LAN src-address-list=blocked\n"
    "/system script add name=s policy=read,write source=\":log info "
    "\\\"start\\\";\\r\\n:local a [/system identity get name];\\r\\n:put "
    "\\$a\\r\\n\"\n"
    "/system identity set name=r1\n"
    "/routing bgp connection add name=b local.address=10.0.0.1 "
    "local.role=ebgp remote.address=10.0.0.2/32 remote.as=65001\n";

static void test_compact(void **state)
{
	struct nr_ros_export_opts o = { 0 };
	char *out, *back, *want;
	size_t lines = 0;

	(void)state;
	o.date = "2025-09-16 10:12:09";
	o.version = "7.19.3";
	o.software_id = "";
	o.system_id = "abcdEFGH123";
	out = export(config, &o);
	assert_true(strncmp(out,
			"# 2025-09-16 10:12:09 by RouterOS 7.19.3\n"
			"# software id = \n# system id = abcdEFGH123\n"
			"/interface bridge\nadd name=bridge1\n",
			strlen("# 2025-09-16 10:12:09 by RouterOS 7.19.3\n"
			       "# software id = \n# system id = abcdEFGH123\n"
			       "/interface bridge\nadd name=bridge1\n")) == 0);
	assert_non_null(strstr(out,
	    "\n/ip address\nadd address=192.168.88.1/24 "
	    "interface=bridge1 network=192.168.88.0\n"));
	/* secrets are hidden without show-sensitive */
	assert_null(strstr(out, "private-key"));
	assert_non_null(strstr(out, "add listen-port=13231 name=wg0\n"));

	/* wrapped at 80 columns, continuations indented by 4 */
	for (const char *p = out; *p;) {
		size_t n = strcspn(p, "\n");

		if (n > 80)
			fail_msg("line longer than 80: %.*s", (int)n, p);
		if (n && p[n - 1] == '\\')
			assert_true(strncmp(p + n + 1, "    ", 4) == 0 &&
			    p[n + 5] != ' ');
		lines++;
		p += n + (p[n] == '\n');
	}
	assert_true(lines > 12);
	assert_non_null(strstr(out, "\\\n    "));
	/* and it reads back to the same configuration */
	back = fmt(out);
	want = fmt(config);
	/* the hidden key is the only difference */
	{
		const char *key = " private-key=\"cGFzc3dvcmQ=\"";
		char *cut = strstr(want, key);

		assert_non_null(cut);
		memmove(cut, cut + strlen(key), strlen(cut + strlen(key)) + 1);
	}
	assert_string_equal(back, want);
	free(out);
	free(back);
	free(want);
}

static void test_terse_sensitive_crlf(void **state)
{
	struct nr_ros_export_opts o = { 0 };
	char *out, *back, *want;

	(void)state;
	o.flags = NR_ROS_EXPORT_TERSE | NR_ROS_EXPORT_SENSITIVE |
	    NR_ROS_EXPORT_CRLF;
	o.date = "jun/08/2023 22:05:40";
	o.version = "7.9.2";
	out = export(config, &o);
	assert_true(strncmp(out,
			"# jun/08/2023 22:05:40 by RouterOS 7.9.2\r\n"
			"/interface bridge add name=bridge1\r\n",
			strlen("# jun/08/2023 22:05:40 by RouterOS 7.9.2\r\n"
			       "/interface bridge add name=bridge1\r\n")) == 0);
	assert_non_null(strstr(out, "private-key=\"cGFzc3dvcmQ=\""));
	assert_null(strstr(out, "\\\r\n"));
	/* dotted keys after one with the same prefix start at the dot */
	assert_non_null(strstr(out,
	    "/routing bgp connection add "
	    "local.address=10.0.0.1 .role=ebgp name=b "
	    "remote.address=10.0.0.2/32 .as=65001\r\n"));
	for (const char *p = out; *p; p++)
		if (*p == '\n')
			assert_true(p > out && p[-1] == '\r');
	back = fmt(out);
	want = fmt(config);
	assert_string_equal(back, want);
	free(out);
	free(back);
	free(want);
}

static void test_verbose(void **state)
{
	struct nr_ros_export_opts o = { 0 };
	char *out, *back, *want;
	const char *text =
	    "/ip service set telnet disabled=yes\n"
	    "/ip dns set servers=1.1.1.1\n"
	    "/interface ethernet set [ find default-name=ether1 ] "
	    "comment=wan\n";

	(void)state;
	o.flags = NR_ROS_EXPORT_VERBOSE | NR_ROS_EXPORT_TERSE;
	out = export(text, &o);
	/* every built-in and every known default is printed */
	assert_non_null(strstr(out,
	    "/ip service set ftp address=\"\" "
	    "certificate=none comment=\"\" disabled=no "
	    "name=ftp port=21 tls-version=any\n"));
	assert_non_null(strstr(out,
	    "/ip service set telnet address=\"\" "
	    "certificate=none comment=\"\" disabled=yes "
	    "name=telnet port=23"));
	assert_non_null(strstr(out,
	    "/ip dns set allow-remote-requests=no "
	    "cache-max-ttl=1w"));
	assert_null(strstr(out,
	    "/ip dns set allow-remote-requests=no "
	    "cache-max-ttl=1w cache-size=2048KiB comment"));
	assert_non_null(strstr(out, "servers=1.1.1.1"));
	assert_non_null(strstr(out, "set [ find default-name=ether1 ] "));
	assert_non_null(strstr(out, "mtu=1500"));
	assert_non_null(strstr(out, "name=ether1"));
	/* and reads back to the same configuration */
	back = fmt(out);
	want = fmt(text);
	assert_string_equal(back, want);
	free(out);
	free(back);
	free(want);
}

/* Real exports print action=accept on every firewall rule; the model
 * still takes a rule without action for the same rule. */
static void test_action_printed(void **state)
{
	struct nr_ros_export_opts o = { 0 };
	char *a, *b, *out;

	(void)state;
	a = fmt("/ip firewall filter add chain=input\n");
	b = fmt("/ip firewall filter add action=accept chain=input\n");
	assert_string_equal(
	    a, "/ip firewall filter add action=accept chain=input\n");
	assert_string_equal(a, b);
	free(a);
	free(b);
	/* in its sorted place; another action is printed once; every
	 * firewall menu and the CAPsMAN access list */
	a = fmt("/ip firewall nat add chain=srcnat comment=x "
		"out-interface=ether1\n"
		"/ip firewall nat add chain=srcnat action=masquerade\n"
		"/ipv6 firewall filter add chain=input\n"
		"/ip firewall raw add chain=prerouting disabled=yes\n"
		"/ip firewall mangle add chain=forward log=no\n"
		"/interface bridge filter add chain=forward\n"
		"/caps-man access-list add comment=ap\n");
	assert_non_null(strstr(a,
	    "/ip firewall nat add action=accept chain=srcnat comment=x "
	    "out-interface=ether1\n"));
	assert_non_null(
	    strstr(a, "/ip firewall nat add action=masquerade chain=srcnat\n"));
	assert_null(strstr(a, "action=accept action"));
	assert_null(strstr(a, "action=masquerade action"));
	assert_non_null(
	    strstr(a, "/ipv6 firewall filter add action=accept chain=input\n"));
	assert_non_null(strstr(a,
	    "/ip firewall raw add action=accept chain=prerouting "
	    "disabled=yes\n"));
	assert_non_null(
	    strstr(a, "/ip firewall mangle add action=accept chain=forward\n"));
	assert_non_null(strstr(
	    a, "/interface bridge filter add action=accept chain=forward\n"));
	assert_non_null(
	    strstr(a, "/caps-man access-list add action=accept comment=ap\n"));
	/* idempotent */
	b = fmt(a);
	assert_string_equal(a, b);
	free(a);
	free(b);
	/* other defaults stay omitted, and menus without the marker print
	 * no default action (a CAPsMAN provisioning rule's action=none) */
	a = fmt("/caps-man provisioning add action=none comment=p\n"
		"/ip address add address=10.0.0.1/24 interface=ether1\n");
	assert_null(strstr(a, "action="));
	assert_null(strstr(a, "log=no"));
	free(a);

	/* the router's /export prints it too, compact and terse; verbose
	 * once */
	out = export("/ip firewall filter add chain=input "
		     "comment=\"first rule\"\n",
	    &o);
	assert_string_equal(out,
	    "/ip firewall filter\n"
	    "add action=accept chain=input comment=\"first rule\"\n");
	free(out);
	o.flags = NR_ROS_EXPORT_TERSE;
	out = export("/ip firewall filter add chain=input\n", &o);
	assert_string_equal(
	    out, "/ip firewall filter add action=accept chain=input\n");
	free(out);
	o.flags = NR_ROS_EXPORT_TERSE | NR_ROS_EXPORT_VERBOSE;
	out = export("/ip firewall filter add chain=input\n", &o);
	assert_non_null(strstr(out, " action=accept chain=input "));
	assert_null(strstr(strstr(out, "action=accept") + 1, "action="));
	free(out);
}

/* A router's /export prints items in list order (the rules of all chains
 * interleaved as they run, keyed items as added), built-ins first; the
 * canonical form groups rules by chain and sorts keyed items. */
static void test_router_order(void **state)
{
	static const char text[] =
	    "/ip firewall filter add chain=input comment=i1\n"
	    "/ip firewall filter add chain=forward comment=f1\n"
	    "/ip firewall filter add chain=input comment=i2\n"
	    "/ip firewall filter add chain=forward comment=f0 "
	    "place-before=[ find comment=f1 ]\n"
	    "/interface bridge add name=br2\n"
	    "/interface bridge add name=br1\n"
	    "/interface list add name=LAN\n"
	    "/interface list set [ find name=all ] comment=every\n";
	struct nr_ros_export_opts o = { 0 };
	char *out, *canon, *back;

	(void)state;
	o.flags = NR_ROS_EXPORT_TERSE;
	out = export(text, &o);
	assert_string_equal(out,
	    "/interface bridge add name=br2\n"
	    "/interface bridge add name=br1\n"
	    "/interface list set [ find name=all ] comment=every\n"
	    "/interface list add name=LAN\n"
	    "/ip firewall filter add action=accept chain=input comment=i1\n"
	    "/ip firewall filter add action=accept chain=forward "
	    "comment=f0\n"
	    "/ip firewall filter add action=accept chain=forward "
	    "comment=f1\n"
	    "/ip firewall filter add action=accept chain=input "
	    "comment=i2\n");
	canon = fmt(text);
	assert_string_equal(canon,
	    "/interface bridge add name=br1\n"
	    "/interface bridge add name=br2\n"
	    "/interface list set [ find name=all ] comment=every\n"
	    "/interface list add name=LAN\n"
	    "/ip firewall filter add action=accept chain=forward "
	    "comment=f0\n"
	    "/ip firewall filter add action=accept chain=forward "
	    "comment=f1\n"
	    "/ip firewall filter add action=accept chain=input comment=i1\n"
	    "/ip firewall filter add action=accept chain=input "
	    "comment=i2\n");
	/* the router's order reads back to the same configuration */
	back = fmt(out);
	assert_string_equal(back, canon);
	free(out);
	free(canon);
	free(back);
	/* compact: one header, the rules in list order */
	o.flags = 0;
	out = export(text, &o);
	assert_non_null(strstr(out,
	    "/ip firewall filter\n"
	    "add action=accept chain=input comment=i1\n"
	    "add action=accept chain=forward comment=f0\n"
	    "add action=accept chain=forward comment=f1\n"
	    "add action=accept chain=input comment=i2\n"));
	free(out);
	/* list order, except that an item named by an earlier one (a
	 * next-pool set later) comes first, so the export reads back */
	o.flags = NR_ROS_EXPORT_TERSE;
	out = export("/ip pool add name=p3 ranges=10.0.0.3\n"
		     "/ip pool add name=p1 ranges=10.0.0.1\n"
		     "/ip pool add name=p2 ranges=10.0.0.2\n"
		     "/ip pool set [ find name=p3 ] next-pool=p2\n",
	    &o);
	assert_string_equal(out,
	    "/ip pool add name=p2 ranges=10.0.0.2\n"
	    "/ip pool add name=p3 next-pool=p2 ranges=10.0.0.3\n"
	    "/ip pool add name=p1 ranges=10.0.0.1\n");
	back = fmt(out);
	free(out);
	free(back);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compact),
		cmocka_unit_test(test_terse_sensitive_crlf),
		cmocka_unit_test(test_verbose),
		cmocka_unit_test(test_action_printed),
		cmocka_unit_test(test_router_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
