#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# `portlens site DIR`: the static export. Exports a handful of ports in the four page
# languages and checks what a host of the site gets: every page valid for HTML Tidy (no
# error, no warning), hreflang alternates to every language, the Arabic page right to
# left with commands isolated, the search index and sitemap well formed, the feedback
# widget only when a serve instance is named, and clear errors for bad input.
import json, os, re, shutil, subprocess, sys, tempfile
import xml.etree.ElementTree as ET

exe = sys.argv[1]
fails = 0
PORTS = [0, 22, 23, 2323, 3389, 445, 6379]
LANGS = ["en", "ko", "ar", "tr"]


def check(name, ok, detail=""):
    global fails
    print(("ok: " if ok else "FAIL: ") + name + ("" if ok else " " + str(detail)[:300]))
    fails += 0 if ok else 1


def run(*args):
    return subprocess.run([exe, *args], capture_output=True, text=True, timeout=120)


tmp = tempfile.mkdtemp(prefix="pl-site-")
try:
    out = os.path.join(tmp, "a")
    r = run("site", out, "--ports", ",".join(map(str, PORTS)), "--base-url", "https://ports.example/")
    check("export succeeds", r.returncode == 0, r.stderr)
    check("summary line", "7 ports, 28 pages" in r.stdout, r.stdout)
    pages = [os.path.join(out, l, "port", f"{p}.html") for l in LANGS for p in PORTS]
    check("a page per port and language", all(os.path.isfile(p) for p in pages))
    htmls = pages + [os.path.join(out, l, "index.html") for l in LANGS] + [os.path.join(out, "index.html")]
    bad = []
    for f in htmls:
        t = subprocess.run(["tidy", "-q", "-e", f], capture_output=True, text=True)
        if t.returncode != 0:
            bad.append((f, t.stderr.strip()[:200]))
    check(f"HTML Tidy: {len(htmls)} files without errors or warnings", not bad, bad[:3])
    en = open(os.path.join(out, "en", "port", "2323.html"), encoding="utf-8").read()
    for l in LANGS + ["x-default"]:
        check(f"hreflang {l}", f'hreflang="{l}"' in en)
    check("canonical link", 'rel="canonical" href="https://ports.example/en/port/2323.html"' in en)
    check("no live section", 'id="live"' not in en)
    check("no feedback widget without --feedback-url", 'id="helpful"' not in en)
    check("no raw Markdown", "`" not in en)
    ar = open(os.path.join(out, "ar", "port", "2323.html"), encoding="utf-8").read()
    check("Arabic page is right to left", '<html lang="ar" dir="rtl">' in ar)
    check("Arabic fact text keeps Latin words left to right", "\u2066Mirai\u2069" in ar)
    ar_index = open(os.path.join(out, "ar", "index.html"), encoding="utf-8").read()
    check("Arabic port list keeps Latin words left to right", "\u2066Mirai\u2069" in ar_index)
    check("Arabic commands isolated", '<bdi dir="ltr"><code>sudo ufw deny 2323/tcp</code></bdi>' in ar)
    date = re.search(r"data as of ([0-9-]+)\)", en)
    check("English registry date", date)
    check("Arabic registry date isolated",
          date and ("\u2066" + date.group(1) + "\u2069)") in ar)
    ko = open(os.path.join(out, "ko", "port", "2323.html"), encoding="utf-8").read()
    check("Korean FAQ", "포트 2323은(는) 위험한가요?" in ko)
    idx = json.load(open(os.path.join(out, "ko", "search-index.json"), encoding="utf-8"))
    e2323 = [e for e in idx if e["p"] == 2323]
    check("search index has 2323 with its Korean title", e2323 and "Mirai" in e2323[0].get("t", ""), e2323)
    check("search index has every port", sorted(e["p"] for e in idx) == sorted(PORTS))
    sm = ET.parse(os.path.join(out, "sitemap.xml")).getroot()
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = sm.findall("s:url", ns)
    check("sitemap lists every page", len(urls) == len(PORTS) * len(LANGS), len(urls))
    check("sitemap alternates", len(urls[0].findall("x:link", ns)) == len(LANGS))
    check("assets", os.path.isfile(os.path.join(out, "assets", "app.css"))
          and os.path.isfile(os.path.join(out, "assets", "site.js")))
    # With a serve instance: the widget opens the port's page there.
    out2 = os.path.join(tmp, "b")
    r = run("site", out2, "--ports", "22", "--feedback-url", "http://127.0.0.1:7678/")
    p22 = open(os.path.join(out2, "tr", "port", "22.html"), encoding="utf-8").read()
    check("feedback widget with --feedback-url", 'action="http://127.0.0.1:7678/port/22"' in p22, p22[-600:])
    t = subprocess.run(["tidy", "-q", "-e", os.path.join(out2, "tr", "port", "22.html")], capture_output=True, text=True)
    check("HTML Tidy with the widget", t.returncode == 0, t.stderr)
    # Bad input: one clear line, the right exit code.
    r = run("site", os.path.join(tmp, "c"), "--ports", "22,x")
    check("bad --ports is a usage error", r.returncode == 2 and "--ports" in r.stderr, r.stderr)
    r = run("site", os.path.join(tmp, "d"), "--base-url", "ftp://x/", "--ports", "22")
    check("bad --base-url refused", r.returncode == 1 and "http" in r.stderr, r.stderr)
    r = run("site", "/proc/portlens-site-test", "--ports", "22")
    check("unwritable directory named", r.returncode == 1 and "/proc/portlens-site-test" in r.stderr, r.stderr)
    r = run("site")
    check("missing DIR is a usage error", r.returncode == 2, r.stderr)
finally:
    shutil.rmtree(tmp, ignore_errors=True)
print(f"{'FAILED' if fails else 'passed'}: {fails} failure(s)")
sys.exit(1 if fails else 0)
