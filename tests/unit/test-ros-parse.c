/* test-ros-parse: the RouterOS lexer and parser: every escape, continuation
 * lines (also inside strings), comments and headers, CRLF, selectors,
 * argument forms, inline paths, script constructs kept and flagged,
 * located errors, and every corpus file. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/diag.h"
#include "lib/err.h"
#include "lib/mem.h"
#include "routeros/parse.h"
#include "testutil.h"

struct parsed {
	struct nr_ros_script s;
	struct nr_diags d;
	int rc;
};

static void parse(struct parsed *p, const char *text)
{
	nr_diags_init(&p->d);
	p->rc = nr_ros_parse(&p->s, text, strlen(text), &p->d);
}

static void done(struct parsed *p)
{
	nr_ros_script_release(&p->s);
	nr_diags_release(&p->d);
}

static const char *arg(const struct nr_ros_cmd *c, const char *key)
{
	const struct nr_ros_arg *a = nr_ros_cmd_arg(c, key);

	return a ? a->val : NULL;
}

static void test_escapes(void **state)
{
	struct parsed p;

	(void)state;
	parse(&p,
	    "/system note set note=\"q\\\"b\\\\d\\$q\\?s\\_a\\ab\\bf\\fn"
	    "\\nr\\rt\\tv\\vx\\D0\\9F\\41\"\n");
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.s.n, 1);
	assert_string_equal(arg(&p.s.v[0], "note"),
	    "q\"b\\d$q?s a\ab\bf\fn\nr\rt\tv\vx\xD0\x9F"
	    "A");
	assert_null(p.s.v[0].unsupported);
	done(&p);

	/* lower-case hex is not an escape */
	parse(&p, "/system note set note=\"\\d0\"\n");
	assert_int_equal(p.rc, NR_ECONFIG);
	assert_int_equal(p.d.n, 1);
	assert_int_equal(p.d.v[0].loc.line, 1);
	assert_int_equal(p.d.v[0].loc.col, 24);
	assert_non_null(strstr(p.d.v[0].msg, "unknown escape"));
	done(&p);

	/* an escaped NUL cannot be held */
	parse(&p, "/system note set note=\"a\\00\"\n");
	assert_int_equal(p.rc, NR_ECONFIG);
	done(&p);

	/* escapes outside quotes decode too */
	parse(&p, "add comment=a\\$b\n");
	assert_string_equal(arg(&p.s.v[0], "comment"), "a$b");
	done(&p);
}

static void test_continuations(void **state)
{
	struct parsed p;

	(void)state;
	/* between arguments, mid-token, inside a string, CRLF */
	parse(&p,
	    "/ip address\r\nadd address=10.0.0.1/24 \\\r\n"
	    "    interface=ether1 comment=ab\\\r\n"
	    "    cd note=\"x y\\\n"
	    "    z\"\r\n");
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.s.n, 2);
	assert_int_equal(p.s.v[1].verb, NR_ROS_ADD);
	assert_string_equal(p.s.v[1].path, "/ip address");
	assert_string_equal(arg(&p.s.v[1], "interface"), "ether1");
	assert_string_equal(arg(&p.s.v[1], "comment"), "abcd");
	assert_string_equal(arg(&p.s.v[1], "note"), "x yz");
	done(&p);

	/* an even number of trailing backslashes is an escaped backslash */
	parse(&p, "add comment=\"x\\\\\"\nadd comment=y\n");
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.s.n, 2);
	assert_string_equal(arg(&p.s.v[0], "comment"), "x\\");
	done(&p);

	/* a script body ending in an escaped backslash, then a real
	 * continuation: three backslashes */
	parse(&p, "add source=\"a\\\\\\\n    b\"\n");
	assert_int_equal(p.rc, 0);
	assert_string_equal(arg(&p.s.v[0], "source"), "a\\b");
	done(&p);

	/* a comment does not continue */
	parse(&p, "# a comment \\\n/system identity set name=x\n");
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.s.n, 1);
	assert_string_equal(arg(&p.s.v[0], "name"), "x");
	done(&p);

	/* an error on a continued line is located on the physical line */
	parse(&p, "/ip address\nadd address=1.1.1.1 \\\n    interface=\"x\n");
	assert_int_equal(p.rc, NR_ECONFIG);
	assert_int_equal(p.d.v[0].loc.line, 3);
	assert_int_equal(p.d.v[0].loc.col, 15);
	done(&p);
}

