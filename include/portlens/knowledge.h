/* SPDX-License-Identifier: MIT */
/*
 * portlens/knowledge.h - the curated knowledge base: what ports are used for in
 * practice and what attackers do with them, each fact with its sources.
 *
 * The file format is documented in docs/knowledge-format.md. The knowledge compiled into
 * the library (pl_kb_builtin) is generated from data/knowledge/ (*.kb files) at build time.
 */
#ifndef PORTLENS_KNOWLEDGE_H
#define PORTLENS_KNOWLEDGE_H

#include <stddef.h>
#include <stdint.h>

#include "portlens/error.h"
#include "portlens/lang.h"
#include "portlens/port.h"

enum pl_kb_kind {
	PL_KB_UNOFFICIAL_USE = 0,
	PL_KB_MALWARE,
	PL_KB_BOTNET_TARGET,
	PL_KB_DEFAULT_CREDENTIALS,
	PL_KB_PLAINTEXT_PROTOCOL,
	PL_KB_COMMONLY_EXPOSED,
	PL_KB_AMPLIFICATION,
	PL_KB_VULNERABILITY,
	PL_KB_SECURITY_NOTE,
	PL_KB_KIND_COUNT,
};

enum pl_risk {
	PL_RISK_INFO = 0,
	PL_RISK_LOW,
	PL_RISK_MEDIUM,
	PL_RISK_HIGH,
	PL_RISK_CRITICAL,
	PL_RISK_COUNT,
};

/*
 * One fact about one port range. A stanza that names several ports ("23,2323/tcp")
 * becomes one entry per port or range, sharing its strings.
 */
struct pl_kb_entry {
	const char *port_spec; /* the stanza's port line as written */
	const char *title;     /* one line, English (the reference text) */
	const char *text;      /* one paragraph, English */
	/* Translations by enum pl_lang; [PL_LANG_EN] is unused (NULL), NULL where the
	 * knowledge file has no `title.LANG:` / `text.LANG:` line. Use pl_kb_title/text. */
	const char *title_tr[PL_LANG_COUNT];
	const char *text_tr[PL_LANG_COUNT];
	const char *const *sources; /* n_sources >= 1 citations */
	const char *file;           /* knowledge file the fact came from */
	uint32_t n_sources;
	uint32_t line; /* line of the stanza in file */
	uint16_t port_lo, port_hi;
	uint8_t protos; /* PL_PROTO_BIT mask */
	uint8_t kind;   /* enum pl_kb_kind */
	uint8_t risk;   /* enum pl_risk */
	/* The software the fact is about ("Redis", "OpenSSH"), or NULL when it holds for
	 * whatever listens on the port; and the affected versions "LO-HI" (LO included, HI
	 * not, either may be empty) of a vulnerability, or NULL. */
	const char *software;
	const char *affects;
};

struct pl_kb;

/* The knowledge base compiled into the library. Never NULL; never free it. */
const struct pl_kb *pl_kb_builtin(void);

/* Creates an empty knowledge base for pl_kb_parse. Returns NULL when out of memory. */
struct pl_kb *pl_kb_new(void);

/*
 * Parses one knowledge file (len bytes at data, not modified) and appends its entries.
 * source names the file in errors and in pl_kb_entry.file. Returns PL_OK or
 * PL_ERR_PARSE with SOURCE:LINE:COL in err (kb may then hold part of the file), or
 * PL_ERR_NOMEM.
 */
enum pl_rc pl_kb_parse(struct pl_kb *kb, const char *data, size_t len, const char *source,
                       struct pl_err *err);

/* Rebuilds the port index after the last pl_kb_parse. Required before pl_kb_lookup. */
enum pl_rc pl_kb_finish(struct pl_kb *kb, struct pl_err *err);

/* Frees a knowledge base from pl_kb_new. NULL is a no-op. */
void pl_kb_free(struct pl_kb *kb);

size_t pl_kb_count(const struct pl_kb *kb);
const struct pl_kb_entry *pl_kb_entry(const struct pl_kb *kb, size_t i);

/* Indexes (into pl_kb_entry) of the facts covering port, in file order; borrowed. */
const uint32_t *pl_kb_lookup(const struct pl_kb *kb, uint16_t port, size_t *n_out);

/* The riskiest fact about port (the first of equals, in file order) among those spanning
 * at most max_width + 1 ports, so a note on a whole range can be left out; NULL if none. */
const struct pl_kb_entry *pl_kb_top_fact(const struct pl_kb *kb, uint16_t port, unsigned max_width);

/* Highest risk among the facts covering port for any transport in protos (INFO if none). */
enum pl_risk pl_kb_port_risk(const struct pl_kb *kb, uint16_t port, unsigned protos);

/*
 * The fact's title or text in lang, falling back to English when it has no translation
 * in that language; *fell_back (may be NULL) is set to 1 in that case, else 0. Never
 * NULL.
 */
const char *pl_kb_title(const struct pl_kb_entry *e, enum pl_lang lang, int *fell_back);
const char *pl_kb_text(const struct pl_kb_entry *e, enum pl_lang lang, int *fell_back);

/* Names as written in the files: "botnet-target", "high", ... Static strings. */
const char *pl_kb_kind_name(enum pl_kb_kind kind);
const char *pl_risk_name(enum pl_risk risk);
/* Human labels: "Botnet target", "High". */
const char *pl_kb_kind_label(enum pl_kb_kind kind);
/* The same labels in a page language: "봇넷 표적", "high" -> "yüksek". Static. */
const char *pl_kb_kind_label_in(enum pl_kb_kind kind, enum pl_lang lang);
const char *pl_risk_label(enum pl_risk risk, enum pl_lang lang);
/* Parse names; return PL_OK or PL_ERR_PARSE. */
enum pl_rc pl_kb_kind_parse(const char *s, enum pl_kb_kind *out);
enum pl_rc pl_risk_parse(const char *s, enum pl_risk *out);

#endif
