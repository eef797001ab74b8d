// SPDX-License-Identifier: MIT
/*
 * test_diff.c - scan files read back (src/lib/diff): nmap XML as nmap writes it (-sV
 * services, tunnel="ssl", extraports, hosts down, a MAC address), portlens -oX - (one
 * <host> per port, interleaved) merged, portlens JSON lines with "service" records,
 * masscan JSON (-oJ with its stray commas, -oD) and list output with banners; formats
 * recognised by content; bad input reported with line and column (entity declarations
 * refused); and the comparison: opened, closed, state and service changes, exact.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "portlens/diff.h"

static const char nmap_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<!DOCTYPE nmaprun>\n"
    "<nmaprun scanner=\"nmap\" args=\"nmap -sV\" start=\"1700000000\" version=\"7.93\">\n"
    "<host><status state=\"up\" reason=\"user-set\"/>\n"
    "<address addr=\"198.19.0.1\" addrtype=\"ipv4\"/>\n"
    "<address addr=\"02:00:00:00:00:01\" addrtype=\"mac\"/>\n"
    "<hostnames><hostname name=\"web.lab\" type=\"user\"/></hostnames>\n"
    "<ports><extraports state=\"closed\" count=\"995\"/>\n"
    "<port protocol=\"tcp\" portid=\"22\"><state state=\"open\" reason=\"syn-ack\"/>"
    "<service name=\"ssh\" product=\"OpenSSH\" version=\"9.2p1 Debian 2\" "
    "extrainfo=\"protocol 2.0\" method=\"probed\" conf=\"10\"><cpe>cpe:/a:openbsd</cpe>"
    "</service></port>\n"
    "<port protocol=\"tcp\" portid=\"443\"><state state=\"open\"/>"
    "<service name=\"http\" product=\"nginx\" tunnel=\"ssl\" method=\"probed\"/></port>\n"
    "<port protocol=\"tcp\" portid=\"23\"><state state=\"closed\"/>"
    "<service name=\"telnet\" method=\"table\" conf=\"3\"/></port>\n"
    "<port protocol=\"ip\" portid=\"1\"><state state=\"open\"/></port>\n"
    "<port protocol=\"udp\" portid=\"53\"><state state=\"open|filtered\"/></port>\n"
    "</ports></host>\n"
    "<host><status state=\"down\"/><address addr=\"198.19.0.9\" addrtype=\"ipv4\"/></host>\n"
    "<host><status state=\"up\"/><address addr=\"2001:2:0:0::0001\" addrtype=\"ipv6\"/></host>\n"
    "<runstats><finished time=\"1700000001\"/></runstats></nmaprun>\n";

static void
parse_ok(const char *text, struct pl_scandoc *doc)
{
	struct pl_err err = {0};

	pl_scandoc_init(doc);
	if (pl_scandoc_parse(text, strlen(text), "t", doc, &err) != PL_OK)
		fail_msg("parse: %u:%u: %s", err.line, err.column, err.msg);
}

static void
test_nmap_xml(void **state)
{
	struct pl_scandoc doc;
	const struct pl_scandoc_host *h;

	(void)state;
	parse_ok(nmap_xml, &doc);
	assert_string_equal(doc.format, "nmap-xml");
	assert_string_equal(doc.scanner, "nmap");
	assert_int_equal(doc.start, 1700000000);
	/* the down host is not listed; the up IPv6 host without ports is */
	assert_int_equal(doc.n_hosts, 2);
	h = &doc.hosts[0];
	assert_string_equal(h->addr, "198.19.0.1");
	assert_string_equal(h->hostname, "web.lab");
	assert_int_equal(h->n_ports, 4); /* "ip" is skipped, counted */
	assert_int_equal(doc.n_skipped, 1);
	assert_int_equal(h->ports[0].port, 22);
	assert_string_equal(h->ports[0].service, "ssh");
	assert_string_equal(h->ports[0].product, "OpenSSH");
	assert_string_equal(h->ports[0].version, "9.2p1 Debian 2");
	assert_string_equal(h->ports[0].extrainfo, "protocol 2.0");
	assert_true(h->ports[0].detected);
	assert_int_equal(h->ports[1].port, 23);
	assert_string_equal(h->ports[1].state, "closed");
	assert_false(h->ports[1].detected);
	assert_int_equal(h->ports[2].port, 443);
	assert_string_equal(h->ports[2].service, "ssl/http");
	assert_int_equal(h->ports[3].proto, PL_PROTO_UDP);
	assert_string_equal(h->ports[3].state, "open|filtered");
	assert_string_equal(doc.hosts[1].addr, "2001:2::1");
	assert_int_equal(doc.hosts[1].n_ports, 0);
	assert_int_equal(pl_scandoc_open_ports(&doc), 2);
	pl_scandoc_cleanup(&doc);
}

