// SPDX-License-Identifier: MIT
// Browser test of the static site's client-side search (assets/site.js, written by
// `portlens site`), driven by playwright-core through Debian's chromium. site.sh exports
// the site, serves it on 127.0.0.1 and passes:
//   node site.test.mjs BASE_URL ARTIFACTS_DIR
// Checks, by typing into the header's search box as a reader does: in English "telnet"
// lists 23 and 2323 and not ssh's 22, a port number lists that port, a word that matches
// nothing lists nothing; in Korean, a word of port 2323's Korean title lists 2323 and the
// link opens its Korean page; in Arabic the results appear on the right-to-left page. No
// request leaves the server. Screenshots go to ARTIFACTS_DIR (the build directory).
import { join } from 'node:path';
import { openBrowser } from './harness.mjs';

const [base, artifacts] = process.argv.slice(2);
if (!base || !artifacts) {
	console.error('usage: node site.test.mjs BASE_URL ARTIFACTS_DIR');
	process.exit(2);
}
const { page, check, failures, foreign, run } = await openBrowser(base, artifacts);
page.on('pageerror', (e) => failures.push('page error: ' + e.message));

// Types q into the search box and returns the ports listed once the list settles.
async function search(q) {
	const input = page.locator('#site-search input');
	await input.fill('');
	await input.pressSequentially(q, { delay: 20 });
	const items = page.locator('#site-results li a');
	// The first keystroke loads the index; wait for the list to stop changing.
	let last = '', same = 0;
	for (let i = 0; i < 50 && same < 3; i++) {
		await page.waitForTimeout(100);
		const now = (await items.allTextContents()).join('|');
		same = now === last ? same + 1 : 0;
		last = now;
	}
	return (await items.evaluateAll((as) => as.map((a) => ({
		port: Number(a.textContent.split(' ')[0]), href: a.href,
		text: a.textContent,
	}))));
}

await run('site browser', async () => {
	// English.
	await page.goto(base + 'en/index.html');
	let r = await search('telnet');
	const ports = r.map((x) => x.port);
	check(ports.includes(23), 'en "telnet" lists 23 (' + ports.join(',') + ')');
	check(ports.includes(2323), 'en "telnet" lists 2323');
	check(!ports.includes(22) && !ports.includes(3389), 'en "telnet" does not list 22 or 3389');
	check(r.every((x) => x.href === base + 'en/port/' + x.port + '.html'),
		'en result links point to the English port pages');
	await page.screenshot({ path: join(artifacts, 'site-search-en.png') });
	r = await search('3389');
	check(r.length >= 1 && r[0].port === 3389, 'en "3389" lists 3389 first');
	r = await search('zzqxnotaport');
	check(r.length === 0, 'en nonsense lists nothing');
	r = await search('Telnet');
	check(r.some((x) => x.port === 23), 'search ignores case ("Telnet")');

	// Korean: a Hangul word from port 2323's Korean title, as the index holds it.
	await page.goto(base + 'ko/index.html');
	const idx = await page.evaluate(async () => (await fetch('search-index.json')).json());
	const e2323 = idx.find((e) => e.p === 2323);
	const word = e2323 && (e2323.t || '').split(/\s+/).find((w) => /[\uAC00-\uD7A3]{2,}/.test(w));
	check(Boolean(word), 'ko index has a Korean title for 2323: ' + (e2323 && e2323.t));
	if (word) {
		r = await search(word);
		check(r.some((x) => x.port === 2323), 'ko "' + word + '" lists 2323 (' +
			r.map((x) => x.port).join(',') + ')');
		check(!r.some((x) => x.port === 22), 'ko "' + word + '" does not list 22');
		const hit = r.find((x) => x.port === 2323);
		check(hit && /[\uAC00-\uD7A3]/.test(hit.text), 'ko result shows the Korean title');
		await page.screenshot({ path: join(artifacts, 'site-search-ko.png') });
		await Promise.all([page.waitForURL(/\/ko\/port\/2323\.html$/),
			page.click('#site-results a[href$="/ko/port/2323.html"]')]);
		check((await page.getAttribute('html', 'lang')) === 'ko', 'the link opens the Korean page');
		check((await page.textContent('h1')).includes('2323'), 'Korean page of 2323');
	}

	// Arabic: the same search on the right-to-left page.
	await page.goto(base + 'ar/index.html');
	check((await page.getAttribute('html', 'dir')) === 'rtl', 'ar index is rtl');
	r = await search('2323');
	check(r.some((x) => x.port === 2323), 'ar "2323" lists 2323');
	await page.screenshot({ path: join(artifacts, 'site-search-ar.png') });

	check(foreign.length === 0, 'no request left the server: ' + foreign.join(' '));
});
