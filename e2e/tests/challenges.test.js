// Challenges and kimppas in a real browser.
//
// 1. axe finds no WCAG 2.1 A/AA violations on the challenge list, a
//    challenge, the kimppa catalogue and a kimppa, in Finnish and English.
// 2. An anchor company publishes a challenge as an innovation competition,
//    two organisations respond, the owner scores and accepts one, declines
//    the other, and forms a kimppa — with the keyboard only, axe on every
//    page, screenshots of the steps.
// 3. A visitor searches, reads a challenge, registers, and asks the
//    experts a question in the forum — keyboard only, axe on every page.
//    (The partner-search path is in partner_search.test.js.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useServerAndBrowser,
  newContext,
  visit,
  follow,
  loggedInPage,
  step,
  expectNoA11yViolations,
  expectErrorSummaryWired,
  screenshot,
  uniqueSuffix,
  LANGS,
  PURKUTAITO_ADMIN,
  POHJOISRAKENNE_ADMIN,
  KIERTONEUVO_ADMIN,
  ORCHESTRATOR,
  pressEnterOn,
  typeInto,
  linkFromOutbox,
} from './helpers.js';

const env = useServerAndBrowser();

for (const lang of LANGS) {
  test(`challenge and kimppa pages pass axe as a visitor (${lang})`, async (t) => {
    const { browser, server } = env;
    const ctx = await newContext(browser, server.baseUrl);
    const page = await ctx.newPage();
    try {
      await step(t, `${lang} challenge list`, async () => {
        await visit(page, `/${lang}/challenges`);
        assert.ok((await page.locator('main ul.cards li').count()) >= 3, 'the public demo challenges are listed');
        if (lang === 'fi') await screenshot(page, 'challenges-fi');
        await expectNoA11yViolations(page, `${lang} challenges`);
      });
      await step(t, `${lang} a challenge`, async () => {
        await follow(page, page.locator('main ul.cards li h2 a').first());
        await expectNoA11yViolations(page, `${lang} challenge`);
      });
      await step(t, `${lang} kimppa catalogue and a kimppa`, async () => {
        await visit(page, `/${lang}/kimppas`);
        await expectNoA11yViolations(page, `${lang} kimppas`);
        await follow(page, page.locator('main ul.cards li h2 a').first());
        assert.match(await page.locator('main').innerText(), /Pohjoisrakenne|Kaamosvoima|Oulujoen/);
        if (lang === 'fi') await screenshot(page, 'kimppa-fi');
        await expectNoA11yViolations(page, `${lang} kimppa`);
      });
    } finally {
      await ctx.close();
    }
  });
}