static void test_headers_and_comments(void **state)
{
	struct parsed p;

	(void)state;
	parse(&p,
	    "# 2025-09-16 10:12:09 by RouterOS 7.19.3\n"
	    "# software id = \n#\n# system id = abcdefghijk\n"
	    "#error exporting \"/interface/bridge/calea\" (timeout)\n"
	    "/ip dns\nset servers=1.1.1.1\n"
	    "# Interface not active\n");
	assert_int_equal(p.rc, 0);
	assert_string_equal(p.s.version, "7.19.3");
	assert_int_equal(p.s.n, 2);
	assert_int_equal(p.s.v[0].verb, NR_ROS_HEADER);
	assert_string_equal(p.s.v[1].path, "/ip dns");
	done(&p);

	parse(&p, "# jun/08/2023 22:05:40 by RouterOS 7.9.2\n");
	assert_string_equal(p.s.version, "7.9.2");
	done(&p);
}

static void test_selectors(void **state)
{
	struct parsed p;
	const struct nr_ros_cmd *c;

	(void)state;
	parse(&p,
	    "/interface ethernet\n"
	    "set [ find default-name=ether1 ] comment=wan\n"
	    "set [ find where name=\"a b\" disabled=no ] mtu=1500\n"
	    "set [ find ] mtu=1400\n"
	    "set 0 name=serial0\nset ssh port=2222\n"
	    "set *1F comment=x\ndisable telnet,ftp,www\n"
	    "set \"wlan 2Ghz\" enable-polling=no\n"
	    "remove numbers=1,2\n"
	    "set [ find comment!=x !dynamic running ] mtu=1\n");
	assert_int_equal(p.rc, 0);
	c = &p.s.v[1];
	assert_int_equal(c->sel.kind, NR_ROS_SEL_FIND);
	assert_int_equal(c->sel.nconds, 1);
	assert_string_equal(c->sel.conds[0].key, "default-name");
	assert_string_equal(c->sel.conds[0].val, "ether1");
	assert_string_equal(arg(c, "comment"), "wan");
	c = &p.s.v[2];
	assert_int_equal(c->sel.nconds, 2);
	assert_string_equal(c->sel.conds[0].val, "a b");
	assert_string_equal(c->sel.conds[1].key, "disabled");
	c = &p.s.v[3];
	assert_int_equal(c->sel.kind, NR_ROS_SEL_FIND);
	assert_int_equal(c->sel.nconds, 0);
	c = &p.s.v[4];
	assert_int_equal(c->sel.kind, NR_ROS_SEL_REFS);
	assert_string_equal(c->sel.refs[0], "0");
	assert_string_equal(p.s.v[5].sel.refs[0], "ssh");
	assert_string_equal(p.s.v[6].sel.refs[0], "*1F");
	c = &p.s.v[7];
	assert_int_equal(c->verb, NR_ROS_DISABLE);
	assert_int_equal(c->sel.nrefs, 3);
	assert_string_equal(c->sel.refs[2], "www");
	c = &p.s.v[8];
	assert_int_equal(c->sel.nrefs, 1);
	assert_string_equal(c->sel.refs[0], "wlan 2Ghz");
	c = &p.s.v[9];
	assert_int_equal(c->verb, NR_ROS_REMOVE);
	assert_int_equal(c->sel.nrefs, 2);
	assert_int_equal(c->nargs, 0);
	c = &p.s.v[10];
	assert_int_equal(c->sel.nconds, 3);
	assert_true(c->sel.conds[0].neg);
	assert_string_equal(c->sel.conds[0].val, "x");
	assert_true(c->sel.conds[1].neg);
	assert_null(c->sel.conds[1].val);
	assert_false(c->sel.conds[2].neg);
	assert_null(c->sel.conds[2].val);
	done(&p);

	/* a find expression with operators is kept, flagged */
	parse(&p, "set [ find where mtu>1500 ] mtu=1500\n");
	assert_int_equal(p.rc, 0);
	assert_string_equal(p.s.v[0].unsupported, "expression");
	done(&p);
}

