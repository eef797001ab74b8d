// SPDX-License-Identifier: MIT
/*
 * scan_save.c - `portlens scan --save [--db PATH]`: streams every reported result into
 * the SQLite store (portlens/store.h) as the scan runs, for `portlens serve` to show.
 *
 * Each result is committed before the next one is handled (pl_store_sink_add), so a
 * crash or kill mid-scan loses nothing already reported; the scan then stays "running"
 * in the database. Ctrl-C finishes it as "interrupted". A store error stops saving
 * (with one message) but never the scan: the other outputs still get every result.
 *
 * With --sV the store's columns take what the probe found: service is the identified
 * service ("ssh", "ssl/http"; the registry's name when nothing was identified) and
 * banner is the evidence, escaped (\r \n \xNN) as every output shows it. The schema
 * has no columns for product, version or CPE; they are in the file outputs.
 *
 * Host discovery (-sn) saves each up host as it is found: a row of port 0 in state
 * "up", the reason it is up (echo-reply, reset, arp-response, ...) in banner, its
 * round trip in rtt_us. `portlens diff` reads such rows back as hosts without ports.
 */
#include <string.h>

#include "cli/scan/scan_save.h"

/* The registry's service name for port/proto, or "" (the web shows it per result). */
static const char *
service_of(const struct scan_info *info, uint16_t port, enum pl_proto proto)
{
	const struct pl_reg_entry *e = pl_registry_assigned(info->reg, port, proto);

	return e ? e->service : "";
}

static int
save_begin(struct scan_sink *s, const struct scan_info *info)
{
	struct scan_save *save = s->priv;
	struct pl_store_scan_meta meta = {
	    .targets = pli_buf_str(&save->targets),
	    .ports = info->services,
	    .engine = info->engine,
	    .command = info->args,
	    .started_at = (int64_t)info->start,
	};
	struct pl_err err = {0};

	if (pl_store_sink_open(save->db, &meta, &save->sink, &err) != PL_OK) {
		pli_cli_print_err(save->cli, &err);
		return -1;
	}
	return 0;
}

static int
save_result(struct scan_sink *s, const struct scan_info *info, const struct pl_scan_result *r,
            const struct scan_sv_result *probed)
{
	struct scan_save *save = s->priv;
	const struct pl_service *svc = scan_sv_found(probed);
	char addr[64], name[32];
	struct pl_store_result row = {
	    .addr = pl_scan_addr_str(&r->addr, addr, sizeof(addr)),
	    .port = r->port,
	    .proto = (enum pl_proto)r->proto,
	    .state = pl_port_state_name((enum pl_port_state)r->state),
	    .service = service_of(info, r->port, (enum pl_proto)r->proto),
	    .rtt_us = r->state == PL_PORT_OPEN ? (int64_t)r->rtt_us : -1,
	};
	struct pl_err err = {0};

	if (!save->sink || save->failed)
		return 0;
	if (info->ping) { /* -sn: an up host is a row of port 0 in state "up" */
		row.port = 0;
		row.state = "up";
		row.service = "";
		row.banner = pl_scan_reason_name((enum pl_scan_reason)r->reason);
		row.rtt_us = (int64_t)r->rtt_us;
	} else if (svc) {
		snprintf(name, sizeof(name), "%s%s", svc->tls ? "ssl/" : "", svc->service);
		row.service = name;
		row.product = svc->product;
		row.version = svc->version;
		row.cpe = svc->cpe;
	}
	if (probed && probed->rc == PL_OK)
		row.banner = probed->svc->evidence;
	if (pl_store_sink_add(save->sink, &row, &err) != PL_OK) {
		pli_cli_print_err(save->cli, &err);
		save->failed = 1;
		return -1;
	}
	return 0;
}

static int
save_close(struct scan_save *save, int interrupted)
{
	struct pl_cli *cli = save->cli;
	struct pl_err err = {0};
	int64_t id;
	int rc = 0;

	if (save->sink) {
		id = pl_store_sink_scan_id(save->sink);
		/* A write failed: the scan is marked "incomplete", never "done". */
		if (pl_store_sink_close(save->sink,
		                        save->failed  ? "incomplete"
		                        : interrupted ? "interrupted"
		                                      : "done",
		                        &err) != PL_OK) {
			/* After a failed write (a full disk) marking the scan may fail the same
			 * way; the user still needs to hear that the scan is only partly saved. */
			if (save->failed)
				fprintf(cli->err,
				        "%s: scan #%lld is only partly saved: a write failed, and "
				        "marking it incomplete failed too (%s)\n",
				        cli->prog, (long long)id, err.msg);
			else
				pli_cli_print_err(cli, &err);
			rc = -1;
		} else if (save->failed) {
			fprintf(cli->err,
			        "%s: scan #%lld is only partly saved (marked incomplete): a write "
			        "failed\n",
			        cli->prog, (long long)id);
		} else {
			fprintf(cli->err, "%s: scan saved as #%lld (portlens serve: /scans/%lld)\n",
			        cli->prog, (long long)id, (long long)id);
		}
		save->sink = NULL;
	}
	return save->failed ? -1 : rc;
}

static int
save_end(struct scan_sink *s, const struct scan_info *info)
{
	return save_close(s->priv, info->interrupted);
}

static void
save_abandon(struct scan_sink *s)
{
	save_close(s->priv, 1);
}

const struct scan_sink_ops scan_sink_store = {
    .name = "store",
    .begin = save_begin,
    .result = save_result,
    .end = save_end,
    .abandon = save_abandon,
    .failed_msg = "--save failed: the scan is not completely saved in the store",
};
