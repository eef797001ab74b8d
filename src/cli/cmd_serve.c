// SPDX-License-Identifier: MIT
/*
 * cmd_serve.c - `portlens serve`: the web front end (src/web) on 127.0.0.1:7678 by
 * default. 7678 is listed as Unassigned in the shipped IANA registry (`portlens 7678`
 * says so; test_web checks it) and spells PORT on a phone keypad.
 *
 * Parses the options, prints the URL, then waits for SIGINT/SIGTERM with the signals
 * blocked in every thread (sigwait), so the server threads never see them and shutdown
 * is one orderly pl_web_stop.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "cli/cli.h"
#include "cli/render_sockets.h"
#include "portlens/store.h"
#include "core/strnum.h"
#include "web/web.h"

enum {
	OPT_LISTEN = PL_OPT_FIRST_FREE,
	OPT_ALLOW_REMOTE,
	OPT_TOKEN,
	OPT_DB,
	OPT_THREADS,
	OPT_VOTE_BURST,
	OPT_VOTE_RATE,
	OPT_CACHE_MS,
};

static const char serve_help[] =
    "usage: portlens serve [OPTIONS]\n"
    "\n"
    "Serve port pages, search, live listeners and saved scans as web pages and a JSON\n"
    "API (docs/web.md, docs/api.md). Listens on 127.0.0.1:7678 by default (7678 is\n"
    "Unassigned in the IANA registry) and prints the URL. Stop with Ctrl-C.\n"
    "\n"
    "options:\n"
    "  --listen ADDR:PORT  where to listen (default 127.0.0.1:7678; [::1]:PORT for IPv6;\n"
    "                      port 0 picks a free port)\n"
    "  --allow-remote      allow an address beyond loopback; every request must then carry\n"
    "                      the access token (printed in the URL)\n"
    "  --token TOKEN       the access token, at least 16 characters (default:\n"
    "                      $PORTLENS_TOKEN, else 256 random bits, printed once)\n"
    "  --db PATH|URL       the store of saved scans, watch events and votes: an\n"
    "                      SQLite file (default $XDG_DATA_HOME/portlens/portlens.db)\n"
    "                      or postgresql://... (the fleet's shared database)\n"
    "  --threads N         worker threads (default: one per CPU, at most 8)\n"
    "  --vote-burst N      votes one address may cast at once (default 10)\n"
    "  --vote-rate N       votes per minute one address regains (default 6)\n"
    "  --cache-ms N        reuse a rendered port page for N ms (default 1000)\n"
    "  --no-live           do not read this machine's sockets or /proc\n"
    "  --registry FILE     use this IANA registry CSV instead of the built-in one\n"
    "  -h, --help          this help\n";

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
	if (pl_parse_u64(port_s, 0, 65535, &port, NULL) != PL_OK)
		return -1;
	if (strchr(host, ':')) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)(void *)&cfg->addr;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1)
			return -1;
		cfg->addr_len = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)(void *)&cfg->addr;

		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, strcmp(host, "localhost") == 0 ? "127.0.0.1" : host,
		              &a->sin_addr) != 1)
			return -1;
		cfg->addr_len = sizeof(*a);
	}
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
		return pl_cli_usage_error(
		    cli,
		    "%s is %s (%zu characters); an access token needs at "
		    "least %d (or give none with --allow-remote: one is made)",
		    from, *cfg->token ? "too short" : "empty", strlen(cfg->token),
		    PL_WEB_TOKEN_MIN);
	if (cfg->allow_remote && !cfg->token) {
		if (random_token(buf, size) != 0)
			return pl_cli_fail(cli, "cannot make an access token");
		cfg->token = buf;
	}
	return PL_EXIT_OK;
}

static int
parse_args(struct pl_cli *cli, int argc, char **argv, struct pl_web_config *cfg,
           const char **listen)
{
	static const struct option longopts[] = {
	    PL_CLI_COMMON_LONGOPTS,
	    {"listen", required_argument, NULL, OPT_LISTEN},
	    {"allow-remote", no_argument, NULL, OPT_ALLOW_REMOTE},
	    {"token", required_argument, NULL, OPT_TOKEN},
	    {"db", required_argument, NULL, OPT_DB},
	    {"threads", required_argument, NULL, OPT_THREADS},
	    {"vote-burst", required_argument, NULL, OPT_VOTE_BURST},
	    {"vote-rate", required_argument, NULL, OPT_VOTE_RATE},
	    {"cache-ms", required_argument, NULL, OPT_CACHE_MS},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int opt, rc = PL_EXIT_OK;

	opterr = 0;
	optind = 1;
	cli->refuse = serve_refuse;
	while (rc == PL_EXIT_OK && (opt = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			fputs(serve_help, cli->out);
			return -1;
		case OPT_LISTEN:
			*listen = optarg;
			break;
		case OPT_ALLOW_REMOTE:
			cfg->allow_remote = 1;
			break;
		case OPT_TOKEN:
			cfg->token = optarg;
			break;
		case OPT_DB:
			cfg->db_path = optarg;
			break;
		case OPT_THREADS:
			rc = pl_cli_uint_opt(cli, "--threads", optarg, 1, 64, &cfg->threads);
			break;
		case OPT_VOTE_BURST:
			rc = pl_cli_uint_opt(cli, "--vote-burst", optarg, 1, 100000,
			                     &cfg->vote_burst);
			break;
		case OPT_VOTE_RATE:
			rc = pl_cli_uint_opt(cli, "--vote-rate", optarg, 1, 100000,
			                     &cfg->vote_per_minute);
			break;
		case OPT_CACHE_MS:
			rc = pl_cli_uint_opt(cli, "--cache-ms", optarg, 1, 3600000, &cfg->cache_ms);
			break;
		default:
			rc = pl_cli_other_option(cli, opt, optarg, argv);
			if (rc != PL_EXIT_OK)
				return rc;
			break;
		}
	}
	if (rc == PL_EXIT_OK && optind < argc)
		rc = pl_cli_usage_error(cli, "serve takes no arguments, not '%s'", argv[optind]);
	return rc;
}

static void
print_url(struct pl_cli *cli, const struct pl_web_config *cfg, const struct pl_web *web,
          const char *token)
{
	const char *why = "";
	enum pl_web_db db = pl_web_db_state(web, &why);
	char ip[INET6_ADDRSTRLEN] = "127.0.0.1";
	int v6 = cfg->addr.ss_family == AF_INET6;

	if (v6)
		inet_ntop(AF_INET6,
		          &((const struct sockaddr_in6 *)(const void *)&cfg->addr)->sin6_addr, ip,
		          sizeof(ip));
	else
		inet_ntop(AF_INET,
		          &((const struct sockaddr_in *)(const void *)&cfg->addr)->sin_addr, ip,
		          sizeof(ip));
	fprintf(cli->out, "portlens serve: http://%s%s%s:%u/%s%s\n", v6 ? "[" : "", ip,
	        v6 ? "]" : "", pl_web_port(web), token ? "?token=" : "", token ? token : "");
	fprintf(cli->out, "database: %s%s\n", pl_web_db_where(web),
	        db == PL_WEB_DB_READONLY      ? " (read-only: votes are not saved)"
	        : db == PL_WEB_DB_UNAVAILABLE ? " (unavailable: saved scans and votes are off)"
	                                      : "");
	if (db != PL_WEB_DB_OK)
		fprintf(cli->err, "portlens: warning: %s\n", why);
	fflush(cli->out);
}

int
pl_cmd_serve(struct pl_cli *cli, int argc, char **argv)
{
	struct pl_web_config cfg = {0};
	const char *listen = "127.0.0.1:7678";
	char db[4096], token[80];
	struct pl_web *web = NULL;
	struct pl_err err = {0};
	sigset_t set;
	int rc, sig;

	rc = parse_args(cli, argc, argv, &cfg, &listen);
	if (rc != PL_EXIT_OK)
		return rc < 0 ? PL_EXIT_OK : rc;
	if (parse_listen(listen, &cfg) != 0)
		return pl_cli_usage_error(cli,
		                          "--listen takes ADDR:PORT, [IPV6]:PORT or PORT, "
		                          "not '%s'",
		                          listen);
	rc = choose_token(cli, &cfg, token, sizeof(token));
	if (rc != PL_EXIT_OK)
		return rc;
	if (!cfg.db_path) {
		if ((rc = pl_store_default_path(db, sizeof(db), &err)) != PL_OK) {
			pl_cli_print_err(cli, &err);
			fprintf(cli->err, "portlens: hint: give the database with --db PATH or "
			                  "--db postgresql://...\n");
			return pl_cli_exit_for(rc);
		}
		cfg.db_path = db;
	}
	rc = pl_cli_load_registry(cli);
	if (rc != PL_EXIT_OK)
		return rc;
	cfg.reg = cli->reg;
	cfg.kb = cli->kb;
	cfg.live = cli->live;
	cfg.sockets_json = pl_render_sockets_json;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if ((rc = pl_web_start(&cfg, &web, &err)) != PL_OK) {
		pl_cli_print_err(cli, &err);
		if (rc == PL_ERR_ARG)
			fprintf(cli->err, "portlens: hint: --allow-remote allows an address beyond "
			                  "loopback; it needs an access token (--token, "
			                  "PORTLENS_TOKEN, or a generated one)\n");
		return pl_cli_exit_for(rc);
	}
	print_url(cli, &cfg, web, cfg.token);
	sigwait(&set, &sig);
	pl_web_stop(web);
	return PL_EXIT_OK;
}