static void test_args(void **state)
{
	struct parsed p;
	const struct nr_ros_cmd *c;

	(void)state;
	parse(&p,
	    "/ip firewall filter add chain=forward "
	    "connection-nat-state=!dstnat in-interface-list=!LAN "
	    "place-before=[ find where comment=\"x\" ]\n"
	    "/interface lte set [ find ] !band mtu=1500\n"
	    "/caps-man configuration add channel.band=2ghz-g/n "
	    "datapath.bridge=br name=c\n"
	    "/routing bgp connection add local.address=1.2.3.4 "
	    ".role=ebgp remote.address=5.6.7.8/32 .as=65000 name=b\n"
	    "add comment= name=x\n");
	assert_int_equal(p.rc, 0);
	c = &p.s.v[0];
	assert_string_equal(c->path, "/ip firewall filter");
	assert_string_equal(arg(c, "connection-nat-state"), "!dstnat");
	assert_string_equal(arg(c, "in-interface-list"), "!LAN");
	assert_non_null(nr_ros_cmd_arg(c, "place-before")->sel);
	assert_string_equal(
	    nr_ros_cmd_arg(c, "place-before")->sel->conds[0].val, "x");
	c = &p.s.v[1];
	assert_non_null(nr_ros_cmd_arg(c, "band"));
	assert_null(arg(c, "band"));
	assert_string_equal(arg(c, "mtu"), "1500");
	c = &p.s.v[2];
	assert_string_equal(arg(c, "channel.band"), "2ghz-g/n");
	assert_string_equal(arg(c, "datapath.bridge"), "br");
	c = &p.s.v[3];
	assert_string_equal(arg(c, "local.role"), "ebgp");
	assert_string_equal(arg(c, "remote.as"), "65000");
	/* bare words after add, and after set's selector, are flags */
	{
		struct parsed f;

		parse(&f,
		    "/ip route add blackhole dst-address=10.0.0.0/8\n"
		    "/routing ospf area set [ find ] no-summaries\n");
		assert_int_equal(f.rc, 0);
		assert_true(nr_ros_cmd_arg(&f.s.v[0], "blackhole")->flag);
		assert_int_equal(f.s.v[0].sel.kind, NR_ROS_SEL_NONE);
		assert_true(nr_ros_cmd_arg(&f.s.v[1], "no-summaries")->flag);
		done(&f);
	}
	/* an inline `/path cmd` does not change the current menu */
	assert_string_equal(p.s.v[4].path, "/");
	assert_string_equal(arg(&p.s.v[4], "comment"), "");
	done(&p);
}

static void test_paths(void **state)
{
	struct parsed p;

	(void)state;
	parse(&p,
	    "/ip/firewall/nat/add chain=srcnat action=masquerade\n"
	    "/ip service disable telnet\n"
	    "/system reset-configuration no-defaults=yes\n"
	    "/import setup.rsc\n"
	    "/ip dns set servers=1.1.1.1; /system identity set name=a\n"
	    "/\n/interface bridge\nadd name=br\n");
	assert_int_equal(p.rc, 0);
	assert_string_equal(p.s.v[0].path, "/ip firewall nat");
	assert_int_equal(p.s.v[0].verb, NR_ROS_ADD);
	assert_string_equal(p.s.v[1].path, "/ip service");
	assert_int_equal(p.s.v[1].verb, NR_ROS_DISABLE);
	assert_string_equal(p.s.v[2].path, "/system");
	assert_int_equal(p.s.v[2].verb, NR_ROS_OTHER);
	assert_string_equal(p.s.v[2].word, "reset-configuration");
	assert_non_null(p.s.v[2].unsupported);
	assert_string_equal(p.s.v[3].word, "import");
	assert_string_equal(p.s.v[3].path, "/");
	assert_string_equal(p.s.v[4].path, "/ip dns");
	assert_string_equal(p.s.v[5].path, "/system identity");
	assert_string_equal(p.s.v[5].verb == NR_ROS_SET ? "set" : "", "set");
	assert_string_equal(p.s.v[8].path, "/interface bridge");
	done(&p);
}

static void test_script_items(void **state)
{
	struct parsed p;

	(void)state;
	parse(&p,
	    ":global lan \"bridge\"\n"
	    ":foreach i in={3;4} do={\n"
	    "  # a comment with a \" quote\n"
	    "  /interface bridge port add bridge=$lan interface=(\"ether\" "
	    ". $i)\n"
	    "}\n"
	    "/interface bridge add name=$lan\n"
	    "/ip pool add name=p ranges=($a . \"-\" . $b)\n"
	    "/system note set note=\"not a \\$variable\"\n"
	    "{ :local x 1 }\n");
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.s.n, 6);
	assert_int_equal(p.s.v[0].verb, NR_ROS_SCRIPT);
	assert_int_equal(p.s.v[0].loc.line, 1);
	assert_int_equal(p.s.v[1].verb, NR_ROS_SCRIPT);
	assert_string_equal(p.s.v[1].word, ":foreach");
	assert_int_equal(p.s.v[2].loc.line, 6);
	assert_string_equal(p.s.v[2].unsupported, "variable");
	assert_string_equal(p.s.v[3].unsupported, "expression");
	assert_null(p.s.v[4].unsupported);
	assert_int_equal(p.s.v[5].verb, NR_ROS_SCRIPT);
	done(&p);
}

