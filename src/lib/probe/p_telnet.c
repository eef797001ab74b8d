// SPDX-License-Identifier: MIT
/*
 * p_telnet.c - Telnet (RFC 854/855): servers open with IAC option negotiation
 * (IAC DO/WILL/... option) and then print a banner and a login prompt. The classifier
 * accepts negotiation at the first byte, or a bare login prompt; the follow-up answers
 * the negotiation (refusing every option except ECHO and SUPPRESS-GO-AHEAD, like a
 * dumb client) until the server shows its text, which Recog telnet_banners refines.
 *
 * The text does not say which telnetd it is (GNU inetutils and netkit print the same
 * built-in banner), but the server's opening negotiation does: each implementation asks
 * for its options in its own fixed order (server_opening below, from telnetd.c of each).
 */
#include <string.h>

#include "probe/probe_impl.h"

enum { IAC = 255, DONT = 254, DO = 253, WONT = 252, WILL = 251, SB = 250, SE = 240 };
enum { OPT_ECHO = 1, OPT_SGA = 3 };

size_t
pli_telnet_text(const unsigned char *d, size_t n, char *out, size_t cap)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 1 < cap; i++) {
		if (d[i] != IAC) {
			if (d[i] != '\0')
				out[o++] = (char)d[i];
			continue;
		}
		if (i + 1 >= n)
			break;
		if (d[i + 1] == IAC) { /* escaped 255 */
			out[o++] = (char)IAC;
			i++;
		} else if (d[i + 1] >= WILL && d[i + 1] <= DONT) {
			i += 2;
		} else if (d[i + 1] == SB) {
			i += 2;
			while (i + 1 < n && !(d[i] == IAC && d[i + 1] == SE))
				i++;
			i++;
		} else {
			i++;
		}
	}
	if (cap)
		out[o] = '\0';
	return o;
}

void
pli_telnet_negotiate(struct probe_conn *c, const unsigned char *d, size_t n)
{
	unsigned char reply[256];
	size_t r = 0;

	for (size_t i = 0; i + 2 < n && r + 3 <= sizeof(reply); i++) {
		unsigned char verb, opt;

		if (d[i] != IAC || d[i + 1] < WILL || d[i + 1] > DONT)
			continue;
		verb = d[i + 1];
		opt = d[i + 2];
		reply[r++] = IAC;
		if (verb == DO)
			reply[r++] = (opt == OPT_SGA) ? WILL : WONT;
		else if (verb == WILL)
			reply[r++] = (opt == OPT_ECHO || opt == OPT_SGA) ? DO : DONT;
		else if (verb == DONT)
			reply[r++] = WONT;
		else
			reply[r++] = DONT;
		reply[r++] = opt;
		i += 2;
	}
	if (r)
		pli_conn_send(c, reply, r);
}

static int
negotiation_at_start(const unsigned char *d, size_t n)
{
	return n >= 3 && d[0] == IAC && d[1] >= SB && d[1] <= DONT;
}

static int
looks_like_prompt(const char *text)
{
	static const char *const prompts[] = {
	    "login:", "username:", "user name:", "password:", "user:", "account:"};
	size_t len = strlen(text);

	while (len && (text[len - 1] == ' ' || text[len - 1] == '\r' || text[len - 1] == '\n'))
		len--;
	for (size_t i = 0; i < sizeof(prompts) / sizeof(prompts[0]); i++) {
		size_t k = strlen(prompts[i]);

		if (len >= k &&
		    pli_probe_memcasemem((const unsigned char *)text + len - k, k, prompts[i]))
			return 1;
	}
	return 0;
}

/* The first options a telnetd negotiates, byte for byte, and who sends them. */
static const struct {
	const char *vendor, *product, *cpe;
	unsigned char open[12];
	size_t len;
} server_opening[] = {
    /* GNU inetutils telnetd 2.x: WILL AUTHENTICATION, WILL ENCRYPT, then DO TTYPE. */
    {"GNU",
     "inetutils telnetd",
     "cpe:/a:gnu:inetutils",
     {IAC, WILL, 37, IAC, WILL, 38, IAC, DO, 24},
     9},
    /* netkit telnetd 0.17 (no authentication option): DO TTYPE, TSPEED, XDISPLOC, NEW-ENVIRON,
       with nothing before it. */
    {"netkit",
     "telnetd",
     "cpe:/a:netkit:telnetd",
     {IAC, DO, 24, IAC, DO, 32, IAC, DO, 35, IAC, DO, 39},
     12},
};

static void
opening_vendor(const unsigned char *d, size_t n, struct pl_service *out)
{
	for (size_t i = 0; i < sizeof(server_opening) / sizeof(server_opening[0]); i++) {
		if (n < server_opening[i].len ||
		    memcmp(d, server_opening[i].open, server_opening[i].len) != 0)
			continue;
		pli_probe_set(out->vendor, sizeof(out->vendor), server_opening[i].vendor);
		pli_probe_set(out->product, sizeof(out->product), server_opening[i].product);
		pli_probe_set(out->cpe, sizeof(out->cpe), server_opening[i].cpe);
		return;
	}
}

unsigned
pli_probe_classify_telnet(const struct pl_probe_ctx *ctx, const unsigned char *d, size_t n,
                          struct pl_service *out)
{
	char text[2048];
	size_t len = pli_telnet_text(d, n, text, sizeof(text)), a = 0;
	int iac = negotiation_at_start(d, n);

	if (!iac && !looks_like_prompt(text))
		return 0;
	pli_probe_set(out->service, sizeof(out->service), "telnet");
	while (a < len && (text[a] == '\r' || text[a] == '\n' || text[a] == ' '))
		a++;
	while (len > a && (text[len - 1] == '\r' || text[len - 1] == '\n' || text[len - 1] == ' '))
		len--;
	if (len > a) {
		pli_probe_evidence(out, (const unsigned char *)text + a, len - a);
		pli_probe_recog(ctx, RECOG_TELNET, text + a, len - a, out);
	} else {
		pli_probe_evidence(out, d, n);
	}
	if (iac)
		opening_vendor(d, n, out);
	if (looks_like_prompt(text))
		pli_probe_add_info(out, "login prompt");
	return iac ? 100 : 60;
}

static unsigned
telnet_classify(const struct pl_probe_ctx *ctx, const unsigned char *d, size_t n,
                struct pl_service *out)
{
	return pli_probe_classify_telnet(ctx, d, n, out);
}

/* Answers negotiation until the server shows its prompt (at most eight rounds). */
static void
telnet_followup(const struct probe_run *run, struct probe_conn *c, struct probe_answer *ans,
                struct pl_service *out)
{
	char text[2048];
	size_t done = 0;

	for (int round = 0; round < 8; round++) {
		size_t before = ans->len;

		pli_telnet_text(ans->data, ans->len, text, sizeof(text));
		if (looks_like_prompt(text))
			break;
		pli_telnet_negotiate(c, ans->data + done, ans->len - done);
		done = ans->len;
		if (pli_conn_read(c, ans, run->ctx->opts.read_ms, 150, NULL) == 0 &&
		    ans->len == before)
			break;
	}
	pli_probe_classify_telnet(run->ctx, ans->data, ans->len, out);
}

static const uint16_t telnet_ports[] = {23, 2323, 992, 107, 0};

const struct probe_def pl_probe_telnet = {
    .name = "telnet",
    .ports = telnet_ports,
    .talks_first = 1,
    .classify = telnet_classify,
    .followup = telnet_followup,
};
