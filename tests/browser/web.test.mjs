// SPDX-License-Identifier: MIT
// Browser tests of `portlens serve`, driven by playwright-core through Debian's chromium.
// run.sh starts the server (with a saved scan in its database) and passes:
//   node web.test.mjs BASE_URL ARTIFACTS_DIR SCAN_ID OPEN_PORT
// Checks: /port/2323 has every section with its sources; voting shows the count; Arabic
// switches the page to dir=rtl; searching "telnet" finds port 23; the saved scan opens;
// /listen refreshes itself; the pages make no request outside the server and trigger no
// Content-Security-Policy violation; every page kind reloaded keeps text/html and renders;
// at 390 px and 1280 px in en, ko, ar and tr nothing overflows the phone's width, wide
// tables scroll inside their own box, placeholders fit. Screenshots go to ARTIFACTS_DIR
// (the build directory, never git).
import { join } from 'node:path';
import { openBrowser } from './harness.mjs';

const [base, artifacts, scanId, openPort] = process.argv.slice(2);
if (!base || !artifacts || !scanId || !openPort) {
	console.error('usage: node web.test.mjs BASE_URL ARTIFACTS_DIR SCAN_ID OPEN_PORT');
	process.exit(2);
}
const { context, page, check, foreign, run } = await openBrowser(base, artifacts);
const cspErrors = [];
page.on('response', (r) => { if (process.env.PL_DEBUG) console.log('resp', r.status(), r.url()); });
page.on('request', (r) => {
	if (!r.url().startsWith(base) && !r.url().startsWith('data:'))
		foreign.push(r.url());
});
page.on('console', (m) => {
	if (m.type() === 'error')
		console.log('console error: ' + m.text() + ' ' + JSON.stringify(m.location()));
	if (m.type() === 'error' && /Content.Security.Policy|Refused to/i.test(m.text()))
		cspErrors.push(m.text());
});

async function shot(name, fullPage = true) {
	await page.screenshot({ path: join(artifacts, name + '.png'), fullPage, timeout: 30000 });
}

