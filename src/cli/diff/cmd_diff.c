// SPDX-License-Identifier: MIT
/*
 * cmd_diff.c - `portlens diff A B`: what changed between two scans, host by host and
 * port by port (opened, closed, state, service), as text or JSON, with an exit code for
 * scripts and CI: 0 the same, 1 different, 2 an input could not be read. The rules of
 * the comparison are the library's (portlens/diff.h); this file loads and renders.
 */
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "cli/scan/scan_escape.h"
#include "cli/opts.h"
#include "cli/diff/scan_load.h"
#include "core/jsonw.h"

/* Common options diff does not honour (common.c refuses them with these lines). */
static const struct pl_cli_refusal diff_refuse[] = {
    {.opt = PL_OPT_MARKDOWN, .why = "diff has no Markdown output (--markdown); use --json"},
    {.opt = PL_OPT_NO_LIVE,
     .why = "diff compares scans and reads nothing live: --no-live does not apply"},
    {.opt = PL_OPT_LANG, .why = "diff speaks English only; --lang is for port pages"},
    {.opt = PL_OPT_COLOR, .why = "diff prints no colour: --color does not apply"},
    {.opt = PL_OPT_WIDTH,
     .why = "diff prints one line per change, never wrapped: --width does not apply"},
    {.opt = PL_OPT_REGISTRY,
     .why = "diff compares the names the scans recorded and reads no registry: "
            "--registry does not apply"},
    {.opt = 0},
};

#define FIELD(f) offsetof(struct scan_load_args, f)

// clang-format off
static const struct pl_cli_opt diff_rows[] = {
    {.text = "usage: portlens diff [OPTIONS] A B\n"
             "\n"
             "What changed from scan A to scan B, host by host and port by port: ports that\n"
             "opened or closed, states that changed (closed -> filtered), and services whose\n"
             "name, product or version changed (when both scans identified them: -sV, --sV).\n"
             "A and B are files -- portlens JSON lines (-oJ), nmap XML (from nmap, portlens or\n"
             "masscan -oX), masscan JSON (-oJ, -oD) or list output (-oL), '-' for standard\n"
             "input -- or the number of a scan saved with --save or imported. A port a scan did\n"
             "not list counts as not open. Exit status: 0 the same, 1 different, 2 error.\n"
             "\n"
             "options:\n"},
    {.name = "json", .id = PL_OPT_JSON,
     .help = "JSON output ({\"schema\": \"portlens.diff/1\", ...})"},
    {.name = "db", .arg = PL_ARG_REQUIRED, .metavar = "PATH|URL", .fn = pli_cli_opt_str,
     .field = FIELD(db),
     .help = "the store saved scan numbers are read from: an SQLite\n"
             "file (default $XDG_DATA_HOME/portlens/portlens.db) or\n"
             "postgresql://..."},
    {.name = "quiet", .short_name = 'q', .fn = pli_cli_opt_flag, .field = FIELD(quiet),
     .help = "print nothing; only the exit status"},
    {.name = "help", .short_name = 'h', .fn = pli_cli_opt_help, .help = "this help"},
};
// clang-format on

const struct pl_cli_optset diff_optset = {
    .rows = diff_rows,
    .n = PL_CLI_NROWS(diff_rows),
    .order = "+",
    .help_col = 22,
    .metavar_sep = ' ',
    .refuse = diff_refuse,
};

/* "ssh OpenSSH 9.2p1 (protocol 2.0)": what a port's service line says. */
static void
service_text(struct pl_buf *b, const struct pl_scandoc_port *p)
{
	const char *parts[] = {p->service, p->product, p->version};
	size_t start = b->len;

	for (size_t i = 0; i < 3; i++) {
		if (!parts[i][0])
			continue;
		if (b->len > start)
			pli_buf_putc(b, ' ');
		scan_esc_clean(b, parts[i]);
	}
	if (p->extrainfo[0]) {
		pli_buf_puts(b, b->len > start ? " (" : "(");
		scan_esc_clean(b, p->extrainfo);
		pli_buf_putc(b, ')');
	}
	if (b->len == start)
		pli_buf_putc(b, '-');
}

/* The host's name from either scan ("" when neither had one). */
static const char *
host_name(const struct pl_diff_change *c)
{
	if (c->hb && c->hb->hostname[0])
		return c->hb->hostname;
	return c->ha ? c->ha->hostname : "";
}

/* ": ssh OpenSSH 9.2p1" after an opened/closed line, when the scan named a service. */
static void
service_suffix(struct pl_buf *b, const struct pl_scandoc_port *p)
{
	if (!p->service[0] && !p->product[0])
		return;
	pli_buf_puts(b, ": ");
	service_text(b, p);
}