test('an anchor runs a competition, two respond, one is accepted and a kimppa is formed (keyboard)', async (t) => {
  const { browser, server } = env;
  const owner = await loggedInPage(browser, server.baseUrl, POHJOISRAKENNE_ADMIN, 'fi');
  const first = await loggedInPage(browser, server.baseUrl, PURKUTAITO_ADMIN, 'fi');
  const second = await loggedInPage(browser, server.baseUrl, KIERTONEUVO_ADMIN, 'fi');
  const o = owner.page;
  const title = `Betonimurskeen uusi käyttö ${uniqueSuffix()}`;
  let challengePath;
  try {
    await step(t, 'the empty form comes back with its errors', async () => {
      await visit(o, '/fi/challenges/new');
      await expectNoA11yViolations(o, 'new challenge');
      const resp = await pressEnterOn(o, o.locator('main form button[value="publish"]'));
      assert.equal(resp.status(), 422);
      await expectErrorSummaryWired(o);
      await expectNoA11yViolations(o, 'new challenge with errors');
    });
    await step(t, 'the competition is written and published with the keyboard', async () => {
      await typeInto(o, '#f-title', title);
      await typeInto(o, '#f-description', 'Purkutyömailta vapautuu betonia. Etsimme kierrättäjää ja tutkimuskumppania.');
      await o.locator('#roles-recycler').focus();
      await o.keyboard.press('Space');
      await o.locator('#roles-research-partner').focus();
      await o.keyboard.press('Space');
      await o.locator('#focus_areas-construction').focus();
      await o.keyboard.press('Space');
      await o.locator('#f-competition').focus();
      await o.keyboard.press('Space');
      const deadline = new Date(Date.now() + 30 * 86400e3).toISOString().slice(0, 10);
      await o.locator('#f-deadline').fill(deadline);
      await typeInto(o, '#f-criteria', 'Kierrätysaste');
      await o.keyboard.press('Enter');
      await o.keyboard.type('Kustannukset');
      const resp = await pressEnterOn(o, o.locator('main form button[value="publish"]'));
      assert.equal(resp.status(), 200);
      challengePath = new URL(o.url()).pathname;
      assert.match(challengePath, /^\/fi\/challenges\/\d+$/);
      assert.equal((await o.locator('main h1').innerText()).trim(), title);
      await screenshot(o, 'challenge-published-fi');
      await expectNoA11yViolations(o, 'published challenge, owner');
    });
    for (const [label, ctx, role] of [
      ['Purkutaito', first, 'recycler'],
      ['Kiertoneuvo', second, 'consultant'],
    ]) {
      await step(t, `${label} responds with the keyboard`, async () => {
        const p = ctx.page;
        await visit(p, challengePath);
        await p.locator('#f-as_org').focus();
        await p.keyboard.press('ArrowDown');
        await p.locator('#f-role').selectOption(role);
        await typeInto(p, '#f-proposal', `${label}: hoidamme tämän osan.`);
        const resp = await pressEnterOn(p, p.locator('main form[action$="/respond"] button'));
        assert.equal(resp.status(), 200);
        assert.match(new URL(p.url()).pathname, /\/responses\/\d+$/);
        await expectNoA11yViolations(p, `${label}'s response`);
      });
    }
    await step(t, 'the owner sees the responses and suggestions with reasons', async () => {
      await visit(o, challengePath);
      assert.equal(await o.locator('#responses-title + table tbody tr').count(), 2);
      const suggestions = o.locator('ul.suggestions li');
      assert.ok((await suggestions.count()) > 0, 'partners are suggested for the missing roles');
      assert.match(await suggestions.first().innerText(), /\+\d+/);
      const experts = await o.locator('#suggest-experts-title + p + ul.suggestions').innerText();
      assert.ok(!experts.includes('Purkutaito'), 'experts of organisations that answered are not suggested');
      await screenshot(o, 'challenge-owner-fi');
      await expectNoA11yViolations(o, 'challenge with responses, owner');
    });
    await step(t, 'the owner scores and accepts the first', async () => {
      await follow(o, o.locator('#responses-title + table a', { hasText: 'Purkutaito' }));
      await o.locator('#score-0').selectOption('5');
      await o.locator('#score-1').selectOption('4');
      await typeInto(o, '#f-message', 'Tervetuloa mukaan!');
      const resp = await pressEnterOn(o, o.locator('main button[value="accept"]'));
      assert.equal(resp.status(), 200);
      assert.match(await o.locator('main').innerText(), /Hyväksytty/);
      await expectNoA11yViolations(o, 'accepted response');
    });
    await step(t, 'a decline without a message is refused, then sent with one', async () => {
      await visit(o, challengePath);
      await follow(o, o.locator('#responses-title + table a', { hasText: 'Kiertoneuvo' }));
      const bad = await pressEnterOn(o, o.locator('main button[value="decline"]'));
      assert.equal(bad.status(), 422);
      await expectErrorSummaryWired(o);
      await expectNoA11yViolations(o, 'decline without a message');
      await typeInto(o, '#f-message', 'Kiitos, tällä kertaa emme tarvitse neuvontaa.');
      const ok = await pressEnterOn(o, o.locator('main button[value="decline"]'));
      assert.equal(ok.status(), 200);
    });
    await step(t, 'the kimppa is formed and shows in the catalogue', async () => {
      await visit(o, challengePath);
      await typeInto(o, '#f-name', `Betonikimppa ${uniqueSuffix()}`);
      await typeInto(o, '#f-value_proposition', 'Betoni kiertoon purkutyömaalta uuteen rakenteeseen.');
      await o.locator('#f-publish').focus();
      await o.keyboard.press('Space');
      const resp = await pressEnterOn(o, o.locator('main form[action$="/kimppa"] button'));
      assert.equal(resp.status(), 200);
      assert.match(new URL(o.url()).pathname, /^\/fi\/kimppas\/betonikimppa/);
      assert.match(await o.locator('main').innerText(), /Purkutaito/);
      await screenshot(o, 'kimppa-formed-fi');
      await expectNoA11yViolations(o, 'formed kimppa');
    });
  } finally {
    await owner.context.close();
    await first.context.close();
    await second.context.close();
  }
});

