// SPDX-License-Identifier: MIT
/*
 * commands.c - the subcommand table. Add a subcommand by adding one line here and its
 * pl_cmd_* function to cli.h.
 *
 * This file is compiled twice. In the `portlens` binary (PL_CLI_LIGHT defined) the
 * commands that need heavy libraries (OpenSSL, libmicrohttpd with GnuTLS, SQLite,
 * PCRE2, expat) have no function: main.c hands them to `portlens-full`, which has them
 * all. Loading those libraries costs ~3-6 ms at every start, more than the whole port
 * page (docs/performance.md), so the everyday commands stay free of them.
 */
#include "cli/commands.h"

#ifdef PL_CLI_LIGHT
#define HEAVY(fn) NULL
#else
#define HEAVY(fn) fn
#endif

const struct pl_command pl_commands[] = {
    {.name = "info",
     .fn = pli_cmd_info,
     .summary = "the page of one or more ports",
     .opts = &info_optset},
    {.name = "search",
     .fn = pli_cmd_search,
     .summary = "find ports by service, description, assignee",
     .opts = &search_optset},
    {.name = "registry",
     .fn = pli_cmd_registry,
     .summary = "show or import the IANA registry in use",
     .opts = &registry_optset},
    {.name = "listen",
     .fn = pli_cmd_listen,
     .summary = "what is listening, by whom, flagged",
     .opts = &sockets_optset},
    {.name = "conns",
     .fn = pli_cmd_conns,
     .summary = "who is connected, to and from where",
     .opts = &sockets_optset},
    {.name = "scan", /* light: --sV and --save go on to portlens-full (scan_light.c) */
     .fn = pli_cmd_scan,
     .summary = "find open ports across hosts and subnets",
     .opts = &scan_optset},
    {.name = "probe",
     .fn = HEAVY(pli_cmd_probe),
     .summary = "identify the service on HOST:PORT from what it says",
     .opts = HEAVY(&probe_optset)},
    {.name = "audit",
     .fn = HEAVY(pli_cmd_audit),
     .summary = "findings with severity and remedy: this machine or targets",
     .opts = HEAVY(&audit_optset)},
    {.name = "diff",
     .fn = HEAVY(pli_cmd_diff),
     .summary = "what changed between two scans (portlens, nmap, masscan, saved)",
     .opts = HEAVY(&diff_optset)},
    {.name = "import",
     .fn = HEAVY(pli_cmd_import),
     .summary = "save nmap, masscan or portlens scan files in the store",
     .opts = HEAVY(&import_optset)},
    {.name = "watch",
     .fn = HEAVY(pli_cmd_watch),
     .summary = "report listeners that appear or vanish, as they do",
     .opts = HEAVY(&watch_optset)},
    {.name = "serve",
     .fn = HEAVY(pli_cmd_serve),
     .summary = "port pages, search and live views on the web",
     .opts = HEAVY(&serve_optset)},
    {.name = "site",
     .fn = HEAVY(pli_cmd_site),
     .summary = "write the port pages as a static site in four languages",
     .opts = HEAVY(&site_optset)},
};

const size_t pl_commands_count = sizeof(pl_commands) / sizeof(pl_commands[0]);
