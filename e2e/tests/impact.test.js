// Impact in a real browser, keyboard only: an orchestrator opens the
// dashboard, an indicator's chart and table, the records it counted, sets a
// target (a bad one refused beside its field) and downloads the CSV; a
// visitor reads the situational picture without JavaScript. The pages pass
// axe in Finnish and English.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useServerAndBrowser,
  visit,
  loggedInPage,
  newContext,
  step,
  expectNoA11yViolations,
  expectErrorSummaryWired,
  screenshot,
  LANGS,
  ORCHESTRATOR,
  PURKUTAITO_ADMIN,
  POHJOISRAKENNE_ADMIN,
  pressEnterOn,
  typeInto,
  linkFromOutbox,
  uniqueSuffix,
} from './helpers.js';

const env = useServerAndBrowser();

test('an orchestrator reads the indicators, drills down and sets a target (keyboard, no JavaScript)', async (t) => {
  const { browser, server } = env;
  const o = await loggedInPage(browser, server.baseUrl, ORCHESTRATOR, 'fi', { javaScriptEnabled: false });
  try {
    await step(t, 'the figures are computed and the dashboard lists every dimension', async () => {
      const p = o.page;
      await visit(p, '/fi/impact');
      const resp = await pressEnterOn(p, p.locator('main form[action="/fi/impact/rollup"] button'));
      assert.equal(resp.status(), 200);
      assert.match(await p.locator('body').innerText(), /Luvut laskettiin uudelleen/);
      const main = await p.locator('main').innerText();
      for (const h of ['Kilpailukyky ja innovaatiot', 'Klusterin toiminta', 'Jätehuolto']) {
        assert.ok(main.includes(h), h);
      }
      assert.match(main, /ei kirjata vielä/, 'an indicator without a source says so');
      await screenshot(p, 'impact-dashboard-fi');
    });
    await step(t, 'an indicator by month, with its chart, table and records', async () => {
      const p = o.page;
      const link = p.locator('main th a', { hasText: 'Järjestetyt tapahtumat' });
      const resp = await pressEnterOn(p, link);
      assert.equal(resp.status(), 200);
      await p.locator('#flt-by').selectOption('month');
      const byMonth = await pressEnterOn(p, p.locator('main form.filters button'));
      assert.equal(byMonth.status(), 200);
      assert.equal(await p.locator('main svg.chart[role="img"]').count(), 1, 'the chart');
      assert.equal(await p.locator('main table tbody tr').count(), 12, 'a row a month');
      const rows = p.locator('main table tbody tr');
      let opened = false;
      for (let i = 0; i < 12 && !opened; i++) {
        const value = await rows.nth(i).locator('td').first().innerText();
        if (value.trim() !== '0') {
          const r = await pressEnterOn(p, rows.nth(i).locator('a'));
          assert.equal(r.status(), 200);
          assert.ok(await p.locator('#records-title + p, #records-title ~ ul li').count() > 0, 'the records counted');
          opened = true;
        }
      }
      await screenshot(p, 'impact-indicator-fi');
    });
    await step(t, 'a bad target is refused beside its field, a good one saved', async () => {
      const p = o.page;
      await p.locator('#f-value').fill('');
      await typeInto(p, '#f-value', 'paljon');
      const bad = await pressEnterOn(p, p.locator('main form[action$="/target"] button[type="submit"]'));
      assert.equal(bad.status(), 422);
      assert.equal(await p.locator('#f-value').inputValue(), 'paljon', 'typed value kept');
      assert.equal(await p.locator('#f-value-error').count(), 1);
      await p.locator('#f-value').fill('');
      await typeInto(p, '#f-value', '30');
      const ok = await pressEnterOn(p, p.locator('main form[action$="/target"] button[type="submit"]'));
      assert.equal(ok.status(), 200);
      assert.match(await p.locator('body').innerText(), /Tavoite tallennettiin/);
    });
    await step(t, 'the year as CSV', async () => {
      const p = o.page;
      await visit(p, '/fi/impact');
      const href = await p.locator('main a[href*="/fi/impact/export.csv"]').getAttribute('href');
      const r = await p.request.get(new URL(href, server.baseUrl).toString());
      assert.equal(r.status(), 200);
      assert.match(r.headers()['content-type'], /text\/csv/);
      const body = await r.text();
      assert.ok(body.startsWith('\ufeffid;Mittari;'), body.slice(0, 40));
      assert.match(body, /\nevents;Järjestetyt tapahtumat;/);
    });
  } finally {
    await o.context.close();
  }
});

test('a visitor reads the situational picture and explores the park without JavaScript', async () => {
  const { browser, server } = env;
  const ctx = await newContext(browser, server.baseUrl, { javaScriptEnabled: false });
  const p = await ctx.newPage();
  try {
    await visit(p, '/fi/situation');
    const main = await p.locator('main').innerText();
    assert.match(main, /Toimijat tyypeittäin/);
    assert.match(main, /Toteutuneet symbioosit/);
    assert.doesNotMatch(main, /Haettu rahoitus/, 'staff figures stay out');
    await screenshot(p, 'situation-fi');
    await visit(p, '/fi/park');
    assert.equal(await p.locator('main svg.park[role="img"]').count(), 1, 'the park drawn on the server');
    assert.ok(await p.locator('main table tbody tr').count() > 0, 'its flows as a table');
    const org = p.locator('main table tbody a').first();
    const opened = await pressEnterOn(p, org);
    assert.equal(opened.status(), 200, 'an organisation opens from the park');
    await visit(p, '/fi/park');
    const chapter = await p.locator('#flt-material option').nth(1).getAttribute('value');
    await p.locator('#flt-material').selectOption(chapter);
    const filtered = await pressEnterOn(p, p.locator('main form.filters button'));
    assert.equal(filtered.status(), 200);
    assert.ok(new URL(p.url()).search.includes(`material=${chapter}`));
    await screenshot(p, 'park-fi');
  } finally {
    await ctx.close();
  }
});

