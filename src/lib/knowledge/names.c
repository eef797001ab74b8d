// SPDX-License-Identifier: MIT
/*
 * names.c - the knowledge base's kinds and risk levels: their file names and labels.
 */
#include <string.h>

#include "portlens/knowledge.h"

static const char *const kind_names[PL_KB_KIND_COUNT] = {
    [PL_KB_UNOFFICIAL_USE] = "unofficial-use",
    [PL_KB_MALWARE] = "malware",
    [PL_KB_BOTNET_TARGET] = "botnet-target",
    [PL_KB_DEFAULT_CREDENTIALS] = "default-credentials",
    [PL_KB_PLAINTEXT_PROTOCOL] = "plaintext-protocol",
    [PL_KB_COMMONLY_EXPOSED] = "commonly-exposed",
    [PL_KB_AMPLIFICATION] = "amplification",
    [PL_KB_VULNERABILITY] = "vulnerability",
    [PL_KB_SECURITY_NOTE] = "security-note",
};

static const char *const kind_labels[PL_KB_KIND_COUNT] = {
    [PL_KB_UNOFFICIAL_USE] = "Unofficial use",
    [PL_KB_MALWARE] = "Malware",
    [PL_KB_BOTNET_TARGET] = "Botnet target",
    [PL_KB_DEFAULT_CREDENTIALS] = "Default credentials",
    [PL_KB_PLAINTEXT_PROTOCOL] = "Plaintext protocol",
    [PL_KB_COMMONLY_EXPOSED] = "Commonly exposed",
    [PL_KB_AMPLIFICATION] = "Amplification vector",
    [PL_KB_VULNERABILITY] = "Vulnerability",
    [PL_KB_SECURITY_NOTE] = "Security note",
};

static const char *const risk_names[PL_RISK_COUNT] = {
    [PL_RISK_INFO] = "info", [PL_RISK_LOW] = "low",           [PL_RISK_MEDIUM] = "medium",
    [PL_RISK_HIGH] = "high", [PL_RISK_CRITICAL] = "critical",
};

const char *
pl_kb_kind_name(enum pl_kb_kind kind)
{
	return (unsigned)kind < PL_KB_KIND_COUNT ? kind_names[kind] : "?";
}

const char *
pl_kb_kind_label(enum pl_kb_kind kind)
{
	return (unsigned)kind < PL_KB_KIND_COUNT ? kind_labels[kind] : "?";
}

const char *
pl_risk_name(enum pl_risk risk)
{
	return (unsigned)risk < PL_RISK_COUNT ? risk_names[risk] : "?";
}

enum pl_rc
pl_kb_kind_parse(const char *s, enum pl_kb_kind *out)
{
	for (unsigned i = 0; i < PL_KB_KIND_COUNT; i++) {
		if (strcmp(s, kind_names[i]) == 0) {
			*out = (enum pl_kb_kind)i;
			return PL_OK;
		}
	}
	return PL_ERR_PARSE;
}

enum pl_rc
pl_risk_parse(const char *s, enum pl_risk *out)
{
	for (unsigned i = 0; i < PL_RISK_COUNT; i++) {
		if (strcmp(s, risk_names[i]) == 0) {
			*out = (enum pl_risk)i;
			return PL_OK;
		}
	}
	return PL_ERR_PARSE;
}
