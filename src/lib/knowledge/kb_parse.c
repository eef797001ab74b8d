// SPDX-License-Identifier: MIT
/*
 * kb_parse.c - parser and validator for knowledge files (docs/knowledge-format.md).
 *
 * One pass over lines. A stanza is gathered into struct stanza (values joined across
 * continuation lines), then validated as a whole when a blank line or the end of the
 * file closes it, and turned into one pl_kb_entry per port range. Every rule violation
 * is a PL_ERR_PARSE naming the file, line and column, because this parser is also the
 * build-time check that every shipped fact is well formed and cited.
 */
#include <stdlib.h>
#include <string.h>

#include "knowledge/kb_impl.h"
#include "core/buf.h"
#include "core/strnum.h"
#include "core/utf8.h"
#include "core/array.h"

#define MAX_TITLE   100
#define MAX_TEXT    1000
#define MAX_SOURCES 16
#define MAX_RANGES  32

/* Translations may be three times the English byte limits: Korean and Arabic take two
 * or three UTF-8 bytes a letter. */
#define MAX_TITLE_TR (3 * MAX_TITLE)
#define MAX_TEXT_TR  (3 * MAX_TEXT)

/* The translated keys come in (title, text) pairs per language, in enum pl_lang order
 * from PL_LANG_KO, so KEY_TITLE_KO + 2 * (lang - PL_LANG_KO) is lang's title. */
enum kb_key {
	KEY_PORT,
	KEY_KIND,
	KEY_RISK,
	KEY_TITLE,
	KEY_TEXT,
	KEY_TITLE_KO,
	KEY_TEXT_KO,
	KEY_TITLE_AR,
	KEY_TEXT_AR,
	KEY_TITLE_TR,
	KEY_TEXT_TR,
	KEY_SOFTWARE,
	KEY_AFFECTS,
	KEY_SOURCE,
	KEY_COUNT
};

static const char *const key_names[KEY_COUNT] = {
    [KEY_PORT] = "port",         [KEY_KIND] = "kind",         [KEY_RISK] = "risk",
    [KEY_TITLE] = "title",       [KEY_TEXT] = "text",         [KEY_TITLE_KO] = "title.ko",
    [KEY_TEXT_KO] = "text.ko",   [KEY_TITLE_AR] = "title.ar", [KEY_TEXT_AR] = "text.ar",
    [KEY_TITLE_TR] = "title.tr", [KEY_TEXT_TR] = "text.tr",   [KEY_SOURCE] = "source",
    [KEY_SOFTWARE] = "software", [KEY_AFFECTS] = "affects",
};

struct stanza {
	unsigned line; /* first line, 0 when no stanza is open */
	struct pl_buf value[KEY_COUNT - 1];
	unsigned value_line[KEY_COUNT];
	int seen[KEY_COUNT - 1];
	struct pl_buf sources[MAX_SOURCES];
	unsigned source_line[MAX_SOURCES];
	size_t n_sources;
	struct pl_buf *current; /* value continuation lines append to */
};

struct kb_reader {
	struct pl_kb *kb;
	const char *source;
	struct stanza st;
	struct pl_err *err;
};

static void
stanza_reset(struct stanza *st)
{
	for (int k = 0; k < KEY_COUNT - 1; k++) {
		pli_buf_reset(&st->value[k]);
		st->seen[k] = 0;
	}
	for (size_t i = 0; i < MAX_SOURCES; i++)
		pli_buf_reset(&st->sources[i]);
	st->n_sources = 0;
	st->line = 0;
	st->current = NULL;
}

static void
stanza_cleanup(struct stanza *st)
{
	for (int k = 0; k < KEY_COUNT - 1; k++)
		pli_buf_cleanup(&st->value[k]);
	for (size_t i = 0; i < MAX_SOURCES; i++)
		pli_buf_cleanup(&st->sources[i]);
}

static enum pl_rc
kb_keep(struct pl_kb *kb, char *p)
{
	if (PLI_ARRAY_RESERVE(kb->owned_strings, kb->cap_strings, kb->n_strings + 1, 256) != PL_OK)
		return PL_ERR_NOMEM;
	kb->owned_strings[kb->n_strings++] = p;
	return PL_OK;
}

