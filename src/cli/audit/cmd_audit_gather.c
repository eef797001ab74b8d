// SPDX-License-Identifier: MIT
/*
 * cmd_audit_gather.c - where `portlens audit` gets its observations.
 *
 * Local: the TCP listeners and bound UDP sockets of this machine's network namespace from
 * the sockets module (netlink sock_diag, /proc/net as fallback) -- the sockets `portlens
 * listen` shows -- with their owning programs. UDP sockets are not probed (no probe
 * speaks UDP); the port-number rules judge them as listen's flags do. Wildcard
 * listeners are reachable from the network and are probed through loopback (127.0.0.1
 * or ::1); loopback listeners are probed where they are; listeners on one address are
 * probed on that address (it is this machine's own). A dual-stack :: listener and a
 * 0.0.0.0 listener on the same port are one observation.
 *
 * Targets: a connect scan (the scan module) of TARGETS x ports; every open port becomes
 * an observation, probed where it was found.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "cli/audit/audit_cmd.h"
#include "cli/scan/scan_cmd.h"
#include "portlens/scan.h"
#include "portlens/sockets.h"
#include "core/array.h"

struct pl_audit_obs *
audit_obs_add(struct audit_run *run, const struct pl_addr *probe_at)
{
	static const struct pl_addr none;
	size_t cap_obs = run->cap, cap_at = run->cap;
	struct pl_audit_obs *o;

	/* Two arrays side by side with one capacity: both grow to the same size, and the
	 * shared capacity moves only once both have room. */
	if (PLI_ARRAY_RESERVE(run->obs, cap_obs, run->n_obs + 1, 32) != PL_OK ||
	    PLI_ARRAY_RESERVE(run->probe_at, cap_at, run->n_obs + 1, 32) != PL_OK)
		return NULL;
	run->cap = cap_obs;
	o = &run->obs[run->n_obs];
	memset(o, 0, sizeof(*o));
	run->probe_at[run->n_obs] = probe_at ? *probe_at : none;
	run->n_obs++;
	return o;
}

static int
is_wildcard(const struct pl_sock *s)
{
	struct pl_addr a = pl_sock_local_addr(s);

	return pl_addr_is_any(&a);
}

/* Where to probe a listener from here: loopback for wildcards, else its address. */
static struct pl_addr
probe_target(const struct pl_sock *s)
{
	struct pl_addr a = pl_sock_local_addr(s);

	if (pl_addr_is_any(&a))
		return pl_addr_loopback(pl_sock_dual_stack(s) ? 4 : a.family, a.port);
	return a;
}

static int
seen_wildcard(const struct audit_run *run, uint16_t port, enum pl_proto proto)
{
	for (size_t i = 0; i < run->n_obs; i++)
		if (run->obs[i].kind == PL_OBS_PORT && run->obs[i].port == port &&
		    run->obs[i].proto == proto && run->obs[i].addr[0] == '*')
			return 1;
	return 0;
}

/*
 * A packet or raw socket (what `portlens listen --raw` shows) becomes an observation of
 * its own kind: nothing to probe, but each is a finding (audit/rules_below.c).
 */
static int
add_below_tcp(struct audit_run *run, const struct pl_sockset *set, const struct pl_sock *s)
{
	const struct pl_proc *owner = s->n_owners ? pl_sock_owner(set, s, 0) : NULL;
	const char *name = pl_sock_protocol_name(s);
	struct pl_audit_obs *o = audit_obs_add(run, NULL);

	if (!o)
		return 0;
	o->kind = s->kind == PL_SK_PACKET ? PL_OBS_CAPTURE : PL_OBS_RAW;
	o->port = s->lport;
	o->reach = pl_sock_loopback(s) ? PL_REACH_LOOPBACK : PL_REACH_NETWORK;
	pl_sock_addr_str(s, 0, o->addr, sizeof(o->addr));
	snprintf(o->proto_name, sizeof(o->proto_name), "%s", name ? name : "");
	if (owner)
		snprintf(o->process, sizeof(o->process), "%s[%d]", owner->comm, (int)owner->pid);
	return 1;
}

