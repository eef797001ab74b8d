// SPDX-License-Identifier: MIT
/*
 * scan_caps.c - after a raw engine has opened its sockets, the scan gives up the
 * capabilities it no longer needs (CAP_NET_RAW and everything else).
 *
 * Kept: CAP_DAC_OVERRIDE, when the process has it, because the scan still writes files
 * the user named: outputs appended at the end, the XML regrouped by rename, the resume
 * file on Ctrl-C, the --save store; `sudo portlens scan -sS ... -oX scan.xml` run in a
 * user's directory would otherwise fail at its end. Everything else, the network and
 * administration capabilities first, goes from the effective, permitted and inheritable
 * sets, so a bug in packet or banner parsing cannot be turned into raw-socket access.
 *
 * Linux applies capset() to the calling thread only, so this runs before the scan
 * starts any thread: the --sV pool is started after it, and the engines' worker
 * threads (engine_threads.c) at their first probe, which is later still.
 */
#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cli/scan/scan_cmd.h"

int
scan_drop_caps(void)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	uint32_t keep = 1u << CAP_DAC_OVERRIDE; /* CAP_DAC_OVERRIDE < 32: in data[0] */

	if (syscall(SYS_capget, &hdr, data) != 0)
		return -1;
	data[0].effective &= keep;
	data[0].permitted &= keep;
	data[0].inheritable = 0;
	for (int i = 1; i < _LINUX_CAPABILITY_U32S_3; i++)
		data[i].effective = data[i].permitted = data[i].inheritable = 0;
	return syscall(SYS_capset, &hdr, data) == 0 ? 0 : -1;
}
