// The service paths as new users walk them, keyboard only, axe on every
// page in Finnish and English, screenshots of the steps.
//
// 1. A new company finds the partner search from the header, gets
//    suggestions whose first fits the role, shortlists it and contacts it.
// 2. An anchor company's challenge: a member responds for its organisation
//    (chosen by default), the owner is told in the app and sees it on the
//    "my organisation" overview.
// 3. A deal recorded by one party appears in the totals only after the
//    other party confirms it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useServerAndBrowser,
  visit,
  loggedInPage,
  step,
  expectNoA11yViolations,
  screenshot,
  uniqueSuffix,
  LANGS,
  DEMO_PASSWORD,
  POHJOISRAKENNE_ADMIN,
  KIERTONEUVO_ADMIN,
  pressEnterOn,
  typeInto,
} from './helpers.js';

const env = useServerAndBrowser();

/** Admin of the demo biogas company `lantavoima`, with a deal to confirm. */
const LANTAVOIMA_ADMIN = { email: 'antti.laitila@lantavoima.example.fi', password: DEMO_PASSWORD };

/** Follows a link with the keyboard: focus, Enter, the page that loads. */
async function enter(p, locator) {
  const href = await locator.getAttribute('href');
  const resp = await pressEnterOn(p, locator);
  assert.equal(resp.status(), 200, href);
  return resp;
}

test('a new company finds the partner search from the header and contacts a fitting suggestion (keyboard)', async (t) => {
  const { browser, server } = env;
  const co = await loggedInPage(browser, server.baseUrl, KIERTONEUVO_ADMIN, 'fi');
  const p = co.page;
  try {
    await step(t, 'the header leads to the partner searches', async () => {
      await visit(p, '/fi/');
      await enter(p, p.locator('header nav.main-nav a', { hasText: 'Haasteet ja kumppanit' }));
      assert.equal(await p.locator('header nav.main-nav a[aria-current="true"]').innerText(), 'Haasteet ja kumppanit');
      await enter(p, p.locator('nav.section-nav a[href="/fi/partner-searches"]'));
      assert.equal(await p.locator('nav.section-nav a[aria-current="page"]').innerText(), 'Kumppanihaut');
      await screenshot(p, 'paths-header-fi');
      await expectNoA11yViolations(p, 'partner searches from the header');
      await enter(p, p.locator('main a[href="/fi/partner-searches/new"]'));
    });
    await step(t, 'a search for a plastics recycler gets a fitting first suggestion', async () => {
      await typeInto(p, '#f-title', `Maatalouskalvojen kierrätys ${uniqueSuffix()}`);
      await p.locator('#f-offer_role').focus();
      await p.locator('#f-offer_role').selectOption('consultant');
      await typeInto(
        p,
        '#f-offer',
        'Kokoamme maatilojen käytetyt paali- ja kiristekalvot sekä muovisäkit ja haemme muovin mekaaniseen kierrätykseen kumppanin, joka murskaa, pesee ja granuloi kalvot uusiomuoviksi.',
      );
      await p.locator('#roles-recycler').focus();
      await p.keyboard.press('Space');
      await p.locator('#focus_areas-plastics').focus();
      await p.keyboard.press('Space');
      await typeInto(p, '#f-value_proposition', 'Tasainen kalvovirta ja yhteinen keräysmalli maatiloille.');
      const resp = await pressEnterOn(p, p.locator('main form button[type="submit"]'));
      assert.equal(resp.status(), 200);
      const first = p.locator('#suggest-title ~ ul.suggestions li').first();
      assert.match(await first.innerText(), /Pohjolan Muovimylly/, 'the plastics recycler first');
      assert.match(await first.innerText(), /Kierrättäjä \(palvelutarjonnan perusteella\)/, 'a reason that is true');
      await screenshot(p, 'paths-suggestions-fi');
      await expectNoA11yViolations(p, 'partner search suggestions');
    });
    await step(t, 'the first suggestion is shortlisted and contacted', async () => {
      const first = p.locator('#suggest-title ~ ul.suggestions li').first();
      const resp = await pressEnterOn(p, first.locator('button'));
      assert.equal(resp.status(), 200);
      assert.match(await p.locator('#shortlist').innerText(), /Pohjolan Muovimylly/);
      await enter(p, p.locator('#shortlist tbody tr').first().locator('a[href$="/contact"]'));
      await expectNoA11yViolations(p, 'contact from the search');
      const sent = await pressEnterOn(p, p.locator('main form button[type="submit"]'));
      assert.equal(sent.status(), 200);
      assert.match(await p.locator('#shortlist tbody tr').first().innerText(), /Yhteydenotto lähetetty/);
    });
    for (const lang of LANGS) {
      await step(t, `${lang} the overview and the sections pass axe`, async () => {
        await visit(p, `/${lang}/my`);
        assert.ok((await p.locator('main section.my-org').count()) >= 1);
        await expectNoA11yViolations(p, `${lang} my organisation`);
        await visit(p, `/${lang}/kimppas`);
        await expectNoA11yViolations(p, `${lang} kimppas with the section menu`);
      });
    }
    await screenshot(p, 'paths-my-en');
  } finally {
    await co.context.close();
  }
});