int
audit_gather_local(struct pl_cli *cli, struct audit_run *run)
{
	/* One collection (one owner scan) for TCP and UDP listeners and the sockets below. */
	struct pl_sock_query q = {.what = PL_SQ_LISTEN,
	                          .protos = PL_PROTO_BIT(PL_PROTO_TCP) | PL_PROTO_BIT(PL_PROTO_UDP),
	                          .raw = 1,
	                          .port = -1,
	                          .uid = -1,
	                          .processes = 1,
	                          .reg = cli->reg,
	                          .kb = cli->kb};
	struct pl_sockset *set = NULL;
	struct pl_err err = {0};
	size_t n_below = 0, n_udp = 0;

	enum pl_rc rc = pl_sockets_collect(&q, &set, &err);

	if (rc != PL_OK) {
		pli_cli_print_err(cli, &err);
		return pli_cli_exit_for(rc); /* the same status as listen's for the same failure */
	}
	for (size_t i = 0; i < set->n_socks; i++) {
		const struct pl_sock *s = &set->socks[i];
		const struct pl_proc *owner = s->n_owners ? pl_sock_owner(set, s, 0) : NULL;
		struct pl_addr at;
		struct pl_audit_obs *o;

		if (s->kind != PL_SK_INET) {
			if (!add_below_tcp(run, set, s)) {
				pl_sockset_free(set);
				return pli_cli_fail(cli, "out of memory");
			}
			n_below++;
			continue;
		}
		at = probe_target(s);
		if (s->proto == PL_PROTO_UDP && s->state == PL_SS_CLOSE)
			at.family = 0; /* a bound UDP socket: judged, never probed */
		else if (s->state != PL_SS_LISTEN || s->proto != PL_PROTO_TCP)
			continue;
		if (is_wildcard(s) && seen_wildcard(run, s->lport, (enum pl_proto)s->proto))
			continue;
		o = audit_obs_add(run, &at);
		if (!o) {
			pl_sockset_free(set);
			return pli_cli_fail(cli, "out of memory");
		}
		o->port = s->lport;
		o->proto = (enum pl_proto)s->proto;
		o->ephemeral = s->ephemeral;
		n_udp += o->proto == PL_PROTO_UDP;
		o->reach = pl_sock_loopback(s) ? PL_REACH_LOOPBACK : PL_REACH_NETWORK;
		if (is_wildcard(s))
			snprintf(o->addr, sizeof(o->addr), "*");
		else
			pl_sock_addr_str(s, 0, o->addr, sizeof(o->addr));
		if (owner)
			snprintf(o->process, sizeof(o->process), "%s[%d]", owner->comm,
			         (int)owner->pid);
	}
	snprintf(run->scope, sizeof(run->scope),
	         "this machine (%zu TCP listener%s, %zu UDP socket%s, %zu packet and raw "
	         "socket%s)",
	         run->n_obs - n_below - n_udp, run->n_obs - n_below - n_udp == 1 ? "" : "s", n_udp,
	         n_udp == 1 ? "" : "s", n_below, n_below == 1 ? "" : "s");
	pl_sockset_free(set);
	return PL_EXIT_OK;
}

struct gather_ctx {
	struct audit_run *run;
	int nomem;
	int udp; /* observations are UDP ports to probe */
};

static void
on_open(void *ctx, const struct pl_scan_result *r)
{
	struct gather_ctx *g = ctx;
	struct pl_addr at = pl_addr_make(r->addr.family, r->addr.bytes, r->port);
	struct pl_audit_obs *o;

	if (r->state != PL_PORT_OPEN || r->proto != (g->udp ? PL_PROTO_UDP : PL_PROTO_TCP))
		return;
	o = audit_obs_add(g->run, &at);
	if (!o) {
		g->nomem = 1;
		return;
	}
	pl_scan_addr_str(&r->addr, o->addr, sizeof(o->addr));
	o->proto = g->udp ? PL_PROTO_UDP : PL_PROTO_TCP;
	o->port = r->port;
	o->reach = (r->addr.family == 4 && r->addr.bytes[0] == 127) ||
	                   (r->addr.family == 6 && r->addr.bytes[15] == 1 &&
	                    !memcmp(r->addr.bytes, in6addr_loopback.s6_addr, 15))
	               ? PL_REACH_LOOPBACK
	               : PL_REACH_NETWORK;
}

