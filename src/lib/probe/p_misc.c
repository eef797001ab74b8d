// SPDX-License-Identifier: MIT
/*
 * p_misc.c - three binary protocols with one-packet handshakes: MQTT 3.1.1 (a CONNECT
 * for client id "portlens" without credentials; CONNACK return code 0 means the broker
 * lets anyone in, 4/5 that it wants credentials), VNC (the server sends
 * "RFB 003.008\n" first, RFC 6143) and RDP (an X.224 Connection Request with an RDP
 * negotiation request; a Connection Confirm, TPDU code 0xd0, answers it).
 */
#include <stdio.h>
#include <string.h>

#include "probe/probe_impl.h"

static const unsigned char mqtt_connect[] = {0x10, 20,   0x00, 0x04, 'M',  'Q',  'T', 'T',
                                             0x04, 0x02, 0x00, 0x3c, 0x00, 0x08, 'p', 'o',
                                             'r',  't',  'l',  'e',  'n',  's'};

static size_t
mqtt_request(const struct probe_run *run, unsigned char *buf, size_t cap)
{
	(void)run;
	return pl_probe_fixed_request(buf, cap, mqtt_connect, sizeof(mqtt_connect));
}

static unsigned
mqtt_classify(const struct pl_probe_ctx *ctx, const unsigned char *d, size_t n,
              struct pl_service *out)
{
	(void)ctx;
	if (n != 4 || d[0] != 0x20 || d[1] != 0x02 || d[3] > 5)
		return 0;
	pl_probe_set(out->service, sizeof(out->service), "mqtt");
	out->auth_required = d[3] == 0 ? PL_TRI_NO : (d[3] >= 4 ? PL_TRI_YES : PL_TRI_UNKNOWN);
	pl_probe_add_info(out, "CONNACK code %u", d[3]);
	pl_probe_evidence(out, d, n);
	return 100;
}

static unsigned
vnc_classify(const struct pl_probe_ctx *ctx, const unsigned char *d, size_t n,
             struct pl_service *out)
{
	unsigned maj, min;

	(void)ctx;
	if (n < 12 || memcmp(d, "RFB ", 4) != 0 || d[11] != '\n' ||
	    sscanf((const char *)d + 4, "%3u.%3u", &maj, &min) != 2)
		return 0;
	pl_probe_set(out->service, sizeof(out->service), "vnc");
	snprintf(out->info, sizeof(out->info), "RFB protocol %u.%u", maj, min);
	pl_probe_evidence(out, d, 12);
	return 100;
}

static const unsigned char rdp_cr[] = {0x03, 0x00, 0x00, 0x13, 0x0e, 0xe0, 0x00, 0x00, 0x00, 0x00,
                                       0x00, 0x01, 0x00, 0x08, 0x00, 0x03, 0x00, 0x00, 0x00};

static size_t
rdp_request(const struct probe_run *run, unsigned char *buf, size_t cap)
{
	(void)run;
	return pl_probe_fixed_request(buf, cap, rdp_cr, sizeof(rdp_cr));
}

static unsigned
rdp_classify(const struct pl_probe_ctx *ctx, const unsigned char *d, size_t n,
             struct pl_service *out)
{
	(void)ctx;
	if (n < 11 || d[0] != 0x03 || d[1] != 0x00 || d[5] != 0xd0)
		return 0;
	pl_probe_set(out->service, sizeof(out->service), "rdp");
	pl_probe_evidence(out, d, n > 64 ? 64 : n);
	if (n >= 19 && d[11] == 0x02)
		pl_probe_add_info(out, "negotiated protocol %u", d[15]);
	return 100;
}

static const uint16_t mqtt_ports[] = {1883, 8883, 0};
static const uint16_t vnc_ports[] = {5900, 5901, 5902, 5800, 0};
static const uint16_t rdp_ports[] = {3389, 0};

const struct probe_def pl_probe_mqtt = {
    .name = "mqtt",
    .ports = mqtt_ports,
    .request = mqtt_request,
    .classify = mqtt_classify,
};

const struct probe_def pl_probe_vnc = {
    .name = "vnc",
    .ports = vnc_ports,
    .talks_first = 1,
    .complete = pl_probe_line_complete,
    .classify = vnc_classify,
};

const struct probe_def pl_probe_rdp = {
    .name = "rdp",
    .ports = rdp_ports,
    .request = rdp_request,
    .classify = rdp_classify,
};
