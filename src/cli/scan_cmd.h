/* SPDX-License-Identifier: MIT */
/*
 * cli/scan_cmd.h - state of one `portlens scan` invocation, shared by cmd_scan.c (run,
 * signals, resume) and scan_args.c (options, targets, ports, sinks).
 */
#ifndef PL_CLI_SCAN_CMD_H
#define PL_CLI_SCAN_CMD_H

#include "cli/scan_save.h"
#include "cli/scan_sink.h"
#include "cli/scan_probe.h" /* --sV */

/* Exit code after Ctrl-C (128 + SIGINT, as shells report it); resume file written. */
#define PL_EXIT_INTERRUPTED 130

/* --sV: time budget of one port's service probe (the probe library's default). */
#define SCAN_SV_BUDGET_MS 15000

/* Probes a scan may send without --yes-large: a /16 worth. */
#define SCAN_LARGE_LIMIT 65536

enum { SCAN_OUT_NORMAL, SCAN_OUT_JSON, SCAN_OUT_XML, SCAN_OUT_GREP, SCAN_OUT_CSV, SCAN_OUT_N };

struct scan_run {
	struct pl_cli *cli;
	struct pl_targets *targets;
	struct pl_ports ports;
	struct pl_ports exclude_ports;
	const char *out_path[SCAN_OUT_N];
	const char *resume_in;  /* --resume FILE */
	const char *resume_out; /* where Ctrl-C saves the state */
	uint64_t seed;
	int seed_set;
	uint32_t shard_i, shard_n;
	uint32_t top;
	int have_ports;
	double rate;
	uint32_t max_inflight, timeout_ms, retries;
	double min_rate;  /* --min-rate (scan_timing.c) */
	int timing;       /* -T0..5; -1 = none */
	unsigned set;     /* SCAN_SET_*: given on the command line, so -T leaves them */
	uint32_t threads; /* --threads; 0 = default (1) */
	const struct pl_scan_engine *engine; /* -sT (default), -sS, ...: pl_scan_engine_find */
	struct pl_scan_raw_opts raw; /* --source-ip, --source-port, --interface (raw engines) */
	int raw_set;                 /* one of them was given */
	int yes_large, dry_run, all_states, reason, v6, no_progress;
	int json_stdout; /* --json: -oJ - */
	double stats_json;
	uint64_t fd_limit;
	/* Saved in the resume file: the arguments as given, plus --seed if it was drawn. */
	char **saved_args;
	size_t n_saved;
	char seed_buf[32];
	/* From a resume file. */
	char **loaded_args;
	size_t n_loaded;
	struct pl_scan_state state;
	int have_state;
	/* Output. */
	struct scan_sink sinks[SCAN_OUT_N + 1];
	size_t n_sinks;
	struct scan_info info;
	struct scan_progress progress;
	char *args_str;
	char *services_str;
	/* Hosts that answered (open or closed), with their counts (scan_hosts.c). */
	struct scan_hosts up;
	/* The text table on a terminal is written sorted at the end; meanwhile each open
	 * port is announced here as found ("Discovered open port ..."), or NULL. */
	FILE *live;
	/* --save: results streamed into the SQLite store (scan_save.c). */
	struct scan_save save;
	/* --sV: service detection on open ports (the probe pool, scan_probe.c). */
	int sv;
	struct scan_probe *sv_pool;
	uint64_t *sv_pending; /* positions of open ports dropped from the probe queue by */
	size_t sv_n_pending, sv_cap_pending; /* Ctrl-C: unreported, listed for --resume */
	int sv_nomem;                        /* some port went out without its probe */
};

void scan_run_init(struct scan_run *run);
void scan_run_cleanup(struct scan_run *run);
/* Parses the command line (and a resume file it names). PL_EXIT_OK, -1 after --help,
 * or an exit code after printing the error. */
int scan_parse_command(struct pl_cli *cli, struct scan_run *run, int argc, char **argv);
/*
 * The size guard of scan and audit: more than SCAN_LARGE_LIMIT probes (targets x
 * ports) is refused unless yes_large. cmd names the command in the message. Returns
 * PL_EXIT_OK or PL_EXIT_USAGE after printing why.
 */
int scan_check_size(struct pl_cli *cli, const char *cmd, const struct pl_targets *ts,
                    uint32_t n_ports, int yes_large);
/* Makes ts skip this machine's broadcast addresses (netlink); a warning if unreadable. */
void scan_skip_broadcasts(struct pl_cli *cli, struct pl_targets *ts);
/* -sn: the one port-0 probe per target; a usage error when ports were asked for. */
int scan_ping_ports(struct pl_cli *cli, struct scan_run *run);
/*
 * -p and --exclude-ports hold unprefixed ports as PL_PROTO_DCCP until the scan type is
 * known; this gives them theirs (TCP; UDP under -sU; both under -sS -sU, as nmap) and
 * adds the top ports (run->top) of each scanned transport. PL_EXIT_OK or an error.
 */
int scan_resolve_ports(struct pl_cli *cli, struct scan_run *run);
/* Fills run->info (arguments, engine, sets, registry) for the store and the sinks. */
void scan_info_fill(struct pl_cli *cli, struct scan_run *run);
/* Opens every output and writes its header; on failure closes what it opened. */
int scan_open_sinks(struct pl_cli *cli, struct scan_run *run);
/* Writes every footer and closes the outputs; PL_EXIT_FAIL on a write error. */
int scan_close_sinks(struct pl_cli *cli, struct scan_run *run);
/* Timing options the user set explicitly (a -T template leaves them alone). */
#define SCAN_SET_RATE    1u
#define SCAN_SET_MAXINF  2u
#define SCAN_SET_TIMEOUT 4u
#define SCAN_SET_RETRIES 8u
/* -T0..5 / -T NAME (scan_timing.c): PL_EXIT_OK or a usage error printed. */
int scan_timing_template(struct pl_cli *cli, struct scan_run *run, const char *arg);
/* Applies the template to what was not set; checks --min-rate <= --max-rate. */
int scan_timing_apply(struct pl_cli *cli, struct scan_run *run);
/* Drops every capability but CAP_DAC_OVERRIDE (scan_caps.c); 0, or -1 with errno. */
int scan_drop_caps(void);

#endif