static char *
kb_strdup(struct pl_kb *kb, const char *s)
{
	char *p = strdup(s);

	if (p && kb_keep(kb, p) != PL_OK) {
		free(p);
		return NULL;
	}
	return p;
}

struct port_ranges {
	uint16_t lo[MAX_RANGES], hi[MAX_RANGES];
	size_t n;
	unsigned protos;
};

static enum pl_rc
parse_port_list(struct kb_reader *r, const char *spec, unsigned line, struct port_ranges *out)
{
	const char *slash = strrchr(spec, '/');
	const char *p = spec;
	enum pl_proto proto;

	out->n = 0;
	if (!slash)
		return pl_err_set_at(r->err, PL_ERR_PARSE, r->source, line, 7,
		                     "port '%.40s' lacks a transport (add /tcp, /udp, /sctp, "
		                     "/dccp or /any)",
		                     spec);
	if (strcmp(slash + 1, "any") == 0)
		out->protos = PL_PROTO_ALL;
	else if (pl_proto_parse(slash + 1, &proto) == PL_OK &&
	         strcmp(slash + 1, pl_proto_name(proto)) == 0)
		out->protos = PL_PROTO_BIT(proto);
	else
		return pl_err_set_at(r->err, PL_ERR_PARSE, r->source, line,
		                     (unsigned)(slash - spec) + 8,
		                     "unknown transport '%.20s' (expected tcp, udp, sctp, dccp "
		                     "or any)",
		                     slash + 1);
	while (p < slash) {
		const char *end = memchr(p, ',', (size_t)(slash - p));
		const char *dash;
		uint64_t lo, hi;
		unsigned col = (unsigned)(p - spec) + 7;

		if (!end)
			end = slash;
		dash = memchr(p, '-', (size_t)(end - p));
		if (out->n == MAX_RANGES)
			return pl_err_set_at(r->err, PL_ERR_PARSE, r->source, line, col,
			                     "more than %d ports in one entry", MAX_RANGES);
		if (pli_parse_u64n(p, (size_t)((dash ? dash : end) - p), 0, 65535, &lo, NULL) !=
		        PL_OK ||
		    (dash && pli_parse_u64n(dash + 1, (size_t)(end - dash - 1), 0, 65535, &hi,
		                            NULL) != PL_OK))
			return pl_err_set_at(r->err, PL_ERR_PARSE, r->source, line, col,
			                     "'%.*s' is not a port (0-65535) or range",
			                     (int)(end - p), p);
		if (!dash)
			hi = lo;
		if (hi < lo)
			return pl_err_set_at(r->err, PL_ERR_PARSE, r->source, line, col,
			                     "range '%.*s' ends before it starts", (int)(end - p),
			                     p);
		out->lo[out->n] = (uint16_t)lo;
		out->hi[out->n] = (uint16_t)hi;
		out->n++;
		p = end < slash ? end + 1 : end;
		if (end < slash && p == slash)
			return pl_err_set_at(r->err, PL_ERR_PARSE, r->source, line, col,
			                     "trailing comma in port list");
	}
	if (out->n == 0)
		return pl_err_set_at(r->err, PL_ERR_PARSE, r->source, line, 7,
		                     "no port before '/'");
	return PL_OK;
}

static int
source_is_valid(const char *s)
{
	if (strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0)
		return strlen(s) > 10 && !strchr(s, ' ');
	if (strncmp(s, "rfc:", 4) == 0) {
		uint64_t n;

		return pli_parse_u64(s + 4, 1, 99999, &n, NULL) == PL_OK;
	}
	if (strncmp(s, "cve:CVE-", 8) == 0) {
		uint64_t y, n;
		const char *dash = strchr(s + 8, '-');

		return dash &&
		       pli_parse_u64n(s + 8, (size_t)(dash - s - 8), 1999, 2100, &y, NULL) ==
		           PL_OK &&
		       strlen(dash + 1) >= 4 &&
		       pli_parse_u64(dash + 1, 0, 99999999, &n, NULL) == PL_OK;
	}
	if (strncmp(s, "paper:", 6) == 0)
		return strlen(s + 6) >= 10;
	return 0;
}

