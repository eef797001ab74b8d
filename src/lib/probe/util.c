// SPDX-License-Identifier: MIT
/*
 * util.c - small helpers shared by the protocol files: bounded string setters,
 * evidence escaping, case-insensitive byte search, the one-line service summary and
 * exposure names. Nothing here needs PCRE2 or OpenSSL: the scan's outputs link it into
 * the light `portlens` binary (the Recog bridge, pli_probe_recog, is in ctx.c).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "probe/probe_impl.h"

void
pli_probe_copy(char *dst, size_t size, const char *src, size_t n)
{
	if (size == 0)
		return;
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

void
pli_probe_set(char *dst, size_t size, const char *src)
{
	pli_probe_copy(dst, size, src ? src : "", src ? strlen(src) : 0);
}

void
pli_probe_add_info(struct pl_service *out, const char *fmt, ...)
{
	size_t used = strlen(out->info), n;
	char item[sizeof(out->info)];
	const char *p;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(item, sizeof(item), fmt, ap);
	va_end(ap);
	n = strlen(item);
	/* An item already there is not added twice ("login prompt; login prompt"). */
	for (p = out->info; n && (p = strstr(p, item)) != NULL; p += n)
		if ((p == out->info || (p >= out->info + 2 && p[-2] == ';' && p[-1] == ' ')) &&
		    (p[n] == '\0' || p[n] == ';'))
			return;
	if (n == 0 || used + 3 >= sizeof(out->info))
		return;
	if (used) {
		memcpy(out->info + used, "; ", 3);
		used += 2;
	}
	snprintf(out->info + used, sizeof(out->info) - used, "%s", item);
}

size_t
pl_probe_escape(const unsigned char *data, size_t n, char *out, size_t size)
{
	size_t o = 0, i;

	if (size < 4) {
		if (size)
			out[0] = '\0';
		return 0;
	}
	for (i = 0; i < n; i++) {
		char tmp[5];
		size_t t;
		unsigned char ch = data[i];

		if (ch == '\r')
			t = (size_t)snprintf(tmp, sizeof(tmp), "\\r");
		else if (ch == '\n')
			t = (size_t)snprintf(tmp, sizeof(tmp), "\\n");
		else if (ch == '\t')
			t = (size_t)snprintf(tmp, sizeof(tmp), "\\t");
		else if (ch == '\\')
			t = (size_t)snprintf(tmp, sizeof(tmp), "\\\\");
		else if (ch >= 0x20 && ch < 0x7f)
			t = (size_t)snprintf(tmp, sizeof(tmp), "%c", ch);
		else
			t = (size_t)snprintf(tmp, sizeof(tmp), "\\x%02x", ch);
		if (o + t + 4 > size) { /* keep room for "..." and NUL */
			memcpy(out + o, "...", 4);
			return i;
		}
		memcpy(out + o, tmp, t);
		o += t;
	}
	out[o] = '\0';
	return i;
}

void
pli_probe_evidence(struct pl_service *out, const unsigned char *d, size_t n)
{
	size_t raw = n < sizeof(out->evidence_raw) ? n : sizeof(out->evidence_raw);

	pl_probe_escape(d, n, out->evidence, sizeof(out->evidence));
	memcpy(out->evidence_raw, d, raw);
	out->evidence_len = (uint16_t)raw;
}

const unsigned char *
pli_probe_memcasemem(const unsigned char *d, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	if (k == 0 || k > n)
		return k == 0 ? d : NULL;
	for (size_t i = 0; i + k <= n; i++) {
		size_t j = 0;

		while (j < k && tolower(d[i + j]) == tolower((unsigned char)needle[j]))
			j++;
		if (j == k)
			return d + i;
	}
	return NULL;
}

int
pli_probe_line_complete(const unsigned char *d, size_t n)
{
	return n > 0 && d[n - 1] == '\n';
}

int
pli_probe_reply_complete(const unsigned char *d, size_t n)
{
	size_t i;

	if (n < 4 || d[n - 1] != '\n')
		return 0;
	i = n - 1;
	while (i > 0 && d[i - 1] != '\n')
		i--;
	return n - i >= 4 && d[i + 3] == ' ';
}

const char *
pl_exposure_name(uint32_t bit)
{
	static const char *const names[] = {
	    "dns-recursion",       "snmp-public",      "vnc-no-auth",
	    "rsync-list",          "rsync-open",       "smb1",
	    "smb-no-signing",      "smb-guest-shares", "rdp-no-nla",
	    "ldap-anonymous-read", "mqtt-anonymous",   "ftp-anonymous",
	    "open-proxy"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (bit == 1u << i)
			return names[i];
	return NULL;
}

void
pl_service_summary(const struct pl_service *svc, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
#define ADD(...)                                                                                   \
	do {                                                                                       \
		if (used < size)                                                                   \
			used += (size_t)snprintf(out + used, size - used, __VA_ARGS__);            \
	} while (0)
	if (svc->product[0])
		ADD("%s", svc->product);
	else if (svc->vendor[0])
		ADD("%s", svc->vendor);
	if (svc->version[0])
		ADD("%s%s", used ? " " : "", svc->version);
	if (svc->os[0])
		ADD("%s(%s)", used ? " " : "", svc->os);
#undef ADD
}

int
pli_probe_asks(const struct probe_def *p)
{
	return p->request || p->fixed.len;
}

size_t
pli_probe_request(const struct probe_def *p, const struct probe_run *run, unsigned char *buf,
                  size_t cap)
{
	if (p->request)
		return p->request(run, buf, cap);
	if (cap < p->fixed.len)
		return 0;
	memcpy(buf, p->fixed.data, p->fixed.len);
	return p->fixed.len;
}

/* Finds header name (case-insensitive) in the head; copies its value to out. */
int
pli_http_header(const char *head, size_t n, const char *name, char *out, size_t size)
{
	size_t k = strlen(name);

	for (size_t i = 0; i + k + 1 < n; i++) {
		const char *v;
		size_t len;

		if (head[i] != '\n' ||
		    !pli_probe_memcasemem((const unsigned char *)head + i + 1, k, name) ||
		    head[i + 1 + k] != ':')
			continue;
		v = head + i + 2 + k;
		while (*v == ' ' || *v == '\t')
			v++;
		len = strcspn(v, "\r\n");
		pli_probe_copy(out, size, v, len);
		return 1;
	}
	return 0;
}

/* Copies the JSON string value of "key" (first occurrence, no unescaping). */
void
pli_json_str(const unsigned char *d, size_t n, const char *key, char *out, size_t size)
{
	const unsigned char *k = pli_probe_memcasemem(d, n, key), *q;

	out[0] = '\0';
	if (!k || !(q = memchr(k + strlen(key), '"', n - (size_t)(k - d) - strlen(key))))
		return;
	q++;
	pli_probe_copy(out, size, (const char *)q, strcspn((const char *)q, "\""));
}