await run('browser', async () => {
	// 1. The port page: every section, every fact with its sources.
	await page.goto(base + 'port/2323?lang=en');
	check((await page.textContent('h1')).includes('Port 2323'), 'port page title');
	for (const id of ['registry', 'range', 'uses', 'security', 'check', 'faq', 'live', 'helpful'])
		check(await page.locator('section#' + id).isVisible(), 'section #' + id + ' visible');
	const registry = await page.textContent('#registry');
	check(registry.includes('3d-nfsd'), 'registry names 3d-nfsd (what IANA says)');
	check(/CSV line \d+/.test(registry), 'registry rows cite their CSV line');
	check((await page.locator('#registry a[href*="iana.org"]').count()) >= 1, 'IANA link');
	check((await page.textContent('#range')).includes('1024–49151'), 'range section');
	const facts = page.locator('#uses article.fact, #security article.fact');
	const nFacts = await facts.count();
	check(nFacts >= 2, 'port 2323 has curated facts (' + nFacts + ')');
	for (let i = 0; i < nFacts; i++) {
		const f = facts.nth(i);
		const title = (await f.locator('h3').textContent()).slice(0, 60);
		check((await f.locator('ol.sources li').count()) >= 1, 'fact "' + title + '" has sources');
	}
	check((await page.locator('#security a[href^="http"]').count()) >= 1, 'security sources link');
	check((await page.locator('#check tbody tr').count()) >= 2, 'how-to-check commands');
	check((await page.locator('#faq details').count()) >= 1, 'FAQ entries');
	check(/Listening|Nothing is listening|not available/.test(await page.textContent('#live')),
		'live status line');
	await shot('port-2323');

	// 2. Vote and see the count.
	await Promise.all([page.waitForURL(/voted=1/), page.click('#helpful button[value="yes"]')]);
	check(await page.locator('#helpful .thanks').isVisible(), 'vote thanked');
	check((await page.getAttribute('#helpful .counts', 'data-yes')) === '1', 'yes count is 1');
	check((await page.getAttribute('#helpful button[value="yes"]', 'aria-pressed')) === 'true',
		'own choice marked');
	await shot('port-2323-voted');

	// 3. Arabic, right to left.
	await Promise.all([page.waitForURL(/lang=ar/), page.click('a[data-lang="ar"]')]);
	check((await page.getAttribute('html', 'dir')) === 'rtl', 'Arabic page has dir=rtl');
	check((await page.getAttribute('html', 'lang')) === 'ar', 'Arabic page has lang=ar');
	check((await page.textContent('#helpful-q')).includes('هل كانت هذه الصفحة مفيدة'),
		'widget in Arabic');
	check((await page.textContent('#registry')).includes('3d-nfsd'), 'registry data untranslated');
	const dirStyle = await page.evaluate(() => getComputedStyle(document.querySelector('main')).direction);
	check(dirStyle === 'rtl', 'layout direction is rtl');
	await shot('port-2323-ar');

	// 3b. Korean and Turkish labels (left to right).
	await page.goto(base + 'port/2323?lang=ko');
	check((await page.getAttribute('html', 'dir')) === 'ltr', 'Korean page is ltr');
	check((await page.textContent('#helpful-q')).includes('이 페이지가 도움이 되었나요?'), 'widget in Korean');
	await shot('port-2323-ko', false);
	await page.goto(base + 'port/2323?lang=tr');
	check((await page.textContent('#helpful-q')).includes('Bu sayfa işinize yaradı mı?'), 'widget in Turkish');

	// 4. Search for "telnet" from the header's search box (back in English).
	await page.goto(base + '?lang=en');
	await page.fill('header form input[name="q"]', 'telnet');
	await Promise.all([page.waitForURL(/search\?q=telnet/), page.press('header form input[name="q"]', 'Enter')]);
	const rows = await page.locator('#results tbody tr').evaluateAll((trs) =>
		trs.map((tr) => Array.from(tr.cells, (td) => td.textContent.trim())));
	check(rows.some((c) => c[0] === '23' && c[2] === 'telnet'), 'search finds telnet on 23');
	check(rows.length >= 2, 'search lists several records (' + rows.length + ')');
	await shot('search-telnet');

	// 5. Open the saved scan.
	await page.goto(base + 'scans');
	await Promise.all([page.waitForURL(new RegExp('scans/' + scanId + '$')),
		page.click('#scans-table a[href="/scans/' + scanId + '"]')]);
	check((await page.getAttribute('#scan-title', 'data-scan')) === scanId, 'scan page opened');
	const results = await page.textContent('#results');
	check(results.includes('127.0.0.1') && results.includes(openPort) && results.includes('open'),
		'saved result ' + openPort + '/tcp open shown');
	check((await page.textContent('#scan-status')).trim() === 'done', 'scan status done');
	await shot('scan-' + scanId);

	// 6. Listeners refresh themselves (the one thing that needs JavaScript).
	await page.goto(base + 'listen');
	check((await page.locator('#listeners tbody tr').count()) >= 1, 'listeners table has rows');
	await page.waitForFunction(() => document.getElementById('refreshed').textContent !== '',
		null, { timeout: 10000 });
	check(true, 'listen table refreshed by script');
	await shot('listen', false);

	// 7. Home: ranges, riskiest ports, recent scans.
	await page.goto(base);
	check((await page.locator('#ranges .ranges > div').count()) === 3, 'three ranges explained');
	check((await page.locator('#riskiest tbody tr').count()) >= 5, 'riskiest ports listed');
	check((await page.locator('#recent-scans a[href="/scans/' + scanId + '"]').count()) === 1,
		'recent scans link');
	await shot('home');

	// 8. Every page kind, reloaded (the second answer may come from the page cache): the
	// Content-Type stays text/html and the page is rendered, not shown as source.
	const kinds = {
		home: '', port: 'port/2323', port22: 'port/22', search: 'search?q=telnet',
		listen: 'listen', scans: 'scans', scan: 'scans/' + scanId, notfound: 'port/99999',
		hosts: 'hosts', host: 'hosts/127.0.0.1', timeline: 'port/' + openPort + '/timeline',
	};
	for (const [kind, path] of Object.entries(kinds)) {
		const first = await page.goto(base + path + (path.includes('?') ? '&' : '?') + 'lang=en');
		for (let i = 0; i < 2; i++) {
			const r = await page.reload();
			const ct = r.headers()['content-type'] || '';
			check(ct.startsWith('text/html'), kind + ': reload ' + (i + 1) + ' is ' + ct +
				' (first ' + first.headers()['content-type'] + ')');
			check(await page.locator('header.site nav a').count() >= 3 &&
				!(await page.textContent('body')).includes('<!DOCTYPE'),
				kind + ': reload ' + (i + 1) + ' is rendered, not source');
		}
	}

	// 9. Phone and desktop, every language: screenshots, no horizontal overflow at 390 px,
	// wide tables scroll inside their own box (the Flags column reachable there), the
	// search boxes show their whole placeholder.
	for (const lang of ['en', 'ko', 'ar', 'tr']) {
		for (const width of [390, 1280]) {
			await page.setViewportSize({ width, height: width < 500 ? 844 : 900 });
			for (const [kind, path] of Object.entries(kinds)) {
				if (kind === 'notfound' || kind === 'port22')
					continue;
				await page.goto(base + path + (path.includes('?') ? '&' : '?') + 'lang=' + lang);
				const m = await page.evaluate(() => {
					const de = document.documentElement;
					const scroller = (el) => {
						for (let p = el.parentElement; p; p = p.parentElement) {
							const o = getComputedStyle(p).overflowX;
							if (o === 'auto' || o === 'scroll')
								return p;
						}
						return null;
					};
					const wide = [];
					for (const el of document.querySelectorAll('body *')) {
						const r = el.getBoundingClientRect();
						if ((r.right > innerWidth + 1 || r.left < -1) && !scroller(el))
							wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
								(el.className ? '.' + String(el.className).split(' ')[0] : '') +
								' [' + Math.round(r.left) + ',' + Math.round(r.right) + ']');
					}
					const cut = [];
					const ctx = document.createElement('canvas').getContext('2d');
					for (const inp of document.querySelectorAll('input[placeholder]')) {
						const cs = getComputedStyle(inp);
						ctx.font = cs.font;
						// Chromium keeps room for the clear button of a search field.
						const room = inp.clientWidth - parseFloat(cs.paddingLeft) -
							parseFloat(cs.paddingRight) - (inp.type === 'search' ? 24 : 0);
						const need = ctx.measureText(inp.placeholder).width;
						if (need > room + 1)
							cut.push(inp.placeholder + ' needs ' + Math.round(need) + ' px, has ' +
								Math.round(room));
					}
					return { sw: de.scrollWidth, iw: innerWidth, wide: wide.slice(0, 6), cut };
				});
				const name = kind + '-' + lang + '-' + width;
				if (width === 390) {
					check(m.sw <= m.iw, name + ': no horizontal overflow (scrollWidth ' + m.sw +
						' <= ' + m.iw + ')' + (m.wide.length ? ' wide: ' + m.wide.join(' ') : ''));
				}
				check(m.cut.length === 0, name + ': search placeholders fit: ' + m.cut.join('; '));
				if (kind === 'listen' && width === 390) {
					// The last column (Flags) can be scrolled into view inside its box.
					const reach = await page.evaluate(() => {
						const t = document.querySelector('#listeners');
						const o = t && getComputedStyle(t).overflowX;
						const box = o === 'auto' || o === 'scroll' ? t : null;
						if (!t || !box)
							return 'the table is not a scroll box';
						const before = box.getBoundingClientRect();
						if (before.right > innerWidth + 1 || before.left < -1)
							return 'the box itself is wider than the screen';
						box.scrollLeft = box.scrollWidth * (document.dir === 'rtl' ? -1 : 1);
						const th = t.querySelector('thead th:last-child').getBoundingClientRect();
						return th.left >= -1 && th.right <= innerWidth + 1 ? 'ok' :
							'Flags at [' + Math.round(th.left) + ',' + Math.round(th.right) + ']';
					});
					check(reach === 'ok', name + ': Flags column reachable: ' + reach);
				}
				if (kind === 'host' || kind === 'timeline') {
					// the saved scan's open port is on the timeline, each change inside
					// the screen's width (a list that wraps, not a table that scrolls)
					const t = await page.evaluate(() => {
						const items = [...document.querySelectorAll('#timeline li')];
						const out = items.filter((li) => {
							const r = li.getBoundingClientRect();
							return r.right > innerWidth + 1 || r.left < -1;
						});
						return { n: items.length, out: out.length,
							text: items.map((li) => li.textContent).join(' | ') };
					});
					check(t.n >= 1 && t.text.includes(String(openPort)), name +
						': the timeline shows the saved open port: ' + t.text);
					check(t.out === 0, name + ': every timeline entry fits the width');
				}
				await shot(name, width === 390 &&
					(kind === 'port' || kind === 'scan' || kind === 'timeline'));
			}
		}
	}
	// 10. On a phone, what a new user mistypes is answered on the page: a port number
	// out of range names itself on its 404 in the page's language, and a language that
	// does not exist says which page is shown instead; both inside the screen's width.
	await page.setViewportSize({ width: 390, height: 844 });
	for (const [lang, words] of Object.entries({ en: 'is not a port', ko: '포트가 아닙니다',
		ar: 'ليس منفذًا', tr: 'bir port değil' })) {
		const r = await page.goto(base + 'port/70000?lang=' + lang);
		const box = await page.locator('#error-detail').boundingBox();
		const text = await page.textContent('#error-detail');
		check(r.status() === 404 && text.includes('70000') && text.includes(words),
			'port/70000 ' + lang + ': ' + r.status() + ' ' + text);
		check(box && box.x >= -1 && box.x + box.width <= 391,
			'port/70000 ' + lang + ': the reason fits 390 px ' + JSON.stringify(box));
	}
	// (a new user: no language chosen before, so no lang cookie to fall back on)
	await context.clearCookies();
	for (const path of ['', 'port/2323', 'listen']) {
		await page.goto(base + path + '?lang=xx');
		const note = page.locator('#lang-notice');
		const box = await note.boundingBox();
		check(await note.isVisible() && (await note.textContent()).includes('“xx”') &&
			await page.getAttribute('html', 'lang') === 'en',
			'/' + path + '?lang=xx: an English page that says so');
		check(box && box.x >= -1 && box.x + box.width <= 391,
			'/' + path + '?lang=xx: the notice fits 390 px ' + JSON.stringify(box));
	}
	await page.setViewportSize({ width: 1200, height: 900 });

	check(foreign.length === 0, 'no request left the server: ' + foreign.join(' '));
	check(cspErrors.length === 0, 'no CSP violation: ' + cspErrors.join(' | '));
}, () => shot('failure'));
