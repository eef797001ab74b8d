// SPDX-License-Identifier: MIT
/*
 * cmd_serve.c - `portlens serve`: the web front end (src/web) on 127.0.0.1:7678 by
 * default. 7678 is listed as Unassigned in the shipped IANA registry (`portlens 7678`
 * says so; test_web checks it) and spells PORT on a phone keypad.
 *
 * Parses the options, prints the URL, then waits for SIGINT/SIGTERM with the signals
 * blocked in every thread (sigwait), so the server threads never see them and shutdown
 * is one orderly pli_web_stop.
 */
#include <arpa/inet.h>
#include <stddef.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "cli/sockets/render_sockets.h"
#include "portlens/addr.h"
#include "portlens/store.h"
#include "core/strnum.h"
#include "web/web.h"

/* What the command line sets: the server's configuration and where it listens. */
struct serve_args {
	struct pl_web_config cfg;
	const char *listen;
};

#define FIELD(f) offsetof(struct serve_args, f)

// clang-format off
static const struct pl_cli_opt serve_rows[] = {
    {.text = "usage: portlens serve [OPTIONS]\n"
             "\n"
             "Serve port pages, search, live listeners and saved scans as web pages and a JSON\n"
             "API (docs/web.md, docs/api.md). Listens on 127.0.0.1:7678 by default (7678 is\n"
             "Unassigned in the IANA registry) and prints the URL. Stop with Ctrl-C.\n"
             "\n"
             "options:\n"},
    {.name = "listen", .arg = PL_ARG_REQUIRED, .metavar = "ADDR:PORT", .fn = pli_cli_opt_str,
     .field = FIELD(listen),
     .help = "where to listen (default 127.0.0.1:7678; [::1]:PORT for IPv6;\n"
             "port 0 picks a free port)"},
    {.name = "allow-remote", .fn = pli_cli_opt_flag, .field = FIELD(cfg.allow_remote),
     .help = "allow an address beyond loopback; every request must then carry\n"
             "the access token (printed in the URL)"},
    {.name = "token", .arg = PL_ARG_REQUIRED, .metavar = "TOKEN", .fn = pli_cli_opt_str,
     .field = FIELD(cfg.token),
     .help = "the access token, at least 16 characters (default:\n"
             "$PORTLENS_TOKEN, else 256 random bits, printed once)"},
    {.name = "db", .arg = PL_ARG_REQUIRED, .metavar = "PATH|URL", .fn = pli_cli_opt_str,
     .field = FIELD(cfg.db_path),
     .help = "the store of saved scans, watch events and votes: an\n"
             "SQLite file (default $XDG_DATA_HOME/portlens/portlens.db)\n"
             "or postgresql://... (the fleet's shared database)"},
    {.name = "threads", .arg = PL_ARG_REQUIRED, .metavar = "N", .fn = pli_cli_opt_uint,
     .field = FIELD(cfg.threads), .min = 1, .max = 64,
     .help = "worker threads (default: one per CPU, at most 8)"},
    {.name = "vote-burst", .arg = PL_ARG_REQUIRED, .metavar = "N", .fn = pli_cli_opt_uint,
     .field = FIELD(cfg.vote_burst), .min = 1, .max = 100000,
     .help = "votes one address may cast at once (default 10)"},
    {.name = "vote-rate", .arg = PL_ARG_REQUIRED, .metavar = "N", .fn = pli_cli_opt_uint,
     .field = FIELD(cfg.vote_per_minute), .min = 1, .max = 100000,
     .help = "votes per minute one address regains (default 6)"},
    {.name = "cache-ms", .arg = PL_ARG_REQUIRED, .metavar = "N", .fn = pli_cli_opt_uint,
     .field = FIELD(cfg.cache_ms), .min = 1, .max = 3600000,
     .help = "reuse a rendered port page for N ms (default 1000)"},
    {.name = "no-live", .id = PL_OPT_NO_LIVE, .help = "do not read this machine's sockets or /proc"},
    {.name = "registry", .arg = PL_ARG_REQUIRED, .metavar = "FILE", .id = PL_OPT_REGISTRY,
     .help = "use this IANA registry CSV instead of the built-in one"},
    {.name = "help", .short_name = 'h', .fn = pli_cli_opt_help, .help = "this help"},
};
// clang-format on

