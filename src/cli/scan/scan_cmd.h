/* SPDX-License-Identifier: MIT */
/*
 * cli/scan_cmd.h - state of one `portlens scan` invocation, shared by cmd_scan.c (run,
 * signals, resume), scan_opts.c (the option table), scan_args.c (targets, ports,
 * resume file) and scan_outputs.c (the sinks).
 */
#ifndef PL_CLI_SCAN_CMD_H
#define PL_CLI_SCAN_CMD_H

#include "cli/opts.h"
#include "cli/scan/scan_save.h"
#include "cli/scan/scan_sink.h"
#include "cli/scan/scan_stage_sv.h"

/* Exit code after Ctrl-C (128 + SIGINT, as shells report it); resume file written. */
#define PL_EXIT_INTERRUPTED 130

/* Probes a scan may send without --yes-large: a /16 worth. */
#define SCAN_LARGE_LIMIT 65536

enum { SCAN_OUT_NORMAL, SCAN_OUT_JSON, SCAN_OUT_XML, SCAN_OUT_GREP, SCAN_OUT_CSV, SCAN_OUT_N };

/* Targets and target files, applied in command-line order after every option. */
enum { SCAN_DEFER_TARGET, SCAN_DEFER_IL, SCAN_DEFER_EXCLUDE, SCAN_DEFER_EXCLUDEFILE };

struct scan_deferred {
	int kind; /* SCAN_DEFER_* */
	const char *arg;
};

/* What the command line asks for (scan_opts.c fills it, one table row per option). */
struct scan_opts {
	struct scan_deferred *deferred; /* room for every argument */
	size_t n_deferred;
	int v6; /* -6 */
	struct pl_ports ports;
	struct pl_ports exclude_ports;
	uint32_t top;
	int have_ports;
	const struct pl_scan_engine *engine; /* -sT (default), -sS, ...: pl_scan_engine_find */
	struct pl_scan_raw_opts raw; /* --source-ip, --source-port, --interface (raw engines) */
	int raw_set;                 /* one of them was given */
	double rate;
	double min_rate; /* --min-rate (scan_timing.c) */
	uint32_t max_inflight, timeout_ms, retries;
	int timing;       /* -T0..5; -1 = none */
	unsigned set;     /* SCAN_SET_*: given on the command line, so -T leaves them */
	uint32_t threads; /* --threads; 0 = default (1) */
	uint64_t seed;
	int seed_set;
	uint32_t shard_i, shard_n;
	const char *resume_in;  /* --resume FILE */
	const char *resume_out; /* where Ctrl-C saves the state */
	const char *out_path[SCAN_OUT_N];
	int json_stdout; /* --json: -oJ - */
	int all_states, reason, no_progress;
	double stats_json;
	int sv;         /* --sV: the service stage runs (scan_stage_sv.c) */
	int save;       /* --save: the store is one more sink (scan_save.c) */
	const char *db; /* --db PATH, or NULL for the default path */
	int yes_large, dry_run;
};

/* The resume file: what it keeps of this run, and what a resumed run read from it. */
struct scan_resume {
	/* Saved in the resume file: the arguments as given, plus --seed if it was drawn. */
	char **saved_args;
	size_t n_saved;
	char seed_buf[32];
	/* From a resume file. */
	char **loaded_args;
	size_t n_loaded;
	struct pl_scan_state state;
	int have_state;
};

/*
 * One `portlens scan`: options, resume state, the target and port sets built from them,
 * and the pipeline engine -> (service stage) -> sinks. The sinks are the file formats
 * and, with --save, the store; the service stage holds an open port until its probe is
 * done, then hands it on.
 */
struct scan_run {
	struct pl_cli *cli;
	struct scan_opts opt;
	struct scan_resume resume;
	struct pl_targets *targets;
	uint64_t fd_limit;
	/* Output: every sink gets every reported result. */
	struct scan_sink sinks[SCAN_OUT_N + 2];
	size_t n_sinks;
	struct scan_save save; /* the store sink's state (scan_save.c) */
	struct scan_info info;
	struct scan_progress progress;
	char *args_str;
	char *services_str;
	/* Hosts that answered (open or closed), with their counts (scan_hosts.c). */
	struct scan_hosts up;
	/* The text table on a terminal is written sorted at the end; meanwhile each open
	 * port is announced here as found ("Discovered open port ..."), or NULL. */
	FILE *live;
	struct scan_stage_sv stage_sv; /* between the engine and the sinks (scan_stage_sv.c) */
};

void scan_run_init(struct scan_run *run);
void scan_run_cleanup(struct scan_run *run);
/* scan_parse_command in the light `portlens`: the options ask for --sV or --save, which
 * only portlens-full links (scan_light.c); nothing was read or opened yet. */
#define SCAN_EXIT_NEEDS_FULL (-2)

/* Parses the command line (and a resume file it names). PL_EXIT_OK, -1 after --help,
 * SCAN_EXIT_NEEDS_FULL, or an exit code after printing the error. */
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
int scan_timing_template(struct pl_cli *cli, struct scan_opts *o, const char *arg);
/* Applies the template to what was not set; checks --min-rate <= --max-rate. */
int scan_timing_apply(struct pl_cli *cli, struct scan_opts *o);
/* -sn: the one port-0 probe per target; a usage error when ports were asked for. */
int scan_ping_ports(struct pl_cli *cli, struct scan_opts *o);
/*
 * -p and --exclude-ports hold unprefixed ports as PL_PROTO_DCCP until the scan type is
 * known; this gives them theirs (TCP; UDP under -sU; both under -sS -sU, as nmap) and
 * adds the top ports (o->top) of each scanned transport. PL_EXIT_OK or an error.
 */
int scan_resolve_ports(struct pl_cli *cli, struct scan_opts *o);
/* Drops every capability but CAP_DAC_OVERRIDE (scan_caps.c); 0, or -1 with errno. */
int scan_drop_caps(void);

#endif
