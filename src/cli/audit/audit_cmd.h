/* SPDX-License-Identifier: MIT */
/*
 * cli/audit_cmd.h - state of one `portlens audit` run, shared by cmd_audit.c (options,
 * probing, reporting) and cmd_audit_gather.c (listeners or scan results ->
 * observations).
 */
#ifndef PL_CLI_AUDIT_CMD_H
#define PL_CLI_AUDIT_CMD_H

#include "cli/audit/render_audit.h"
#include "portlens/addr.h"

struct audit_run {
	const char *ports_spec; /* -p, or NULL for the top 1000 */
	const char *udp_spec;   /* --udp, or NULL: no UDP ports */
	enum pl_severity fail_on;
	int check_creds, force, no_probe;
	int yes_large; /* --yes-large: the scan's size guard (scan_check_size) */
	unsigned parallel;
	struct pl_probe_opts probe_opts;
	struct pl_cred_opts cred_opts;
	struct pl_probe_ctx *probe_ctx;
	/* Observations and, per observation, where to probe it (family 0: not probed). */
	struct pl_audit_obs *obs;
	struct pl_addr *probe_at;
	size_t n_obs, cap;
	char scope[160]; /* "this machine (12 TCP listeners)", "198.18.0.0/24" */
};

/*
 * Appends an observation to probe at probe_at (NULL: not probed); returns a pointer to
 * it, or NULL when out of memory.
 */
struct pl_audit_obs *audit_obs_add(struct audit_run *run, const struct pl_addr *probe_at);

/* Observations from this machine's TCP listeners. Returns an exit code. */
int audit_gather_local(struct pl_cli *cli, struct audit_run *run);
/* Observations from a connect scan of the targets. Returns an exit code. */
int audit_gather_targets(struct pl_cli *cli, struct audit_run *run, int n, char **specs);

#endif
