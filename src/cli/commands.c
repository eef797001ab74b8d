// SPDX-License-Identifier: MIT
/*
 * commands.c - the subcommand table. Add a subcommand by adding one line here and its
 * pl_cmd_* function to cli.h.
 */
#include "cli/commands.h"

const struct pl_command pl_commands[] = {
    {.name = "info", .fn = pl_cmd_info, .summary = "the page of one or more ports"},
    {.name = "search",
     .fn = pl_cmd_search,
     .summary = "find ports by service, description, assignee"},
    {.name = "registry",
     .fn = pl_cmd_registry,
     .summary = "show or import the IANA registry in use"},
    {.name = "listen", .fn = pl_cmd_listen, .summary = "what is listening, by whom, flagged"},
    {.name = "conns", .fn = pl_cmd_conns, .summary = "who is connected, to and from where"},
    {.name = "scan", .fn = pl_cmd_scan, .summary = "find open ports across hosts and subnets"},
    {.name = "probe",
     .fn = pl_cmd_probe,
     .summary = "identify the service on HOST:PORT from what it says"},
    {.name = "audit",
     .fn = pl_cmd_audit,
     .summary = "findings with severity and remedy: this machine or targets"},
    {.name = "serve",
     .fn = pl_cmd_serve,
     .summary = "port pages, search and live views on the web"},
};

const size_t pl_commands_count = sizeof(pl_commands) / sizeof(pl_commands[0]);