/* portlens -oX - writes one <host> element per port as results arrive. */
static void
test_xml_stream_merged(void **state)
{
	static const char text[] =
	    "<?xml version=\"1.0\"?>\n<nmaprun scanner=\"portlens\">\n"
	    "<host><address addr=\"198.19.0.2\" addrtype=\"ipv4\"/><ports><port protocol=\"tcp\" "
	    "portid=\"80\"><state state=\"open\"/></port></ports></host>\n"
	    "<host><address addr=\"198.19.0.1\" addrtype=\"ipv4\"/><ports><port protocol=\"tcp\" "
	    "portid=\"80\"><state state=\"open\"/></port></ports></host>\n"
	    "<host><address addr=\"198.19.0.2\" addrtype=\"ipv4\"/><ports><port protocol=\"tcp\" "
	    "portid=\"22\"><state state=\"open\"/></port></ports></host>\n";
	struct pl_scandoc doc;
	struct pl_err err = {0};

	(void)state;
	/* cut short (no </nmaprun>): an XML error, with the position */
	pl_scandoc_init(&doc);
	assert_int_equal(pl_scandoc_parse(text, strlen(text), "cut.xml", &doc, &err), PL_ERR_PARSE);
	assert_string_equal(err.source, "cut.xml");
	assert_true(err.line >= 5);
	pl_scandoc_cleanup(&doc);
	{
		char whole[1024];

		snprintf(whole, sizeof(whole), "%s</nmaprun>\n", text);
		parse_ok(whole, &doc);
	}
	assert_int_equal(doc.n_hosts, 2);
	assert_string_equal(doc.hosts[0].addr, "198.19.0.1");
	assert_int_equal(doc.hosts[1].n_ports, 2);
	assert_int_equal(doc.hosts[1].ports[0].port, 22);
	assert_int_equal(doc.hosts[1].ports[1].port, 80);
	pl_scandoc_cleanup(&doc);
}

/* Hosts whose ports are listed apart (300 hosts, three rounds, more than the host index
 * first holds): one entry each, ports in order, a later record of a port winning; a
 * host added to after pl_scandoc_finish is still found. */
static void
test_hosts_listed_apart(void **state)
{
	struct pl_scandoc doc;
	struct pl_err err = {0};
	char addr[32];

	(void)state;
	pl_scandoc_init(&doc);
	for (int round = 0; round < 3; round++)
		for (int h = 0; h < 300; h++) {
			struct pl_scandoc_entry e = {
			    .addr = addr,
			    .port = (uint16_t)(round == 2 ? 100 : 200 - round),
			    .proto = PL_PROTO_TCP,
			    .state = round == 2 ? "closed" : "open",
			    .hostname = round == 1 && h == 7 ? "seven" : NULL};

			snprintf(addr, sizeof(addr), "198.19.%d.%d", h / 256, h % 256);
			assert_int_equal(pl_scandoc_add(&doc, &e, &err), PL_OK);
		}
	/* the same port again, later: it wins */
	assert_int_equal(pl_scandoc_add(&doc,
	                                &(struct pl_scandoc_entry){.addr = "198.19.0.9",
	                                                           .port = 100,
	                                                           .proto = PL_PROTO_TCP,
	                                                           .state = "filtered"},
	                                &err),
	                 PL_OK);
	assert_int_equal(pl_scandoc_finish(&doc, &err), PL_OK);
	assert_int_equal(doc.n_hosts, 300);
	for (size_t i = 0; i < doc.n_hosts; i++) {
		assert_int_equal(doc.hosts[i].n_ports, 3);
		assert_int_equal(doc.hosts[i].ports[0].port, 100);
		assert_int_equal(doc.hosts[i].ports[2].port, 200);
	}
	assert_string_equal(doc.hosts[7].hostname, "seven");
	assert_string_equal(doc.hosts[9].ports[0].state, "filtered");
	assert_string_equal(doc.hosts[8].ports[0].state, "closed");
	assert_int_equal(pl_scandoc_add(&doc,
	                                &(struct pl_scandoc_entry){.addr = "198.19.1.3",
	                                                           .port = 5,
	                                                           .proto = PL_PROTO_TCP,
	                                                           .state = "open"},
	                                &err),
	                 PL_OK);
	assert_int_equal(pl_scandoc_finish(&doc, &err), PL_OK);
	assert_int_equal(doc.n_hosts, 300);
	assert_int_equal(doc.hosts[259].n_ports, 4);
	pl_scandoc_cleanup(&doc);
}

