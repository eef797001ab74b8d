// SPDX-License-Identifier: MIT
/*
 * registry.c - turns IANA registry CSV records into struct pl_reg_entry and answers
 * lookups (see portlens/registry.h).
 *
 * Loading copies the file once into a private buffer that the CSV reader rewrites in
 * place; entries point into it, so a 1.1 MB registry costs one allocation for the text,
 * one for the entries and one port index. The header must name the 12 published
 * columns in order (extra trailing columns are tolerated for forward compatibility),
 * and every record must have as many fields as the header.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <strings.h>

#include "registry/csv.h"
#include "registry/registry_impl.h"
#include "core/strnum.h"
#include "core/array.h"

enum reg_column {
	COL_SERVICE,
	COL_PORT,
	COL_PROTO,
	COL_DESCRIPTION,
	COL_ASSIGNEE,
	COL_CONTACT,
	COL_REGISTERED,
	COL_MODIFIED,
	COL_REFERENCE,
	COL_SERVICE_CODE,
	COL_UNAUTH,
	COL_NOTES,
	COL_COUNT,
};

static const char *const column_names[COL_COUNT] = {
    [COL_SERVICE] = "Service Name",
    [COL_PORT] = "Port Number",
    [COL_PROTO] = "Transport Protocol",
    [COL_DESCRIPTION] = "Description",
    [COL_ASSIGNEE] = "Assignee",
    [COL_CONTACT] = "Contact",
    [COL_REGISTERED] = "Registration Date",
    [COL_MODIFIED] = "Modification Date",
    [COL_REFERENCE] = "Reference",
    [COL_SERVICE_CODE] = "Service Code",
    [COL_UNAUTH] = "Unauthorized Use Reported",
    [COL_NOTES] = "Assignment Notes",
};

struct reg_builder {
	struct pl_registry *reg;
	size_t cap;
	size_t header_fields; /* 0 until the header was read */
	const char *source;
};

const char *
pl_reg_status_name(enum pl_reg_status s)
{
	switch (s) {
	case PL_REG_ASSIGNED:
		return "assigned";
	case PL_REG_UNASSIGNED:
		return "unassigned";
	default:
		return "reserved";
	}
}

static enum pl_rc
check_header(struct reg_builder *b, char **fields, size_t n, unsigned line, struct pl_err *err)
{
	if (n < COL_COUNT)
		return pl_err_set_at(err, PL_ERR_PARSE, b->source, line, 0,
		                     "header has %zu columns, expected the registry's %d", n,
		                     COL_COUNT);
	for (size_t i = 0; i < COL_COUNT; i++) {
		/* A UTF-8 byte order mark before the first name is tolerated. */
		const char *name = fields[i];

		if (i == 0 && strncmp(name, "\xEF\xBB\xBF", 3) == 0)
			name += 3;
		if (strcasecmp(name, column_names[i]) != 0)
			return pl_err_set_at(err, PL_ERR_PARSE, b->source, line, (unsigned)i + 1,
			                     "header column %zu is '%.40s', expected '%s'", i + 1,
			                     name, column_names[i]);
	}
	b->header_fields = n;
	return PL_OK;
}

static enum pl_rc
parse_port_field(struct reg_builder *b, const char *s, unsigned line, struct pl_reg_entry *e,
                 struct pl_err *err)
{
	const char *dash = strchr(s, '-');
	uint64_t lo, hi;
	struct pl_err nerr;

	e->has_port = 0;
	if (*s == '\0')
		return PL_OK;
	if (pli_parse_u64n(s, dash ? (size_t)(dash - s) : strlen(s), 0, 65535, &lo, &nerr) !=
	        PL_OK ||
	    (dash && pli_parse_u64(dash + 1, 0, 65535, &hi, &nerr) != PL_OK))
		return pl_err_set_at(err, PL_ERR_PARSE, b->source, line, COL_PORT + 1,
		                     "Port Number '%.40s' is not a port or range within 0-65535",
		                     s);
	if (!dash)
		hi = lo;
	if (hi < lo)
		return pl_err_set_at(err, PL_ERR_PARSE, b->source, line, COL_PORT + 1,
		                     "Port Number range '%.40s' ends before it starts", s);
	e->port_lo = (uint16_t)lo;
	e->port_hi = (uint16_t)hi;
	e->has_port = 1;
	return PL_OK;
}

