// SPDX-License-Identifier: MIT
/*
 * json_service.c - one probe result (struct pl_service) as the members of a JSON object:
 * `portlens probe --json`, `audit --json` and the JSON lines of `scan --sV` all write
 * them through here, beside the port page's writer (json.c). Unknown strings are null,
 * unknown tri-states null; what a server sent is escaped once, for JSON.
 */
#include <stdio.h>

#include "portlens/json.h"
#include "core/buf.h"
#include "core/jsonw.h"
#include "core/utf8.h"

static void
kopt(struct pl_jsonw *w, const char *key, const char *v)
{
	if (v[0])
		pli_jsonw_kstr(w, key, v);
	else {
		pli_jsonw_key(w, key);
		pli_jsonw_null(w);
	}
}

static void
ktri(struct pl_jsonw *w, const char *key, enum pl_tri t)
{
	pli_jsonw_key(w, key);
	if (t == PL_TRI_UNKNOWN)
		pli_jsonw_null(w);
	else
		pli_jsonw_bool(w, t == PL_TRI_YES);
}

/*
 * Evidence as read, escaped once for JSON (valid UTF-8 as is, control bytes as JSON
 * escapes). Bytes that are not UTF-8 can only be U+FFFD in a JSON string, so such
 * evidence also comes as KEY_hex, byte for byte.
 */
void
pl_json_bytes(struct pl_jsonw *w, const char *key, const char *raw, size_t n)
{
	pli_jsonw_key(w, key);
	pli_jsonw_strn(w, raw, n);
	if (pli_utf8_invalid_at(raw, n) < n) {
		struct pl_buf hex;
		char hkey[64];

		pli_buf_init(&hex);
		for (size_t i = 0; i < n; i++)
			pli_buf_printf(&hex, "%02x", (unsigned char)raw[i]);
		snprintf(hkey, sizeof(hkey), "%s_hex", key);
		pli_jsonw_kstr(w, hkey, pli_buf_str(&hex));
		pli_buf_cleanup(&hex);
	}
}

static void
json_evidence(struct pl_jsonw *w, const struct pl_service *s)
{
	pl_json_bytes(w, "evidence", (const char *)s->evidence_raw, s->evidence_len);
}

void
pl_service_json(struct pl_jsonw *w, const struct pl_service *s)
{
	kopt(w, "service", s->service);
	kopt(w, "vendor", s->vendor);
	kopt(w, "product", s->product);
	kopt(w, "version", s->version);
	kopt(w, "cpe", s->cpe);
	kopt(w, "os", s->os);
	kopt(w, "info", s->info);
	json_evidence(w, s);
	kopt(w, "probe", s->probe);
	pli_jsonw_kint(w, "confidence", s->confidence);
	ktri(w, "auth_required", s->auth_required);
	ktri(w, "starttls", s->starttls);
	pli_jsonw_kbool(w, "tls", s->tls);
	if (s->tls) {
		const struct pl_tls_info *ti = &s->tls_info;

		pli_jsonw_key(w, "certificate");
		pli_jsonw_object(w);
		kopt(w, "protocol", ti->version);
		kopt(w, "cipher", ti->cipher);
		kopt(w, "subject", ti->subject);
		kopt(w, "issuer", ti->issuer);
		kopt(w, "sans", ti->sans);
		kopt(w, "not_before", ti->not_before);
		kopt(w, "not_after", ti->not_after);
		pli_jsonw_kbool(w, "expired", ti->expired);
		pli_jsonw_kbool(w, "self_signed", ti->self_signed);
		if (ti->not_after[0])
			pli_jsonw_kint(w, "days_left", ti->days_left);
		pli_jsonw_kbool(w, "name_mismatch", ti->name_mismatch);
		kopt(w, "old_protocol_accepted", ti->old_protocol);
		kopt(w, "weak_cipher_accepted", ti->weak_cipher);
		pli_jsonw_end(w);
	}
	pli_jsonw_key(w, "exposures");
	pli_jsonw_array(w);
	for (unsigned b = 0; b < 32; b++)
		if ((s->exposures & (1u << b)) && pl_exposure_name(1u << b))
			pli_jsonw_str(w, pl_exposure_name(1u << b));
	pli_jsonw_end(w);
	if (s->udp) {
		pli_jsonw_key(w, "udp");
		pli_jsonw_object(w);
		pli_jsonw_kint(w, "request_bytes", s->udp_request_bytes);
		pli_jsonw_kint(w, "answer_bytes", s->udp_answer_bytes);
		pli_jsonw_end(w);
	}
	pli_jsonw_kint(w, "elapsed_ms", s->elapsed_ms);
	pli_jsonw_kint(w, "bytes_read", s->bytes_read);
	pli_jsonw_kbool(w, "truncated", s->truncated);
}
