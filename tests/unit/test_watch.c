// SPDX-License-Identifier: MIT
/*
 * test_watch.c - the pure and file parts of src/lib/watch: webhook URLs (hosts, IPv6,
 * ports, paths, https refused, junk), HTTP status lines, the event log (a partial last
 * line from a crash is cut, numbering continues from the last complete event, appends
 * are whole lines), snapshot differences (new, gone, a restarted listener with a new
 * inode is both), and event JSON.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#include "portlens/watch.h"
#include "core/buf.h"

static void
test_url(void **state)
{
	struct pl_url u;
	struct pl_err err = {0};

	(void)state;
	assert_int_equal(pl_url_parse("http://127.0.0.1:8080/hook?x=1", &u, &err), PL_OK);
	assert_string_equal(u.host, "127.0.0.1");
	assert_string_equal(u.port, "8080");
	assert_string_equal(u.path, "/hook?x=1");
	assert_int_equal(pl_url_parse("http://[::1]/", &u, &err), PL_OK);
	assert_string_equal(u.host, "::1");
	assert_string_equal(u.port, "80");
	assert_int_equal(pl_url_parse("http://example.test", &u, &err), PL_OK);
	assert_string_equal(u.path, "/");
	assert_int_equal(pl_url_parse("https://x/", &u, &err), PL_OK);
	assert_int_equal(u.tls, 1);
	assert_string_equal(u.port, "443");
	assert_int_equal(pl_url_parse("ftp://x/", &u, &err), PL_ERR_PARSE);
	assert_non_null(strstr(err.msg, "https"));
	const char *bad[] = {"ftp://x/",        "http://",      "http://:80/",      "http://h:0/",
	                     "http://h:65536/", "http://h:8x/", "http://u@h/",      "http://[::1/",
	                     "http://[::1]x/",  "http://h/a b", "http://h/\r\nX: y"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (pl_url_parse(bad[i], &u, &err) != PL_ERR_PARSE)
			fail_msg("accepted '%s'", bad[i]);
}

static void
test_status(void **state)
{
	(void)state;
	assert_int_equal(pl_http_status("HTTP/1.1 200 OK\r\n", 17), 200);
	assert_int_equal(pl_http_status("HTTP/1.0 503\r\n", 14), 503);
	assert_int_equal(pl_http_status("HTTP/1.1 204 \r\n", 15), 204);
	assert_int_equal(pl_http_status("HTTP/2 200 OK\r\n", 15), -1);
	assert_int_equal(pl_http_status("HTTP/1.1 2000 OK", 16), -1);
	assert_int_equal(pl_http_status("HTTP/1.1 099 x\r\n", 16), -1);
	assert_int_equal(pl_http_status("SSH-2.0-x\r\n", 11), -1);
	assert_int_equal(pl_http_status("HTTP/1.1 20", 11), -1);
}

static void
test_log(void **state)
{
	char dir[] = "/tmp/pl-watch-XXXXXX", path[64], buf[512];
	struct pl_watch_log *log;
	struct pl_err err = {0};
	uint64_t last;
	int fd;
	ssize_t n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/events.jsonl", dir);
	assert_int_equal(pl_watch_log_open(path, &log, &last, &err), PL_OK);
	assert_int_equal(last, 0);
	assert_int_equal(pl_watch_log_append(log, "{\"seq\":1}", 9, &err), PL_OK);
	assert_int_equal(pl_watch_log_append(log, "{\"seq\":2,\"x\":1}", 15, &err), PL_OK);
	pl_watch_log_close(log);
	/* a crash inside write(): half a line at the end */
	fd = open(path, O_WRONLY | O_APPEND);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "{\"seq\":3,\"x\"", 12), 12);
	close(fd);
	assert_int_equal(pl_watch_log_open(path, &log, &last, &err), PL_OK);
	assert_int_equal(last, 2);
	assert_int_equal(pl_watch_log_append(log, "{\"seq\":3}", 9, &err), PL_OK);
	pl_watch_log_close(log);
	fd = open(path, O_RDONLY);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, "{\"seq\":1}\n{\"seq\":2,\"x\":1}\n{\"seq\":3}\n");
	unlink(path);
	rmdir(dir);
}

static struct pl_watch_listener
mk(uint16_t port, uint64_t inode)
{
	struct pl_watch_listener l;

	memset(&l, 0, sizeof(l));
	l.key.port = port;
	l.key.inode = inode;
	l.key.proto = 0;
	l.key.family = 2;
	snprintf(l.label, sizeof(l.label), "tcp4");
	snprintf(l.addr, sizeof(l.addr), "127.0.0.1");
	snprintf(l.netns, sizeof(l.netns), "host");
	l.container = (char *)"";
	l.unit = (char *)"";
	l.cmdline = (char *)"a \"quoted\"\ncmd";
	l.baseline = -1;
	return l;
}

struct seen {
	char text[256];
};

static int
record(void *ud, int gone, const struct pl_watch_listener *l)
{
	struct seen *s = ud;
	size_t n = strlen(s->text);

	snprintf(s->text + n, sizeof(s->text) - n, "%s%u/%llu ", gone ? "-" : "+", l->key.port,
	         (unsigned long long)l->key.inode);
	return 0;
}

static void
test_diff(void **state)
{
	/* keys sort by netns, then inode: inodes ascending here */
	struct pl_watch_listener a[] = {mk(22, 10), mk(80, 11), mk(443, 12)};
	struct pl_watch_listener b[] = {mk(22, 10), mk(443, 12), mk(80, 13), mk(8080, 14)};
	struct pl_watch_snap sa = {.v = a, .n = 3}, sb = {.v = b, .n = 4};
	struct seen s = {{0}};
	struct pl_buf json;

	(void)state;
	/* 80 restarted (new inode 13) is gone + new; 8080 is new */
	assert_int_equal(pl_watch_snap_diff(&sa, &sb, record, &s), 3);
	assert_string_equal(s.text, "-80/11 +80/13 +8080/14 ");
	assert_false(pl_watch_snap_same(&sa, &sb));
	assert_true(pl_watch_snap_same(&sa, &sa));
	s.text[0] = '\0';
	assert_int_equal(pl_watch_snap_diff(&sb, &sa, record, &s), 3);
	pli_buf_init(&json);
	pl_watch_event_json(&json, "h-7", 7, 1700000000123, 1, "bpf", &b[3]);
	assert_string_equal(
	    pli_buf_str(&json),
	    "{\"schema\":\"portlens.watch/1\",\"id\":\"h-7\",\"seq\":7,"
	    "\"time_ms\":1700000000123,\"event\":\"gone\",\"source\":\"bpf\","
	    "\"proto\":\"tcp4\",\"addr\":\"127.0.0.1\",\"port\":8080,\"service\":\"\","
	    "\"netns\":\"host\",\"inode\":14,\"pid\":0,\"process\":\"\",\"user\":\"\","
	    "\"unit\":\"\",\"container\":\"\",\"cmdline\":\"a \\\"quoted\\\"\\ncmd\"}");
	pli_buf_cleanup(&json);
}

UNIT_MAIN(cmocka_unit_test(test_url), cmocka_unit_test(test_status), cmocka_unit_test(test_log),
          cmocka_unit_test(test_diff))
