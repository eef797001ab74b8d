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

#include "diff/diff_impl.h"

typedef enum pl_rc (*record_fn)(json_t *rec, struct pl_scandoc *doc, struct pl_err *err);

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

static enum pl_rc
portlens_record(json_t *rec, struct pl_scandoc *doc, struct pl_err *err)
{
	const char *type = jstr(rec, "type"), *proto = jstr(rec, "proto");
	struct pl_scandoc_entry e = {0};
	int port = jport(rec, "port"), p;
	char *tls_name = NULL;
	enum pl_rc rc;

	if (!type)
		return pl_err_set(err, PL_ERR_PARSE, "a record without a \"type\"");
	if (strcmp(type, "start") == 0 || strcmp(type, "resume") == 0) {
		json_t *t = json_object_get(rec, "start");

		snprintf(doc->scanner, sizeof(doc->scanner), "portlens");
		if (json_is_integer(t) && !doc->start)
			doc->start = (int64_t)json_integer_value(t);
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
	e.addr = jstr(rec, "host");
	e.hostname = jstr(rec, "hostname");
	e.port = (uint16_t)port;
	e.proto = (enum pl_proto)p;
	e.service = jstr(rec, "service");
	if (strcmp(type, "result") == 0) {
		e.state = jstr(rec, "state");
		return pl_scandoc_add(doc, &e, err);
	}
	if (jstr(rec, "error") || !e.service || !e.service[0])
		return PL_OK; /* nothing identified: the result record stands */
	e.state = "open";
	e.detected = 1;
	if (json_is_true(json_object_get(rec, "tls"))) {
		/* "ssl/NAME", as the XML writer's tunnel="ssl" and the store say it */
		if (asprintf(&tls_name, "ssl/%s", e.service) < 0)
			return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
		e.service = tls_name;
	}
	e.product = jstr(rec, "product");
	if (!e.product || !e.product[0])
		e.product = jstr(rec, "vendor");
	e.version = jstr(rec, "version");
	e.extrainfo = jstr(rec, "info");
	rc = pl_scandoc_add(doc, &e, err);
	free(tls_name);
	return rc;
}

static enum pl_rc
masscan_record(json_t *rec, struct pl_scandoc *doc, struct pl_err *err)
{
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

static enum pl_rc
json_line(const char *s, size_t n, struct pl_scandoc *doc, void *ud, struct pl_err *err)
{
	record_fn fn = *(record_fn *)ud;
	json_error_t jerr;
	json_t *rec;
	enum pl_rc rc;

	if (!trim_line(&s, &n))
		return PL_OK;
	rec = json_loadb(s, n, JSON_REJECT_DUPLICATES, &jerr);
	if (!rec) {
		rc = pl_err_set(err, PL_ERR_PARSE, "JSON: %s", jerr.text);
		if (err)
			err->column = (unsigned)jerr.column;
		return rc;
	}
	rc = json_is_object(rec) ? fn(rec, doc, err)
	                         : pl_err_set(err, PL_ERR_PARSE, "a line that is not an object");
	json_decref(rec);
	return rc;
}

static enum pl_rc
parse_lines(const char *data, size_t len, const char *source, struct pl_scandoc *doc, record_fn fn,
            struct pl_err *err)
{
	return pli_scandoc_each_line(data, len, source, doc, json_line, &fn, err);
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
