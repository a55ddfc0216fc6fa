// Partner search (kimppahaku) in a real browser.
//
// 1. An SME runs a partner search, shortlists two partners (one by words,
//    one by role), contacts both, asks the orchestrators for help and forms
//    a kimppa — with the keyboard only, in Finnish, axe on every page,
//    screenshots of the steps.
// 2. The search pages and the orchestrators' help queue pass axe in
//    Finnish and English.

import { test } from 'node:test';
import assert from 'node:assert/strict';
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

/** Admin of the demo logistics company `paluukuorma-logistiikka`. */
const PALUUKUORMA_ADMIN = { email: 'paivi.rautio@paluukuorma-logistiikka.example.fi', password: DEMO_PASSWORD };
/** Admin of the demo SME `sivuvirtapaja`, whose demo search waits for help. */
const SIVUVIRTAPAJA_ADMIN = { email: 'kalle.vayrynen@sivuvirtapaja.example.fi', password: DEMO_PASSWORD };

/** Adds the browse hit or suggestion whose text matches `name` to the shortlist. */
async function shortlist(p, section, name) {
  const item = p.locator(`${section} ul.suggestions li`, { hasText: name }).first();
  await item.waitFor();
  const resp = await pressEnterOn(p, item.locator('button'));
  assert.equal(resp.status(), 200);
  assert.match(await p.locator('#shortlist').innerText(), new RegExp(name));
}

test('an SME runs a partner search, shortlists and contacts two partners and forms a kimppa (keyboard)', async (t) => {
  const { browser, server } = env;
  const sme = await loggedInPage(browser, server.baseUrl, PURKUTAITO_ADMIN, 'fi');
  const p = sme.page;
  const title = `Purkupuun jatkojalostus ${uniqueSuffix()}`;
  let kimppaPath;
  try {
    await step(t, 'from the challenges to the partner searches', async () => {
      await visit(p, '/fi/challenges');
      const resp = await pressEnterOn(p, p.locator('main a[href="/fi/partner-searches"]'));
      assert.equal(resp.status(), 200);
      await expectNoA11yViolations(p, 'partner searches');
      const start = await pressEnterOn(p, p.locator('main a[href="/fi/partner-searches/new"]'));
      assert.equal(start.status(), 200);
    });
    await step(t, 'the empty form comes back with its errors', async () => {
      await expectNoA11yViolations(p, 'new partner search');
      const resp = await pressEnterOn(p, p.locator('main form button[type="submit"]'));
      assert.equal(resp.status(), 422);
      await expectErrorSummaryWired(p);
      await expectNoA11yViolations(p, 'new partner search with errors');
    });
    await step(t, 'the search is written with the keyboard', async () => {
      await typeInto(p, '#f-title', title);
      await p.locator('#f-offer_role').focus();
      await p.locator('#f-offer_role').selectOption('recycler');
      await typeInto(p, '#f-offer', 'Purkutyömailta vapautuu puuta, jonka lajittelemme ja toimitamme jatkojalostukseen.');
      for (const id of ['#roles-logistics', '#roles-research-partner', '#focus_areas-construction']) {
        await p.locator(id).focus();
        await p.keyboard.press('Space');
      }
      await typeInto(p, '#f-value_proposition', 'Tasainen puuvirta ja yhteinen pilotti purkupuun uusiokäytöstä.');
      const resp = await pressEnterOn(p, p.locator('main form button[type="submit"]'));
      assert.equal(resp.status(), 200);
      assert.match(new URL(p.url()).pathname, /^\/fi\/partner-searches\/\d+$/);
      assert.equal((await p.locator('main h1').innerText()).trim(), title);
      const suggestions = p.locator('#suggest-title ~ ul.suggestions li');
      assert.ok((await suggestions.count()) > 0, 'partners are suggested for the needed roles');
      assert.match(await suggestions.first().innerText(), /\+\d+/, 'with the points of each reason');
      await screenshot(p, 'partner-search-started-fi');
      await expectNoA11yViolations(p, 'partner search with suggestions');
    });
    await step(t, 'a logistics partner is found by words and shortlisted', async () => {
      await typeInto(p, '#f-q', 'Paluukuorma');
      const resp = await pressEnterOn(p, p.locator('#browse form button'));
      assert.equal(resp.status(), 200);
      await expectNoA11yViolations(p, 'browse by words');
      await shortlist(p, '#browse', 'Paluukuorma');
    });
    await step(t, 'a research partner is found by role and shortlisted', async () => {
      await p.locator('#f-browse-role').focus();
      await p.locator('#f-browse-role').selectOption('research-partner');
      const resp = await pressEnterOn(p, p.locator('#browse form button'));
      assert.equal(resp.status(), 200);
      assert.ok(!(await p.locator('#browse').innerText()).includes('Paluukuorma-logistiikka Oy\n'), 'only research partners');
      await shortlist(p, '#browse', 'tutkimuskeskus');
      assert.equal(await p.locator('#shortlist tbody tr').count(), 2);
      await screenshot(p, 'partner-search-shortlist-fi');
      await expectNoA11yViolations(p, 'shortlist');
    });
    for (const row of [0, 1]) {
      await step(t, `shortlisted partner ${row + 1} is contacted`, async () => {
        const link = p.locator('#shortlist tbody tr').nth(row).locator('a[href$="/contact"]');
        const resp = await pressEnterOn(p, link);
        assert.equal(resp.status(), 200);
        assert.match(await p.locator('#f-message').inputValue(), /Purkupuun jatkojalostus/, 'drafted from the search');
        if (row === 0) await screenshot(p, 'partner-search-contact-fi');
        await expectNoA11yViolations(p, 'contact from a partner search');
        const sent = await pressEnterOn(p, p.locator('main form button[type="submit"]'));
        assert.equal(sent.status(), 200);
        assert.match(await p.locator('#shortlist tbody tr').nth(row).innerText(), /Yhteydenotto lähetetty/);
      });
    }
    await step(t, 'the orchestrators are asked for help', async () => {
      await typeInto(p, '#f-help_message', 'Tunnetteko rahoittajan puun uusiokäytön pilotteihin?');
      const resp = await pressEnterOn(p, p.locator('main form[action$="/help"] button'));
      assert.equal(resp.status(), 200);
      assert.match(await p.locator('main').innerText(), /odottaa orkestroijan vastausta/);
      await expectNoA11yViolations(p, 'help asked');
    });
    await step(t, 'a kimppa is formed from the contacted partners', async () => {
      assert.equal(await p.locator('input[name="members"]:checked').count(), 2, 'the contacted are chosen');
      await typeInto(p, '#f-name', `Purkupuukimppa ${uniqueSuffix()}`);
      await p.locator('#f-publish').focus();
      await p.keyboard.press('Space');
      const resp = await pressEnterOn(p, p.locator('main form[action$="/kimppa"] button'));
      assert.equal(resp.status(), 200);
      assert.match(new URL(p.url()).pathname, /^\/fi\/kimppas\/purkupuukimppa/);
      const text = await p.locator('main').innerText();
      assert.match(text, /Purkutaito/);
      assert.match(text, /Paluukuorma/);
      assert.match(text, /tutkimuskeskus/i);
      assert.match(text, /Kutsuttu, ei vielä vahvistanut/, 'the chosen partners are invited');
      await screenshot(p, 'partner-search-kimppa-fi');
      await expectNoA11yViolations(p, 'kimppa from a partner search');
      kimppaPath = new URL(p.url()).pathname;
    });
    await step(t, 'an invited partner confirms taking part', async () => {
      const partner = await loggedInPage(browser, server.baseUrl, PALUUKUORMA_ADMIN, 'fi');
      try {
        await visit(partner.page, kimppaPath);
        await expectNoA11yViolations(partner.page, 'kimppa invitation');
        const resp = await pressEnterOn(partner.page, partner.page.locator('main button[value="accept"]'));
        assert.equal(resp.status(), 200);
        const members = await partner.page.locator('main h2 + ul').first().innerText();
        assert.match(members, /Paluukuorma/);
        assert.doesNotMatch(members.split('\n').find((l) => l.includes('Paluukuorma')) ?? '', /Kutsuttu/);
      } finally {
        await partner.context.close();
      }
    });
  } finally {
    await sme.context.close();
  }
});