test('the challenge figures pass axe (orchestrator)', async (t) => {
  const { browser, server } = env;
  const staff = await loggedInPage(browser, server.baseUrl, ORCHESTRATOR, 'fi');
  try {
    for (const lang of LANGS) {
      await step(t, `${lang} figures`, async () => {
        await visit(staff.page, `/${lang}/admin/challenges`);
        assert.ok((await staff.page.locator('main table tbody tr').count()) >= 1, 'the demo months are counted');
        await expectNoA11yViolations(staff.page, `${lang} challenge figures`);
      });
    }
  } finally {
    await staff.context.close();
  }
});

test('a visitor searches, reads, registers and asks a question (keyboard)', async (t) => {
  const { browser, server } = env;
  const ctx = await newContext(browser, server.baseUrl);
  const p = await ctx.newPage();
  const staff = await loggedInPage(browser, server.baseUrl, ORCHESTRATOR, 'fi');
  const suffix = uniqueSuffix();
  const person = { name: `Uusi Kävijä ${suffix}`, email: `kavija-${suffix}@example.fi`, password: `salasana-${suffix}-pitka` };
  const question = `Kuka ottaa vastaan purkukipsiä? ${suffix}`;
  try {
    await step(t, 'the visitor searches from the home page', async () => {
      await visit(p, '/fi/');
      await typeInto(p, 'main form[role="search"] input[name="q"]', 'kipsi');
      const [resp] = await Promise.all([p.waitForNavigation({ waitUntil: 'load' }), p.keyboard.press('Enter')]);
      assert.equal(resp.status(), 200);
      assert.match(new URL(p.url()).pathname, /^\/fi\/search$/);
      await screenshot(p, 'path1-search-fi');
      await expectNoA11yViolations(p, 'search results');
    });
    await step(t, 'the visitor reads a challenge found by the search', async () => {
      const hit = p.locator('main a[href^="/fi/challenges/"]').first();
      await hit.waitFor();
      const resp = await pressEnterOn(p, hit);
      assert.equal(resp.status(), 200);
      assert.match(await p.locator('main h1').innerText(), /kipsi/i);
      assert.match(await p.locator('main').innerText(), /Kirjaudu sisään vastataksesi/);
      await screenshot(p, 'path1-challenge-fi');
      await expectNoA11yViolations(p, 'challenge, visitor');
    });
    await step(t, 'the visitor registers', async () => {
      const resp = await pressEnterOn(p, p.locator('header a[href="/fi/register"]'));
      assert.equal(resp.status(), 200);
      await expectNoA11yViolations(p, 'registration');
      await typeInto(p, '#f-name', person.name);
      await typeInto(p, '#f-email', person.email);
      await typeInto(p, '#f-password', person.password);
      const done = await pressEnterOn(p, p.locator('main form[action="/fi/register"] button[type="submit"]'));
      assert.equal(done.status(), 200);
      assert.equal(new URL(p.url()).pathname, '/fi/register/done');
      await screenshot(p, 'path1-registered-fi');
      await expectNoA11yViolations(p, 'registered');
    });
    await step(t, 'the email address is verified and the person logs in', async () => {
      const link = await linkFromOutbox(staff.page, person.email, /https?:\/\/\S+\/verify\?token=[^\s<>"]+/);
      await visit(p, link);
      await expectNoA11yViolations(p, 'address verified');
      const resp = await pressEnterOn(p, p.locator('header a[href="/fi/login"]'));
      assert.equal(resp.status(), 200);
      await typeInto(p, '#f-email', person.email);
      await typeInto(p, '#f-password', person.password);
      const done = await pressEnterOn(p, p.locator('main form[action="/fi/login"] button[type="submit"]'));
      assert.equal(done.status(), 200);
      await p.locator('header form[action="/fi/logout"] button').waitFor();
    });
    await step(t, 'the person asks the experts a question in the forum', async () => {
      await visit(p, '/fi/forum');
      const resp = await pressEnterOn(p, p.locator('main a[href="/fi/forum/new"]'));
      assert.equal(resp.status(), 200);
      await p.locator('#f-category').focus();
      await p.keyboard.press('ArrowDown');
      await typeInto(p, '#f-title', question);
      await typeInto(p, '#f-body', 'Remontista jää kipsilevyä. Kuka alueella ottaa sen vastaan kierrätykseen?');
      const asked = await pressEnterOn(p, p.locator('main form button[type="submit"]'));
      assert.equal(asked.status(), 200);
      assert.match(new URL(p.url()).pathname, /^\/fi\/forum\/threads\/\d+$/);
      assert.equal((await p.locator('main h1').innerText()).trim(), question);
      await screenshot(p, 'path1-question-fi');
      await expectNoA11yViolations(p, 'the question');
    });
  } finally {
    await ctx.close();
    await staff.context.close();
  }
});
