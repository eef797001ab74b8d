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

/* Kind labels in the other page languages, by enum pl_lang. */
static const char *const kind_labels_tr[PL_LANG_COUNT][PL_KB_KIND_COUNT] = {
    [PL_LANG_KO] =
        {
            [PL_KB_UNOFFICIAL_USE] = "비공식 용도",
            [PL_KB_MALWARE] = "악성 코드",
            [PL_KB_BOTNET_TARGET] = "봇넷 표적",
            [PL_KB_DEFAULT_CREDENTIALS] = "기본 자격 증명",
            [PL_KB_PLAINTEXT_PROTOCOL] = "평문 프로토콜",
            [PL_KB_COMMONLY_EXPOSED] = "흔히 노출됨",
            [PL_KB_AMPLIFICATION] = "증폭 공격 벡터",
            [PL_KB_VULNERABILITY] = "취약점",
            [PL_KB_SECURITY_NOTE] = "보안 참고",
        },
    [PL_LANG_AR] =
        {
            [PL_KB_UNOFFICIAL_USE] = "استخدام غير رسمي",
            [PL_KB_MALWARE] = "برمجية خبيثة",
            [PL_KB_BOTNET_TARGET] = "هدف لشبكات البوت",
            [PL_KB_DEFAULT_CREDENTIALS] = "بيانات دخول افتراضية",
            [PL_KB_PLAINTEXT_PROTOCOL] = "بروتوكول غير مشفر",
            [PL_KB_COMMONLY_EXPOSED] = "مكشوف كثيرًا",
            [PL_KB_AMPLIFICATION] = "وسيلة تضخيم",
            [PL_KB_VULNERABILITY] = "ثغرة",
            [PL_KB_SECURITY_NOTE] = "ملاحظة أمنية",
        },
    [PL_LANG_TR] =
        {
            [PL_KB_UNOFFICIAL_USE] = "Resmî olmayan kullanım",
            [PL_KB_MALWARE] = "Zararlı yazılım",
            [PL_KB_BOTNET_TARGET] = "Botnet hedefi",
            [PL_KB_DEFAULT_CREDENTIALS] = "Varsayılan kimlik bilgileri",
            [PL_KB_PLAINTEXT_PROTOCOL] = "Şifresiz protokol",
            [PL_KB_COMMONLY_EXPOSED] = "Sıkça açıkta",
            [PL_KB_AMPLIFICATION] = "Yükseltme (amplification) aracı",
            [PL_KB_VULNERABILITY] = "Güvenlik açığı",
            [PL_KB_SECURITY_NOTE] = "Güvenlik notu",
        },
};

/* Risk levels as words of each page language ([PL_LANG_EN] are the file names). */
static const char *const risk_labels[PL_LANG_COUNT][PL_RISK_COUNT] = {
    [PL_LANG_EN] = {"info", "low", "medium", "high", "critical"},
    [PL_LANG_KO] = {"정보", "낮음", "보통", "높음", "치명적"},
    [PL_LANG_AR] = {"معلومات", "منخفض", "متوسط", "مرتفع", "حرج"},
    [PL_LANG_TR] = {"bilgi", "düşük", "orta", "yüksek", "kritik"},
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
pl_kb_kind_label_in(enum pl_kb_kind kind, enum pl_lang lang)
{
	if ((unsigned)kind >= PL_KB_KIND_COUNT)
		return "?";
	if ((unsigned)lang < PL_LANG_COUNT && lang != PL_LANG_EN && kind_labels_tr[lang][kind])
		return kind_labels_tr[lang][kind];
	return kind_labels[kind];
}

const char *
pl_risk_label(enum pl_risk risk, enum pl_lang lang)
{
	if ((unsigned)risk >= PL_RISK_COUNT)
		return "?";
	return risk_labels[(unsigned)lang < PL_LANG_COUNT ? lang : PL_LANG_EN][risk];
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
