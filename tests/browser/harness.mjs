// SPDX-License-Identifier: MIT
// What the browser tests share (web.test.mjs, site.test.mjs): Debian's chromium driven
// by playwright-core in a throwaway profile (playwright's own browser download is never
// used), check() that prints each result and keeps the failures, the requests that left
// the server under test (there must be none), and run(), which turns a thrown error
// into a failure, always closes the browser and sets the exit status.
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Opens the browser for tests of the server at base; screenshots go to artifacts.
export async function openBrowser(base, artifacts) {
	mkdirSync(artifacts, { recursive: true });
	const failures = [];
	const check = (cond, what) => {
		console.log((cond ? 'ok: ' : 'FAIL: ') + what);
		if (!cond)
			failures.push(what);
	};
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
	page.on('request', (r) => {
		if (!r.url().startsWith(base) && !r.url().startsWith('data:'))
			foreign.push(r.url());
	});

	// Runs the checks in body; onError (optional) may record the page as it failed.
	async function run(name, body, onError) {
		try {
			await body();
		} catch (e) {
			failures.push(String(e && e.stack || e));
			console.log('FAIL: ' + (e && e.stack || e));
			if (onError)
				await onError().catch(() => {});
		} finally {
			await context.close();
			rmSync(profile, { recursive: true, force: true });
		}
		if (failures.length) {
			console.log(failures.length + ' failure(s)');
			process.exit(1);
		}
		console.log(name + ': all checks passed');
	}

	return { context, page, check, failures, foreign, run };
}
