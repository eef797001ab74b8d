/* SPDX-License-Identifier: MIT */
/*
 * web/i18n.h - the web interface's own text (headings, labels, the feedback widget) in
 * several languages, and choosing one from ?lang=, a cookie or Accept-Language.
 * Registry data is never translated: it stays as published. Knowledge entries carry their
 * own translations (docs/knowledge-format.md); the page marks one shown in English.
 *
 * Strings that take values use numbered placeholders {1} {2} (never printf formats, so a
 * translation cannot crash the server), filled by web_tmpl in html.c (escaped for HTML)
 * or web_trf_text (plain text).
 */
#ifndef PL_WEB_I18N_H
#define PL_WEB_I18N_H

#include <stddef.h>

#include "portlens/page.h"
#include "core/buf.h"

enum web_str {
	S_TAGLINE,
	S_NAV_HOME,
	S_NAV_LISTEN,
	S_NAV_SCANS,
	S_NAV_API,
	S_LANGUAGE,
	S_SEARCH_LABEL,
	S_SEARCH_PLACEHOLDER,
	S_SEARCH_BUTTON,
	S_HOME_INTRO,
	S_RANGES_TITLE,
	S_RANGE_SYSTEM_NAME,
	S_RANGE_SYSTEM_TEXT,
	S_RANGE_USER_NAME,
	S_RANGE_USER_TEXT,
	S_RANGE_DYNAMIC_NAME,
	S_RANGE_DYNAMIC_TEXT,
	S_RISKIEST_TITLE,
	S_RECENT_SCANS_TITLE,
	S_NO_SCANS,
	S_PORT_TITLE, /* {1} port number */
	S_RISK,
	S_SEC_REGISTRY, /* {1} registry date */
	S_TRANSPORT,
	S_SERVICE,
	S_DESCRIPTION,
	S_ASSIGNEE,
	S_CONTACT,
	S_REGISTERED,
	S_MODIFIED,
	S_REFERENCE,
	S_SERVICE_CODE,
	S_UNAUTHORIZED_USE,
	S_NOTES,
	S_STATUS,
	S_NO_RECORD, /* {1} port/transport */
	S_REG_RANGE, /* {1}-{2} range registered as a whole */
	S_SOURCE,
	S_SOURCES,
	S_REG_SOURCE, /* {1} source name {2} CSV line */
	S_SEC_RANGE,
	S_RANGE_IS,     /* {1} port {2} range name {3} low {4} high */
	S_RANGE_PRIV,   /* {1} unprivileged start */
	S_RANGE_UNPRIV, /* {1} unprivileged start */
	S_EPHEMERAL,    /* {1} low {2} high {3} source */
	S_EPH_INSIDE,
	S_EPH_OUTSIDE,
	S_SEC_USES,
	S_SEC_SECURITY,
	S_NONE_RECORDED,
	S_NO_CURATED, /* {1} port */
	S_KIND,
	S_TRANSPORTS,
	S_SEC_CHECK,
	S_PLATFORM,
	S_PURPOSE,
	S_COMMAND,
	S_SEC_FAQ,
	S_SEC_LIVE,
	S_LIVE_LISTENING, /* {1} count */
	S_LIVE_NOT_LISTENING,
	S_LIVE_CONNS, /* {1} count */
	S_LIVE_UNAVAILABLE,
	S_LIVE_OFF,
	S_LIVE_REFRESH,
	S_HELPFUL_Q,
	S_VOTE_YES,
	S_VOTE_PARTLY,
	S_VOTE_NO,
	S_VOTE_THANKS,
	S_VOTE_COUNTS,  /* {1} yes {2} partly {3} no */
	S_SEARCH_TITLE, /* {1} term */
	S_SEARCH_NONE,
	S_SEARCH_TOTAL, /* {1} shown {2} total */
	S_PORT,
	S_MATCHED,
	S_LISTEN_TITLE,
	S_LISTEN_LEAD,
	S_PROTO,
	S_LOCAL_ADDR,
	S_PROCESS,
	S_USER,
	S_FLAGS,
	S_LISTEN_NONE,
	S_SCANS_TITLE,
	S_SCAN_TITLE, /* {1} id */
	S_TARGETS,
	S_PORTS,
	S_ENGINE,
	S_STARTED,
	S_FINISHED,
	S_RESULTS,
	S_OPEN,
	S_ADDRESS,
	S_STATE,
	S_BANNER,
	S_PRODUCT,
	S_RTT,
	S_NOT_FOUND,
	S_BAD_REQUEST,
	S_TOO_MANY,
	S_FORBIDDEN,
	S_UNAUTHORIZED,
	S_FOOTER,
	S_UNIT,
	S_UNTRANSLATED,   /* marks a fact shown in English: no translation yet */
	S_ANY_TRANSPORT,  /* a fact about every transport */
	S_MORE_LISTENERS, /* {1} more, {2} command */
	S_HIDDEN_PROCS,
	S_OBSERVED_VIA, /* {1} source */
	S_DB_READONLY,
	S_DB_UNAVAILABLE,
	S_LIVE_PROC,      /* {1} process {2} pid {3} user {4} ", unit" or "" */
	S_LIVE_HIDDEN,    /* {1} user */
	S_LIVE_INVISIBLE, /* {1} user */
	S_LIVE_KERNEL,
	S_LIVE_NETNS,      /* {1} namespace */
	S_LIVE_CONNS_ONE,  /* {1} count (1) {2} port */
	S_LIVE_CONNS_MANY, /* {1} count {2} port */
	S_OWNER_HIDDEN,
	S_OWNER_NONE,
	S_OWNER_UNSEEN, /* hidden although the server runs as root */
	S_FLAG_EXPOSED, /* the S_FLAG_* follow enum pl_sock_flag's bit order */
	S_FLAG_UNASSIGNED,
	S_FLAG_MALWARE,
	S_FLAG_UNEXPECTED,
	S_FLAG_CAPTURE,
	S_FLAG_RAW,
	/* the fleet: hosts, timelines, saved-scan export and delete */
	S_NAV_HOSTS,
	S_HOSTS_LEAD,
	S_NO_HOSTS,
	S_HOST_TITLE, /* {1} host */
	S_LISTENING_NOW,
	S_TIMELINE_TITLE,
	S_PORT_TIMELINE_TITLE, /* {1} port */
	S_NO_CHANGES,
	S_HOST,
	S_WHEN,
	S_CHANGE,
	S_EVENTS,
	S_LAST_SEEN,
	S_EXPORT,
	S_DELETE_SCAN,
	S_NOT_A_PORT,   /* {1} what the path said instead of a port number */
	S_LANG_UNKNOWN, /* {1} the ?lang= value, {2} the language shown, {3} the codes there are */
	/* A flag's reason on /listen (enum pl_sock_reason_kind): the library's parts worded */
	S_REASON_EXPOSED_FACT,      /* {1} address, {2} the fact's title, {3} its risk */
	S_REASON_EXPOSED_PLAINTEXT, /* {1} address */
	S_REASON_UNASSIGNED,        /* {1} port, {2} proto */
	S_REASON_MALWARE,           /* {1} the fact's title, or S_SEE_INFO */
	S_SEE_INFO,
	S_REASON_CAPTURE, /* {1} S_READS_*, {2} the interface or S_EVERY_INTERFACE */
	S_READS_EVERY_FRAME,
	S_READS_FRAMES,    /* {1} protocol name */
	S_READS_ETHERTYPE, /* {1} 0xNNNN */
	S_EVERY_INTERFACE,
	S_REASON_RAW,        /* {1} protocol name or S_IP_PROTOCOL */
	S_IP_PROTOCOL,       /* {1} number */
	S_REASON_UNEXPECTED, /* {1} port, {2} service, {3} holder, {4} the expected programs */
	/* The notes under /listen (enum pl_sock_note_kind) */
	S_NOTE_READ_INSTEAD, /* {1} what failed (the system's words), {2} what was read */
	S_NOTE_NETNS,        /* {1} namespace, {2} the system's error */
	S_NOTE_HIDDEN_OTHERS,
	S_NOTE_HIDDEN_ROOT,
	S_COUNT,
};

