// SPDX-License-Identifier: MIT
/*
 * p_misc.c - two binary protocols with short handshakes. MQTT 3.1.1 (a CONNECT for
 * client id "portlens" without credentials; CONNACK return code 0 means the broker lets
 * anyone in, 4/5 that it wants credentials); a broker that lets us in is asked to
 * SUBSCRIBE to $SYS/broker/version, which Mosquitto answers with a retained PUBLISH
 * "mosquitto version X". VNC (RFC 6143): the server sends "RFB 003.008\n" first; we
 * answer with the same version and read the security types it offers (7.1.2; protocol
 * 3.3 servers send one 32-bit type instead), type 1 "None" being no authentication.
 */
#include <stdio.h>
#include <string.h>

#include "probe/probe_impl.h"

static const unsigned char mqtt_connect[] = {0x10, 20,   0x00, 0x04, 'M',  'Q',  'T', 'T',
                                             0x04, 0x02, 0x00, 0x3c, 0x00, 0x08, 'p', 'o',
                                             'r',  't',  'l',  'e',  'n',  's'};

static unsigned
mqtt_classify(const struct pl_probe_ctx *ctx, const unsigned char *d, size_t n,
              struct pl_service *out)
{
	(void)ctx;
	if (n != 4 || d[0] != 0x20 || d[1] != 0x02 || d[3] > 5)
		return 0;
	pli_probe_set(out->service, sizeof(out->service), "mqtt");
	out->auth_required = d[3] == 0 ? PL_TRI_NO : (d[3] >= 4 ? PL_TRI_YES : PL_TRI_UNKNOWN);
	pli_probe_add_info(out, "CONNACK code %u", d[3]);
	pli_probe_evidence(out, d, n);
	return 100;
}

/* SUBSCRIBE, packet id 1, topic $SYS/broker/version, QoS 0 (MQTT 3.1.1 section 3.8). */
static const unsigned char mqtt_subscribe[] = {0x82, 0x18, 0x00, 0x01, 0x00, 0x13, '$', 'S', 'Y',
                                               'S',  '/',  'b',  'r',  'o',  'k',  'e', 'r', '/',
                                               'v',  'e',  'r',  's',  'i',  'o',  'n', 0x00};

/*
 * Reads one MQTT fixed header at d[*o]: packet type byte and remaining length (1 to 4
 * bytes, 7 bits each, section 2.2.3). -1 when it is malformed or runs past the bytes.
 */
static int
mqtt_packet(const unsigned char *d, size_t n, size_t *o, unsigned *type, size_t *len)
{
	size_t k = *o + 1, mult = 1;

	*len = 0;
	if (*o >= n)
		return -1;
	*type = d[*o];
	for (int i = 0;; i++, k++) {
		if (i == 4 || k >= n)
			return -1; /* a fifth length byte, or the bytes end inside the length */
		*len += (d[k] & 0x7f) * mult;
		mult *= 128;
		if (!(d[k] & 0x80))
			break;
	}
	k++;
	if (k > n || *len > n - k)
		return -1;
	*o = k;
	return 0;
}

void
pli_mqtt_sys_version(const unsigned char *d, size_t n, struct pl_service *out)
{
	size_t o = 0, len;
	unsigned type;

	for (int i = 0; i < 16 && mqtt_packet(d, n, &o, &type, &len) == 0; i++, o += len) {
		size_t tl;
		const unsigned char *payload;
		size_t pl;

		if ((type & 0xf0) == 0x90 && len >= 3 && d[o + 2] != 0x80)
			out->exposures |= PL_EXP_MQTT_ANON;
		if ((type & 0xf0) != 0x30 || len < 2)
			continue;
		tl = (size_t)(d[o] << 8 | d[o + 1]);
		if (2 + tl > len)
			continue;
		payload = d + o + 2 + tl + ((type & 0x06) ? 2 : 0); /* packet id when QoS > 0 */
		if (payload > d + o + len)
			continue;
		pl = (size_t)(d + o + len - payload);
		pli_probe_add_info(out, "$SYS/broker/version: %.*s", (int)(pl > 80 ? 80 : pl),
		                   (const char *)payload);
		if (pl > 18 && memcmp(payload, "mosquitto version ", 18) == 0) {
			pli_probe_set(out->vendor, sizeof(out->vendor), "Eclipse");
			pli_probe_set(out->product, sizeof(out->product), "Mosquitto");
			pli_probe_copy(out->version, sizeof(out->version),
			               (const char *)payload + 18, pl - 18);
			snprintf(out->cpe, sizeof(out->cpe), "cpe:/a:eclipse:mosquitto:%s",
			         out->version);
		}
		return;
	}
}

