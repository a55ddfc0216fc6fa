// The materials marketplace in a real browser.
//
// 1. A company lists a side stream with the keyboard (the empty form comes
//    back with its errors first), publishes it, sees its matches with the
//    reasons once the job runner has matched it, and marks one relevant.
// 2. A regional coordinator finds the region's listings, closed ones with
//    their outcomes included, and downloads them as CSV.
// 3. The marketplace pages pass axe in Finnish and English.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {
  useServerAndBrowser,
  visit,
  loggedInPage,
  step,
  expectNoA11yViolations,
  expectErrorSummaryWired,
  screenshot,
  uniqueSuffix,
  LANGS,
  DEMO_PASSWORD,
  PURKUTAITO_ADMIN,
  ORCHESTRATOR,
  pressEnterOn,
  typeInto,
} from './helpers.js';

const env = useServerAndBrowser();

/** The demo's regional coordinator of Pohjois-Pohjanmaa. */
const COORDINATOR = { email: 'jussi.holappa@perameren-kiertotalousklusteri.example.fi', password: DEMO_PASSWORD };

/** Chooses `value` in a select with the keyboard's focus on it. */
async function choose(p, selector, value) {
  await p.locator(selector).focus();
  await p.locator(selector).selectOption(value);
}

test('a company lists a side stream and sees its matches with the reasons (keyboard)', async (t) => {
  const { browser, server } = env;
  const co = await loggedInPage(browser, server.baseUrl, PURKUTAITO_ADMIN, 'fi');
  const p = co.page;
  const title = `Betonimurske purkutyömaalta ${uniqueSuffix()}`;
  try {
    await step(t, 'from the marketplace to a new listing', async () => {
      await visit(p, '/fi/materials');
      await expectNoA11yViolations(p, 'materials list');
      const resp = await pressEnterOn(p, p.locator('main a[href="/fi/materials/new"]').first());
      assert.equal(resp.status(), 200);
      await expectNoA11yViolations(p, 'new listing');
    });
    await step(t, 'the form without a title or class comes back with its errors', async () => {
      await typeInto(p, '#f-quantity', 'paljon');
      const resp = await pressEnterOn(p, p.locator('main form button[value="publish"]'));
      assert.equal(resp.status(), 422);
      await expectErrorSummaryWired(p);
      assert.equal(await p.locator('#f-quantity').inputValue(), 'paljon', 'what was typed is kept');
      await expectNoA11yViolations(p, 'new listing with errors');
    });
    await step(t, 'the side stream is written and published', async () => {
      await typeInto(p, '#f-title', title);
      await choose(p, '#f-class_code', '17 01 01');
      await typeInto(p, '#f-description', 'Murskattua betonia purkukohteesta, raudoitteet eroteltu. Sopii tierakenteisiin.');
      await p.locator('#f-quantity').fill('');
      await typeInto(p, '#f-quantity', '300');
      await choose(p, '#f-municipality', '564');
      const resp = await pressEnterOn(p, p.locator('main form button[value="publish"]'));
      assert.equal(resp.status(), 200);
      assert.match(new URL(p.url()).pathname, /^\/fi\/materials\/\d+$/);
      assert.equal((await p.locator('main h1').innerText()).trim(), title);
    });
    await step(t, 'its matches show with the reasons', async () => {
      // The job runner matches the listing within moments of publishing.
      let count = 0;
      for (let i = 0; i < 30 && count === 0; i++) {
        await p.reload();
        count = await p.locator('ol.matches > li').count();
        if (count === 0) await p.waitForTimeout(500);
      }
      assert.ok(count > 0, 'the listing found counter-listings');
      const wanted = p.locator('ol.matches > li', { hasText: 'Etsitään betonimursketta tierakenteisiin' });
      await wanted.waitFor();
      const reasons = await wanted.locator('ul.reasons').innerText();
      assert.match(reasons, /Luokka on ilmoitettu kelpaavaksi|Sama jätekoodi/);
      assert.match(reasons, /Etäisyys \d+ km/);
      await expectNoA11yViolations(p, 'a listing with matches');
      await screenshot(p, 'materials-listing-matches-fi');
    });
    await step(t, 'the company marks a match relevant', async () => {
      const wanted = p.locator('ol.matches > li', { hasText: 'Etsitään betonimursketta tierakenteisiin' });
      const resp = await pressEnterOn(p, wanted.locator('button[value="relevant"]'));
      assert.equal(resp.status(), 200);
      const again = p.locator('ol.matches > li', { hasText: 'Etsitään betonimursketta tierakenteisiin' });
      assert.match(await again.innerText(), /Palautteesi: Osuva/);
      assert.equal(await again.locator('button[value="relevant"]').getAttribute('aria-pressed'), 'true');
    });
  } finally {
    await co.context.close();
  }
});

