/* SPDX-License-Identifier: MIT */
/*
 * core/cpus.h - how many CPUs this process may run on: what sizes thread pools (the
 * scan engines, the web server, the process-owner walk).
 */
#ifndef PL_CORE_CPUS_H
#define PL_CORE_CPUS_H

/*
 * The CPUs in this process's affinity mask (taskset, cgroup cpusets), else the
 * online count; at least 1. A pool sized to the machine's CPUs would overcommit a
 * process confined to fewer.
 */
unsigned pli_usable_cpus(void);

#endif
