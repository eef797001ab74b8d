/* SPDX-License-Identifier: MIT */
/*
 * cli/render_audit.h - renderers for probe results (render_audit_svc.c) and audit
 * reports (render_audit.c), in text, JSON and Markdown, shared by `portlens probe`,
 * `portlens audit` and `portlens scan --sV`.
 */
#ifndef PL_CLI_RENDER_AUDIT_H
#define PL_CLI_RENDER_AUDIT_H

#include "cli/cli.h"
#include "portlens/audit.h"
#include "portlens/probe.h"
#include "portlens/scan.h"
#include "shared/jsonw.h"

/* "198.18.0.2:22/tcp  ssh  OpenSSH 9.2p1 (Debian)" plus indented detail lines. */
void pl_render_service_text(const struct pl_cli *cli, const char *where, const struct pl_service *s,
                            struct pl_buf *out);
/* The members of a service object (the caller opens and closes the object). */
void pl_render_service_json(struct pl_jsonw *w, const struct pl_service *s);
/* Markdown table header and one row per service. */
void pl_render_service_md_head(struct pl_buf *out);
void pl_render_service_md_row(const char *where, const struct pl_service *s, struct pl_buf *out);
/* Appends s with Markdown table metacharacters (| ` newline) made harmless. */
void pl_md_cell(struct pl_buf *out, const char *s);

/* A whole audit report. */
void pl_render_audit_text(const struct pl_cli *cli, const struct pl_audit_report *r,
                          const char *scope, struct pl_buf *out);
void pl_render_audit_json(const struct pl_audit_report *r, const struct pl_audit_obs *obs,
                          size_t n_obs, const char *scope, struct pl_buf *out);
void pl_render_audit_markdown(const struct pl_audit_report *r, const struct pl_audit_obs *obs,
                              size_t n_obs, const char *scope, struct pl_buf *out);

/*
 * `portlens scan --sV` (render_audit_sv.c): start a pool of probe threads before the
 * scan, submit every result from the scan's result callback (only open TCP ports are
 * taken), finish after the scan to wait for the probes and write one record per port.
 */
struct pl_sv;
enum pl_sv_output {
	PL_SV_TEXT = 0,    /* service table on stdout (the scan's text output is there) */
	PL_SV_JSON_LINES,  /* {"type":"service",...} lines on stdout (-oJ -) */
	PL_SV_TEXT_STDERR, /* stdout carries XML/grepable/CSV: the table goes to stderr */
};
/* NULL on failure (err filled). parallel 0 = 16. */
struct pl_sv *pl_sv_start(const struct pl_probe_opts *opts, unsigned parallel, struct pl_err *err);
void pl_sv_submit(struct pl_sv *sv, const struct pl_scan_result *r);
/* Waits for every probe, writes the records; returns an exit code. */
int pl_sv_finish(struct pl_cli *cli, struct pl_sv *sv, enum pl_sv_output mode);
void pl_sv_free(struct pl_sv *sv);

/* Parses "HOST:PORT", "[V6]:PORT" into a socket address. 0, or -1 with msg filled. */
int pl_cli_parse_hostport(const char *s, struct sockaddr_storage *ss, socklen_t *len, char *msg,
                          size_t msg_size);

#endif
