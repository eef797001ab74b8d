// SPDX-License-Identifier: MIT
/*
 * diff/parse_json.c - JSON scan files: portlens JSON lines (`scan -oJ`, schema
 * "portlens.scan/1") and masscan's JSON (-oJ: an array with one object per line; -oD:
 * one object per line). Both are read a line at a time with jansson, so an error names
 * its line and a file cut short by Ctrl-C still yields every complete record before the
 * cut (the last, partial line is an error only if it is not the end of the file).
 *
 * portlens records: "result" (host, hostname, port, proto, state, service: the
 * registry's name) and, with --sV, "service" right after it (service, product or vendor,
 * version, info; "error" when the probe failed), which marks the port identified exactly
 * when the XML writer would write method="probed" (a service name was found).
 *
 * Most portlens lines are flat objects of plain strings and integers: those are read by
 * the fast path of json_flat.c (no allocation per field), every other line by jansson.
 *
 * masscan records: {"ip", "timestamp", "ports": [{"port", "proto", "status", ...}]};
 * a banner record has "service": {"name", "banner"} instead of "status" and counts as
 * open (masscan grabs banners only from open ports). masscan 1.0 wrote a stray "," line
 * between objects and one after the last: lines that are only "[", "]" or "," are
 * skipped, and a trailing comma is dropped.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "diff/diff_impl.h"

/* A record read by jansson or, for a flat line, by the fast path (json_flat.c). */
struct rec {
	json_t *j;
	const struct pli_jflat *flat;
};

typedef enum pl_rc (*record_fn)(const struct rec *rec, struct pl_scandoc *doc, struct pl_err *err);

static const char *
jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int
jport(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	json_int_t n;

	if (!json_is_integer(v))
		return -1;
	n = json_integer_value(v);
	return n >= 0 && n <= 65535 ? (int)n : -1;
}

static const char *
rec_str(const struct rec *r, const char *key)
{
	const struct pli_jflat_field *f;

	if (!r->flat)
		return jstr(r->j, key);
	f = pli_jflat_get(r->flat, key);
	return f && f->kind == PLI_JFLAT_STR ? f->str : NULL;
}

/* 1 and *v when key holds an integer. */
static int
rec_int(const struct rec *r, const char *key, int64_t *v)
{
	const struct pli_jflat_field *f;
	json_t *j;

	if (!r->flat) {
		j = json_object_get(r->j, key);
		if (!json_is_integer(j))
			return 0;
		*v = (int64_t)json_integer_value(j);
		return 1;
	}
	f = pli_jflat_get(r->flat, key);
	if (!f || f->kind != PLI_JFLAT_INT)
		return 0;
	*v = f->num;
	return 1;
}

static int
rec_port(const struct rec *r, const char *key)
{
	int64_t n;

	return rec_int(r, key, &n) && n >= 0 && n <= 65535 ? (int)n : -1;
}

static int
rec_true(const struct rec *r, const char *key)
{
	const struct pli_jflat_field *f;

	if (!r->flat)
		return json_is_true(json_object_get(r->j, key));
	f = pli_jflat_get(r->flat, key);
	return f && f->kind == PLI_JFLAT_TRUE;
}

static enum pl_rc
portlens_record(const struct rec *rec, struct pl_scandoc *doc, struct pl_err *err)
{
	const char *type = rec_str(rec, "type"), *proto = rec_str(rec, "proto");
	struct pl_scandoc_entry e = {0};
	int port = rec_port(rec, "port"), p;
	char *tls_name = NULL;
	enum pl_rc rc;

	if (!type)
		return pl_err_set(err, PL_ERR_PARSE, "a record without a \"type\"");
	if (strcmp(type, "start") == 0 || strcmp(type, "resume") == 0) {
		int64_t t;

		snprintf(doc->scanner, sizeof(doc->scanner), "portlens");
		if (rec_int(rec, "start", &t) && !doc->start)
			doc->start = t;
		return PL_OK;
	}
	if (strcmp(type, "result") != 0 && strcmp(type, "service") != 0)
		return PL_OK; /* "end" and records of later schema versions */
	if (port < 0 || !proto)
		return pl_err_set(err, PL_ERR_PARSE, "a \"%s\" record without port and proto",
		                  type);
	p = pli_scandoc_proto(proto);
	if (p < 0) {
		doc->n_skipped++;
		return PL_OK;
	}
	e.addr = rec_str(rec, "host");
	e.hostname = rec_str(rec, "hostname");
	e.port = (uint16_t)port;
	e.proto = (enum pl_proto)p;
	e.service = rec_str(rec, "service");
	if (strcmp(type, "result") == 0) {
		e.state = rec_str(rec, "state");
		return pl_scandoc_add(doc, &e, err);
	}
	if (rec_str(rec, "error") || !e.service || !e.service[0])
		return PL_OK; /* nothing identified: the result record stands */
	e.state = "open";
	e.detected = 1;
	if (rec_true(rec, "tls")) {
		/* "ssl/NAME", as the XML writer's tunnel="ssl" and the store say it */
		if (asprintf(&tls_name, "ssl/%s", e.service) < 0)
			return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
		e.service = tls_name;
	}
	e.product = rec_str(rec, "product");
	if (!e.product || !e.product[0])
		e.product = rec_str(rec, "vendor");
	e.version = rec_str(rec, "version");
	e.extrainfo = rec_str(rec, "info");
	rc = pl_scandoc_add(doc, &e, err);
	free(tls_name);
	return rc;
}

