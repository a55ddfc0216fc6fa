// The development pipeline in a real browser, keyboard only: an
// orchestrator turns a lead into a record, moves it on the board with its
// buttons (JavaScript off), adds a task, and exports the table; the pages
// (with JavaScript, for axe) pass axe in Finnish and English, the public
// list of innovations too.

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
  ORCHESTRATOR,
  pressEnterOn,
  typeInto,
} from './helpers.js';

const env = useServerAndBrowser();

test('an orchestrator turns a lead into a record and moves it on the board (keyboard, no JavaScript)', async (t) => {
  const { browser, server } = env;
  const o = await loggedInPage(browser, server.baseUrl, ORCHESTRATOR, 'fi', { javaScriptEnabled: false });
  const title = `Koulun purkukartoitus ${uniqueSuffix()}`;
  try {
    await step(t, 'from the leads to a new record, filled in from the lead', async () => {
      const p = o.page;
      await visit(p, '/fi/admin/leads');
      const link = p.locator('main a[href*="/fi/pipeline/new?from=lead:"]').first();
      const resp = await pressEnterOn(p, link);
      assert.equal(resp.status(), 200);
      assert.notEqual(await p.locator('#f-title').inputValue(), '', 'the title comes from the lead');
      assert.notEqual(await p.locator('#f-participant-0').inputValue(), '', 'the organisations come from the lead');
    });
    await step(t, 'a bad sum is refused beside its field, then the record is saved', async () => {
      const p = o.page;
      await p.locator('#f-title').fill('');
      await typeInto(p, '#f-title', title);
      await typeInto(p, '#f-euros', 'paljon');
      const bad = await pressEnterOn(p, p.locator('main form[action="/fi/pipeline/new"] > button[type="submit"]'));
      assert.equal(bad.status(), 422);
      assert.equal(await p.locator('#f-title').inputValue(), title, 'typed values kept');
      await p.locator('#f-euros').fill('');
      await typeInto(p, '#f-euros', '85 000');
      const ok = await pressEnterOn(p, p.locator('main form[action="/fi/pipeline/new"] > button[type="submit"]'));
      assert.equal(ok.status(), 200);
      assert.match(new URL(p.url()).pathname, /^\/fi\/pipeline\/\d+$/);
      assert.match(await p.locator('main').innerText(), /Yhteydenotto/, 'linked to the lead');
    });
    await step(t, 'moved on the board with a button', async () => {
      const p = o.page;
      const id = new URL(p.url()).pathname.split('/').pop();
      await visit(p, '/fi/pipeline');
      const card = p.locator(`#record-${id}`);
      assert.match(await card.innerText(), /Konsepti →/);
      const resp = await pressEnterOn(p, card.locator('button', { hasText: 'Konsepti' }));
      assert.equal(resp.status(), 200);
      const moved = p.locator(`#record-${id}`);
      assert.match(await moved.innerText(), /Valmistelu →/, 'now in the concept column, the next stage offered');
      await screenshot(p, 'pipeline-board-fi');
    });
    await step(t, 'a task is added and shows on one\'s tasks', async () => {
      const p = o.page;
      const id = await p.locator('main li.card', { hasText: title }).getAttribute('id');
      await visit(p, `/fi/pipeline/${id.replace('record-', '')}`);
      await typeInto(p, '#f-task_title', 'Soita rehtorille');
      await p.locator('#f-assignee').selectOption({ label: 'Olli Orkestroija' }).catch(async () => {
        await p.locator('#f-assignee').selectOption({ index: 1 });
      });
      const resp = await pressEnterOn(p, p.locator('main form[action$="/tasks"] button[type="submit"]'));
      assert.equal(resp.status(), 200);
      assert.match(await p.locator('#tasks-title + ul').innerText(), /Soita rehtorille/);
      assert.match(await p.locator('main table').last().innerText(), /Tehtävä lisättiin/, 'in the history');
      await screenshot(p, 'pipeline-record-fi');
    });
    await step(t, 'the table is exported as CSV', async () => {
      const p = o.page;
      await visit(p, '/fi/pipeline/table?sort=title');
      const href = await p.locator('main a[href*="/fi/pipeline/export.csv"]').getAttribute('href');
      const r = await p.request.get(new URL(href, server.baseUrl).toString());
      assert.equal(r.status(), 200);
      assert.match(r.headers()['content-type'], /text\/csv/);
      const body = await r.text();
      assert.ok(body.startsWith('\ufeffid;title;kind;stage'), body.slice(0, 60));
      assert.ok(body.includes(title));
    });
    await step(t, 'the same need entered twice is found and merged', async () => {
      const p = o.page;
      await visit(p, '/fi/pipeline/new');
      const twin = title.replace('purkukartoitus', 'purkukartoitukset');
      await typeInto(p, '#f-title', twin);
      await p.locator('#f-kind').selectOption('idea');
      const saved = await pressEnterOn(p, p.locator('main form[action="/fi/pipeline/new"] > button[type="submit"]'));
      assert.equal(saved.status(), 200);
      await visit(p, '/fi/pipeline/duplicates');
      const row = p.locator('main tr', { hasText: twin });
      const preview = await pressEnterOn(p, row.locator('a[href*="/pipeline/merge?"]'));
      assert.equal(preview.status(), 200);
      const merged = await pressEnterOn(p, p.locator('main form[action="/fi/pipeline/merge"] button'));
      assert.equal(merged.status(), 200);
      assert.match(await p.locator('body').innerText(), /Kirjaukset yhdistettiin/);
      assert.match(await p.locator('main table').last().innerText(), /Yhdistettiin/, 'the merge in the history');
      await screenshot(p, 'pipeline-merged-fi');
    });
  } finally {
    await o.context.close();
  }
});

