// A delegate's work on the platform, in a real Chromium: the library, Resolution 75 and
// its proposals, uploading a Word contribution, its redline, search and the synoptic
// table. Run by run.sh, which serves a fresh library with the demo and sets AMEND_URL.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import { PHRASE, SOURCE, makeContribution } from './contribution.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const URL = process.env.AMEND_URL;
const AMEND = process.env.AMEND_BIN;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
// Without the background-networking flags Chromium keeps opening connections the
// closed network refuses.
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// A debug build computes a redline or synoptic table in seconds, not milliseconds: the
// browser waits up to two minutes for a page.
let browser;
let context;
let page;
const pageErrors = [];
let docxPath;

before(async () => {
  assert.ok(URL, 'AMEND_URL is not set: run tests/browser/run.sh');
  assert.ok(AMEND && existsSync(AMEND), 'AMEND_BIN is not set: run tests/browser/run.sh');
  docxPath = makeContribution(ROOT, AMEND, mkdtempSync(join(tmpdir(), 'amend-contribution-')));
  // Playwright gives every launch a new, empty profile folder (--user-data-dir) under
  // TMPDIR, which run.sh points into its own temporary folder.
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true, timeout: 60_000 });
  context = await browser.newContext({ baseURL: URL });
  context.setDefaultTimeout(120_000);
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`));
  page.on('console', (m) => {
    // A failed load is reported below with its address.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) {
      pageErrors.push(`${page.url()}: console: ${m.text()}`);
    }
  });
  page.on('response', (r) => {
    // The browser asks for /favicon.ico on its own; the site has none.
    if (r.status() >= 400 && new globalThis.URL(r.url()).pathname !== '/favicon.ico') {
      pageErrors.push(`${page.url()}: ${r.status()} for ${r.url()}`);
    }
  });
});

after(async () => {
  await browser?.close();
});

function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Goes to the instrument page of Resolution 75 from the library's front page. */
async function openResolution75() {
  await page.goto('/');
  await page.getByRole('link', { name: /Resolution 75\b/ }).first().click();
  await page.waitForURL(/\/instruments\/\d+$/);
}

/** The row of the proposals table whose source is `source`. */
function proposalRow(source) {
  return page.locator('#proposals ~ table').first().locator('tbody tr').filter({
    has: page.locator('td:first-child', { hasText: new RegExp(`^\\s*${source}\\s*$`) }),
  });
}

const PASSWORD = process.env.AMEND_DEMO_PASSWORD;
/** Whether the server has logins (issue #10); checked once, before the first step. */
let hasLogin = false;

/** Logs `username` in through the login page of `p`; returns false when the server has none. */
async function logIn(p, username) {
  const response = await p.goto('/login');
  if (response.status() === 404) return false;
  await p.getByLabel('Username').fill(username);
  await p.getByLabel('Password').fill(PASSWORD);
  await p.getByRole('button', { name: 'Log in' }).click();
  await p.locator('.account .who', { hasText: username }).waitFor();
  return true;
}

/** A new browser context (its own cookies) with a page, watched for errors. */
async function newPage() {
  const c = await browser.newContext({ baseURL: URL });
  c.setDefaultTimeout(120_000);
  const p = await c.newPage();
  p.on('pageerror', (e) => pageErrors.push(`${p.url()}: ${e.message}`));
  return p;
}

test('a delegate opens the library and finds Resolution 75 with its versions and proposals', async () => {
  await page.goto('/');
  assert.equal(await page.locator('h1').innerText(), 'Library');
  await openResolution75();
  assert.match(await page.locator('h1').innerText(), /Resolution 75/);
  const versions = page.locator('#versions ~ table').first().locator('tbody tr');
  assert.ok((await versions.count()) >= 1, 'Resolution 75 has a version');
  assert.match(await versions.first().innerText(), /Dubai, 2012/);
  const proposals = page.locator('#proposals ~ table').first().locator('tbody tr');
  assert.ok((await proposals.count()) >= 3, 'the demo library has three proposals on Resolution 75');
  assert.equal(await proposalRow('CITEL').count(), 1, "CITEL's proposal is listed");
});

test("a delegate reads CITEL's flattened proposal as a redline of Resolution 75", async () => {
  await openResolution75();
  await proposalRow('CITEL').getByRole('link', { name: 'redline' }).click();
  await page.waitForURL(/\/redline\?from=version:\d+&to=proposal:\d+/);
  assert.equal(await page.locator('h1').innerText(), 'Redline');
  await page.getByText('This proposal is flattened text').waitFor();
  const redline = page.locator('article.redline');
  // The seed's revision stamp: Dubai, 2012 deleted, Hammamet, 2016 inserted.
  assert.ok((await redline.locator('del', { hasText: 'Dubai, 2012' }).count()) >= 1);
  assert.ok((await redline.locator('ins', { hasText: 'Hammamet, 2016' }).count()) >= 1);
});

test('a delegate reads the synoptic table of the demo proposals on Resolution 75', async () => {
  await openResolution75();
  await page.getByRole('link', { name: /Synoptic table of all \d+ proposals/ }).click();
  await page.waitForURL(/\/instruments\/\d+\/synoptic$/);
  const headers = page.locator('table.synoptic thead th');
  assert.ok((await headers.count()) >= 4, 'the base and three proposals');
  assert.match(await headers.nth(1).innerText() + (await headers.allInnerTexts()).join(' '), /CITEL/);
  assert.ok((await page.locator('table.synoptic tbody tr').count()) > 20, 'one row per item');
  assert.ok((await page.locator('table.synoptic tbody ins').count()) > 0, 'proposed insertions are marked');
});

test('a delegate reads the check report of the base text', async () => {
  await openResolution75();
  await page.locator('#versions ~ table').first().locator('tbody tr a').first().click();
  await page.waitForURL(/\/documents\/\d+$/);
  await page.getByRole('link', { name: 'Check report' }).click();
  await page.waitForURL(/\/documents\/\d+\/check$/);
  assert.equal(await page.locator('main').count(), 1);
  assert.doesNotMatch(await page.locator('main').innerText(), /internal error/i);
});

let uploadedUrl;

test('a Member State delegate logs in', async (t) => {
  hasLogin = (await page.request.get('/login')).status() !== 404;
  if (!hasLogin) return t.skip('this server has no login page yet');
  assert.ok(PASSWORD, 'AMEND_DEMO_PASSWORD is set by run.sh');
  assert.ok(await logIn(page, 'member-state'));
  assert.match(await page.locator('.account').innerText(), /member-state/);
});

test('a delegate uploads a .docx contribution', async () => {
  await page.goto('/');
  await page.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'Upload' }).click();
  await page.getByLabel(/Resolution or contribution/).setInputFiles(docxPath);
  await page.getByRole('button', { name: 'Import' }).click();
  await page.waitForURL(/\/documents\/\d+\?imported=new$/);
  assert.equal(await page.getByRole('status').innerText(), 'Imported.');
  assert.match(await page.locator('dl.meta').innerText(), /afcp-res75\.docx \(docx,/);
  // The Word revision comes through as an insertion.
  await page.locator('article.document ins', { hasText: PHRASE }).first().waitFor();
  uploadedUrl = new globalThis.URL(page.url()).pathname;
});

test('a delegate uploading the same file again is shown the stored document', async () => {
  assert.ok(uploadedUrl, 'the upload step ran');
  await page.goto('/upload');
  await page.getByLabel(/Resolution or contribution/).setInputFiles(docxPath);
  await page.getByRole('button', { name: 'Import' }).click();
  await page.waitForURL(/\?imported=duplicate$/);
  assert.equal(new globalThis.URL(page.url()).pathname, uploadedUrl);
  assert.match(await page.getByRole('status').innerText(), /imported before/);
});

test('a delegate opens the redline of the uploaded contribution', async () => {
  assert.ok(uploadedUrl, 'the upload step ran');
  await page.goto(uploadedUrl);
  await page.getByRole('link', { name: /the instrument, its versions and other proposals/ }).click();
  await page.waitForURL(/\/instruments\/\d+#proposals$/);
  await proposalRow(SOURCE).getByRole('link', { name: 'redline' }).click();
  await page.waitForURL(/\/redline\?from=version:\d+&to=proposal:\d+/);
  const redline = page.locator('article.redline');
  await redline.locator('ins', { hasText: PHRASE }).first().waitFor();
  assert.ok((await redline.locator('del', { hasText: 'Dubai, 2012' }).count()) >= 1);
  assert.match(await page.locator('p.stats').innerText(), /^[1-9]\d* insertions/);
});

test('a delegate finds the contribution by searching for a phrase', async () => {
  assert.ok(uploadedUrl, 'the upload step ran');
  await page.goto('/');
  await page.getByRole('searchbox', { name: 'Search the library' }).fill(`"${PHRASE}"`);
  await page.getByRole('search').getByRole('button', { name: 'Search' }).click();
  await page.waitForURL(/\/search\?q=/);
  assert.match(await page.getByRole('status').innerText(), /^[1-9]\d* results/);
  const hits = page.locator('ol.hits > li');
  const ours = hits.filter({ has: page.locator(`a[href^="${uploadedUrl}"]`) });
  assert.ok((await ours.count()) >= 1, 'the uploaded contribution is a result');
  assert.match(await ours.first().locator('.snippet mark').first().innerText(), /Internet|exchange|points/i);
  await ours.first().locator(`a[href^="${uploadedUrl}"]`).first().click();
  await page.waitForURL((u) => u.pathname === uploadedUrl);
});

test('a delegate sees the uploaded proposal in the synoptic table', async () => {
  assert.ok(uploadedUrl, 'the upload step ran');
  await openResolution75();
  await page.getByRole('link', { name: /Synoptic table of all \d+ proposals/ }).click();
  await page.waitForURL(/\/synoptic$/);
  const headers = await page.locator('table.synoptic thead th').allInnerTexts();
  const column = headers.findIndex((h) => h.includes(SOURCE));
  assert.ok(column > 0, `a column for ${SOURCE}: ${headers.join(' | ')}`);
  const row = page.locator('table.synoptic tbody tr').filter({
    has: page.locator(`td:nth-child(${column + 1}) ins`, { hasText: PHRASE }),
  });
  assert.equal(await row.count(), 1, 'the insertion is in one row, in the contribution\'s column');
  assert.match(await row.locator('td').first().innerText(), /emerging trends/);
});

test('a delegate comments on an item of the uploaded contribution', async (t) => {
  if (!hasLogin) return t.skip('this server has no login or comments yet');
  assert.ok(uploadedUrl, 'the upload step ran');
  await page.goto(uploadedUrl);
  // The item the contribution changes: instructs the Director, 3, on emerging trends.
  const item = page.getByLabel('On', { exact: true });
  const option = item.locator('option', { hasText: 'emerging trends' }).first();
  const eid = await option.getAttribute('value');
  assert.ok(eid, 'the item on emerging trends can be commented on');
  await item.selectOption(eid);
  const body = `ATU asks the Director to report on ${PHRASE} every year (${Date.now()}).`;
  await page.getByLabel('Comment', { exact: true }).fill(body);
  await page.getByRole('button', { name: 'Post comment' }).click();
  const comment = page.locator('.comment-list .comment', { hasText: body });
  await comment.waitFor();
  const meta = comment.locator('.comment-meta');
  assert.match(await meta.innerText(), /member-state/);
  assert.equal(await meta.locator(`a[href="#${eid}"]`).count(), 1, 'the comment names its item');
});

const NOTE = 'CWG-Internet restricted demo note';

test('a Member State delegate finds the CWG-Internet note; a Sector Member delegate finds it nowhere', async (t) => {
  if (!hasLogin) return t.skip('this server has no login or restricted documents yet');
  // A Member State delegate is in CWG-Internet: the note is there (so the test can fail).
  await page.goto('/search?q=' + encodeURIComponent('restricted demo note'));
  const hit = page.locator('ol.hits > li', { hasText: NOTE });
  await hit.first().waitFor();
  const notePath = await hit.first().locator('a').first().getAttribute('href');
  assert.match(notePath, /^\/documents\/\d+/);
  const noteUrl = notePath.replace(/#.*$/, '');

  const member = await newPage();
  try {
    assert.ok(await logIn(member, 'sector-member'));
    await member.goto('/search?q=' + encodeURIComponent('restricted demo note'));
    assert.match(await member.getByRole('status').innerText(), /^0 results/);
    for (const path of ['/', '/search?q=CWG-Internet', '/search?q=note', noteUrl, noteUrl + '/source']) {
      const response = await member.goto(path);
      const text = await member.locator('body').innerText();
      assert.ok(!text.includes(NOTE), `the note's title is on ${path}`);
      if (path.startsWith(noteUrl)) assert.equal(response.status(), 404, `${path} is not found for a Sector Member`);
    }
    for (const path of ['/api/search?q=' + encodeURIComponent('restricted demo note'), '/api/documents']) {
      const response = await member.request.get(path);
      assert.ok(!(await response.text()).includes(NOTE), `the note's title is in ${path}`);
    }
  } finally {
    await member.context().close();
  }
});

test('no page raised a script error or failed to load a resource', () => {
  assert.deepEqual(pageErrors, []);
});