static enum pl_rc
parse_proto_field(struct reg_builder *b, const char *s, unsigned line, struct pl_reg_entry *e,
                  struct pl_err *err)
{
	enum pl_proto p;

	if (*s == '\0') {
		/* The registry lists some ports (mostly ranges) once for both transports. */
		e->protos = PL_PROTO_BIT(PL_PROTO_TCP) | PL_PROTO_BIT(PL_PROTO_UDP);
		e->proto_given = 0;
		return PL_OK;
	}
	if (pl_proto_parse(s, &p) != PL_OK)
		return pl_err_set_at(err, PL_ERR_PARSE, b->source, line, COL_PROTO + 1,
		                     "Transport Protocol '%.20s' is not tcp, udp, sctp or dccp", s);
	e->protos = (uint8_t)PL_PROTO_BIT(p);
	e->proto_given = 1;
	return PL_OK;
}

static enum pl_reg_status
classify(const char *service, const char *description)
{
	if (*service != '\0')
		return PL_REG_ASSIGNED;
	if (strncasecmp(description, "unassigned", 10) == 0)
		return PL_REG_UNASSIGNED;
	if (strncasecmp(description, "reserved", 8) == 0)
		return PL_REG_RESERVED;
	return PL_REG_ASSIGNED;
}

static void
note_date(struct pl_registry *reg, const char *d)
{
	if (strlen(d) >= 7 && strcmp(d, reg->owned_date) > 0)
		snprintf(reg->owned_date, sizeof(reg->owned_date), "%s", d);
}

static enum pl_rc
on_record(void *ctx, char **f, size_t n, unsigned line, struct pl_err *err)
{
	struct reg_builder *b = ctx;
	struct pl_registry *reg = b->reg;
	struct pl_reg_entry *e;
	enum pl_rc rc;

	if (!b->header_fields)
		return check_header(b, f, n, line, err);
	if (n != b->header_fields)
		return pl_err_set_at(err, PL_ERR_PARSE, b->source, line, 0,
		                     "record has %zu fields, the header has %zu", n,
		                     b->header_fields);
	if (PLI_ARRAY_RESERVE(reg->owned_entries, b->cap, reg->n_entries + 1, 1024) != PL_OK)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory reading %s", b->source);
	reg->entries = reg->owned_entries;
	e = &reg->owned_entries[reg->n_entries];
	memset(e, 0, sizeof(*e));
	rc = parse_port_field(b, f[COL_PORT], line, e, err);
	if (rc == PL_OK)
		rc = parse_proto_field(b, f[COL_PROTO], line, e, err);
	if (rc != PL_OK)
		return rc;
	e->service = f[COL_SERVICE];
	e->description = f[COL_DESCRIPTION];
	e->assignee = f[COL_ASSIGNEE];
	e->contact = f[COL_CONTACT];
	e->registered = f[COL_REGISTERED];
	e->modified = f[COL_MODIFIED];
	e->reference = f[COL_REFERENCE];
	e->service_code = f[COL_SERVICE_CODE];
	e->unauthorized_use = f[COL_UNAUTH];
	e->notes = f[COL_NOTES];
	e->line = line;
	e->status = (uint8_t)classify(e->service, e->description);
	note_date(reg, e->registered);
	note_date(reg, e->modified);
	reg->n_entries++;
	return PL_OK;
}

static int
entry_range(const void *items, size_t i, uint16_t *lo, uint16_t *hi)
{
	const struct pl_reg_entry *e = (const struct pl_reg_entry *)items + i;

	if (!e->has_port)
		return 0;
	*lo = e->port_lo;
	*hi = e->port_hi;
	return 1;
}

enum pl_rc
pl_registry_parse(const char *data, size_t len, const char *source, struct pl_registry **out,
                  struct pl_err *err)
{
	struct pl_registry *reg = calloc(1, sizeof(*reg));
	struct reg_builder b = {.reg = reg, .source = source ? source : "<input>"};
	enum pl_rc rc = PL_ERR_NOMEM;

