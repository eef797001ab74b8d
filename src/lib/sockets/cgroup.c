// SPDX-License-Identifier: MIT
/*
 * cgroup.c - from the text of /proc/PID/cgroup to "which systemd unit or container is
 * this process in". Pure: no I/O.
 *
 * The path comes from the unified hierarchy line ("0::/system.slice/nginx.service"),
 * or on hybrid systems whose unified line is "/" from the "name=systemd" line. The
 * unit is the innermost component ending in .service or .scope (so a user service
 * under user@1000.service is itself, not the user manager). Containers are recognised
 * by the names their runtimes give cgroups:
 *   docker-ID.scope, /docker/ID            -> docker:ID12
 *   libpod-ID.scope                        -> podman:ID12
 *   cri-containerd-ID.scope, crio-ID.scope -> containerd:ID12, cri-o:ID12
 *   /kubepods.../ID                        -> k8s:ID12
 *   lxc.payload.NAME, /lxc/NAME            -> lxc:NAME
 *   machine-NAME.scope                     -> machine:NAME (systemd-nspawn, VMs)
 */
#include <stdio.h>
#include <string.h>

#include "portlens/sockets.h"

static void
copy(char *dst, size_t size, const char *src, size_t n)
{
	if (!size)
		return;
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int
is_hex_id(const char *s, size_t n)
{
	if (n < 12)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static int
has_suffix(const char *s, size_t n, const char *suf)
{
	size_t k = strlen(suf);

	return n >= k && memcmp(s + n - k, suf, k) == 0;
}

static int
has_prefix(const char *s, size_t n, const char *pre)
{
	size_t k = strlen(pre);

	return n >= k && memcmp(s, pre, k) == 0;
}

/* "docker-ID.scope" style: prefix, hex id, ".scope". */
static int
scope_id(const char *c, size_t n, const char *prefix, const char *label, char *out, size_t size)
{
	size_t k = strlen(prefix);

	if (!has_prefix(c, n, prefix) || !has_suffix(c, n, ".scope"))
		return 0;
	if (!is_hex_id(c + k, n - k - 6))
		return 0;
	snprintf(out, size, "%s:%.12s", label, c + k);
	return 1;
}

/* Looks at one path component (c, n); prev is the component before it. */
static void
component(const char *c, size_t n, const char *prev, size_t pn, char *container, size_t csize)
{
	if (scope_id(c, n, "docker-", "docker", container, csize) ||
	    scope_id(c, n, "libpod-", "podman", container, csize) ||
	    scope_id(c, n, "cri-containerd-", "containerd", container, csize) ||
	    scope_id(c, n, "crio-", "cri-o", container, csize))
		return;
	if (prev && pn == 6 && memcmp(prev, "docker", 6) == 0 && is_hex_id(c, n)) {
		snprintf(container, csize, "docker:%.12s", c);
	} else if (prev && has_prefix(prev, pn, "kubepods") && is_hex_id(c, n)) {
		snprintf(container, csize, "k8s:%.12s", c);
	} else if (has_prefix(c, n, "lxc.payload.") && n > 12) {
		snprintf(container, csize, "lxc:%.*s", (int)(n - 12), c + 12);
	} else if (prev && pn == 3 && memcmp(prev, "lxc", 3) == 0) {
		snprintf(container, csize, "lxc:%.*s", (int)n, c);
	} else if (has_prefix(c, n, "machine-") && has_suffix(c, n, ".scope") && n > 14) {
		snprintf(container, csize, "machine:%.*s", (int)(n - 14), c + 8);
	}
}

/* Finds the line to use; returns its path (p, n) or 0. */
static int
pick_line(const char *data, size_t len, const char **path, size_t *plen)
{
	const char *p = data, *end = data + len, *best = NULL, *v1 = NULL;
	size_t best_n = 0, v1_n = 0;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le = eol ? eol : end;
		const char *c1 = memchr(p, ':', (size_t)(le - p));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(le - c1 - 1)) : NULL;

		if (c2 && c2 + 1 < le && c2[1] == '/') {
			if (c1 - p == 1 && *p == '0' && c2 == c1 + 1) {
				best = c2 + 1;
				best_n = (size_t)(le - best);
			} else if (c2 - c1 - 1 == 12 && memcmp(c1 + 1, "name=systemd", 12) == 0) {
				v1 = c2 + 1;
				v1_n = (size_t)(le - v1);
			}
		}
		p = eol ? eol + 1 : end;
	}
	if (best && !(best_n == 1 && v1)) {
		*path = best;
		*plen = best_n;
		return 1;
	}
	if (v1) {
		*path = v1;
		*plen = v1_n;
		return 1;
	}
	if (best) {
		*path = best;
		*plen = best_n;
		return 1;
	}
	return 0;
}

enum pl_rc
pl_cgroup_parse(const char *data, size_t len, char *path, size_t path_size, char *unit,
                size_t unit_size, char *container, size_t container_size)
{
	const char *p, *end, *prev = NULL;
	size_t n, pn = 0;

	copy(path, path_size, "", 0);
	copy(unit, unit_size, "", 0);
	copy(container, container_size, "", 0);
	if (!pick_line(data, len, &p, &n))
		return PL_ERR_PARSE;
	/* Strip a trailing " (deleted)" the kernel adds for removed cgroups. */
	if (has_suffix(p, n, " (deleted)"))
		n -= 10;
	copy(path, path_size, p, n);
	end = p + n;
	while (p < end) {
		const char *c = *p == '/' ? p + 1 : p;
		const char *slash = memchr(c, '/', (size_t)(end - c));
		size_t cn = (size_t)((slash ? slash : end) - c);

		if (cn) {
			if (has_suffix(c, cn, ".service") || has_suffix(c, cn, ".scope"))
				copy(unit, unit_size, c, cn);
			component(c, cn, prev, pn, container, container_size);
			prev = c;
			pn = cn;
		}
		p = slash ? slash : end;
	}
	return PL_OK;
}