struct web_lang {
	const char *code;           /* BCP 47 primary tag: "en", "ko", "ar", "tr" */
	const char *name;           /* the language's own name */
	int rtl;                    /* written right to left */
	const char *const *strings; /* S_COUNT entries; NULL falls back to English */
};

/* The tables of i18n_ko.c, i18n_ar.c, i18n_tr.c (English is in i18n_tables.c). */
extern const char *const web_strings_ko[S_COUNT];
extern const char *const web_strings_ar[S_COUNT];
extern const char *const web_strings_tr[S_COUNT];

extern const struct web_lang web_langs[];
extern const size_t web_langs_count;

/* The language with this code (case-insensitive, n bytes), or NULL. */
const struct web_lang *web_lang_find(const char *code, size_t n);

/*
 * Picks the best supported language for an Accept-Language header value (RFC 9110
 * 12.5.4: comma-separated ranges with optional ;q=weights; "ko-KR" matches "ko").
 * Returns NULL when nothing matches or the header is NULL or malformed beyond use.
 * Pure; never reads more than the string.
 */
const struct web_lang *web_lang_negotiate(const char *header);

/* The port page's range section as every renderer says it (web, terminal, Markdown):
 * the name of a range, and the numbers of its sentences as text. */
enum web_str web_range_str(enum pl_range_class range);
struct web_range_nums {
	char port[8], lo[8], hi[8]; /* the port and its range's bounds */
	char unpriv[8];             /* the first port a user may bind */
	char eph_lo[8], eph_hi[8];  /* the ephemeral range */
};
void web_range_nums(const struct pl_page *p, struct web_range_nums *out);

/* The label of a socket flag (enum pl_sock_flag, one bit) on the port page. */
enum web_str web_flag_str(unsigned flag);

/* The string id in language l, falling back to English. Never NULL. */
const char *web_tr(const struct web_lang *l, enum web_str id);

/* Appends string id in language l with {1}..{4} filled by a1..a4 (NULL: nothing), as
 * plain text: the terminal page, Markdown, and messages escaped later. */
void web_trf_text(struct pl_buf *b, const struct web_lang *l, enum web_str id, const char *a1,
                  const char *a2, const char *a3, const char *a4);

#endif