	if (!reg)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	reg->owned_source = strdup(b.source);
	reg->owned_text = malloc(len + 1);
	if (!reg->owned_source || !reg->owned_text) {
		pl_err_set(err, rc, "out of memory");
		goto out;
	}
	/* Errors cite the caller's string (err.source is borrowed and must outlive the
	 * registry, which is freed on failure); the registry keeps its own copy. */
	memcpy(reg->owned_text, data, len);
	rc = pli_csv_parse_inplace(reg->owned_text, len, b.source, on_record, &b, err);
	if (rc != PL_OK)
		goto out;
	if (!b.header_fields) {
		rc = pl_err_set_at(err, PL_ERR_PARSE, b.source, 1, 1,
		                   "empty file: no registry header found");
		goto out;
	}
	rc = pli_port_index_build(&reg->owned_index, reg->entries, reg->n_entries, entry_range);
	if (rc != PL_OK) {
		pl_err_set(err, rc, "out of memory indexing %s", b.source);
		goto out;
	}
	reg->offsets = reg->owned_index.offsets;
	reg->refs = reg->owned_index.refs;
	reg->date = reg->owned_date;
	reg->source = reg->owned_source;
	*out = reg;
	reg = NULL;
out:
	pl_registry_free(reg);
	return rc;
}

#define REGISTRY_MAX_BYTES (64u * 1024u * 1024u)

/*
 * Reads a whole registry file into *data (malloc'd, NUL-terminated), up to 64 MiB. Reads
 * in chunks rather than trusting the size, so a pipe or /dev/stdin works too and a
 * directory or /dev/zero is refused with what it is, not with a size it does not have.
 */
static enum pl_rc
read_registry(FILE *fp, const char *path, char **data, size_t *len, struct pl_err *err)
{
	struct stat st;
	size_t cap = 1u << 20, n = 0, got;
	char *buf;

	if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode))
		return pl_err_set(err, PL_ERR_IO, "registry file %s is a directory, not a file",
		                  path);
	if ((buf = malloc(cap + 1)) == NULL)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory reading %s", path);
	while ((got = fread(buf + n, 1, cap - n, fp)) > 0) {
		n += got;
		if (n > REGISTRY_MAX_BYTES) {
			free(buf);
			return pl_err_set(err, PL_ERR_LIMIT,
			                  "registry file %s is larger than 64 MiB", path);
		}
		if (n == cap) {
			char *p = realloc(buf, cap * 2 + 1);

			if (!p) {
				free(buf);
				return pl_err_set(err, PL_ERR_NOMEM, "out of memory reading %s",
				                  path);
			}
			buf = p;
			cap *= 2;
		}
	}
	if (ferror(fp)) {
		free(buf);
		return pl_err_set(err, PL_ERR_IO, "cannot read registry file %s: %s", path,
		                  strerror(errno));
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return PL_OK;
}

enum pl_rc
pl_registry_load_file(const char *path, struct pl_registry **out, struct pl_err *err)
{
	FILE *fp = fopen(path, "rb");
	char *data = NULL;
	size_t size = 0;
	enum pl_rc rc;

	if (!fp)
		return pl_err_set(err, PL_ERR_IO, "cannot open registry file %s: %s", path,
		                  strerror(errno));
	rc = read_registry(fp, path, &data, &size, err);
	if (rc == PL_OK)
		rc = pl_registry_parse(data, size, path, out, err);
	free(data);
	fclose(fp);
	return rc;
}

void
pl_registry_free(struct pl_registry *reg)
{
	if (!reg)
		return;
	free(reg->owned_entries);
	free(reg->owned_text);
	free(reg->owned_source);
	pli_port_index_cleanup(&reg->owned_index);
	free(reg);
}

size_t
pl_registry_count(const struct pl_registry *reg)
{
	return reg->n_entries;
}

const struct pl_reg_entry *
pl_registry_entry(const struct pl_registry *reg, size_t i)
{
	return i < reg->n_entries ? &reg->entries[i] : NULL;
}

const uint32_t *
pl_registry_lookup(const struct pl_registry *reg, uint16_t port, size_t *n_out)
{
	uint32_t a = reg->offsets[port], z = reg->offsets[port + 1u];

	*n_out = z - a;
	return reg->refs + a;
}

const char *
pl_registry_date(const struct pl_registry *reg)
{
	return reg->date;
}

const char *
pl_registry_source(const struct pl_registry *reg)
{
	return reg->source;
}