static const char pl_json[] =
    "{\"type\":\"start\",\"schema\":\"portlens.scan/1\",\"start\":1700000100}\n"
    "{\"type\":\"result\",\"host\":\"198.19.0.1\",\"port\":22,\"proto\":\"tcp\","
    "\"state\":\"open\",\"service\":\"ssh\"}\n"
    "{\"type\":\"service\",\"host\":\"198.19.0.1\",\"port\":22,\"proto\":\"tcp\","
    "\"service\":\"ssh\",\"vendor\":\"OpenBSD\",\"product\":\"OpenSSH\",\"version\":\"9.6\","
    "\"info\":\"protocol 2.0\",\"tls\":false}\n"
    "{\"type\":\"result\",\"host\":\"198.19.0.1\",\"port\":443,\"proto\":\"tcp\","
    "\"state\":\"open\",\"service\":\"https\"}\n"
    "{\"type\":\"service\",\"host\":\"198.19.0.1\",\"port\":443,\"proto\":\"tcp\","
    "\"service\":\"http\",\"vendor\":\"F5\",\"version\":\"\",\"tls\":true}\n"
    "{\"type\":\"result\",\"host\":\"198.19.0.1\",\"port\":23,\"proto\":\"tcp\","
    "\"state\":\"filtered\",\"service\":\"telnet\"}\n"
    "{\"type\":\"result\",\"host\":\"198.19.0.3\",\"port\":8080,\"proto\":\"tcp\","
    "\"state\":\"open\",\"service\":\"http-alt\"}\n"
    "{\"type\":\"service\",\"host\":\"198.19.0.3\",\"port\":8080,\"proto\":\"tcp\","
    "\"error\":\"connection refused\"}\n"
    "{\"type\":\"end\",\"interrupted\":false}\n";

static void
test_portlens_json(void **state)
{
	struct pl_scandoc doc;
	const struct pl_scandoc_port *p;

	(void)state;
	parse_ok(pl_json, &doc);
	assert_string_equal(doc.format, "portlens-json");
	assert_string_equal(doc.scanner, "portlens");
	assert_int_equal(doc.start, 1700000100);
	assert_int_equal(doc.n_hosts, 2);
	assert_int_equal(doc.hosts[0].n_ports, 3);
	p = &doc.hosts[0].ports[0];
	assert_int_equal(p->port, 22);
	assert_true(p->detected);
	assert_string_equal(p->product, "OpenSSH");
	assert_string_equal(p->extrainfo, "protocol 2.0");
	p = &doc.hosts[0].ports[2];
	assert_int_equal(p->port, 443);
	assert_string_equal(p->service, "ssl/http");
	assert_string_equal(p->product, "F5"); /* the vendor when no product, as in -oX */
	assert_string_equal(doc.hosts[0].ports[1].state, "filtered");
	p = &doc.hosts[1].ports[0];
	assert_false(p->detected); /* the probe failed: the registry's name stays */
	assert_string_equal(p->service, "http-alt");
	pl_scandoc_cleanup(&doc);
}

static void
test_masscan(void **state)
{
	/* masscan 1.0 -oJ: one object per line, stray commas */
	static const char oj[] =
	    "[\n"
	    "{   \"ip\": \"198.19.0.1\",   \"timestamp\": \"1700000000\", \"ports\": [ {\"port\": "
	    "80, "
	    "\"proto\": \"tcp\", \"status\": \"open\", \"reason\": \"syn-ack\", \"ttl\": 64} ] }\n"
	    ",\n"
	    "{   \"ip\": \"198.19.0.1\",   \"timestamp\": \"1700000000\", \"ports\": [ {\"port\": "
	    "80, "
	    "\"proto\": \"tcp\", \"service\": {\"name\": \"http\", \"banner\": \"nginx\"} } ] },\n"
	    "{   \"ip\": \"198.19.0.2\",   \"timestamp\": \"1700000000\", \"ports\": [ {\"port\": "
	    "53, "
	    "\"proto\": \"udp\", \"status\": \"open\", \"reason\": \"udp\", \"ttl\": 64} ] }\n"
	    "]\n";
	static const char ol[] = "#masscan\n"
	                         "open tcp 80 198.19.0.1 1700000000\n"
	                         "banner tcp 80 198.19.0.1 1700000000 http nginx 1.22\n"
	                         "open udp 53 198.19.0.2 1700000000\n"
	                         "# end\n";
	struct pl_scandoc a, b;
	struct pl_diff d;
	struct pl_err err = {0};

	(void)state;
	parse_ok(oj, &a);
	parse_ok(ol, &b);
	assert_string_equal(a.format, "masscan-json");
	assert_string_equal(b.format, "masscan-list");
	assert_int_equal(a.n_hosts, 2);
	assert_int_equal(a.hosts[0].n_ports, 1); /* the banner record merged into the port */
	assert_string_equal(a.hosts[0].ports[0].service, "http");
	assert_string_equal(a.hosts[0].ports[0].state, "open");
	assert_string_equal(b.hosts[0].ports[0].service, "http");
	assert_int_equal(a.hosts[1].ports[0].proto, PL_PROTO_UDP);
	assert_int_equal(pl_scandoc_diff(&a, &b, &d, &err), PL_OK);
	assert_int_equal(d.n, 0);
	pl_diff_cleanup(&d);
	pl_scandoc_cleanup(&a);
	pl_scandoc_cleanup(&b);
}

