// SPDX-License-Identifier: MIT
/*
 * render_sockets_data.c - `portlens listen/conns --csv` (RFC 4180; one row per socket,
 * several holders joined with ';' in the process columns). The JSON document is the
 * library's (pl_sockets_json, src/lib/page/json_sockets.c), shared with the web API.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "cli/sockets/render_sockets.h"
#include "core/escape.h"

/* Appends one CSV field, quoted when it holds a comma, quote or line break. */
/* One CSV field (pli_esc_csv): untrusted for what local users choose (process names,
 * command lines, units, namespace names), which gets the formula guard. */
static void
csv_field(struct pl_buf *out, const char *s, int untrusted, int last)
{
	pli_esc_csv(out, s, untrusted);
	pli_buf_puts(out, last ? "\r\n" : ",");
}

enum { CSV_PID, CSV_NAME, CSV_USER, CSV_UNIT, CSV_CONTAINER, CSV_CMD, CSV_NPROC };

static void
csv_procs(struct pl_buf *cols, struct pl_user_cache *uc, const struct pl_sockset *set,
          const struct pl_sock *s)
{
	for (uint32_t k = 0; k < s->n_owners; k++) {
		const struct pl_proc *p = pl_sock_owner(set, s, k);
		const char *sep = k ? ";" : "";

		pli_buf_printf(&cols[CSV_PID], "%s%d", sep, (int)p->pid);
		pli_buf_printf(&cols[CSV_NAME], "%s%s", sep, p->comm);
		pli_buf_printf(&cols[CSV_USER], "%s%s", sep,
		               pl_user_cached(uc, p->uid != UINT32_MAX ? p->uid : s->uid));
		pli_buf_printf(&cols[CSV_UNIT], "%s%s", sep, p->unit ? p->unit : "");
		pli_buf_printf(&cols[CSV_CONTAINER], "%s%s", sep, p->container ? p->container : "");
		pli_buf_printf(&cols[CSV_CMD], "%s%s", sep, p->cmdline ? p->cmdline : "");
	}
}

static void
csv_socket(struct pl_buf *out, struct pl_buf *cols, struct pl_user_cache *uc,
           const struct pl_sockset *set, const struct pl_sock *s)
{
	char a[64], num[32], flags[96] = "";
	size_t used = 0;

	for (unsigned i = 0; i < CSV_NPROC; i++)
		pli_buf_reset(&cols[i]);
	csv_procs(cols, uc, set, s);
	for (unsigned f = 0; f < PL_SFLAG_COUNT; f++)
		if (s->flags & (1u << f))
			used += (size_t)snprintf(flags + used, sizeof(flags) - used, "%s%s",
			                         used ? ";" : "",
			                         pl_sock_flag_name((enum pl_sock_flag)(1u << f)));
	csv_field(out, set->netns[s->netns].label, 1, 0);
	csv_field(out, pl_sock_transport_name(s), 0, 0);
	csv_field(out, pl_sock_family_name(s), 0, 0);
	csv_field(out, pl_sock_state_name(s), 0, 0);
	pl_sock_addr_str(s, 0, a, sizeof(a));
	csv_field(out, a, 0, 0);
	snprintf(num, sizeof(num), "%u", s->lport);
	csv_field(out, num, 0, 0);
	pl_sock_addr_str(s, 1, a, sizeof(a));
	csv_field(out, a, 0, 0);
	snprintf(num, sizeof(num), "%u", s->rport);
	csv_field(out, num, 0, 0);
	csv_field(out, s->reg ? s->reg->service : "", 0, 0);
	csv_field(out, pl_owner_status_name((enum pl_owner_status)s->owner_status), 0, 0);
	for (unsigned i = 0; i < CSV_CMD; i++)
		csv_field(out, pli_buf_str(&cols[i]), 1, 0);
	csv_field(out, flags, 0, 0);
	csv_field(out, pli_buf_str(&cols[CSV_CMD]), 1, 1);
}

void
pli_render_sockets_csv(const struct pl_sockset *set, unsigned what, struct pl_buf *out)
{
	struct pl_user_cache uc = {.n = 0};
	struct pl_buf cols[CSV_NPROC];

	(void)what;
	for (unsigned i = 0; i < CSV_NPROC; i++)
		pli_buf_init(&cols[i]);
	pli_buf_puts(out, "netns,transport,family,state,local_address,local_port,remote_address,"
	                  "remote_port,service,owner,pids,processes,users,units,containers,flags,"
	                  "commands\r\n");
	for (size_t i = 0; i < set->n_socks; i++)
		csv_socket(out, cols, &uc, set, &set->socks[i]);
	for (unsigned i = 0; i < CSV_NPROC; i++)
		pli_buf_cleanup(&cols[i]);
}
