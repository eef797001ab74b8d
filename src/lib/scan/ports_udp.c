// SPDX-License-Identifier: MIT
/*
 * ports_udp.c - port sets for the UDP scan: re-tagging a -p list (nmap reads unprefixed
 * ports as UDP under -sU) and the UDP top-ports ranking.
 *
 * The UDP ranking is the ports with a payload in data/udp-payloads.txt (the services
 * the payloads were written for: the UDP ports most often exposed and abused, in the
 * file's order), then the TCP ranking (data/top-ports.txt, knowledge base, registry)
 * for the rest: portlens has no UDP exposure statistics of its own yet, and a service
 * registered on both transports is usually ranked alike.
 */
#include <stdlib.h>
#include <string.h>

#include "portlens/scan.h"
#include "scan/scan_impl.h"
#include "scan/udp_payloads.h"

static enum pl_rc
push(struct pl_ports *ps, uint32_t item)
{
	uint32_t *v = realloc(ps->items, ((size_t)ps->n + 1) * sizeof(*v));

	if (!v)
		return PL_ERR_NOMEM;
	ps->items = v;
	ps->items[ps->n++] = item;
	return PL_OK;
}

void
pl_ports_retag(struct pl_ports *ps, enum pl_proto from, enum pl_proto to)
{
	for (uint32_t i = 0; i < ps->n; i++)
		if ((ps->items[i] >> 16) == (uint32_t)from)
			ps->items[i] = ((uint32_t)to << 16) | (ps->items[i] & 0xffff);
	pl_ports_normalize(ps);
}

/* Number of distinct ports in the payload ports (mark) and the TCP top m. */
static enum pl_rc
union_size(const uint8_t *mark, uint32_t m, uint32_t *size, struct pl_ports *top,
           struct pl_err *err)
{
	uint32_t extra = 0, base = 0;
	enum pl_rc rc;

	pl_ports_cleanup(top);
	if (m && (rc = pl_ports_add_top(top, m, err)) != PL_OK)
		return rc;
	for (uint32_t i = 0; i < top->n; i++)
		extra += !mark[top->items[i] & 0xffff];
	for (uint32_t p = 1; p < 65536; p++)
		base += mark[p];
	*size = base + extra;
	return PL_OK;
}

enum pl_rc
pl_ports_add_top_udp(struct pl_ports *ps, uint32_t n, struct pl_err *err)
{
	struct pl_udp_payloads pay;
	struct pl_ports top = {0};
	uint8_t *mark = NULL;
	uint32_t k = 0, m, size = 0;
	enum pl_rc rc;

	if (n > 65535)
		n = 65535;
	if ((rc = pl_udp_payloads_builtin(&pay, err)) != PL_OK)
		return rc;
	mark = calloc(65536, 1);
	if (!mark) {
		rc = pl_err_set(err, PL_ERR_NOMEM, "out of memory");
		goto out;
	}
	/* Payload ports in the file's entry order, while they fit in n. */
	for (size_t e = 1; e <= pay.n && k < n; e++)
		for (uint32_t p = 1; p < 65536 && k < n; p++)
			if (pay.by_port[p] == e && !mark[p]) {
				mark[p] = 1;
				k++;
			}
	/* The smallest TCP top m that fills the rest (the union grows with m). */
	for (m = n > k ? n - k : 0; m <= n; m++) {
		if ((rc = union_size(mark, m, &size, &top, err)) != PL_OK)
			goto out;
		if (size >= n || m == n)
			break;
	}
	for (uint32_t i = 0; i < top.n && rc == PL_OK; i++)
		mark[top.items[i] & 0xffff] = 1;
	for (uint32_t p = 1; p < 65536 && rc == PL_OK; p++)
		if (mark[p])
			rc = push(ps, ((uint32_t)PL_PROTO_UDP << 16) | p);
	if (rc != PL_OK)
		rc = pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	pl_ports_normalize(ps);
out:
	free(mark);
	pl_ports_cleanup(&top);
	pl_udp_payloads_cleanup(&pay);
	return rc;
}
