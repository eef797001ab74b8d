// SPDX-License-Identifier: MIT
/*
 * aliases.c - the names people type for a service that the IANA registry files under
 * another name: "dns" is "domain" (53), "rdp" and "remote desktop" are "ms-wbt-server"
 * (3389), "smb" is "microsoft-ds" (445), "vnc" is "rfb" (5900). Each concept is listed
 * in English, Korean, Arabic and Turkish, the languages of the port pages, so a search
 * in any of them lands on the same ports. Keys are compared after trimming, collapsing
 * spaces and folding ASCII case; non-ASCII bytes compare exactly.
 */
#include <ctype.h>
#include <string.h>

#include "portlens/search.h"

struct alias {
	const char *key;
	const char *const *services;
};

static const char *const svc_dns[] = {"domain", NULL};
static const char *const svc_rdp[] = {"ms-wbt-server", NULL};
static const char *const svc_smb[] = {"microsoft-ds", "netbios-ssn", NULL};
static const char *const svc_vnc[] = {"rfb", NULL};
static const char *const svc_telnet[] = {"telnet", NULL};
static const char *const svc_web[] = {"http", "https", NULL};
static const char *const svc_mail[] = {"smtp",  "submission", "submissions", "imap",
                                       "imaps", "pop3",       "pop3s",       NULL};
static const char *const svc_ftp[] = {"ftp", "ftp-data", "ftps", "ftps-data", "tftp", NULL};
static const char *const svc_print[] = {"ipp", "printer", "pdl-datastream", NULL};
static const char *const svc_mssql[] = {"ms-sql-s", "ms-sql-m", NULL};
static const char *const svc_pg[] = {"postgresql", NULL};
static const char *const svc_memcache[] = {"memcache", NULL};
static const char *const svc_ssh[] = {"ssh", NULL};
static const char *const svc_ntp[] = {"ntp", NULL};

static const struct alias aliases[] = {
    {.key = "dns", .services = svc_dns},
    {.key = "domain name system", .services = svc_dns},
    {.key = "name server", .services = svc_dns},
    {.key = "도메인 이름", .services = svc_dns},
    {.key = "alan adı sistemi", .services = svc_dns},
    {.key = "نظام أسماء النطاقات", .services = svc_dns},
    {.key = "rdp", .services = svc_rdp},
    {.key = "remote desktop", .services = svc_rdp},
    {.key = "terminal services", .services = svc_rdp},
    {.key = "원격 데스크톱", .services = svc_rdp},
    {.key = "원격 데스크탑", .services = svc_rdp},
    {.key = "uzak masaüstü", .services = svc_rdp},
    {.key = "سطح المكتب البعيد", .services = svc_rdp},
    {.key = "smb", .services = svc_smb},
    {.key = "cifs", .services = svc_smb},
    {.key = "samba", .services = svc_smb},
    {.key = "windows file sharing", .services = svc_smb},
    {.key = "파일 공유", .services = svc_smb},
    {.key = "dosya paylaşımı", .services = svc_smb},
    {.key = "مشاركة الملفات", .services = svc_smb},
    {.key = "vnc", .services = svc_vnc},
    {.key = "텔넷", .services = svc_telnet},
    {.key = "تلنت", .services = svc_telnet},
    {.key = "web", .services = svc_web},
    {.key = "www", .services = svc_web},
    {.key = "웹", .services = svc_web},
    {.key = "ويب", .services = svc_web},
    {.key = "email", .services = svc_mail},
    {.key = "e-mail", .services = svc_mail},
    {.key = "mail", .services = svc_mail},
    {.key = "이메일", .services = svc_mail},
    {.key = "메일", .services = svc_mail},
    {.key = "e-posta", .services = svc_mail},
    {.key = "البريد الإلكتروني", .services = svc_mail},
    {.key = "file transfer", .services = svc_ftp},
    {.key = "파일 전송", .services = svc_ftp},
    {.key = "dosya aktarımı", .services = svc_ftp},
    {.key = "نقل الملفات", .services = svc_ftp},
    {.key = "printer", .services = svc_print},
    {.key = "printing", .services = svc_print},
    {.key = "프린터", .services = svc_print},
    {.key = "yazıcı", .services = svc_print},
    {.key = "طابعة", .services = svc_print},
    {.key = "mssql", .services = svc_mssql},
    {.key = "sql server", .services = svc_mssql},
    {.key = "postgres", .services = svc_pg},
    {.key = "memcached", .services = svc_memcache},
    {.key = "secure shell", .services = svc_ssh},
    {.key = "보안 셸", .services = svc_ssh},
    {.key = "güvenli kabuk", .services = svc_ssh},
    {.key = "time sync", .services = svc_ntp},
    {.key = "시간 동기화", .services = svc_ntp},
    {.key = "zaman eşitleme", .services = svc_ntp},
    {.key = "مزامنة الوقت", .services = svc_ntp},
};

/* Compares a typed term with a key: surrounding spaces ignored, runs of spaces equal
 * one space, ASCII letters equal regardless of case. */
static int
term_equals(const char *term, const char *key)
{
	while (*term == ' ' || *term == '\t')
		term++;
	while (*term && *key) {
		if ((*term == ' ' || *term == '\t') && *key == ' ') {
			while (*term == ' ' || *term == '\t')
				term++;
			key++;
			continue;
		}
		if (tolower((unsigned char)*term) != tolower((unsigned char)*key))
			return 0;
		term++;
		key++;
	}
	while (*term == ' ' || *term == '\t')
		term++;
	return *term == '\0' && *key == '\0';
}

const char *const *
pl_service_alias(const char *term)
{
	if (!term)
		return NULL;
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (term_equals(term, aliases[i].key))
			return aliases[i].services;
	return NULL;
}