static void
mqtt_followup(const struct probe_run *run, struct probe_conn *c, struct probe_answer *ans,
              struct pl_service *out)
{
	static const unsigned char disconnect[] = {0xe0, 0x00};
	size_t start = ans->len;

	if (out->auth_required != PL_TRI_NO ||
	    pli_conn_send(c, mqtt_subscribe, sizeof(mqtt_subscribe)) != 0)
		return;
	pli_conn_read(c, ans, run->ctx->opts.read_ms, 500, NULL);
	pli_mqtt_sys_version(ans->data + start, ans->len - start, out);
	pli_conn_send(c, disconnect, sizeof(disconnect));
}

static const char *
vnc_type_name(unsigned t)
{
	switch (t) {
	case 1:
		return "None";
	case 2:
		return "VNC";
	case 5:
		return "RA2";
	case 16:
		return "Tight";
	case 18:
		return "TLS";
	case 19:
		return "VeNCrypt";
	case 30:
		return "Apple";
	default:
		return NULL;
	}
}

void
pli_vnc_security_types(const unsigned char *d, size_t n, int v33, struct pl_service *out)
{
	char list[96] = "";
	size_t used = 0, count;

	if (v33) { /* protocol 3.3: one 32-bit type chosen by the server */
		if (n < 4)
			return;
		count = 1;
		d += 3;
	} else {
		if (n < 1 || n < 1 + (size_t)d[0] || d[0] == 0)
			return;
		count = d[0];
		d++;
	}
	for (size_t i = 0; i < count && used < sizeof(list); i++) {
		const char *name = vnc_type_name(d[i]);

		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", used ? ", " : "",
		                         name ? name : "");
		if (!name && used < sizeof(list))
			used += (size_t)snprintf(list + used, sizeof(list) - used, "%u", d[i]);
		if (d[i] == 1)
			out->exposures |= PL_EXP_VNC_NO_AUTH;
	}
	pli_probe_add_info(out, "security types: %s", list);
}

static void
vnc_followup(const struct probe_run *run, struct probe_conn *c, struct probe_answer *ans,
             struct pl_service *out)
{
	unsigned char reply[12];
	size_t start = ans->len;
	int v33;

	if (ans->len < 12)
		return;
	/* Answer with the server's own version, capped at 3.8. */
	memcpy(reply, ans->data, 12);
	v33 = memcmp(reply, "RFB 003.003", 11) == 0;
	if (memcmp(reply + 4, "003.008", 7) > 0)
		memcpy(reply, "RFB 003.008\n", 12);
	if (pli_conn_send(c, reply, sizeof(reply)) != 0)
		return;
	pli_conn_read(c, ans, run->ctx->opts.read_ms, 300, NULL);
	pli_vnc_security_types(ans->data + start, ans->len - start, v33, out);
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
	pli_probe_set(out->service, sizeof(out->service), "vnc");
	snprintf(out->info, sizeof(out->info), "RFB protocol %u.%u", maj, min);
	pli_probe_evidence(out, d, 12);
	return 100;
}

static const uint16_t mqtt_ports[] = {1883, 8883, 0};
static const uint16_t vnc_ports[] = {5900, 5901, 5902, 5800, 0};

const struct probe_def pl_probe_mqtt = {
    .name = "mqtt",
    .ports = mqtt_ports,
    .fixed = {mqtt_connect, sizeof(mqtt_connect)},
    .classify = mqtt_classify,
    .followup = mqtt_followup,
};

const struct probe_def pl_probe_vnc = {
    .name = "vnc",
    .ports = vnc_ports,
    .talks_first = 1,
    .complete = pli_probe_line_complete,
    .classify = vnc_classify,
    .followup = vnc_followup,
};
