// SPDX-License-Identifier: MIT
/*
 * i18n_tables.c - the languages of the web front end and its English interface strings;
 * the other languages' tables are in i18n_ko.c, i18n_ar.c and i18n_tr.c (one file a
 * language), each indexed by enum web_str with designated initializers. A missing entry
 * falls back to English (web_tr); test_web checks every table is complete. Placeholders {1}.. are
 * filled with escaped values. Registry and knowledge text is never translated.
 */
#include "web/i18n.h"

static const char *const en[S_COUNT] = {
    [S_TAGLINE] = "What is on this port, and should it be there?",
    [S_NAV_HOME] = "Home",
    [S_NAV_LISTEN] = "Listening now",
    [S_NAV_SCANS] = "Saved scans",
    [S_NAV_API] = "JSON API",
    [S_LANGUAGE] = "Language",
    [S_SEARCH_LABEL] = "Search ports",
    [S_SEARCH_PLACEHOLDER] = "port number or service, e.g. 2323 or telnet",
    [S_SEARCH_BUTTON] = "Search",
    [S_HOME_INTRO] = "Every port page says what the IANA registry records, what happens "
                     "on the port in practice, what attackers do with it, and what is "
                     "listening on it on this machine — each fact with its source.",
    [S_RANGES_TITLE] = "The three port ranges (RFC 6335)",
    [S_RANGE_SYSTEM_NAME] = "System ports (well-known)",
    [S_RANGE_SYSTEM_TEXT] = "Assigned by IANA only through IETF review. On Linux, binding "
                            "one needs root or CAP_NET_BIND_SERVICE.",
    [S_RANGE_USER_NAME] = "User ports (registered)",
    [S_RANGE_USER_TEXT] = "Assigned by IANA on request. Any program may use one; a "
                          "registration is not a guarantee of what runs there.",
    [S_RANGE_DYNAMIC_NAME] = "Dynamic ports (private, ephemeral)",
    [S_RANGE_DYNAMIC_TEXT] = "Never assigned. Operating systems pick local ports for "
                             "outgoing connections from here.",
    [S_RISKIEST_TITLE] = "The riskiest ports",
    [S_RECENT_SCANS_TITLE] = "Recent scans",
    [S_NO_SCANS] = "No saved scans yet. Run: portlens scan --save TARGETS",
    [S_PORT_TITLE] = "Port {1}",
    [S_RISK] = "Risk",
    [S_SEC_REGISTRY] = "What it is — IANA registry (data as of {1})",
    [S_TRANSPORT] = "Transport",
    [S_SERVICE] = "Service",
    [S_DESCRIPTION] = "Description",
    [S_ASSIGNEE] = "Assignee",
    [S_CONTACT] = "Contact",
    [S_REGISTERED] = "Registered",
    [S_MODIFIED] = "Modified",
    [S_REFERENCE] = "Reference",
    [S_SERVICE_CODE] = "Service code",
    [S_UNAUTHORIZED_USE] = "Unauthorized use reported",
    [S_NOTES] = "Notes",
    [S_STATUS] = "Status",
    [S_NO_RECORD] = "The registry has no record for {1}.",
    [S_REG_RANGE] = "Registered as the range {1}–{2}.",
    [S_SOURCE] = "Source",
    [S_SOURCES] = "Sources",
    [S_REG_SOURCE] = "Source: {1}, CSV line {2}",
    [S_SEC_RANGE] = "The range it lives in",
    [S_RANGE_IS] = "Port {1} is in the {2} range, {3}–{4} (RFC 6335).",
    [S_RANGE_PRIV] = "On this system binding it needs root or CAP_NET_BIND_SERVICE "
                     "(unprivileged ports start at {1}).",
    [S_RANGE_UNPRIV] = "On this system any user may bind it (unprivileged ports start at "
                       "{1}).",
    [S_EPHEMERAL] = "Linux picks local ports for outgoing connections from {1}–{2} ({3}).",
    [S_EPH_INSIDE] = "This port is inside that range.",
    [S_EPH_OUTSIDE] = "This port is outside that range.",
    [S_SEC_USES] = "Known unofficial uses",
    [S_SEC_SECURITY] = "Security notes",
    [S_NONE_RECORDED] = "None recorded.",
    [S_NO_CURATED] = "portlens has no curated notes on port {1}: nothing more is known "
                     "beyond the registry.",
    [S_KIND] = "Kind",
    [S_TRANSPORTS] = "Transports",
    [S_SEC_CHECK] = "How to check",
    [S_PLATFORM] = "Platform",
    [S_PURPOSE] = "Purpose",
    [S_COMMAND] = "Command",
    [S_SEC_FAQ] = "Frequently asked questions",
    [S_SEC_LIVE] = "On this machine, now",
    [S_LIVE_LISTENING] = "Listening sockets: {1}.",
    [S_LIVE_NOT_LISTENING] = "Nothing is listening on this port.",
    [S_LIVE_CONNS] = "Connections using this port: {1}.",
    [S_LIVE_UNAVAILABLE] = "Live data is not available: {1}",
    [S_LIVE_OFF] = "Live data is turned off for this server (--no-live).",
    [S_LIVE_REFRESH] = "Refreshes itself every few seconds (needs JavaScript).",
    [S_HELPFUL_Q] = "Was this page helpful?",
    [S_VOTE_YES] = "Yes",
    [S_VOTE_PARTLY] = "Partly",
    [S_VOTE_NO] = "No",
    [S_VOTE_THANKS] = "Thank you — your vote is counted.",
    [S_VOTE_COUNTS] = "Votes so far: yes {1}, partly {2}, no {3}.",
    [S_SEARCH_TITLE] = "Search: {1}",
    [S_SEARCH_NONE] = "No registry record matches.",
    [S_SEARCH_TOTAL] = "Showing {1} of {2} matches.",
    [S_PORT] = "Port",
    [S_MATCHED] = "Matched on",
    [S_LISTEN_TITLE] = "Listening on this machine",
    [S_LISTEN_LEAD] = "Sockets that accept connections or datagrams, with the programs that "
                      "hold them. Flagged rows deserve a look.",
    [S_PROTO] = "Proto",
    [S_LOCAL_ADDR] = "Local address",
    [S_PROCESS] = "Process",
    [S_USER] = "User",
    [S_FLAGS] = "Flags",
    [S_LISTEN_NONE] = "No listening sockets found.",
    [S_SCANS_TITLE] = "Saved scans",
    [S_SCAN_TITLE] = "Scan {1}",
    [S_TARGETS] = "Targets",
    [S_PORTS] = "Ports",
    [S_ENGINE] = "Engine",
    [S_STARTED] = "Started",
    [S_FINISHED] = "Finished",
    [S_RESULTS] = "Results",
    [S_OPEN] = "Open",
    [S_ADDRESS] = "Address",
    [S_STATE] = "State",
    [S_BANNER] = "Banner",
    [S_PRODUCT] = "Product",
    [S_RTT] = "RTT (µs)",
    [S_NOT_FOUND] = "Not found.",
    [S_BAD_REQUEST] = "Bad request.",
    [S_TOO_MANY] = "Too many requests; try again in a minute.",
    [S_FORBIDDEN] = "Forbidden: the request did not come from this site's own page.",
    [S_UNAUTHORIZED] = "This server needs its access token: open the URL that "
                       "`portlens serve` printed.",
    [S_FOOTER] = "portlens — registry data: IANA Service Name and Transport Protocol Port "
                 "Number Registry (as published); notes: the portlens knowledge base, "
                 "each fact cited.",
    [S_UNIT] = "Unit or container",
    [S_UNTRANSLATED] = "(in English: not translated yet)",
    [S_ANY_TRANSPORT] = "any transport",
    [S_MORE_LISTENERS] = "... and {1} more ({2})",
    [S_HIDDEN_PROCS] = "Some processes belong to other users and are hidden; run as root to "
                       "see them.",
    [S_OBSERVED_VIA] = "Observed now through {1}.",
    [S_DB_READONLY] = "The database is read-only: saved scans are shown, votes are not saved.",
    [S_DB_UNAVAILABLE] = "The database cannot be used: saved scans and votes are unavailable.",
    [S_LIVE_PROC] = "{1} (pid {2}, user {3}{4})",
    [S_LIVE_HIDDEN] = "process hidden (user {1}): run as root to see it",
    [S_LIVE_INVISIBLE] = "process not visible even to root (user {1})",
    [S_LIVE_KERNEL] = "no process holds it (kernel socket)",
    [S_LIVE_NETNS] = "in namespace {1}",
    [S_LIVE_CONNS_ONE] = "{1} connection on port {2}:",
    [S_LIVE_CONNS_MANY] = "{1} connections on port {2}:",
    [S_OWNER_HIDDEN] = "(hidden: not root)",
    [S_OWNER_NONE] = "(no process)",
    [S_OWNER_UNSEEN] = "(not visible to this server)",
    [S_FLAG_EXPOSED] = "exposed",
    [S_FLAG_UNASSIGNED] = "unassigned",
    [S_FLAG_MALWARE] = "malware",
    [S_FLAG_UNEXPECTED] = "unexpected",
    [S_FLAG_CAPTURE] = "capture",
    [S_FLAG_RAW] = "raw",
    [S_NAV_HOSTS] = "Hosts",
    [S_HOSTS_LEAD] = "Machines that report their listeners (portlens watch --db) and addresses "
                     "found by saved scans, from this database.",
    [S_NO_HOSTS] = "No hosts yet: run portlens watch --db or portlens scan --save with this "
                   "database.",
    [S_HOST_TITLE] = "Host {1}",
    [S_LISTENING_NOW] = "Listening, as portlens watch last saw it",
    [S_TIMELINE_TITLE] = "What changed when",
    [S_PORT_TIMELINE_TITLE] = "Port {1}: what changed when",
    [S_NO_CHANGES] = "No changes recorded.",
    [S_HOST] = "Host",
    [S_WHEN] = "When",
    [S_CHANGE] = "Change",
    [S_EVENTS] = "Events",
    [S_LAST_SEEN] = "Last seen",
    [S_EXPORT] = "Export",
    [S_DELETE_SCAN] = "Delete this scan",
    [S_NOT_A_PORT] = "{1} is not a port: ports are 0-65535",
    [S_LANG_UNKNOWN] =
        "There is no “{1}” version of this page: it is shown in {2}. Languages: {3}.",
    [S_REASON_EXPOSED_FACT] = "listening on {1}, beyond loopback; what this port is known for: {2} "
                              "({3} risk)",
    [S_REASON_EXPOSED_PLAINTEXT] = "listening on {1}, beyond loopback, on a remote-login port "
                                   "whose protocol sends passwords in plaintext",
    [S_REASON_UNASSIGNED] = "the IANA registry lists {1}/{2} as Unassigned: do you know what this "
                            "is, and did you put it here?",
    [S_REASON_MALWARE] = "port associated with malware: {1}",
    [S_SEE_INFO] = "see portlens info",
    [S_REASON_CAPTURE] =
        "a packet socket reads {1} on {2}, below TCP/UDP: tcpdump, DHCP clients and LLDP agents do "
        "this; BPFDoor-style backdoors hide this way from ss -tulpn and lsof -i",
    [S_READS_EVERY_FRAME] = "every frame",
    [S_READS_FRAMES] = "{1} frames",
    [S_READS_ETHERTYPE] = "ethertype {1} frames",
    [S_EVERY_INTERFACE] = "every interface",
    [S_REASON_RAW] =
        "a raw socket receives every {1} packet sent to this machine: ping-like tools and routing "
        "daemons do this; a long-lived one elsewhere can be a covert channel",
    [S_IP_PROTOCOL] = "IP protocol {1}",
    [S_REASON_UNEXPECTED] =
        "well-known port {1} ({2}) is held by {3}, not by one of the programs expected there ({4})",
    [S_NOTE_READ_INSTEAD] = "{1}; read {2} instead",
    [S_NOTE_NETNS] = "cannot enter network namespace {1}: {2} (run as root)",
    [S_NOTE_HIDDEN_OTHERS] = "some processes belong to other users, so their sockets show no "
                             "process; run as root to see them all",
    [S_NOTE_HIDDEN_ROOT] =
        "some processes could not be inspected even as root (security module, hidepid, or another "
        "PID namespace's init); their sockets show no process",
};

const struct web_lang web_langs[] = {
    {.code = "en", .name = "English", .rtl = 0, .strings = en},
    {.code = "ko", .name = "한국어", .rtl = 0, .strings = web_strings_ko},
    {.code = "ar", .name = "العربية", .rtl = 1, .strings = web_strings_ar},
    {.code = "tr", .name = "Türkçe", .rtl = 0, .strings = web_strings_tr},
};

const size_t web_langs_count = sizeof(web_langs) / sizeof(web_langs[0]);
