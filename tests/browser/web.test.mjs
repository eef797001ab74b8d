// SPDX-License-Identifier: MIT
// Browser tests of `portlens serve`, driven by playwright-core through Debian's chromium.
// run.sh starts the server (with a saved scan in its database) and passes:
//   node web.test.mjs BASE_URL ARTIFACTS_DIR SCAN_ID OPEN_PORT
// Checks: /port/2323 has every section with its sources; voting shows the count; Arabic
// switches the page to dir=rtl; searching "telnet" finds port 23; the saved scan opens;
// /listen refreshes itself; the pages make no request outside the server and trigger no
// Content-Security-Policy violation. Screenshots go to ARTIFACTS_DIR.
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [base, artifacts, scanId, openPort] = process.argv.slice(2);
if (!base || !artifacts || !scanId || !openPort) {
	console.error('usage: node web.test.mjs BASE_URL ARTIFACTS_DIR SCAN_ID OPEN_PORT');
	process.exit(2);
}
mkdirSync(artifacts, { recursive: true });

const failures = [];
function check(cond, what) {
	if (!cond) {
		failures.push(what);
		console.log('FAIL: ' + what);
	} else {
		console.log('ok: ' + what);
	}
}

const profile = mkdtempSync(join(tmpdir(), 'pl-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
	executablePath: '/usr/bin/chromium',
	headless: true,
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
		'--disable-background-networking', '--disable-component-update', '--disable-sync'],
	viewport: { width: 1200, height: 900 },
	timeout: 60000,
});
context.setDefaultTimeout(15000);

const page = context.pages()[0] || await context.newPage();
const foreign = [];
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

try {
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

	check(foreign.length === 0, 'no request left the server: ' + foreign.join(' '));
	check(cspErrors.length === 0, 'no CSP violation: ' + cspErrors.join(' | '));
} catch (e) {
	failures.push(String(e && e.stack || e));
	console.log('FAIL: ' + (e && e.stack || e));
	await shot('failure').catch(() => {});
} finally {
	await context.close();
	rmSync(profile, { recursive: true, force: true });
}

if (failures.length) {
	console.log(failures.length + ' failure(s)');
	process.exit(1);
}
console.log('browser: all checks passed');