/* Common options serve does not honour (common.c refuses them with these lines). */
static const struct pl_cli_refusal serve_refuse[] = {
    {.opt = PL_OPT_JSON,
     .why = "serve answers JSON per request (/api/...); --json does not apply to it"},
    {.opt = PL_OPT_MARKDOWN, .why = "serve writes web pages: --markdown does not apply"},
    {.opt = PL_OPT_LANG,
     .why = "serve picks each page's language from ?lang=, the lang cookie or "
            "Accept-Language: --lang does not apply"},
    {.opt = PL_OPT_COLOR, .why = "serve writes web pages: --color does not apply"},
    {.opt = PL_OPT_WIDTH, .why = "serve writes web pages: --width does not apply"},
    {.opt = 0},
};

/* Parses "ADDR:PORT", "[V6]:PORT" or "PORT" into cfg->addr. */
static int
parse_listen(const char *s, struct pl_web_config *cfg)
{
	char host[64];
	const char *colon, *port_s;
	struct pl_addr a;
	uint64_t port;
	size_t hl;

	memset(&cfg->addr, 0, sizeof(cfg->addr));
	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close || close[1] != ':')
			return -1;
		hl = (size_t)(close - s - 1);
		if (hl >= sizeof(host))
			return -1;
		memcpy(host, s + 1, hl);
		host[hl] = '\0';
		port_s = close + 2;
	} else if ((colon = strrchr(s, ':')) != NULL) {
		hl = (size_t)(colon - s);
		if (hl >= sizeof(host))
			return -1;
		memcpy(host, s, hl);
		host[hl] = '\0';
		port_s = colon + 1;
	} else {
		snprintf(host, sizeof(host), "127.0.0.1");
		port_s = s;
	}
	if (pli_parse_u64(port_s, 0, 65535, &port, NULL) != PL_OK ||
	    pl_addr_parse(strcmp(host, "localhost") == 0 ? "127.0.0.1" : host, &a, NULL) != PL_OK ||
	    a.port != 0)
		return -1;
	a.port = (uint16_t)port;
	cfg->addr_len = pl_addr_to_sockaddr(&a, &cfg->addr);
	return 0;
}