test('an anchor company hears of a response in the app and on its overview (keyboard)', async (t) => {
  const { browser, server } = env;
  const anchor = await loggedInPage(browser, server.baseUrl, POHJOISRAKENNE_ADMIN, 'fi');
  const member = await loggedInPage(browser, server.baseUrl, KIERTONEUVO_ADMIN, 'fi');
  const title = `Betonimurskeen laadunvarmistus ${uniqueSuffix()}`;
  try {
    let challengePath;
    await step(t, 'the anchor publishes a challenge', async () => {
      const p = anchor.page;
      await visit(p, '/fi/challenges/new');
      await typeInto(p, '#f-title', title);
      await typeInto(p, '#f-description', 'Haemme kumppania, joka varmistaa purkubetonista tehdyn murskeen laadun ennen käyttöä.');
      await p.locator('#roles-consultant').focus();
      await p.keyboard.press('Space');
      const resp = await pressEnterOn(p, p.locator('main form button[value="publish"]'));
      assert.equal(resp.status(), 200);
      challengePath = new URL(p.url()).pathname;
    });
    await step(t, 'a member responds for its organisation, chosen by default', async () => {
      const p = member.page;
      await visit(p, challengePath);
      assert.match(await p.locator('#f-as_org option:checked').innerText(), /Kiertoneuvo/);
      await p.locator('#f-role').focus();
      await p.locator('#f-role').selectOption('consultant');
      await typeInto(p, '#f-proposal', 'Teemme laadunvarmistuksen ja elinkaarilaskelman murskeelle.');
      const resp = await pressEnterOn(p, p.locator('main form[action$="/respond"] button[type="submit"]'));
      assert.equal(resp.status(), 200);
      await expectNoA11yViolations(p, 'response sent');
    });
    await step(t, 'the anchor sees it in its notices and on its overview', async () => {
      const p = anchor.page;
      await visit(p, '/fi/notifications');
      assert.match(await p.locator('main').innerText(), new RegExp(`vastasi haasteeseenne ”${title}”`));
      await expectNoA11yViolations(p, 'notices');
      await enter(p, p.locator('header nav.user-nav a[href="/fi/my"]'));
      const text = await p.locator('main').innerText();
      assert.match(text, new RegExp(title));
      assert.match(text, /1 päättämättä/);
      await screenshot(p, 'paths-overview-fi');
      await expectNoA11yViolations(p, 'overview with a waiting response');
    });
  } finally {
    await anchor.context.close();
    await member.context.close();
  }
});

test('a deal confirmed by the other party appears in the totals (keyboard)', async (t) => {
  const { browser, server } = env;
  const other = await loggedInPage(browser, server.baseUrl, LANTAVOIMA_ADMIN, 'fi');
  const p = other.page;
  const tonnes = async () => {
    await visit(p, '/fi/materials');
    const text = await p.locator('dl.stats div', { hasText: 'Kaatopaikalta ohjattu' }).first().locator('dd').innerText();
    return Number(text.replace(/[^\d]/g, ''));
  };
  try {
    let before;
    await step(t, 'the waiting deal is on the overview, not in the totals', async () => {
      before = await tonnes();
      await visit(p, '/fi/my');
      assert.match(await p.locator('main').innerText(), /Vahvistettavat kaupat/);
      await enter(p, p.locator('main a[href^="/fi/materials/deals/"]').first());
      assert.match(await p.locator('#deal-status').innerText(), /Odottaa toisen osapuolen vahvistusta/);
      await screenshot(p, 'paths-deal-fi');
      await expectNoA11yViolations(p, 'deal to confirm');
    });
    await step(t, 'confirmed, it counts', async () => {
      const resp = await pressEnterOn(p, p.locator('main form button', { hasText: 'Vahvista kauppa' }));
      assert.equal(resp.status(), 200);
      assert.match(await p.locator('#deal-status').innerText(), /Vahvistettu/);
      const after = await tonnes();
      assert.equal(after - before, 900, `the 900 t of the deal are counted (${before} → ${after})`);
      await expectNoA11yViolations(p, 'materials totals');
    });
  } finally {
    await other.context.close();
  }
});