static enum pl_rc
add_entries(struct kb_reader *r, const struct port_ranges *pr, enum pl_kb_kind kind,
            enum pl_risk risk)
{
	struct pl_kb *kb = r->kb;
	struct stanza *st = &r->st;
	const char **sources = calloc(st->n_sources, sizeof(*sources));
	const char *spec, *title, *text, *file;
	const char *title_tr[PL_LANG_COUNT] = {0}, *text_tr[PL_LANG_COUNT] = {0};
	const char *software = NULL, *affects = NULL;

	if (!sources || kb_keep(kb, (char *)sources) != PL_OK) {
		free(sources);
		return pl_err_set(r->err, PL_ERR_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < st->n_sources; i++)
		if (!(sources[i] = kb_strdup(kb, pli_buf_str(&st->sources[i]))))
			return pl_err_set(r->err, PL_ERR_NOMEM, "out of memory");
	spec = kb_strdup(kb, pli_buf_str(&st->value[KEY_PORT]));
	title = kb_strdup(kb, pli_buf_str(&st->value[KEY_TITLE]));
	text = kb_strdup(kb, pli_buf_str(&st->value[KEY_TEXT]));
	file = kb_strdup(kb, r->source);
	if (!spec || !title || !text || !file)
		return pl_err_set(r->err, PL_ERR_NOMEM, "out of memory");
	if ((st->seen[KEY_SOFTWARE] &&
	     !(software = kb_strdup(kb, pli_buf_str(&st->value[KEY_SOFTWARE])))) ||
	    (st->seen[KEY_AFFECTS] &&
	     !(affects = kb_strdup(kb, pli_buf_str(&st->value[KEY_AFFECTS])))))
		return pl_err_set(r->err, PL_ERR_NOMEM, "out of memory");
	for (int l = PL_LANG_KO; l < PL_LANG_COUNT; l++) {
		int k = KEY_TITLE_KO + 2 * (l - PL_LANG_KO);

		for (int j = 0; j < 2; j++) {
			const char **slot = j ? &text_tr[l] : &title_tr[l];

			*slot = NULL;
			if (st->seen[k + j] &&
			    !(*slot = kb_strdup(kb, pli_buf_str(&st->value[k + j]))))
				return pl_err_set(r->err, PL_ERR_NOMEM, "out of memory");
		}
	}
	for (size_t i = 0; i < pr->n; i++) {
		struct pl_kb_entry *e;

		if (PLI_ARRAY_RESERVE(kb->owned_entries, kb->cap_entries, kb->n_entries + 1, 128) !=
		    PL_OK)
			return pl_err_set(r->err, PL_ERR_NOMEM, "out of memory");
		kb->entries = kb->owned_entries;
		e = &kb->owned_entries[kb->n_entries++];
		*e = (struct pl_kb_entry){
		    .port_spec = spec,
		    .title = title,
		    .text = text,
		    .sources = sources,
		    .n_sources = (uint32_t)st->n_sources,
		    .file = file,
		    .line = st->line,
		    .port_lo = pr->lo[i],
		    .port_hi = pr->hi[i],
		    .protos = (uint8_t)pr->protos,
		    .kind = (uint8_t)kind,
		    .risk = (uint8_t)risk,
		    .software = software,
		    .affects = affects,
		};
		memcpy(e->title_tr, title_tr, sizeof(title_tr));
		memcpy(e->text_tr, text_tr, sizeof(text_tr));
	}
	return PL_OK;
}

static enum pl_rc
close_stanza(struct kb_reader *r)
{
	struct stanza *st = &r->st;
	static const enum kb_key required[] = {KEY_PORT, KEY_KIND, KEY_TITLE, KEY_TEXT};
	struct port_ranges pr = {0};
	enum pl_kb_kind kind;
	enum pl_risk risk = PL_RISK_INFO;
	enum pl_rc rc;

	if (!st->line)
		return PL_OK;
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (!st->seen[required[i]])
			return pl_err_set_at(r->err, PL_ERR_PARSE, r->source, st->line, 1,
			                     "entry has no '%s:' line", key_names[required[i]]);
	if (st->n_sources == 0)
		return pl_err_set_at(r->err, PL_ERR_PARSE, r->source, st->line, 1,
		                     "entry cites no source (add a 'source:' line)");
	for (int k = 0; k < KEY_COUNT - 1; k++)
		if (st->seen[k] && st->value[k].len == 0)
			return pl_err_set_at(r->err, PL_ERR_PARSE, r->source, st->value_line[k], 1,
			                     "'%s:' has an empty value", key_names[k]);
	rc = parse_port_list(r, pli_buf_str(&st->value[KEY_PORT]), st->value_line[KEY_PORT], &pr);
	if (rc != PL_OK)
		return rc;
	if (pl_kb_kind_parse(pli_buf_str(&st->value[KEY_KIND]), &kind) != PL_OK)
		return pl_err_set_at(r->err, PL_ERR_PARSE, r->source, st->value_line[KEY_KIND], 7,
		                     "unknown kind '%.40s' (see docs/knowledge-format.md)",
		                     pli_buf_str(&st->value[KEY_KIND]));
	if (st->seen[KEY_RISK] && pl_risk_parse(pli_buf_str(&st->value[KEY_RISK]), &risk) != PL_OK)
		return pl_err_set_at(r->err, PL_ERR_PARSE, r->source, st->value_line[KEY_RISK], 7,
		                     "unknown risk '%.40s' (info, low, medium, high, critical)",
		                     pli_buf_str(&st->value[KEY_RISK]));
	/* affects: "LO-HI" (LO included, HI not; either may be empty), only with software. */
	if (st->seen[KEY_AFFECTS] &&
	    (!st->seen[KEY_SOFTWARE] || !strchr(pli_buf_str(&st->value[KEY_AFFECTS]), '-') ||
	     strchr(strchr(pli_buf_str(&st->value[KEY_AFFECTS]), '-') + 1, '-')))
		return pl_err_set_at(r->err, PL_ERR_PARSE, r->source, st->value_line[KEY_AFFECTS],
		                     1,
		                     "affects: takes one version range LO-HI and needs software:");
	if (st->value[KEY_TITLE].len > MAX_TITLE)
		return pl_err_set_at(r->err, PL_ERR_PARSE, r->source, st->value_line[KEY_TITLE], 1,
		                     "title is %zu bytes, at most %d allowed",
		                     st->value[KEY_TITLE].len, MAX_TITLE);
	if (st->value[KEY_TEXT].len > MAX_TEXT)
		return pl_err_set_at(r->err, PL_ERR_PARSE, r->source, st->value_line[KEY_TEXT], 1,
		                     "text is %zu bytes, at most %d allowed",
		                     st->value[KEY_TEXT].len, MAX_TEXT);
	for (int k = KEY_TITLE_KO; k <= KEY_TEXT_TR; k++) {
		size_t max = (k - KEY_TITLE_KO) % 2 ? MAX_TEXT_TR : MAX_TITLE_TR;

		if (st->value[k].len > max)
			return pl_err_set_at(r->err, PL_ERR_PARSE, r->source, st->value_line[k], 1,
			                     "%s is %zu bytes, at most %zu allowed", key_names[k],
			                     st->value[k].len, max);
	}
	for (size_t i = 0; i < st->n_sources; i++)
		if (!source_is_valid(pli_buf_str(&st->sources[i])))
			return pl_err_set_at(r->err, PL_ERR_PARSE, r->source, st->source_line[i], 9,
			                     "source '%.60s' is not a URL, rfc:N, cve:CVE-Y-N or "
			                     "paper: citation",
			                     pli_buf_str(&st->sources[i]));
	rc = add_entries(r, &pr, kind, risk);
	stanza_reset(st);
	return rc;
}

/* Appends text (trimmed) to the current value, joining with one space. */
static enum pl_rc
append_value(struct kb_reader *r, struct pl_buf *b, const char *s, size_t n, unsigned line,
             unsigned col)
{
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
		col++;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (memchr(s, '\t', n))
		return pl_err_set_at(r->err, PL_ERR_PARSE, r->source, line,
		                     col + (unsigned)((const char *)memchr(s, '\t', n) - s),
		                     "tab inside a value");
	if (n && b->len && pli_buf_putc(b, ' ') != PL_OK)
		return pl_err_set(r->err, PL_ERR_NOMEM, "out of memory");
	if (pli_buf_append(b, s, n) != PL_OK)
		return pl_err_set(r->err, PL_ERR_NOMEM, "out of memory");
	return PL_OK;
}

static enum pl_rc
key_line(struct kb_reader *r, const char *s, size_t n, unsigned line)
{
	struct stanza *st = &r->st;
	const char *colon = memchr(s, ':', n);
	int key = -1;

	if (!colon)
		return pl_err_set_at(r->err, PL_ERR_PARSE, r->source, line, 1,
		                     "expected 'key: value'");
	for (int k = 0; k < KEY_COUNT; k++)
		if ((size_t)(colon - s) == strlen(key_names[k]) &&
		    memcmp(s, key_names[k], (size_t)(colon - s)) == 0)
			key = k;
	if (key < 0)
		return pl_err_set_at(r->err, PL_ERR_PARSE, r->source, line, 1,
		                     "unknown key '%.*s' (port, kind, risk, title, text, source, "
		                     "title.LANG, text.LANG for ko, ar, tr)",
		                     (int)((colon - s) > 30 ? 30 : colon - s), s);
	if (!st->line)
		st->line = line;
	if (key == KEY_SOURCE) {
		if (st->n_sources == MAX_SOURCES)
			return pl_err_set_at(r->err, PL_ERR_PARSE, r->source, line, 1,
			                     "more than %d sources", MAX_SOURCES);
		st->source_line[st->n_sources] = line;
		st->current = &st->sources[st->n_sources++];
	} else {
		if (st->seen[key])
			return pl_err_set_at(r->err, PL_ERR_PARSE, r->source, line, 1,
			                     "'%s:' given twice in one entry", key_names[key]);
		st->seen[key] = 1;
		st->value_line[key] = line;
		st->current = &st->value[key];
	}
	return append_value(r, st->current, colon + 1, (size_t)(s + n - colon - 1), line,
	                    (unsigned)(colon - s) + 2);
}

static enum pl_rc
check_line_bytes(struct kb_reader *r, const char *s, size_t n, unsigned line)
{
	size_t bad = pli_utf8_invalid_at(s, n);

	if (bad != n)
		return pl_err_set_at(r->err, PL_ERR_PARSE, r->source, line, (unsigned)bad + 1,
		                     "invalid UTF-8");
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 && s[i] != '\t')
			return pl_err_set_at(r->err, PL_ERR_PARSE, r->source, line, (unsigned)i + 1,
			                     "control byte 0x%02x", (unsigned char)s[i]);
	return PL_OK;
}

