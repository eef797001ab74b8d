#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# The port pages in Korean, Arabic and Turkish carry no English of portlens' own: the
# registry status words, "not in the registry", the range wording ("Linux default", the
# registry range), the built-in registry's name and the database notice all come back
# translated, from `portlens serve` (over a database that cannot be used, so the notice
# shows) and from the static export of `portlens site`. Registry data (service names,
# descriptions, assignees) stays as published and is not checked here. /listen too: flag
# labels, their reasons and the notes under the table; and what a new user mistypes
# (/port/70000, ?lang=xx) is answered in the page's language.
import html
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webtest import Server, check, finish  # noqa: E402

exe = sys.argv[1]
PORTS = [0, 2323, 6001, 49152]
LANGS = ["ko", "ar", "tr"]
# portlens' own English that must never reach a translated page. A phrase is checked in
# the page's visible text (tags removed); a status word as the whole value of its cell.
PHRASES = [
    "no registry record",
    "The registry has no record",
    "registered as the range",
    "Registered as the range",
    "Linux default",
    "not in the registry",
    "built-in ",
    "The database is read-only",
    "The database cannot be used",
    "saved scans and votes are unavailable",
    "(in English: not translated yet)",
]
STATUS = [">assigned<", ">unassigned<", ">reserved<"]
# /listen: a flag's English label and the reason sentence the library writes.
LISTEN_ENGLISH = [" unassigned ", "as Unassigned: do you know what this is"]
# ... and the reason's sentence in each language, for the port held (%d).
LISTEN_REASON = {
    "en": "the IANA registry lists %d/tcp as Unassigned",
    "ko": "IANA 레지스트리에서 %d/tcp은(는) 미할당입니다",
    "ar": "يدرج سجل IANA المنفذ %d/tcp على أنه غير مخصّص",
    "tr": "IANA kaydı %d/tcp portunu Atanmamış olarak listeliyor",
}