static int
add_targets(struct pl_cli *cli, struct audit_run *run, struct pl_targets *ts, struct pl_ports *ps,
            int n, char **specs)
{
	struct pl_err err = {0};
	size_t used = 0;

	for (int i = 0; i < n; i++) {
		if (pl_targets_add_spec(ts, specs[i], 0, 1, &err) != PL_OK) {
			pli_cli_print_err(cli, &err);
			return PL_EXIT_USAGE;
		}
		if (used < sizeof(run->scope) - 2)
			used += (size_t)snprintf(run->scope + used, sizeof(run->scope) - used,
			                         "%s%s", i ? " " : "", specs[i]);
	}
	if (run->check_creds && !run->force && pl_targets_count(ts) > 256)
		return pli_cli_usage_error(cli,
		                           "--check-default-credentials: %llu addresses is "
		                           "more than a /24; name fewer hosts or add --force",
		                           (unsigned long long)pl_targets_count(ts));
	if ((run->ports_spec ? pl_ports_parse(ps, run->ports_spec, &err)
	                     : pl_ports_add_top(ps, 1000, &err)) != PL_OK) {
		pli_cli_print_err(cli, &err);
		return PL_EXIT_USAGE;
	}
	/* The scan's guards: more than a /16 of probes needs --yes-large; broadcast
	 * addresses of this machine are never probed. */
	if (scan_check_size(cli, "audit", ts, ps->n, run->yes_large) != PL_EXIT_OK)
		return PL_EXIT_USAGE;
	scan_skip_broadcasts(cli, ts);
	return PL_EXIT_OK;
}

/*
 * UDP has no connect(): every target x --udp port becomes an observation to probe
 * (pl_probe_udp_service); those that do not answer are dropped after probing.
 */
static int
add_udp(struct pl_cli *cli, struct audit_run *run, const struct pl_targets *ts)
{
	struct pl_ports ps = {0};
	struct pl_err err = {0};
	uint64_t nt = pl_targets_count(ts);
	int rc = PL_EXIT_OK;

	if (!run->udp_spec)
		return PL_EXIT_OK;
	if (pl_ports_parse(&ps, run->udp_spec, &err) != PL_OK) {
		pl_ports_cleanup(&ps);
		return pli_cli_usage_error(cli, "--udp: bad port list '%.40s%s': column %u: %s",
		                           run->udp_spec, strlen(run->udp_spec) > 40 ? "..." : "",
		                           err.column, err.msg);
	}
	if (nt * ps.n > 65536 && !run->yes_large) {
		rc = pli_cli_usage_error(
		    cli, "--udp: %llu UDP probes is more than 65536; add --yes-large",
		    (unsigned long long)(nt * ps.n));
		goto out;
	}
	for (uint64_t t = 0; t < nt; t++) {
		struct pl_scan_result r = {.proto = PL_PROTO_UDP, .state = PL_PORT_OPEN};
		struct gather_ctx g = {.run = run, .udp = 1};

		if (pl_targets_at(ts, t, &r.addr) != PL_ADDR_OK)
			continue; /* excluded, broadcast, multicast, unspecified: never probed */
		for (uint32_t i = 0; i < ps.n && !g.nomem; i++) {
			r.port = (uint16_t)(ps.items[i] & 0xffff);
			on_open(&g, &r);
		}
		if (g.nomem) {
			rc = pli_cli_fail(cli, "out of memory");
			goto out;
		}
	}
out:
	pl_ports_cleanup(&ps);
	return rc;
}

int
audit_gather_targets(struct pl_cli *cli, struct audit_run *run, int n, char **specs)
{
	struct pl_targets *ts = pl_targets_new();
	struct pl_ports ps = {0};
	struct gather_ctx g = {.run = run};
	struct pl_scan_opts so = {
	    .engine = &pl_scan_engine_connect,
	    .cfg = {.timeout_ms = 1000, .retries = 1, .max_inflight = 512},
	    .seed = 1,
	    .on_result = on_open,
	    .ctx = &g,
	};
	struct pl_scan *scan = NULL;
	struct pl_err err = {0};
	int rc;

	if (!ts)
		return pli_cli_fail(cli, "out of memory");
	rc = add_targets(cli, run, ts, &ps, n, specs);
	if (rc != PL_EXIT_OK)
		goto out;
	{
		enum pl_rc src = pl_scan_new(ts, &ps, &so, &scan, &err);

		if (src == PL_OK)
			src = pl_scan_run(scan, &err);
		if (src != PL_OK) {
			pli_cli_print_err(cli, &err);
			rc = pli_cli_exit_for(src);
			goto out;
		}
	}
	if (g.nomem)
		rc = pli_cli_fail(cli, "out of memory");
	else
		rc = add_udp(cli, run, ts);
out:
	pl_scan_free(scan);
	pl_ports_cleanup(&ps);
	pl_targets_free(ts);
	return rc;
}