static enum pl_rc
one_line(struct kb_reader *r, const char *s, size_t n, unsigned line)
{
	size_t i = 0;
	enum pl_rc rc = check_line_bytes(r, s, n, line);

	if (rc != PL_OK)
		return rc;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i == n)
		return close_stanza(r);
	if (s[0] == '#')
		return PL_OK;
	if (i > 0) {
		if (!r->st.current)
			return pl_err_set_at(r->err, PL_ERR_PARSE, r->source, line, 1,
			                     "indented line outside an entry");
		return append_value(r, r->st.current, s, n, line, 1);
	}
	return key_line(r, s, n, line);
}

enum pl_rc
pl_kb_parse(struct pl_kb *kb, const char *data, size_t len, const char *source, struct pl_err *err)
{
	struct kb_reader r = {.kb = kb, .source = source ? source : "<input>", .err = err};
	size_t pos = 0;
	unsigned line = 0;
	enum pl_rc rc = PL_OK;

	for (int k = 0; k < KEY_COUNT - 1; k++)
		pli_buf_init(&r.st.value[k]);
	for (size_t i = 0; i < MAX_SOURCES; i++)
		pli_buf_init(&r.st.sources[i]);
	stanza_reset(&r.st);
	while (pos < len && rc == PL_OK) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (data + pos)) : len - pos;
		size_t next = pos + n + (nl ? 1 : 0);

		if (n && data[pos + n - 1] == '\r')
			n--;
		rc = one_line(&r, data + pos, n, ++line);
		pos = next;
	}
	if (rc == PL_OK)
		rc = close_stanza(&r);
	stanza_cleanup(&r.st);
	return rc;
}