static void
test_diff_exact(void **state)
{
	struct pl_scandoc a, b;
	struct pl_diff d;
	struct pl_err err = {0};

	(void)state;
	parse_ok(nmap_xml, &a);
	parse_ok(pl_json, &b);
	assert_int_equal(pl_scandoc_diff(&a, &b, &d, &err), PL_OK);
	/* 198.19.0.1: 22 service (9.2p1 -> 9.6), 23 closed -> filtered (state), 443 service
	 * (nginx -> F5); 53/udp open|filtered -> not listed: no change; 198.19.0.3 8080
	 * opened; 2001:2::1 had no ports: nothing. */
	assert_int_equal(d.n, 4);
	assert_int_equal(d.v[0].kind, PL_DIFF_SERVICE);
	assert_int_equal(d.v[0].a->port, 22);
	assert_int_equal(d.v[1].kind, PL_DIFF_STATE);
	assert_int_equal(d.v[1].b->port, 23);
	assert_string_equal(d.v[1].a->state, "closed");
	assert_string_equal(d.v[1].b->state, "filtered");
	assert_int_equal(d.v[2].kind, PL_DIFF_SERVICE);
	assert_int_equal(d.v[2].b->port, 443);
	assert_int_equal(d.v[3].kind, PL_DIFF_OPENED);
	assert_null(d.v[3].a);
	assert_null(d.v[3].ha);
	assert_string_equal(d.v[3].hb->addr, "198.19.0.3");
	assert_int_equal(d.hosts_changed, 2);
	assert_int_equal(d.by_kind[PL_DIFF_SERVICE], 2);
	pl_diff_cleanup(&d);
	/* the other way round: closed instead of opened */
	assert_int_equal(pl_scandoc_diff(&b, &a, &d, &err), PL_OK);
	assert_int_equal(d.n, 4);
	assert_int_equal(d.v[3].kind, PL_DIFF_CLOSED);
	assert_null(d.v[3].b);
	pl_diff_cleanup(&d);
	/* a scan against itself */
	assert_int_equal(pl_scandoc_diff(&a, &a, &d, &err), PL_OK);
	assert_int_equal(d.n, 0);
	pl_diff_cleanup(&d);
	pl_scandoc_cleanup(&a);
	pl_scandoc_cleanup(&b);
}

static void
expect_error(const char *text, unsigned line, const char *needle)
{
	struct pl_scandoc doc;
	struct pl_err err = {0};

	pl_scandoc_init(&doc);
	assert_int_equal(pl_scandoc_parse(text, strlen(text), "bad", &doc, &err), PL_ERR_PARSE);
	if (!strstr(err.msg, needle))
		fail_msg("'%s' does not say '%s'", err.msg, needle);
	assert_int_equal(err.line, line);
	pl_scandoc_cleanup(&doc);
}

static void
test_errors(void **state)
{
	(void)state;
	expect_error("hello\n", 1, "not a scan file");
	expect_error("", 1, "not a scan file");
	expect_error("<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY a \"aaaa\">]>\n<x>&a;</x>", 2,
	             "entity declarations");
	expect_error("<nmaprun>\n<host><address addr=\"1.2.3.4\"/><ports>\n"
	             "<port protocol=\"tcp\" portid=\"99999\"/></ports></host></nmaprun>",
	             3, "portid");
	expect_error("<nmaprun><host><address addr=\"not-an-ip\"/><ports><port protocol=\"tcp\" "
	             "portid=\"1\"><state state=\"open\"/></port></ports></host></nmaprun>",
	             1, "not an IPv4");
	expect_error("{\"type\":\"start\"}\n{\"type\":\"result\",\"host\":\"1.2.3.4\"\n", 2,
	             "JSON");
	expect_error("{\"type\":\"start\"}\n\n{\"type\":\"result\",\"host\":\"1.2.3.4\"}\n", 3,
	             "port and proto");
	expect_error("#masscan\nopen tcp 70000 1.2.3.4 0\n", 2, "not 0-65535");
	expect_error("#masscan\nopen tcp 80\n", 2, "fields");
	expect_error("[\n{\"ip\": \"1.2.3.4\"}\n]\n", 2, "\"ports\"");
}

UNIT_MAIN(cmocka_unit_test(test_nmap_xml), cmocka_unit_test(test_xml_stream_merged),
          cmocka_unit_test(test_hosts_listed_apart), cmocka_unit_test(test_portlens_json),
          cmocka_unit_test(test_masscan), cmocka_unit_test(test_diff_exact),
          cmocka_unit_test(test_errors))