for (const lang of LANGS) {
  test(`pipeline pages and the public list pass axe (${lang})`, async () => {
    const { browser, server } = env;
    const o = await loggedInPage(browser, server.baseUrl, ORCHESTRATOR, lang);
    try {
      for (const path of [
        '/pipeline', '/pipeline?by=kind', '/pipeline/table', '/pipeline/tasks', '/pipeline/stages', '/pipeline/new',
        '/pipeline/fields', '/pipeline/duplicates', '/pipeline/import', '/pipeline/funding', '/innovations',
        '/calls', '/calls/new', '/procurements', '/procurements?circular=1', '/procurements/new', '/my',
      ]) {
        await visit(o.page, `/${lang}${path}`);
        await expectNoA11yViolations(o.page, `${lang}${path}`);
      }
      // A record's page, and the form with its errors.
      await visit(o.page, `/${lang}/pipeline`);
      const rec = await pressEnterOn(o.page, o.page.locator('main .board .card-title a').first());
      assert.equal(rec.status(), 200);
      await expectNoA11yViolations(o.page, `${lang} a pipeline record`);
      await visit(o.page, `/${lang}/pipeline/new`);
      const bad = await pressEnterOn(o.page, o.page.locator(`main form[action="/${lang}/pipeline/new"] > button[type="submit"]`));
      assert.equal(bad.status(), 422);
      await expectErrorSummaryWired(o.page);
      await expectNoA11yViolations(o.page, `${lang} the pipeline form with errors`);
      await visit(o.page, `/${lang}/innovations`);
      const first = o.page.locator('main .card-title a').first();
      const resp = await pressEnterOn(o.page, first);
      assert.equal(resp.status(), 200);
      await expectNoA11yViolations(o.page, `${lang} a published record`);
      await screenshot(o.page, `innovations-${lang}`);
      // A call's page with a kimppa checked against its partner rules.
      await visit(o.page, `/${lang}/calls`);
      const call = await pressEnterOn(o.page, o.page.locator('main .card-title a').first());
      assert.equal(call.status(), 200);
      const checked = await pressEnterOn(o.page, o.page.locator('main form[action*="/calls/"] button'));
      assert.equal(checked.status(), 200);
      assert.ok(await o.page.locator('main [role="status"]').count() > 0, 'the answer of the check');
      await expectNoA11yViolations(o.page, `${lang} a call checked against a kimppa`);
      await screenshot(o.page, `call-check-${lang}`);
      // The duplicate finder and a merge's preview.
      await visit(o.page, `/${lang}/pipeline/duplicates`);
      const compare = await pressEnterOn(o.page, o.page.locator('main a[href*="/pipeline/merge?"]').first());
      assert.equal(compare.status(), 200);
      await expectNoA11yViolations(o.page, `${lang} a merge's preview`);
    } finally {
      await o.context.close();
    }
  });
}
