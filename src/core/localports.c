// SPDX-License-Identifier: MIT
/*
 * localports.c - reads and parses the kernel's client port settings (core/localports.h):
 * ip_local_port_range ("LO<tab>HI") and ip_local_reserved_ports ("N,N-M,...", empty
 * when none). Both are per network namespace: read through /proc/sys/net on a thread
 * that is in the namespace. The parsers are pure and fuzzed (fuzz/fuzz_localports.c).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/localports.h"
#include "core/strnum.h"

int
pli_local_ports_parse_range(const char *s, uint16_t *lo, uint16_t *hi)
{
	uint64_t v[2];

	for (int i = 0; i < 2; i++) {
		size_t n;

		s += strspn(s, " \t");
		n = strspn(s, "0123456789");
		if (pli_parse_u64n(s, n, 1, 65535, &v[i], NULL) != PL_OK)
			return -1;
		s += n;
	}
	if (v[0] > v[1] || s[strspn(s, " \t\n")] != '\0')
		return -1;
	*lo = (uint16_t)v[0];
	*hi = (uint16_t)v[1];
	return 0;
}

int
pli_local_ports_parse_reserved(const char *s, uint8_t *bitmap)
{
	while (*s && *s != '\n') {
		size_t n = strcspn(s, ",-\n");
		uint64_t lo, hi;

		if (pli_parse_u64n(s, n, 0, 65535, &lo, NULL) != PL_OK)
			return -1;
		s += n;
		hi = lo;
		if (*s == '-') {
			n = strcspn(++s, ",\n");
			if (pli_parse_u64n(s, n, lo, 65535, &hi, NULL) != PL_OK)
				return -1;
			s += n;
		}
		for (uint64_t p = lo; p <= hi; p++)
			bitmap[p / 8] |= (uint8_t)(1u << (p % 8));
		if (*s == ',')
			s++;
	}
	return 0;
}

/* Reads at most size - 1 bytes of DIR/NAME into buf (NUL-terminated); -1 if unreadable. */
static int
read_small(const char *dir, const char *name, char *buf, size_t size)
{
	char path[512];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

enum pl_rc
pli_local_ports_read(const char *dir, struct pli_local_ports *lp)
{
	char *buf;

	memset(lp, 0, sizeof(*lp));
	lp->lo = PLI_EPHEMERAL_DEFAULT_LO;
	lp->hi = PLI_EPHEMERAL_DEFAULT_HI;
	if (!dir)
		return PL_OK;
	/* The reserved list prints ranges compactly; 64 KiB holds any list of it. */
	buf = malloc(65536);
	if (!buf)
		return PL_ERR_NOMEM;
	if (read_small(dir, "ip_local_port_range", buf, 64) == 0 &&
	    pli_local_ports_parse_range(buf, &lp->lo, &lp->hi) == 0)
		lp->from_kernel = 1;
	if (read_small(dir, "ip_local_reserved_ports", buf, 65536) == 0 && buf[0] &&
	    buf[0] != '\n') {
		lp->reserved = calloc(65536 / 8, 1);
		if (!lp->reserved) {
			free(buf);
			return PL_ERR_NOMEM;
		}
		if (pli_local_ports_parse_reserved(buf, lp->reserved) != 0) {
			free(lp->reserved); /* not the kernel's format: reserve nothing */
			lp->reserved = NULL;
			lp->reserved_unknown = 1;
		}
	}
	free(buf);
	return PL_OK;
}

int
pli_local_ports_ephemeral(const struct pli_local_ports *lp, uint16_t port)
{
	if (port < lp->lo || port > lp->hi)
		return 0;
	return !lp->reserved || !(lp->reserved[port / 8] & (1u << (port % 8)));
}

void
pli_local_ports_cleanup(struct pli_local_ports *lp)
{
	free(lp->reserved);
	lp->reserved = NULL;
}
