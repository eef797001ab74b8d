// SPDX-License-Identifier: MIT
/*
 * udp_payloads.c - the parser of data/udp-payloads.txt (the UDP payloads of both the
 * scan engine and service detection: the one place their bytes live) and the port ->
 * payload table.
 *
 * The file is line-based: "payload NAME", then "ports", "source", "hex", "pad" and
 * "detect" lines, then "end". Every entry must name its source and at least one port; a port may
 * belong to one entry only; payloads fit one datagram (1472 bytes). Errors name the line. The port
 * table is 64 KiB of entry indexes, so the engine finds a payload in O(1).
 */
#include <stdlib.h>
#include <string.h>

#include "scan/udp_payloads.h"
#include "core/strnum.h"

extern const char pl_udp_payloads_text[];
extern const size_t pl_udp_payloads_text_len;

#define MAX_ENTRIES 250 /* by_port holds index + 1 in a byte */

struct parser {
	struct pl_udp_payloads *out;
	struct pl_udp_payload_entry *cur; /* the open entry, or NULL */
	uint8_t buf[PL_UDP_PAYLOAD_MAX];
	size_t n_buf;
	int have_ports;
	const char *source;
	unsigned line;
	struct pl_err *err;
};

static enum pl_rc
fail(struct parser *p, const char *msg)
{
	return pl_err_set(p->err, PL_ERR_PARSE, "%s:%u: %s", p->source, p->line, msg);
}

