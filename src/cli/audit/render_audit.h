/* SPDX-License-Identifier: MIT */
/*
 * cli/render_audit.h - renderers for probe results (render_service.c) and audit
 * reports (render_audit.c), in text, JSON and Markdown, shared by `portlens probe`,
 * `portlens audit` and `portlens scan --sV`.
 */
#ifndef PL_CLI_RENDER_AUDIT_H
#define PL_CLI_RENDER_AUDIT_H

#include "cli/cli.h"
#include "portlens/audit.h"
#include "portlens/json.h"
#include "portlens/probe.h"
#include "portlens/scan.h"
#include "core/jsonw.h"

/* "198.18.0.2:22/tcp  ssh  OpenSSH 9.2p1 (Debian)" plus indented detail lines. */
void pli_render_service_text(const struct pl_cli *cli, const char *where,
                             const struct pl_service *s, struct pl_buf *out);
/* Markdown table header and one row per service. */
void pli_render_service_md_head(struct pl_buf *out);
void pli_render_service_md_row(const char *where, const struct pl_service *s, struct pl_buf *out);
/* Appends s with Markdown table metacharacters (| ` newline) made harmless. */
void pli_md_cell(struct pl_buf *out, const char *s);

/* A whole audit report. */
void pli_render_audit_text(const struct pl_cli *cli, const struct pl_audit_report *r,
                           const char *scope, struct pl_buf *out);
void pli_render_audit_json(const struct pl_audit_report *r, const struct pl_audit_obs *obs,
                           size_t n_obs, const char *scope, struct pl_buf *out);
void pli_render_audit_markdown(const struct pl_audit_report *r, const struct pl_audit_obs *obs,
                               size_t n_obs, const char *scope, struct pl_buf *out);

/* Parses "HOST:PORT", "[V6]:PORT" into a socket address. 0, or -1 with msg filled. */
int pli_cli_parse_hostport(const char *s, struct sockaddr_storage *ss, socklen_t *len, char *msg,
                           size_t msg_size);

#endif
