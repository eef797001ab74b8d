// SPDX-License-Identifier: MIT
/*
 * diff/parse_masscan_list.c - masscan's list output (-oL): "#masscan", then one line per
 * finding, "STATUS PROTO PORT ADDRESS TIME" ("open tcp 80 198.19.0.1 1700000000"), and
 * "banner PROTO PORT ADDRESS TIME SERVICE TEXT" for grabbed banners (kept as the
 * port's service name; the text is evidence, not compared), "# end" last. Lines are
 * split on blanks; any other shape is an error naming its line and field.
 */
#include <stdio.h>
#include <string.h>

#include "diff/diff_impl.h"
#include "core/strnum.h"

#define LIST_FIELDS 6

/* Splits s (n bytes, no newline) into at most max blank-separated fields, copied into
 * buf (NUL-terminated each). Returns the count. */
static size_t
split(const char *s, size_t n, char *buf, size_t size, char **f, size_t max)
{
	size_t k = 0, w = 0, i = 0;

	while (i < n && k < max) {
		while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
			i++;
		if (i == n)
			break;
		f[k++] = buf + w;
		while (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && w + 1 < size)
			buf[w++] = s[i++];
		buf[w++] = '\0';
		if (w >= size)
			break;
	}
	return k;
}

static enum pl_rc
list_line(char **f, size_t k, struct pl_scandoc *doc, struct pl_err *err)
{
	struct pl_scandoc_entry e = {0};
	uint64_t port;
	int p;

	if (k < 5)
		return pl_err_set(err, PL_ERR_PARSE,
		                  "expected STATUS PROTO PORT ADDRESS TIME, found %zu fields", k);
	if (pli_parse_u64(f[2], 0, 65535, &port, NULL) != PL_OK)
		return pl_err_set(err, PL_ERR_PARSE, "port '%.16s' is not 0-65535", f[2]);
	p = pli_scandoc_proto(f[1]);
	if (p < 0) {
		doc->n_skipped++;
		return PL_OK;
	}
	e.addr = f[3];
	e.port = (uint16_t)port;
	e.proto = (enum pl_proto)p;
	if (strcmp(f[0], "banner") == 0) {
		e.state = "open";
		e.service = k > 5 ? f[5] : NULL;
	} else {
		e.state = f[0];
	}
	return pl_scandoc_add(doc, &e, err);
}

static enum pl_rc
one_line(const char *s, size_t n, struct pl_scandoc *doc, void *ud, struct pl_err *err)
{
	char buf[512], *f[LIST_FIELDS];
	size_t k = split(s, n, buf, sizeof(buf), f, LIST_FIELDS);

	(void)ud;
	if (k == 0 || f[0][0] == '#')
		return PL_OK;
	return list_line(f, k, doc, err);
}

enum pl_rc
pl_scandoc_parse_masscan_list(const char *data, size_t len, const char *source,
                              struct pl_scandoc *doc, struct pl_err *err)
{
	snprintf(doc->format, sizeof(doc->format), "masscan-list");
	snprintf(doc->scanner, sizeof(doc->scanner), "masscan");
	return pli_scandoc_each_line(data, len, source, doc, one_line, NULL, err);
}