static enum pl_rc
parse_hex(struct parser *p, const char *s, size_t n)
{
	int hi = -1;

	for (size_t i = 0; i < n; i++) {
		int v;

		if (s[i] == ' ' || s[i] == '\t')
			continue;
		if ((v = pli_hex_digit(s[i])) < 0)
			return fail(p, "hex: not a hex digit");
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (p->n_buf >= PL_UDP_PAYLOAD_MAX)
			return fail(p, "payload longer than 1472 bytes");
		p->buf[p->n_buf++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	return hi < 0 ? PL_OK : fail(p, "hex: odd number of digits");
}

static enum pl_rc
parse_ports(struct parser *p, const char *s, size_t n)
{
	size_t i = 0;
	uint8_t id = (uint8_t)(p->cur - p->out->items + 1);

	while (i < n) {
		char num[8];
		size_t j = i;
		uint64_t v;

		while (j < n && s[j] != ',')
			j++;
		if (j - i == 0 || j - i >= sizeof(num))
			return fail(p, "ports: expected a comma-separated list of 1-65535");
		memcpy(num, s + i, j - i);
		num[j - i] = '\0';
		if (pli_parse_u64(num, 1, 65535, &v, NULL) != PL_OK)
			return fail(p, "ports: expected a comma-separated list of 1-65535");
		if (p->out->by_port[v] && p->out->by_port[v] != id)
			return fail(p, "ports: this port already has a payload");
		p->out->by_port[v] = id;
		i = j + 1;
	}
	p->have_ports = 1;
	return PL_OK;
}

static enum pl_rc
begin_entry(struct parser *p, const char *s, size_t n)
{
	struct pl_udp_payload_entry *e;

	if (p->cur)
		return fail(p, "payload: the previous entry has no 'end'");
	if (n == 0 || n >= sizeof(e->name))
		return fail(p, "payload: expected a name of 1-31 characters");
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return fail(p, "payload: names use a-z, 0-9 and '-'");
	if (p->out->n == MAX_ENTRIES)
		return fail(p, "too many payloads");
	e = &p->out->items[p->out->n++];
	memset(e, 0, sizeof(*e));
	memcpy(e->name, s, n);
	p->cur = e;
	p->n_buf = 0;
	p->have_ports = 0;
	return PL_OK;
}

static enum pl_rc
end_entry(struct parser *p)
{
	struct pl_udp_payload_entry *e = p->cur;

	if (!e)
		return fail(p, "end: no open entry");
	if (!p->have_ports || !e->source[0])
		return fail(p, "end: an entry needs 'ports' and 'source'");
	if (p->n_buf) {
		e->data = malloc(p->n_buf);
		if (!e->data)
			return pl_err_set(p->err, PL_ERR_NOMEM, "out of memory");
		memcpy(e->data, p->buf, p->n_buf);
	}
	e->len = p->n_buf;
	p->cur = NULL;
	return PL_OK;
}

static enum pl_rc
parse_pad(struct parser *p, const char *s, size_t n)
{
	char num[8];
	uint64_t v;

	if (n == 0 || n >= sizeof(num))
		return fail(p, "pad: expected a length of 1-1472");
	memcpy(num, s, n);
	num[n] = '\0';
	if (pli_parse_u64(num, 1, PL_UDP_PAYLOAD_MAX, &v, NULL) != PL_OK)
		return fail(p, "pad: expected a length of 1-1472");
	if (v > p->n_buf) {
		memset(p->buf + p->n_buf, 0, v - p->n_buf);
		p->n_buf = v;
	}
	return PL_OK;
}

/* One line (without its newline): KEY [VALUE]. */
static enum pl_rc
parse_line(struct parser *p, const char *s, size_t n)
{
	size_t k = 0, v;

	while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0 || s[0] == '#')
		return PL_OK;
	while (k < n && s[k] != ' ')
		k++;
	v = k < n ? k + 1 : n;
	if (k == 7 && memcmp(s, "payload", 7) == 0)
		return begin_entry(p, s + v, n - v);
	if (!p->cur)
		return fail(p, "expected 'payload NAME'");
	if (k == 3 && memcmp(s, "end", 3) == 0 && v == n)
		return end_entry(p);
	if (k == 5 && memcmp(s, "ports", 5) == 0)
		return parse_ports(p, s + v, n - v);
	if (k == 3 && memcmp(s, "hex", 3) == 0)
		return parse_hex(p, s + v, n - v);
	if (k == 3 && memcmp(s, "pad", 3) == 0)
		return parse_pad(p, s + v, n - v);
	if (k == 6 && memcmp(s, "detect", 6) == 0 && v == n) {
		p->cur->detect = 1;
		return PL_OK;
	}
	if (k == 6 && memcmp(s, "source", 6) == 0 && n > v) {
		if (n - v >= sizeof(p->cur->source))
			return fail(p, "source: longer than 511 characters");
		memcpy(p->cur->source, s + v, n - v);
		p->cur->source[n - v] = '\0';
		return PL_OK;
	}
	return fail(p, "expected ports, source, hex, pad, detect or end");
}

enum pl_rc
pli_udp_payloads_parse(const char *text, size_t len, const char *source,
                       struct pl_udp_payloads *out, struct pl_err *err)
{
	struct parser *p = calloc(1, sizeof(*p));
	enum pl_rc rc = PL_OK;
	size_t i = 0;

	memset(out, 0, sizeof(*out));
	out->items = calloc(MAX_ENTRIES, sizeof(*out->items));
	out->by_port = calloc(65536, 1);
	if (!p || !out->items || !out->by_port) {
		rc = pl_err_set(err, PL_ERR_NOMEM, "out of memory");
		goto out;
	}
	*p = (struct parser){.out = out, .source = source, .err = err};
	while (i < len && rc == PL_OK) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (text + i)) : len - i;

		p->line++;
		if (memchr(text + i, '\0', n))
			rc = fail(p, "NUL byte");
		else
			rc = parse_line(p, text + i, n);
		i += n + 1;
	}
	if (rc == PL_OK && p->cur)
		rc = fail(p, "the last entry has no 'end'");
out:
	free(p);
	if (rc != PL_OK)
		pli_udp_payloads_cleanup(out);
	return rc;
}

enum pl_rc
pli_udp_payloads_builtin(struct pl_udp_payloads *out, struct pl_err *err)
{
	return pli_udp_payloads_parse(pl_udp_payloads_text, pl_udp_payloads_text_len,
	                              "udp-payloads.txt", out, err);
}

const uint8_t *
pli_udp_payload_for(const struct pl_udp_payloads *p, uint16_t port, size_t *len)
{
	uint8_t id = p->by_port ? p->by_port[port] : 0;

	*len = id ? p->items[id - 1].len : 0;
	return id ? p->items[id - 1].data : NULL;
}

void
pli_udp_payloads_cleanup(struct pl_udp_payloads *p)
{
	for (size_t i = 0; p->items && i < p->n; i++)
		free(p->items[i].data);
	free(p->items);
	free(p->by_port);
	memset(p, 0, sizeof(*p));
}