test('a regional coordinator exports the region\'s listings (keyboard)', async (t) => {
  const { browser, server } = env;
  const c = await loggedInPage(browser, server.baseUrl, COORDINATOR, 'fi', { acceptDownloads: true });
  const p = c.page;
  try {
    await step(t, 'the region\'s listings, closed ones with their outcomes', async () => {
      await visit(p, '/fi/materials');
      const resp = await pressEnterOn(p, p.locator('main a[href="/fi/materials/region"]'));
      assert.equal(resp.status(), 200);
      const text = await p.locator('main').innerText();
      assert.match(text, /Turpeen ja puun lentotuhka/, 'a closed demo listing');
      assert.match(text, /Kauppa syntyi/);
      await expectNoA11yViolations(p, 'region listings');
      await screenshot(p, 'materials-region-fi');
    });
    await step(t, 'the CSV export', async () => {
      const link = p.locator('main a', { hasText: 'Vie CSV-tiedostoon' });
      await link.focus();
      const [download] = await Promise.all([p.waitForEvent('download'), p.keyboard.press('Enter')]);
      assert.match(download.suggestedFilename(), /^kimppa-listings-pohjois-pohjanmaa-\d{4}-\d{2}-\d{2}\.csv$/);
      const bytes = fs.readFileSync(await download.path());
      assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a byte-order mark for spreadsheets');
      const lines = bytes.subarray(3).toString('utf8').trim().split('\n');
      assert.match(lines[0], /^id;status;kind;organisation;title;class_code/, 'semicolons');
      assert.ok(lines.length > 30, `the region's listings: ${lines.length - 1}`);
      assert.ok(lines.some((l) => l.includes('Turpeen ja puun lentotuhka') && l.includes(';closed;') && l.includes(';deal;')));
      assert.ok(lines.some((l) => l.includes('Rejekti massanvalmistuksesta') && l.includes(';no-deal;quality;')));
    });
  } finally {
    await c.context.close();
  }
});

test('materials pages pass axe (fi, en)', async (t) => {
  const { browser, server } = env;
  const co = await loggedInPage(browser, server.baseUrl, PURKUTAITO_ADMIN, 'fi');
  const staff = await loggedInPage(browser, server.baseUrl, ORCHESTRATOR, 'fi');
  try {
    for (const lang of LANGS) {
      await step(t, `${lang} public pages`, async () => {
        await visit(co.page, `/${lang}/materials?kind=offer&region=pohjois-pohjanmaa`);
        await expectNoA11yViolations(co.page, `${lang} filtered list`);
        await visit(co.page, `/${lang}/materials/workshops`);
        await expectNoA11yViolations(co.page, `${lang} workshops`);
        const resp = await pressEnterOn(co.page, co.page.locator('main ul a').first());
        assert.equal(resp.status(), 200);
        assert.ok((await co.page.locator('main table tbody tr').count()) > 0, 'the workshop found matches');
        await expectNoA11yViolations(co.page, `${lang} workshop report`);
      });
      await step(t, `${lang} the company's own listing, its edit and close forms`, async () => {
        await visit(co.page, `/${lang}/materials/mine`);
        await expectNoA11yViolations(co.page, `${lang} my listings`);
        const resp = await pressEnterOn(co.page, co.page.locator('main .card a').first());
        assert.equal(resp.status(), 200);
        await expectNoA11yViolations(co.page, `${lang} own listing`);
        const id = new URL(co.page.url()).pathname.split('/').pop();
        await visit(co.page, `/${lang}/materials/${id}/edit`);
        await expectNoA11yViolations(co.page, `${lang} edit listing`);
        await visit(co.page, `/${lang}/materials/${id}/close`);
        await expectNoA11yViolations(co.page, `${lang} close listing`);
      });
      await step(t, `${lang} the emission factors and a deal waiting for confirmation`, async () => {
        await visit(co.page, `/${lang}/materials/factors`);
        assert.ok((await co.page.locator('main table tbody tr strong').count()) >= 5, 'the starter factors are flagged illustrative');
        await expectNoA11yViolations(co.page, `${lang} emission factors`);
        // The demo's fourth deal waits for the other party; staff see it with its state.
        const resp = await visit(staff.page, `/${lang}/materials/deals/4`);
        assert.equal(resp.status(), 200);
        assert.ok((await staff.page.locator('#deal-status').count()) === 1);
        await expectNoA11yViolations(staff.page, `${lang} deal`);
      });
      await step(t, `${lang} the orchestrators' page`, async () => {
        await visit(staff.page, `/${lang}/admin/materials`);
        assert.ok((await staff.page.locator('#factors ~ .table-scroll tbody tr').count()) >= 5, 'the starter factors');
        await expectNoA11yViolations(staff.page, `${lang} materials admin`);
      });
    }
    await screenshot(staff.page, 'materials-admin-en');
    await visit(staff.page, '/fi/materials/deals/4');
    await screenshot(staff.page, 'materials-deal-fi');
  } finally {
    await co.context.close();
    await staff.context.close();
  }
});
