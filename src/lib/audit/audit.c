// SPDX-License-Identifier: MIT
/*
 * audit.c - runs the rule table over the observations and collects findings, sorted
 * by severity (highest first), then address and port so output is stable. Also the
 * severity names. Malware ports come from the knowledge base (verdict.c), as in listen.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audit/audit_impl.h"
#include "core/array.h"
#include "core/buf.h"

static const char *const sev_names[PL_SEV_COUNT] = {
    [PL_SEV_INFO] = "info", [PL_SEV_LOW] = "low",           [PL_SEV_MEDIUM] = "medium",
    [PL_SEV_HIGH] = "high", [PL_SEV_CRITICAL] = "critical",
};

const char *
pl_severity_name(enum pl_severity s)
{
	return (unsigned)s < PL_SEV_COUNT ? sev_names[s] : "?";
}

enum pl_rc
pl_severity_parse(const char *s, enum pl_severity *out)
{
	for (int i = 0; i < PL_SEV_COUNT; i++) {
		if (strcasecmp(s, sev_names[i]) == 0) {
			*out = (enum pl_severity)i;
			return PL_OK;
		}
	}
	return PL_ERR_PARSE;
}

static enum pl_rc audit_vadd(struct audit_state *st, const struct pl_audit_obs *o,
                             enum pl_severity sev, const char *rule, const char *evidence,
                             size_t evidence_len, const char *why, const char *remedy,
                             const char *title_fmt, va_list ap)
    __attribute__((format(printf, 9, 0)));

/* Names an observation as findings do: "addr:port/transport", IPv6 in brackets. */
static void
audit_where(const struct pl_audit_obs *o, char *buf, size_t size)
{
	snprintf(buf, size, strchr(o->addr, ':') ? "[%s]:%u/%s" : "%s:%u/%s", o->addr, o->port,
	         o->kind == PL_OBS_CAPTURE ? "packet"
	         : o->kind == PL_OBS_RAW   ? "raw"
	                                   : pl_proto_name(o->proto));
}

static enum pl_rc
audit_vadd(struct audit_state *st, const struct pl_audit_obs *o, enum pl_severity sev,
           const char *rule, const char *evidence, size_t evidence_len, const char *why,
           const char *remedy, const char *title_fmt, va_list ap)
{
	struct pl_audit_report *r = st->report;
	struct pl_finding *f;
	char title[300];

	if (PLI_ARRAY_RESERVE(r->findings, st->cap, r->n + 1, 16) != PL_OK)
		return PL_ERR_NOMEM;
	vsnprintf(title, sizeof(title), title_fmt, ap);
	f = &r->findings[r->n];
	memset(f, 0, sizeof(*f));
	f->severity = sev;
	f->rule = rule;
	audit_where(o, f->where, sizeof(f->where));
	f->title = strdup(title);
	f->evidence = pli_memdup_nul(evidence, evidence_len);
	f->evidence_len = evidence_len;
	f->why = strdup(why);
	f->remedy = strdup(remedy);
	r->n++;
	if (!f->title || !f->evidence || !f->why || !f->remedy)
		return PL_ERR_NOMEM;
	return PL_OK;
}

enum pl_rc
audit_add(struct audit_state *st, const struct pl_audit_obs *o, enum pl_severity sev,
          const char *rule, const char *evidence, const char *why, const char *remedy,
          const char *title_fmt, ...)
{
	va_list ap;
	enum pl_rc rc;

	va_start(ap, title_fmt);
	rc = audit_vadd(st, o, sev, rule, evidence, strlen(evidence), why, remedy, title_fmt, ap);
	va_end(ap);
	return rc;
}

enum pl_rc
audit_add_n(struct audit_state *st, const struct pl_audit_obs *o, enum pl_severity sev,
            const char *rule, const char *evidence, size_t evidence_len, const char *why,
            const char *remedy, const char *title_fmt, ...)
{
	va_list ap;
	enum pl_rc rc;

	va_start(ap, title_fmt);
	rc = audit_vadd(st, o, sev, rule, evidence, evidence_len, why, remedy, title_fmt, ap);
	va_end(ap);
	return rc;
}

size_t
audit_ev_cat(char *buf, size_t size, size_t n, const void *s, size_t len)
{
	if (n >= size)
		return n;
	if (len > size - 1 - n)
		len = size - 1 - n;
	memcpy(buf + n, s, len);
	buf[n + len] = '\0';
	return n + len;
}

size_t
audit_ev_answer(const struct pl_audit_obs *o, char *buf, size_t size, size_t n, const char *lead)
{
	if (!o->svc.evidence_len)
		return n;
	n = audit_ev_cat(buf, size, n, lead, strlen(lead));
	return audit_ev_cat(buf, size, n, o->svc.evidence_raw, o->svc.evidence_len);
}

size_t
audit_ev_holder(const struct pl_audit_obs *o, char *buf, size_t size, size_t n)
{
	if (!o->process[0])
		return n;
	if (n)
		n = audit_ev_cat(buf, size, n, "; ", 2);
	n = audit_ev_cat(buf, size, n, "held by ", 8);
	return audit_ev_cat(buf, size, n, o->process, strlen(o->process));
}

static int
cmp_finding(const void *a, const void *b)
{
	const struct pl_finding *x = a, *y = b;

	if (x->severity != y->severity)
		return x->severity > y->severity ? -1 : 1;
	return strcmp(x->where, y->where);
}

void
pl_audit_report_cleanup(struct pl_audit_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->findings[i].title);
		free(r->findings[i].evidence);
		free(r->findings[i].why);
		free(r->findings[i].remedy);
	}
	free(r->findings);
	memset(r, 0, sizeof(*r));
}

enum pl_rc
pl_audit_run(const struct pl_audit_obs *obs, size_t n, const struct pl_audit_opts *opts,
             struct pl_audit_report *out, struct pl_err *err)
{
	struct audit_state st = {.report = out};

	memset(out, 0, sizeof(*out));
	st.reg = opts && opts->reg ? opts->reg : pl_registry_builtin();
	st.kb = opts && opts->kb ? opts->kb : pl_kb_builtin();
	out->n_obs = n;
	for (size_t i = 0; i < n; i++) {
		audit_where(&obs[i], st.where, sizeof(st.where));
		if (obs[i].kind != PL_OBS_PORT) {
			if (audit_rule_below_tcp(&st, &obs[i]) != PL_OK) {
				pl_audit_report_cleanup(out);
				return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
			}
			continue;
		}
		for (size_t k = 0; k < pl_audit_rules_count + pl_audit_rules_service_count; k++) {
			const struct audit_rule *r =
			    k < pl_audit_rules_count
			        ? &pl_audit_rules[k]
			        : &pl_audit_rules_service[k - pl_audit_rules_count];

			/* Only the rules marked .udp judge UDP observations: the port-number
			 * rules for bound sockets (not probed) and the rules over what a UDP
			 * probe proved (audit --udp). */
			if (obs[i].proto != PL_PROTO_TCP && !r->udp)
				continue;
			if (r->fn(&st, &obs[i]) != PL_OK) {
				pl_audit_report_cleanup(out);
				return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
			}
		}
	}
	if (out->n > 1)
		qsort(out->findings, out->n, sizeof(*out->findings), cmp_finding);
	return PL_OK;
}

int
pl_audit_max_severity(const struct pl_audit_report *r)
{
	int max = -1;

	for (size_t i = 0; i < r->n; i++)
		if ((int)r->findings[i].severity > max)
			max = (int)r->findings[i].severity;
	return max;
}