/* 256 random bits as 64 hex digits (out must hold 65 bytes). */
static int
random_token(char *out, size_t size)
{
	static const char hexd[] = "0123456789abcdef";
	unsigned char raw[32];

	if (size < 2 * sizeof(raw) + 1 || getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
		return -1;
	for (size_t i = 0; i < sizeof(raw); i++) {
		out[2 * i] = hexd[raw[i] >> 4];
		out[2 * i + 1] = hexd[raw[i] & 15];
	}
	out[2 * sizeof(raw)] = '\0';
	return 0;
}

/*
 * The access token: --token, else $PORTLENS_TOKEN, else (with --allow-remote) a fresh
 * 256-bit one. An empty or short token is refused rather than used: "Bearer " with an
 * empty token once let anyone in.
 */
static int
choose_token(struct pl_cli *cli, struct pl_web_config *cfg, char *buf, size_t size)
{
	const char *from = "--token";

	if (!cfg->token && cfg->allow_remote && (cfg->token = getenv("PORTLENS_TOKEN")) != NULL)
		from = "PORTLENS_TOKEN";
	if (cfg->token && strlen(cfg->token) < PL_WEB_TOKEN_MIN)
		return pli_cli_usage_error(
		    cli,
		    "%s is %s (%zu characters); an access token needs at "
		    "least %d (or give none with --allow-remote: one is made)",
		    from, *cfg->token ? "too short" : "empty", strlen(cfg->token),
		    PL_WEB_TOKEN_MIN);
	if (cfg->allow_remote && !cfg->token) {
		if (random_token(buf, size) != 0)
			return pli_cli_fail(cli, "cannot make an access token");
		cfg->token = buf;
	}
	return PL_EXIT_OK;
}

const struct pl_cli_optset serve_optset = {
    .rows = serve_rows,
    .n = PL_CLI_NROWS(serve_rows),
    .order = "+",
    .help_col = 22,
    .metavar_sep = ' ',
    .refuse = serve_refuse,
};

static int
parse_args(struct pl_cli *cli, int argc, char **argv, struct serve_args *a)
{
	int rc = pli_cli_parse_opts(cli, &serve_optset, 0, a, argc, argv);

	if (rc == PL_EXIT_OK && optind < argc)
		rc = pli_cli_usage_error(cli, "serve takes no arguments, not '%s'", argv[optind]);
	return rc;
}

static void
print_url(struct pl_cli *cli, const struct pl_web_config *cfg, const struct pl_web *web,
          const char *token)
{
	const char *why = "";
	enum pl_web_db db = pli_web_db_state(web, &why);
	struct pl_addr at;
	char where[PL_ADDR_STRLEN];

	if (pl_addr_from_sockaddr((const struct sockaddr *)&cfg->addr, cfg->addr_len, &at) != PL_OK)
		at = pl_addr_loopback(4, 0);
	at.port = pli_web_port(web);
	fprintf(cli->out, "portlens serve: http://%s/%s%s\n",
	        pl_addr_str(&at, where, sizeof(where)), token ? "?token=" : "", token ? token : "");
	fprintf(cli->out, "database: %s%s\n", pli_web_db_where(web),
	        db == PL_WEB_DB_READONLY      ? " (read-only: votes are not saved)"
	        : db == PL_WEB_DB_UNAVAILABLE ? " (unavailable: saved scans and votes are off)"
	                                      : "");
	if (db != PL_WEB_DB_OK)
		fprintf(cli->err, "portlens: warning: %s\n", why);
	fflush(cli->out);
}

int
pli_cmd_serve(struct pl_cli *cli, int argc, char **argv)
{
	struct serve_args args = {.listen = "127.0.0.1:7678"};
	struct pl_web_config cfg;
	const char *listen;
	char db[4096], token[80];
	struct pl_web *web = NULL;
	struct pl_err err = {0};
	sigset_t set;
	int rc, sig;

	rc = parse_args(cli, argc, argv, &args);
	if (rc != PL_EXIT_OK)
		return rc < 0 ? PL_EXIT_OK : rc;
	cfg = args.cfg;
	listen = args.listen;
	if (parse_listen(listen, &cfg) != 0)
		return pli_cli_usage_error(cli,
		                           "--listen takes ADDR:PORT, [IPV6]:PORT or PORT, "
		                           "not '%s'",
		                           listen);
	rc = choose_token(cli, &cfg, token, sizeof(token));
	if (rc != PL_EXIT_OK)
		return rc;
	if (!cfg.db_path) {
		if ((rc = pl_store_default_path(db, sizeof(db), &err)) != PL_OK) {
			pli_cli_print_err(cli, &err);
			fprintf(cli->err, "portlens: hint: give the database with --db PATH or "
			                  "--db postgresql://...\n");
			return pli_cli_exit_for(rc);
		}
		cfg.db_path = db;
	}
	rc = pli_cli_load_registry(cli);
	if (rc != PL_EXIT_OK)
		return rc;
	cfg.reg = cli->reg;
	cfg.kb = cli->kb;
	cfg.live = cli->live;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if ((rc = pli_web_start(&cfg, &web, &err)) != PL_OK) {
		pli_cli_print_err(cli, &err);
		if (rc == PL_ERR_ARG)
			fprintf(cli->err, "portlens: hint: --allow-remote allows an address beyond "
			                  "loopback; it needs an access token (--token, "
			                  "PORTLENS_TOKEN, or a generated one)\n");
		return pli_cli_exit_for(rc);
	}
	print_url(cli, &cfg, web, cfg.token);
	sigwait(&set, &sig);
	pli_web_stop(web);
	return PL_EXIT_OK;
}