test('partner search pages and the help queue pass axe (fi, en)', async (t) => {
  const { browser, server } = env;
  const sme = await loggedInPage(browser, server.baseUrl, SIVUVIRTAPAJA_ADMIN, 'fi');
  const staff = await loggedInPage(browser, server.baseUrl, ORCHESTRATOR, 'fi');
  try {
    for (const lang of LANGS) {
      await step(t, `${lang} the SME's searches and a search`, async () => {
        await visit(sme.page, `/${lang}/partner-searches`);
        await expectNoA11yViolations(sme.page, `${lang} partner searches`);
        const resp = await pressEnterOn(sme.page, sme.page.locator('main table a').first());
        assert.equal(resp.status(), 200);
        assert.equal(await sme.page.locator('#shortlist tbody tr').count(), 2, 'the demo shortlist');
        await expectNoA11yViolations(sme.page, `${lang} a partner search`);
      });
      await step(t, `${lang} the orchestrators' queue and answering`, async () => {
        await visit(staff.page, `/${lang}/admin/partner-searches`);
        assert.ok((await staff.page.locator('main table tbody tr').count()) >= 1, 'the waiting demo request');
        await expectNoA11yViolations(staff.page, `${lang} help queue`);
        const resp = await pressEnterOn(staff.page, staff.page.locator('main table a').first());
        assert.equal(resp.status(), 200);
        await expectNoA11yViolations(staff.page, `${lang} a search, orchestrator`);
      });
    }
    await step(t, 'an orchestrator answers the waiting request', async () => {
      await visit(staff.page, '/fi/admin/partner-searches');
      await pressEnterOn(staff.page, staff.page.locator('main table a', { hasText: 'mäskijauhon' }));
      await typeInto(staff.page, '#f-help_reply', 'Kiertoraha Ventures rahoittaa elintarvikealan pilotteja.');
      const resp = await pressEnterOn(staff.page, staff.page.locator('main form[action$="/help/answer"] button'));
      assert.equal(resp.status(), 200);
      assert.match(new URL(staff.page.url()).pathname, /\/admin\/partner-searches$/);
      await screenshot(staff.page, 'partner-search-queue-fi');
    });
  } finally {
    await sme.context.close();
    await staff.context.close();
  }
});
