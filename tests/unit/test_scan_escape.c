// SPDX-License-Identifier: MIT
/*
 * test_scan_escape.c - escaping of untrusted text for the outputs of `portlens scan`
 * (src/cli/scan/scan_escape.c), byte by byte: control bytes, broken and harmful UTF-8, XML
 * entities, CSV quoting and the formula guard, nmap's grepable '/' rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "unit.h"

#include "cli/scan/scan_escape.h"

typedef void (*esc_fn)(struct pl_buf *b, const char *s);

static void
expect(esc_fn fn, const char *in, const char *want)
{
	struct pl_buf b;

	pli_buf_init(&b);
	pli_buf_puts(&b, "<"); /* escapers append: what was there stays */
	fn(&b, in);
	assert_string_equal(pli_buf_str(&b) + 1, want);
	assert_int_equal(b.data[0], '<');
	pli_buf_cleanup(&b);
}

static void
csv_untrusted(struct pl_buf *b, const char *s)
{
	scan_esc_csv(b, s, 1);
}

static void
csv_trusted(struct pl_buf *b, const char *s)
{
	scan_esc_csv(b, s, 0);
}

static void
test_clean(void **state)
{
	(void)state;
	expect(scan_esc_clean, "", "");
	expect(scan_esc_clean, "OpenSSH 9.2p1", "OpenSSH 9.2p1");
	/* C0 controls, DEL, tab and line breaks: one \xNN per byte */
	expect(scan_esc_clean, "a\x01\x1b[31mb\x7f", "a\\x01\\x1b[31mb\\x7f");
	expect(scan_esc_clean, "a\tb\r\n", "a\\x09b\\x0d\\x0a");
	/* valid UTF-8 stays, 2, 3 and 4 bytes; U+FFFD is a character like any other */
	expect(scan_esc_clean, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xef\xbf\xbd",
	       "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xef\xbf\xbd");
	/* not UTF-8: stray continuation, bad lead bytes, cut sequence, overlong, surrogate */
	expect(scan_esc_clean, "\x80\xff\xfe", "\\x80\\xff\\xfe");
	expect(scan_esc_clean, "x\xe2\x82", "x\\xe2\\x82");
	expect(scan_esc_clean, "\xe2\x82y", "\\xe2\\x82y");
	expect(scan_esc_clean, "\xc0\xaf", "\\xc0\\xaf");
	expect(scan_esc_clean, "\xed\xa0\x80", "\\xed\\xa0\\x80");
	expect(scan_esc_clean, "\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");
	/* valid but harmful: C1 controls (U+009B is a terminal's CSI), U+FFFE, U+FFFF */
	expect(scan_esc_clean, "\xc2\x9b\xc2\x80\xc2\xa0", "\\xc2\\x9b\\xc2\\x80\xc2\xa0");
	expect(scan_esc_clean, "\xef\xbf\xbe\xef\xbf\xbf", "\\xef\\xbf\\xbe\\xef\\xbf\\xbf");
	/* evidence the probe library escaped already passes unchanged */
	expect(scan_esc_clean, "SSH-2.0-x\\r\\n\\x00\\\\", "SSH-2.0-x\\r\\n\\x00\\\\");
}

static void
test_xml(void **state)
{
	(void)state;
	expect(scan_esc_xml, "plain", "plain");
	expect(scan_esc_xml, "<a href=\"x\">&'</a>",
	       "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
	/* bytes XML 1.0 cannot hold at all never reach the file */
	expect(scan_esc_xml, "\x00", "");
	expect(scan_esc_xml, "a\x01\x0c\xff\xef\xbf\xbe<", "a\\x01\\x0c\\xff\\xef\\xbf\\xbe&lt;");
	expect(scan_esc_xml, "]]>", "]]&gt;");
	expect(scan_esc_xml, "caf\xc3\xa9", "caf\xc3\xa9");
}

static void
test_csv(void **state)
{
	(void)state;
	expect(csv_untrusted, "", "");
	expect(csv_untrusted, "OpenSSH", "OpenSSH");
	expect(csv_untrusted, "a,b", "\"a,b\"");
	expect(csv_untrusted, "say \"hi\"", "\"say \"\"hi\"\"\"");
	expect(csv_untrusted, " edge", "\" edge\"");
	expect(csv_untrusted, "edge ", "\"edge \"");
	/* no record break survives: CR and LF are escaped, not quoted */
	expect(csv_untrusted, "a\r\nb", "a\\x0d\\x0ab");
	expect(csv_untrusted, "a,\r\n", "\"a,\\x0d\\x0a\"");
	/* formula guard for network text only */
	expect(csv_untrusted, "=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"");
	expect(csv_untrusted, "+PONG", "'+PONG");
	expect(csv_untrusted, "-ERR unknown", "'-ERR unknown");
	expect(csv_untrusted, "@SUM(1)", "'@SUM(1)");
	expect(csv_untrusted, "a=b", "a=b");
	expect(csv_trusted, "=x", "=x");
	expect(csv_trusted, "-", "-");
	expect(csv_untrusted, "\xff", "\\xff");
}

static void
test_grep(void **state)
{
	(void)state;
	expect(scan_esc_grep, "OpenSSH 9.2p1 (Debian)", "OpenSSH 9.2p1 (Debian)");
	expect(scan_esc_grep, "Apache/2.4 (Unix)", "Apache|2.4 (Unix)");
	expect(scan_esc_grep, "a\tb\nc", "a\\x09b\\x0ac");
	expect(scan_esc_grep, "//", "||");
}

UNIT_MAIN(cmocka_unit_test(test_clean), cmocka_unit_test(test_xml), cmocka_unit_test(test_csv),
          cmocka_unit_test(test_grep))
