// SPDX-License-Identifier: MIT
/*
 * csv.c - RFC 4180 reader (see csv.h).
 *
 * Written by hand because the job is ~150 lines, must report exact line and column on
 * malformed input, and must run inside the build-time generator without extra
 * dependencies. The reader is a single pass with a read cursor (rd) and a write cursor
 * (wr) over the same buffer: unquoting only ever shortens a field, so wr never passes rd
 * and the field can be rewritten where it lies, then NUL-terminated.
 */
#include <string.h>

#include "registry/csv.h"

struct csv_cursor {
	char *data;
	size_t len;
	size_t pos;
	unsigned line;
	size_t line_start; /* offset of the first byte of the current line */
	const char *source;
};

static unsigned
csv_column(const struct csv_cursor *c, size_t pos)
{
	return (unsigned)(pos - c->line_start) + 1;
}

static void
csv_newline(struct csv_cursor *c, size_t next_line_start)
{
	c->line++;
	c->line_start = next_line_start;
}

/* Reads one quoted field starting at the opening quote. Leaves pos on the delimiter. */
static enum pl_rc
csv_quoted_field(struct csv_cursor *c, char **field, struct pl_err *err)
{
	size_t open_pos = c->pos;
	unsigned open_line = c->line, open_col = csv_column(c, open_pos);
	size_t wr = c->pos + 1; /* field text is moved down over the opening quote */
	char *start = c->data + open_pos;

	c->pos++;
	for (;;) {
		char ch;

		if (c->pos >= c->len)
			return pl_err_set_at(err, PL_ERR_PARSE, c->source, open_line, open_col,
			                     "quoted field is never closed");
		ch = c->data[c->pos];
		if (ch == '\0')
			return pl_err_set_at(err, PL_ERR_PARSE, c->source, c->line,
			                     csv_column(c, c->pos), "NUL byte in field");
		if (ch == '"') {
			if (c->pos + 1 < c->len && c->data[c->pos + 1] == '"') {
				c->data[wr++ - 1] = '"';
				c->pos += 2;
				continue;
			}
			c->pos++;
			break;
		}
		if (ch == '\n')
			csv_newline(c, c->pos + 1);
		c->data[wr++ - 1] = ch;
		c->pos++;
	}
	if (c->pos < c->len && c->data[c->pos] != ',' && c->data[c->pos] != '\r' &&
	    c->data[c->pos] != '\n')
		return pl_err_set_at(
		    err, PL_ERR_PARSE, c->source, c->line, csv_column(c, c->pos),
		    "unexpected '%c' after closing quote (expected ',' or end of "
		    "line)",
		    c->data[c->pos] >= 0x20 && c->data[c->pos] < 0x7f ? c->data[c->pos] : '?');
	c->data[wr - 1] = '\0';
	*field = start;
	return PL_OK;
}

/* Reads one unquoted field. Leaves pos on the delimiter (',', CR, LF or end). */
static enum pl_rc
csv_plain_field(struct csv_cursor *c, char **field, struct pl_err *err)
{
	size_t start = c->pos;

	while (c->pos < c->len) {
		char ch = c->data[c->pos];

		if (ch == ',' || ch == '\n' || ch == '\r')
			break;
		if (ch == '"')
			return pl_err_set_at(err, PL_ERR_PARSE, c->source, c->line,
			                     csv_column(c, c->pos),
			                     "quote inside an unquoted field");
		if (ch == '\0')
			return pl_err_set_at(err, PL_ERR_PARSE, c->source, c->line,
			                     csv_column(c, c->pos), "NUL byte in field");
		c->pos++;
	}
	*field = c->data + start;
	return PL_OK;
}

/* Consumes the delimiter after a field. Returns 1 if the record ended. */
static int
csv_end_field(struct csv_cursor *c, struct pl_err *err, enum pl_rc *rc)
{
	size_t at = c->pos;

	*rc = PL_OK;
	if (at >= c->len) {
		c->data[at] = '\0';
		return 1;
	}
	if (c->data[at] == ',') {
		c->data[at] = '\0';
		c->pos++;
		return 0;
	}
	if (c->data[at] == '\r') {
		if (at + 1 >= c->len || c->data[at + 1] != '\n') {
			*rc =
			    pl_err_set_at(err, PL_ERR_PARSE, c->source, c->line, csv_column(c, at),
			                  "carriage return not followed by "
			                  "line feed");
			return 1;
		}
		c->data[at] = '\0';
		c->pos += 2;
		csv_newline(c, c->pos);
		return 1;
	}
	c->data[at] = '\0'; /* '\n' */
	c->pos++;
	csv_newline(c, c->pos);
	return 1;
}

enum pl_rc
pli_csv_parse_inplace(char *data, size_t len, const char *source, pl_csv_record_fn fn, void *ctx,
                      struct pl_err *err)
{
	struct csv_cursor c = {.data = data, .len = len, .line = 1, .source = source};
	char *fields[PL_CSV_MAX_FIELDS];

	data[len] = '\0';
	while (c.pos < c.len) {
		size_t n_fields = 0;
		unsigned rec_line = c.line;
		enum pl_rc rc;

		/* Skip empty lines between records. */
		if (c.data[c.pos] == '\n' ||
		    (c.data[c.pos] == '\r' && c.pos + 1 < c.len && c.data[c.pos + 1] == '\n')) {
			c.pos += c.data[c.pos] == '\r' ? 2 : 1;
			csv_newline(&c, c.pos);
			continue;
		}
		for (;;) {
			char *field = NULL;

			if (n_fields == PL_CSV_MAX_FIELDS)
				return pl_err_set_at(
				    err, PL_ERR_PARSE, source, c.line, csv_column(&c, c.pos),
				    "more than %d fields in one record", PL_CSV_MAX_FIELDS);
			if (c.pos < c.len && c.data[c.pos] == '"')
				rc = csv_quoted_field(&c, &field, err);
			else
				rc = csv_plain_field(&c, &field, err);
			if (rc != PL_OK)
				return rc;
			fields[n_fields++] = field;
			if (csv_end_field(&c, err, &rc))
				break;
		}
		if (rc != PL_OK)
			return rc;
		rc = fn(ctx, fields, n_fields, rec_line, err);
		if (rc != PL_OK)
			return rc;
	}
	return PL_OK;
}