def visible(page):
    page = re.sub(r"<(script|style)\b.*?</\1>", "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def english_left(page):
    text = visible(page)
    return [p for p in PHRASES if p in text] + [s for s in STATUS if s in page]


tmp = tempfile.mkdtemp(prefix="pl-lang-pages-")
try:
    bad_db = os.path.join(tmp, "bad.db")
    with open(bad_db, "wb") as f:
        f.write(b"this is not an SQLite database\n" * 64)
    srv = Server(exe, bad_db)
    if check(srv.port is not None, "serve starts over an unusable database: %r" % srv.first):
        try:
            for lang in LANGS:
                for port in PORTS:
                    url = "http://127.0.0.1:%d/port/%d?lang=%s" % (srv.port, port, lang)
                    with urllib.request.urlopen(url, timeout=20) as r:
                        page = r.read().decode("utf-8")
                    check('id="db-notice"' in page, "%s %d: the database notice shows" % (lang, port))
                    left = english_left(page)
                    check(not left, "serve %s %d: no English of portlens' own %r" % (lang, port, left))
                    if lang == "ar" and port == 6001:
                        # En-dash ranges read backwards in RTL text unless isolated.
                        check("\u20661024\u201349151\u2069" in page and
                              "\u20666000\u20136063\u2069" in page,
                              "serve ar 6001: number ranges isolated left-to-right")
            # /listen in ko/ar/tr with a flagged listener (0.0.0.0 on a port the registry
            # lists as Unassigned): the flag's label is translated and the library's
            # English reason sentence is not on the page; English pages keep both.
            held = None
            for cand in (10022, 10053, 10873, 11883, 21211):
                try:
                    held = socket.socket()
                    held.bind(("0.0.0.0", cand))
                    held.listen()
                    break
                except OSError:
                    held.close()
                    held = None
            if check(held is not None, "a free Unassigned port to listen on"):
                try:
                    for lang in LANGS + ["en"]:
                        url = "http://127.0.0.1:%d/listen?lang=%s" % (srv.port, lang)
                        with urllib.request.urlopen(url, timeout=20) as r:
                            text = visible(r.read().decode("utf-8"))
                        english = [w for w in LISTEN_ENGLISH if w in text]
                        if lang == "en":
                            check(len(english) == 2,
                                  "serve en /listen: flag and reason in English %r" % english)
                        else:
                            check(not english, "serve %s /listen: no English %r" % (lang, english))
                        # the reason itself, in the page's language, naming the port
                        reason = LISTEN_REASON[lang] % held.getsockname()[1]
                        check(reason in text.replace("\u2066", "").replace("\u2069", ""),
                              "serve %s /listen: the flag's reason %r" % (lang, reason))
                finally:
                    held.close()
            # An error page is in the page's language too, its <title> included (it was
            # "not found · portlens" in every language).
            for lang in LANGS:
                url = "http://127.0.0.1:%d/port/70000?lang=%s" % (srv.port, lang)
                try:
                    urllib.request.urlopen(url, timeout=20)
                    check(False, "serve %s /port/70000: not a 404" % lang)
                except urllib.error.HTTPError as e:
                    page = e.read().decode("utf-8")
                    title = re.search(r"<title>([^<]*)</title>", page)
                    check(e.code == 404 and title and "not found" not in title.group(1).lower(),
                          "serve %s 404: no English in the title %r" %
                          (lang, title and title.group(1)))
            # /port/SEG that is no port number: a 404 saying so, in the page's language,
            # the visitor's text quoted (escaped); the API says it in English.
            NOT_A_PORT = {"en": "is not a port: ports are 0-65535", "ko": "포트가 아닙니다",
                          "ar": "ليس منفذًا", "tr": "bir port değil"}
            for lang, phrase in NOT_A_PORT.items():
                for seg in ("70000", "abc", "-1", "%3Cb%3E"):
                    url = "http://127.0.0.1:%d/port/%s?lang=%s" % (srv.port, seg, lang)
                    try:
                        urllib.request.urlopen(url, timeout=20)
                        check(False, "serve %s /port/%s: not a 404" % (lang, seg))
                        continue
                    except urllib.error.HTTPError as e:
                        code, page = e.code, e.read().decode("utf-8")
                    m = re.search(r'<p class="meta" id="error-detail"[^>]*>([^<]*)</p>', page)
                    want = urllib.parse.unquote(seg)
                    detail = html.unescape(m.group(1)) if m else ""
                    check(code == 404 and want in detail and phrase in detail and
                          "<b>" not in page,
                          "serve %s /port/%s: 404 saying %r, got %r" % (lang, seg, phrase, detail))
            try:
                urllib.request.urlopen("http://127.0.0.1:%d/api/port/-1" % srv.port, timeout=20)
                check(False, "serve /api/port/-1: not a 404")
            except urllib.error.HTTPError as e:
                body = json.loads(e.read().decode("utf-8"))
                check(e.code == 404 and body.get("detail") ==
                      "-1 is not a port: ports are 0-65535" and
                      e.headers.get("Content-Language") == "en",
                      "serve /api/port/-1: the reason in JSON %r" % body)
            # ?lang= naming no language we have: the page says so (in the language it is
            # shown in) and Content-Language names that language; a port page asked that
            # way is not served from, nor put into, the cache of plain requests.
            for accept, shown in ((None, "en"), ("ko-KR,ko;q=0.9", "ko")):
                for path in ("/", "/port/22", "/port/22", "/listen"):
                    req = urllib.request.Request("http://127.0.0.1:%d%s?lang=xx" % (srv.port, path))
                    if accept:
                        req.add_header("Accept-Language", accept)
                    with urllib.request.urlopen(req, timeout=20) as r:
                        page, clang = r.read().decode("utf-8"), r.headers.get("Content-Language")
                    note = re.search(r'<p class="notice" id="lang-notice"[^>]*>([^<]*)</p>', page)
                    check(clang == shown and ('<html lang="%s"' % shown) in page and note and
                          "\u201cxx\u201d" in html.unescape(note.group(1)) and
                          "en, ko, ar, tr" in note.group(1),
                          "serve %s?lang=xx (%s): %s page saying so, got %s %r" %
                          (path, accept, shown, clang, note and note.group(1)))
            with urllib.request.urlopen("http://127.0.0.1:%d/port/22?lang=en" % srv.port,
                                        timeout=20) as r:
                check('id="lang-notice"' not in r.read().decode("utf-8"),
                      "serve /port/22?lang=en: no language notice (none cached)")
            # The English page still says it all in English (the phrases are real).
            url = "http://127.0.0.1:%d/port/49152?lang=en" % srv.port
            with urllib.request.urlopen(url, timeout=20) as r:
                page = visible(r.read().decode("utf-8"))
            check("not in the registry" in page and "The database cannot be used" in page,
                  "serve en 49152: the English words are there")
        finally:
            srv.stop()

    # The notes under /listen are in the page's language too: serve run as nobody sees a
    # listener of root's (this test's) without its process, and says why at the bottom.
    HIDDEN_NOTE = {
        "en": "some processes belong to other users, so their sockets show no process",
        "ko": "일부 프로세스가 다른 사용자의 것이라 그 소켓에는 프로세스가 표시되지 않습니다",
        "ar": "بعض العمليات تخص مستخدمين آخرين، فلا تظهر عملية لمقابسها",
        "tr": "bazı süreçler başka kullanıcılara ait, bu yüzden soketlerinde süreç görünmüyor",
    }
    if os.geteuid() == 0 and shutil.which("setpriv"):
        open_dir = os.path.join(tmp, "nobody")
        os.mkdir(open_dir)
        os.chmod(open_dir, 0o777)
        os.chmod(tmp, 0o755)
        mine = socket.socket()
        mine.bind(("127.0.0.1", 0))
        mine.listen()
        srv = Server(exe, os.path.join(open_dir, "n.db"),
                     wrap=["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"])
        try:
            if check(srv.port is not None, "serve starts as nobody: %r" % srv.first):
                for lang, note in HIDDEN_NOTE.items():
                    url = "http://127.0.0.1:%d/listen?lang=%s" % (srv.port, lang)
                    with urllib.request.urlopen(url, timeout=20) as r:
                        notes = [html.unescape(n) for n in re.findall(
                            r'<p class="meta">([^<]*)</p>', r.read().decode("utf-8"))]
                    check(any(note in n for n in notes),
                          "serve as nobody %s /listen: the note in the page's language %r" %
                          (lang, notes))
        finally:
            srv.stop()
            mine.close()
    else:
        print("note: /listen notes not checked (needs root and setpriv to run serve as nobody)")

    out = os.path.join(tmp, "site")
    r = subprocess.run([exe, "site", out, "--ports", ",".join(map(str, PORTS))],
                       capture_output=True, text=True, timeout=120)
    check(r.returncode == 0, "site export: %s" % r.stderr.strip()[:200])
    for lang in LANGS:
        for port in PORTS:
            path = os.path.join(out, lang, "port", "%d.html" % port)
            try:
                with open(path, encoding="utf-8") as f:
                    page = f.read()
            except OSError as e:
                check(False, "site %s %d: %s" % (lang, port, e))
                continue
            left = english_left(page)
            check(not left, "site %s %d: no English of portlens' own %r" % (lang, port, left))
finally:
    shutil.rmtree(tmp, ignore_errors=True)
sys.exit(finish("lang_pages"))
