// SPDX-License-Identifier: MIT
/*
 * rules_below.c - the audit rule for sockets below TCP and UDP, seen by the local audit
 * (`portlens listen --raw`): packet sockets, which read frames on an interface before
 * TCP/UDP and the firewall's INPUT chain without binding a port, and raw IP sockets,
 * which receive every packet of one IP protocol. ss -tulpn and lsof -i show neither.
 *
 * Both have everyday users (tcpdump, DHCP clients and LLDP agents; ping and routing
 * daemons), and both are where backdoors that wait for a "magic" packet hide (BPFDoor
 * on a packet socket, ICMP backdoors on raw sockets). So each is a finding whose
 * severity depends on the holder: one of the programs known to need it is reported
 * low (packet) or info (raw); anything else, or a holder that cannot be seen, is
 * medium (packet) or low (raw), with the evidence to check it.
 */
#include <stdio.h>
#include <string.h>

#include "audit/audit_impl.h"

/* Programs (their /proc/PID/comm, at most 15 bytes) that open packet sockets. */
static const char *const capture_users[] = {
    "tcpdump",        "dumpcap",        "tshark",    "dhclient", "dhcpcd",
    "udhcpc",         "dhcpd",          "kea-dhcp4", "dnsmasq",  "NetworkManager",
    "systemd-networ", "wpa_supplicant", "hostapd",   "lldpd",    "keepalived",
    "arping",         "avahi-autoipd",  "suricata",  "snort",    "zeek",
};

/* Programs that open raw IP sockets. */
static const char *const raw_users[] = {
    "ping",   "ping6", "fping", "traceroute", "mtr-packet", "nmap",  "bird",  "bird6",     "ospfd",
    "ospf6d", "zebra", "isisd", "pimd",       "keepalived", "radvd", "dhcpd", "kea-dhcp4",
};

/* Whether the holder ("name[pid]") is one of names. */
static int
held_by_one_of(const struct pl_audit_obs *o, const char *const *names, size_t n)
{
	size_t len = strcspn(o->process, "[");

	for (size_t i = 0; i < n; i++)
		if (len && strlen(names[i]) == len && strncmp(o->process, names[i], len) == 0)
			return 1;
	return 0;
}

static enum pl_rc
rule_capture(struct audit_state *st, const struct pl_audit_obs *o)
{
	int known =
	    held_by_one_of(o, capture_users, sizeof(capture_users) / sizeof(capture_users[0]));
	const char *iface = strcmp(o->addr, "*") == 0 ? "every interface" : o->addr;
	char what[48], ev[256];

	if (o->port == 3)
		snprintf(what, sizeof(what), "every frame");
	else if (o->proto_name[0])
		snprintf(what, sizeof(what), "%s frames (ethertype 0x%04x)", o->proto_name,
		         o->port);
	else
		snprintf(what, sizeof(what), "ethertype 0x%04x frames", o->port);
	snprintf(ev, sizeof(ev), "a packet socket reads %s on %s; held by %s", what, iface,
	         o->process[0] ? o->process : "no process portlens could see");
	return audit_add(
	    st, o, known ? PL_SEV_LOW : PL_SEV_MEDIUM, "packet-capture", ev,
	    "a packet socket sees traffic before TCP/UDP and the firewall's INPUT rules, and "
	    "binds no port, so ss -tulpn, netstat and lsof -i never show it. tcpdump, DHCP "
	    "clients and LLDP agents use one; backdoors such as BPFDoor wait on one for a "
	    "magic packet",
	    known ? "nothing, if you run this program on purpose"
	          : "find out what the program is (ls -l /proc/PID/exe; dpkg -S on that path) "
	            "and stop it if nobody here started it",
	    "Packet socket reading %s on %s%s%s", what, iface, o->process[0] ? ", held by " : "",
	    o->process);
}

static enum pl_rc
rule_raw(struct audit_state *st, const struct pl_audit_obs *o)
{
	int known = held_by_one_of(o, raw_users, sizeof(raw_users) / sizeof(raw_users[0]));
	char what[32], ev[256];

	if (o->proto_name[0])
		snprintf(what, sizeof(what), "%s", o->proto_name);
	else
		snprintf(what, sizeof(what), "IP protocol %u", o->port);
	snprintf(ev, sizeof(ev), "a raw socket bound to %s receives every %s packet; held by %s",
	         o->addr, what, o->process[0] ? o->process : "no process portlens could see");
	return audit_add(st, o, known ? PL_SEV_INFO : PL_SEV_LOW, "raw-socket", ev,
	                 "a raw socket receives every packet of its protocol sent to this "
	                 "machine, with no port: ping-like tools and routing daemons use one, "
	                 "and so do ICMP covert channels and backdoors",
	                 known ? "nothing, if you run this program on purpose"
	                       : "find out what the program is (ls -l /proc/PID/exe) and why "
	                         "it listens to raw IP traffic",
	                 "Raw %s socket on %s%s%s", what, o->addr,
	                 o->process[0] ? ", held by " : "", o->process);
}

enum pl_rc
audit_rule_below_tcp(struct audit_state *st, const struct pl_audit_obs *o)
{
	if (o->kind == PL_OBS_CAPTURE)
		return rule_capture(st, o);
	if (o->kind == PL_OBS_RAW)
		return rule_raw(st, o);
	return PL_OK;
}