static void
text_change(struct pl_buf *b, const struct pl_diff_change *c)
{
	const struct pl_scandoc_port *p = c->b ? c->b : c->a;
	static const char marks[PL_DIFF_KIND_COUNT] = {[PL_DIFF_OPENED] = '+',
	                                               [PL_DIFF_CLOSED] = '-',
	                                               [PL_DIFF_STATE] = '~',
	                                               [PL_DIFF_SERVICE] = '~'};
	char port[16];

	snprintf(port, sizeof(port), "%u/%s", p->port, pl_proto_name((enum pl_proto)p->proto));
	pli_buf_printf(b, "  %c %-11s %-8s ", marks[c->kind], port, pl_diff_kind_name(c->kind));
	switch (c->kind) {
	case PL_DIFF_OPENED:
		pli_buf_printf(b, "open (was %s)", c->a ? c->a->state : "not listed");
		service_suffix(b, c->b);
		break;
	case PL_DIFF_CLOSED:
		pli_buf_printf(b, "%s (was open)", c->b ? c->b->state : "not listed");
		service_suffix(b, c->a);
		break;
	case PL_DIFF_STATE:
		pli_buf_printf(b, "%s -> %s", c->a->state, c->b->state);
		break;
	default:
		service_text(b, c->a);
		pli_buf_puts(b, " -> ");
		service_text(b, c->b);
		break;
	}
	pli_buf_putc(b, '\n');
}

static void
text_side(struct pl_buf *b, const char *label, const char *name, const struct pl_scandoc *d)
{
	pli_buf_printf(b, "%s: ", label);
	scan_esc_clean(b, name);
	pli_buf_printf(b, " (%s%s%s, %zu host%s, %zu open)\n", d->format, d->scanner[0] ? ", " : "",
	               d->scanner, d->n_hosts, d->n_hosts == 1 ? "" : "s",
	               pl_scandoc_open_ports(d));
}

static void
render_text(struct pl_buf *b, const char *na, const char *nb, const struct pl_scandoc *a,
            const struct pl_scandoc *bd, const struct pl_diff *d)
{
	const struct pl_scandoc_host *last = NULL;

	text_side(b, "A", na, a);
	text_side(b, "B", nb, bd);
	for (size_t i = 0; i < d->n; i++) {
		const struct pl_diff_change *c = &d->v[i];
		const struct pl_scandoc_host *h = c->hb ? c->hb : c->ha;

		if (h != last && (!last || memcmp(h->key, last->key, 17) != 0)) {
			pli_buf_printf(b, "%s", h->addr);
			if (host_name(c)[0]) {
				pli_buf_puts(b, " (");
				scan_esc_clean(b, host_name(c));
				pli_buf_putc(b, ')');
			}
			pli_buf_puts(b,
			             c->ha ? (c->hb ? "\n" : " (only in A)\n") : " (only in B)\n");
		}
		last = h;
		text_change(b, c);
	}
	if (!d->n)
		pli_buf_puts(b, "no differences");
	else
		pli_buf_printf(b,
		               "%zu difference%s on %zu host%s: %zu opened, %zu closed, %zu state, "
		               "%zu service",
		               d->n, d->n == 1 ? "" : "s", d->hosts_changed,
		               d->hosts_changed == 1 ? "" : "s", d->by_kind[PL_DIFF_OPENED],
		               d->by_kind[PL_DIFF_CLOSED], d->by_kind[PL_DIFF_STATE],
		               d->by_kind[PL_DIFF_SERVICE]);
	if (d->not_compared)
		pli_buf_printf(b, "; %zu open port%s identified in only one scan (not compared)",
		               d->not_compared, d->not_compared == 1 ? "" : "s");
	pli_buf_putc(b, '\n');
}

static void
json_port(struct pl_jsonw *w, const char *key, const struct pl_scandoc_port *p)
{
	pli_jsonw_key(w, key);
	if (!p) {
		pli_jsonw_null(w);
		return;
	}
	pli_jsonw_object(w);
	pli_jsonw_kstr(w, "state", p->state);
	pli_jsonw_kstr(w, "service", p->service);
	pli_jsonw_kstr(w, "product", p->product);
	pli_jsonw_kstr(w, "version", p->version);
	pli_jsonw_kstr(w, "extrainfo", p->extrainfo);
	pli_jsonw_kbool(w, "identified", p->detected);
	pli_jsonw_end(w);
}

