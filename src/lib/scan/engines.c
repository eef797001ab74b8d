// SPDX-License-Identifier: MIT
/*
 * engines.c - the one table of scan engines. The CLI finds an engine here by nmap's
 * scan-type letter (-sT, -sS, -sU, -sn) or by name; nothing else names an engine, so a
 * new engine is one vtable and one line below.
 */
#include <string.h>

#include "portlens/scan.h"

static const struct pl_scan_engine *const engines[] = {
    &pl_scan_engine_connect, &pl_scan_engine_syn, &pl_scan_engine_udp,
    &pl_scan_engine_ping,    &pl_scan_engine_mix,
};

const struct pl_scan_engine *
pl_scan_engine_find(const char *name)
{
	for (size_t i = 0; name && i < sizeof(engines) / sizeof(engines[0]); i++)
		if (strcmp(engines[i]->name, name) == 0 || strcmp(engines[i]->flag, name) == 0)
			return engines[i];
	return NULL;
}

const struct pl_scan_engine *const *
pl_scan_engines(size_t *n)
{
	*n = sizeof(engines) / sizeof(engines[0]);
	return engines;
}