static enum pl_rc
masscan_record(const struct rec *r, struct pl_scandoc *doc, struct pl_err *err)
{
	json_t *rec = r->j;
	const char *ip = jstr(rec, "ip");
	json_t *ports = json_object_get(rec, "ports");
	size_t i;
	json_t *pt;

	if (!ip || !json_is_array(ports))
		return pl_err_set(err, PL_ERR_PARSE,
		                  "a masscan record without \"ip\" and \"ports\"");
	snprintf(doc->scanner, sizeof(doc->scanner), "masscan");
	json_array_foreach(ports, i, pt)
	{
		const char *proto = jstr(pt, "proto"), *status = jstr(pt, "status");
		json_t *svc = json_object_get(pt, "service");
		struct pl_scandoc_entry e = {.addr = ip};
		int port = jport(pt, "port"), p;
		enum pl_rc rc;

		if (port < 0 || !proto)
			return pl_err_set(err, PL_ERR_PARSE,
			                  "a port of %.64s without port and proto", ip);
		p = pli_scandoc_proto(proto);
		if (p < 0) {
			doc->n_skipped++;
			continue;
		}
		e.port = (uint16_t)port;
		e.proto = (enum pl_proto)p;
		e.state = status ? status : "open";
		if (json_is_object(svc))
			e.service = jstr(svc, "name");
		rc = pl_scandoc_add(doc, &e, err);
		if (rc != PL_OK)
			return rc;
	}
	return PL_OK;
}

/* One line without surrounding blanks and masscan's separating commas. */
static int
trim_line(const char **s, size_t *n)
{
	while (*n && strchr(" \t\r,", (*s)[0])) {
		(*s)++;
		(*n)--;
	}
	while (*n && strchr(" \t\r,", (*s)[*n - 1]))
		(*n)--;
	return *n && !(*n == 1 && ((*s)[0] == '[' || (*s)[0] == ']'));
}

struct lines {
	record_fn fn;
	int try_flat;       /* portlens records: flat lines take the fast path */
	struct pl_buf line; /* the fast path's copy of the line */
	struct pli_jflat flat;
};

static enum pl_rc
json_line(const char *s, size_t n, struct pl_scandoc *doc, void *ud, struct pl_err *err)
{
	struct lines *l = ud;
	json_error_t jerr;
	json_t *j;
	enum pl_rc rc;

	if (!trim_line(&s, &n))
		return PL_OK;
	if (l->try_flat) {
		pli_buf_reset(&l->line);
		if (pli_buf_append(&l->line, s, n) != PL_OK)
			return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
		if (pli_jflat_parse(l->line.data, n, &l->flat))
			return l->fn(&(struct rec){.flat = &l->flat}, doc, err);
	}
	j = json_loadb(s, n, JSON_REJECT_DUPLICATES, &jerr);
	if (!j) {
		rc = pl_err_set(err, PL_ERR_PARSE, "JSON: %s", jerr.text);
		if (err)
			err->column = (unsigned)jerr.column;
		return rc;
	}
	rc = json_is_object(j) ? l->fn(&(struct rec){.j = j}, doc, err)
	                       : pl_err_set(err, PL_ERR_PARSE, "a line that is not an object");
	json_decref(j);
	return rc;
}

static enum pl_rc
parse_lines(const char *data, size_t len, const char *source, struct pl_scandoc *doc, record_fn fn,
            struct pl_err *err)
{
	struct lines l = {.fn = fn, .try_flat = fn == portlens_record};
	enum pl_rc rc;

	pli_buf_init(&l.line);
	rc = pli_scandoc_each_line(data, len, source, doc, json_line, &l, err);
	pli_buf_cleanup(&l.line);
	return rc;
}

enum pl_rc
pl_scandoc_parse_portlens_json(const char *data, size_t len, const char *source,
                               struct pl_scandoc *doc, struct pl_err *err)
{
	snprintf(doc->format, sizeof(doc->format), "portlens-json");
	return parse_lines(data, len, source, doc, portlens_record, err);
}

enum pl_rc
pl_scandoc_parse_masscan_json(const char *data, size_t len, const char *source,
                              struct pl_scandoc *doc, struct pl_err *err)
{
	snprintf(doc->format, sizeof(doc->format), "masscan-json");
	return parse_lines(data, len, source, doc, masscan_record, err);
}