static void
json_side(struct pl_jsonw *w, const char *key, const char *name, const struct pl_scandoc *d)
{
	pli_jsonw_key(w, key);
	pli_jsonw_object(w);
	pli_jsonw_kstr(w, "source", name);
	pli_jsonw_kstr(w, "format", d->format);
	pli_jsonw_kstr(w, "scanner", d->scanner);
	pli_jsonw_kint(w, "hosts", (int64_t)d->n_hosts);
	pli_jsonw_kint(w, "open", (int64_t)pl_scandoc_open_ports(d));
	pli_jsonw_end(w);
}

static void
render_json(struct pl_buf *b, const char *na, const char *nb, const struct pl_scandoc *a,
            const struct pl_scandoc *bd, const struct pl_diff *d)
{
	struct pl_jsonw w;

	pli_jsonw_init(&w, b, 1);
	pli_jsonw_object(&w);
	pli_jsonw_kstr(&w, "schema", "portlens.diff/1");
	json_side(&w, "a", na, a);
	json_side(&w, "b", nb, bd);
	pli_jsonw_kbool(&w, "same", d->n == 0);
	pli_jsonw_key(&w, "counts");
	pli_jsonw_object(&w);
	for (int k = 0; k < PL_DIFF_KIND_COUNT; k++)
		pli_jsonw_kint(&w, pl_diff_kind_name((enum pl_diff_kind)k), (int64_t)d->by_kind[k]);
	pli_jsonw_kint(&w, "hosts", (int64_t)d->hosts_changed);
	pli_jsonw_kint(&w, "not_compared", (int64_t)d->not_compared);
	pli_jsonw_end(&w);
	pli_jsonw_key(&w, "changes");
	pli_jsonw_array(&w);
	for (size_t i = 0; i < d->n; i++) {
		const struct pl_diff_change *c = &d->v[i];
		const struct pl_scandoc_host *h = c->hb ? c->hb : c->ha;
		const struct pl_scandoc_port *p = c->b ? c->b : c->a;

		pli_jsonw_object(&w);
		pli_jsonw_kstr(&w, "host", h->addr);
		if (host_name(c)[0])
			pli_jsonw_kstr(&w, "hostname", host_name(c));
		pli_jsonw_kint(&w, "port", p->port);
		pli_jsonw_kstr(&w, "proto", pl_proto_name((enum pl_proto)p->proto));
		pli_jsonw_kstr(&w, "change", pl_diff_kind_name(c->kind));
		json_port(&w, "a", c->a);
		json_port(&w, "b", c->b);
		pli_jsonw_end(&w);
	}
	pli_jsonw_end(&w);
	pli_jsonw_end(&w);
	pli_buf_putc(b, '\n');
}

int
pli_cmd_diff(struct pl_cli *cli, int argc, char **argv)
{
	struct pl_scandoc a, b;
	struct pl_diff d = {0};
	struct pl_err err = {0};
	struct pl_buf out;
	struct scan_load_args args = {0};
	int rc;

	rc = pli_cli_parse_opts(cli, &diff_optset, 0, &args, argc, argv);
	if (rc == PL_EXIT_OK && argc - optind != 2)
		rc = pli_cli_usage_error(cli, "diff takes two scans, A and B (see --help)");
	if (rc != PL_EXIT_OK)
		return rc < 0 ? PL_EXIT_OK : rc;
	pl_scandoc_init(&a);
	pl_scandoc_init(&b);
	pli_buf_init(&out);
	rc = scan_load(cli, argv[optind], args.db, &a);
	if (rc == PL_EXIT_OK)
		rc = scan_load(cli, argv[optind + 1], args.db, &b);
	if (rc != PL_EXIT_OK)
		goto out;
	if (pl_scandoc_diff(&a, &b, &d, &err) != PL_OK) {
		rc = pli_cli_usage_error(cli, "diff: %s", err.msg);
		goto out;
	}
	if (!args.quiet) {
		if (cli->format == PL_FMT_JSON)
			render_json(&out, argv[optind], argv[optind + 1], &a, &b, &d);
		else
			render_text(&out, argv[optind], argv[optind + 1], &a, &b, &d);
		if (pli_cli_emit(cli, &out) != PL_EXIT_OK) {
			rc = PL_EXIT_USAGE;
			goto out;
		}
	}
	rc = d.n ? PL_EXIT_FAIL : PL_EXIT_OK;
out:
	pl_diff_cleanup(&d);
	pl_scandoc_cleanup(&a);
	pl_scandoc_cleanup(&b);
	pli_buf_cleanup(&out);
	return rc;
}
