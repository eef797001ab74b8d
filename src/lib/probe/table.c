// SPDX-License-Identifier: MIT
/*
 * table.c - the probe table: every protocol the scheduler knows, in order of general
 * likelihood (the scheduler moves the probes whose ports match to the front). Add a
 * protocol by writing p_NAME.c with a const struct probe_def and one line here.
 */
#include "probe/probe_impl.h"

const struct probe_def *const pl_probe_table[] = {
    &pl_probe_http,  &pl_probe_ssh,        &pl_probe_tls,  &pl_probe_telnet, &pl_probe_ftp,
    &pl_probe_smtp,  &pl_probe_pop3,       &pl_probe_imap, &pl_probe_redis,  &pl_probe_memcached,
    &pl_probe_mysql, &pl_probe_postgresql, &pl_probe_mqtt, &pl_probe_vnc,    &pl_probe_rdp,
    &pl_probe_dns,   &pl_probe_mongodb,    &pl_probe_sip,  &pl_probe_modbus, &pl_probe_s7,
    &pl_probe_ldap,  &pl_probe_rsync,      &pl_probe_smb,
};

const size_t pl_probe_table_count = sizeof(pl_probe_table) / sizeof(pl_probe_table[0]);