test('a member survey is sent and answered through its link, keyboard only and without signing in', async (t) => {
  const { browser, server } = env;
  const o = await loggedInPage(browser, server.baseUrl, ORCHESTRATOR, 'fi', { javaScriptEnabled: false });
  const visitor = await newContext(browser, server.baseUrl, { javaScriptEnabled: false });
  const withJs = await newContext(browser, server.baseUrl);
  const title = `Kysely ${uniqueSuffix()}`;
  try {
    let links;
    await step(t, 'the orchestrator writes and sends the survey', async () => {
      const p = o.page;
      await visit(p, '/fi/impact/surveys');
      await typeInto(p, '#f-title', title);
      await typeInto(p, '#f-questions', 'Mikä toimii hyvin?');
      const saved = await pressEnterOn(p, p.locator('main form[action="/fi/impact/surveys"] button[type="submit"]'));
      assert.equal(saved.status(), 200);
      const sent = await pressEnterOn(p, p.locator('main form[action$="/send"] button'));
      assert.equal(sent.status(), 200);
      assert.match(await p.locator('body').innerText(), /Kysely lähetettiin/);
      links = [
        await linkFromOutbox(p, PURKUTAITO_ADMIN.email, /\S*\/fi\/survey\/\S+/),
        await linkFromOutbox(p, POHJOISRAKENNE_ADMIN.email, /\S*\/fi\/survey\/\S+/),
      ];
    });
    await step(t, 'the answer pages pass axe in both languages', async () => {
      const page = await withJs.newPage();
      await visit(page, new URL(links[0]).pathname);
      await expectNoA11yViolations(page, 'fi the survey answer form');
      await visit(page, new URL(links[1]).pathname.replace('/fi/', '/en/'));
      await expectNoA11yViolations(page, 'en the survey answer form');
      await screenshot(page, 'survey-answer-en');
    });
    await step(t, 'a member answers with the keyboard; the link works once', async () => {
      const p = await visitor.newPage();
      const path = new URL(links[0]).pathname;
      await visit(p, path);
      const bad = await pressEnterOn(p, p.locator('main form button[type="submit"]'));
      assert.equal(bad.status(), 422, 'the score is required');
      await expectErrorSummaryWired(p);
      await p.locator('#score-9').focus();
      await p.keyboard.press('Space');
      assert.ok(await p.locator('#score-9').isChecked(), 'chosen with the keyboard');
      await typeInto(p, '#f-answer-0', 'Tapahtumat');
      const ok = await pressEnterOn(p, p.locator('main form button[type="submit"]'));
      assert.equal(ok.status(), 200);
      assert.match(await p.locator('main').innerText(), /Vastauksesi tallennettiin/);
      await visit(p, path, 410);
    });
    await step(t, 'the results show the answer, not who gave it', async () => {
      const p = o.page;
      await visit(p, '/fi/impact/surveys');
      const r = await pressEnterOn(p, p.locator('main a', { hasText: title }));
      assert.equal(r.status(), 200);
      const main = await p.locator('main').innerText();
      assert.match(main, /Tapahtumat/);
      assert.match(main, /alle viisi vastausta/);
      assert.doesNotMatch(main, /purkutaito/i);
      await screenshot(p, 'survey-results-fi');
    });
  } finally {
    await o.context.close();
    await visitor.close();
    await withJs.close();
  }
});

for (const lang of LANGS) {
  test(`impact pages pass axe (${lang})`, async () => {
    const { browser, server } = env;
    const o = await loggedInPage(browser, server.baseUrl, ORCHESTRATOR, lang);
    try {
      for (const path of [
        '/impact', '/impact/indicators/events', '/impact/indicators/events?by=month', '/impact/indicators/nps',
        '/impact/indicators/member-turnover', '/impact/text', '/situation', '/park', '/impact/label',
        '/impact/official', `/situation/${new Date().getFullYear()}/report`, '/impact/surveys',
      ]) {
        await visit(o.page, `/${lang}${path}`);
        await expectNoA11yViolations(o.page, `${lang}${path}`);
        if (path === '/impact/label') await screenshot(o.page, `impact-label-${lang}`);
      }
      const year = new Date().getFullYear();
      await visit(o.page, `/${lang}/impact/indicators/events?by=year&period=${year}`);
      await expectNoA11yViolations(o.page, `${lang} the records counted`);
      const bad = await pressEnterOn(o.page, o.page.locator('main form[action$="/target"] button[type="submit"]').first());
      assert.ok([200, 422].includes(bad.status()));
      await o.page.locator('#f-year').fill('');
      await typeInto(o.page, '#f-year', 'x');
      const refused = await pressEnterOn(o.page, o.page.locator('main form[action$="/target"] button[type="submit"]'));
      assert.equal(refused.status(), 422);
      await expectErrorSummaryWired(o.page);
      await expectNoA11yViolations(o.page, `${lang} the target form with errors`);
      await screenshot(o.page, `impact-target-errors-${lang}`);
    } finally {
      await o.context.close();
    }
  });
}