static void test_errors_located(void **state)
{
	struct parsed p;

	(void)state;
	/* every error is reported, each with its line and column */
	parse(&p,
	    "/ip address\n"
	    "add address=1.1.1.1/24 interface=ether1 ]\n"
	    "add comment=\"open\n"
	    "add address=2.2.2.2/24 interface=ether2\n"
	    "set [ find name=x\n");
	assert_int_equal(p.rc, NR_ECONFIG);
	assert_int_equal(p.d.errors, 3);
	assert_int_equal(p.d.v[0].loc.line, 2);
	assert_int_equal(p.d.v[0].loc.col, 41);
	assert_string_equal(p.d.v[0].msg, "expected end of command");
	assert_int_equal(p.d.v[1].loc.line, 3);
	assert_int_equal(p.d.v[1].loc.col, 13);
	assert_non_null(strstr(p.d.v[1].msg, "unterminated string"));
	assert_int_equal(p.d.v[2].loc.line, 5);
	/* the good line in between still parsed */
	assert_int_equal(p.s.n, 2);
	assert_string_equal(arg(&p.s.v[1], "address"), "2.2.2.2/24");
	done(&p);

	parse(&p, "}\n");
	assert_int_equal(p.rc, NR_ECONFIG);
	assert_non_null(strstr(p.d.v[0].msg, "unexpected '}'"));
	done(&p);

	/* a name starting with a dot only as the short form of a dotted
	 * one: else it would read back as another name (found by libFuzzer) */
	parse(&p, "/routing bgp connection add .role=ebgp name=x\n");
	assert_int_equal(p.rc, NR_ECONFIG);
	assert_int_equal(p.d.v[0].loc.col, 29);
	assert_non_null(strstr(p.d.v[0].msg, "must follow a dotted name"));
	done(&p);
	parse(&p, "/x add local.address=1 .role=ebgp\n");
	assert_int_equal(p.rc, 0);
	assert_string_equal(arg(&p.s.v[0], "local.role"), "ebgp");
	done(&p);

	parse(&p, "add a=b\0c\n");
	assert_int_equal(p.rc, 0); /* strlen stops at the NUL */
	done(&p);
	{
		static const char nul[] = "add a=b\0c\n";

		nr_diags_init(&p.d);
		p.rc = nr_ros_parse(&p.s, nul, sizeof(nul) - 1, &p.d);
		assert_int_equal(p.rc, NR_ECONFIG);
		done(&p);
	}
}

static void test_corpus_parses(void **state)
{
	const char *shared = getenv("NETREC_SHARED");
	char dir[4096];
	DIR *d;
	struct dirent *e;
	int files = 0;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/corpus/routeros",
	    shared ? shared : "../shared");
	d = opendir(dir);
	if (!d) {
		printf("skip: no RouterOS corpus at %s (NETREC_SHARED)\n", dir);
		skip();
	}
	while ((e = readdir(d))) {
		char path[8192];
		struct parsed p;
		size_t len;
		char *text;
		size_t n = strlen(e->d_name);

		if (n < 4 || strcmp(e->d_name + n - 4, ".rsc") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		text = nr_test_read(path, &len);
		assert_non_null(text);
		nr_diags_init(&p.d);
		p.rc = nr_ros_parse(&p.s, text, len, &p.d);
		if (p.rc != 0)
			fail_msg("%s:%d:%d: %s", e->d_name, p.d.v[0].loc.line,
			    p.d.v[0].loc.col, p.d.v[0].msg);
		assert_true(p.s.n > 0);
		done(&p);
		free(text);
		files++;
	}
	closedir(d);
	printf("corpus: %d files parsed\n", files);
	assert_true(files >= 36);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_continuations),
		cmocka_unit_test(test_headers_and_comments),
		cmocka_unit_test(test_selectors),
		cmocka_unit_test(test_args),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_script_items),
		cmocka_unit_test(test_errors_located),
		cmocka_unit_test(test_corpus_parses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
