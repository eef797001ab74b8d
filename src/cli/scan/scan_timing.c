// SPDX-License-Identifier: MIT
/*
 * scan_timing.c - nmap's timing templates (-T0..-T5, or their names) and --min-rate for
 * `portlens scan`.
 *
 * A template sets what the user did not set: options given on the command line win,
 * wherever they stand. The values follow nmap's documented templates (nmap's "Timing
 * templates" section) mapped onto portlens's knobs: -T0/-T1 one probe at a time, 300 s
 * and 15 s apart; -T2 one at a time, 0.4 s apart; -T3 the defaults; -T4 a 500 ms
 * timeout (nmap's initial RTT timeout for -T4) with 2 retries; -T5 a 300 ms timeout
 * (nmap's maximum RTT timeout for -T5) with 2 retries. portlens's driver adapts its
 * window to the answers anyway, so -T4/-T5 only shorten the wait for silent ports.
 */
#include <string.h>

#include "cli/scan/scan_cmd.h"
#include "core/strnum.h"

struct preset {
	const char *name;
	double rate; /* probes per second; 0 = unlimited */
	uint32_t max_inflight, timeout_ms, retries;
};

static const struct preset presets[6] = {
    [0] = {.name = "paranoid",
           .rate = 1.0 / 300,
           .max_inflight = 1,
           .timeout_ms = 5000,
           .retries = 1},
    [1] = {.name = "sneaky", .rate = 1.0 / 15, .max_inflight = 1, .timeout_ms = 5000, .retries = 1},
    [2] = {.name = "polite", .rate = 2.5, .max_inflight = 1, .timeout_ms = 1000, .retries = 1},
    [3] = {.name = "normal", .timeout_ms = 1000, .retries = 1},
    [4] = {.name = "aggressive", .timeout_ms = 500, .retries = 2},
    [5] = {.name = "insane", .timeout_ms = 300, .retries = 2},
};

int
scan_timing_template(struct pl_cli *cli, struct scan_opts *o, const char *arg)
{
	for (int i = 0; i < 6; i++) {
		if ((arg[0] == '0' + i && arg[1] == '\0') || strcmp(arg, presets[i].name) == 0) {
			o->timing = i;
			return PL_EXIT_OK;
		}
	}
	return pli_cli_usage_error(cli,
	                           "-T%s: expected 0-5 or paranoid, sneaky, polite, normal, "
	                           "aggressive, insane",
	                           arg);
}

int
scan_timing_apply(struct pl_cli *cli, struct scan_opts *o)
{
	if (o->timing >= 0) {
		const struct preset *p = &presets[o->timing];

		if (!(o->set & SCAN_SET_RATE))
			o->rate = p->rate;
		if (!(o->set & SCAN_SET_MAXINF) && p->max_inflight)
			o->max_inflight = p->max_inflight;
		if (!(o->set & SCAN_SET_TIMEOUT))
			o->timeout_ms = p->timeout_ms;
		if (!(o->set & SCAN_SET_RETRIES))
			o->retries = p->retries;
	}
	if (o->min_rate > 0 && o->rate > 0 && o->min_rate > o->rate)
		return pli_cli_usage_error(cli, "--min-rate %.0f is above --max-rate %.0f",
		                           o->min_rate, o->rate);
	return PL_EXIT_OK;
}
