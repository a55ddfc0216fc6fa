// Working groups in a real browser: a member of the cluster joins a working
// group (the lead accepts), posts in its discussion, and the group pages
// pass axe in Finnish and English.

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
  KIERTONEUVO_ADMIN,
  POHJOISRAKENNE_ADMIN,
  ORCHESTRATOR,
  pressEnterOn,
  typeInto,
} from './helpers.js';

const env = useServerAndBrowser();

test('a member joins a working group and posts in its discussion (keyboard)', async (t) => {
  const { browser, server } = env;
  // Kiertoneuvo is not in the construction group; Pohjoisrakenne leads it.
  const joiner = await loggedInPage(browser, server.baseUrl, KIERTONEUVO_ADMIN, 'fi');
  const lead = await loggedInPage(browser, server.baseUrl, POHJOISRAKENNE_ADMIN, 'fi');
  const topic = `Purkuovien varastointi ${uniqueSuffix()}`;
  try {
    await step(t, 'from the groups to the construction group', async () => {
      const p = joiner.page;
      await visit(p, '/fi/groups');
      await expectNoA11yViolations(p, 'groups');
      const resp = await pressEnterOn(p, p.locator('main a[href="/fi/groups/rakentaminen"]'));
      assert.equal(resp.status(), 200);
      await expectNoA11yViolations(p, 'a group, public');
    });
    await step(t, 'the member asks to join', async () => {
      const p = joiner.page;
      await typeInto(p, '#f-message', 'Neuvomme purkumateriaalien kierrätyksessä.');
      const resp = await pressEnterOn(p, p.locator('main form[action$="/join"] button'));
      assert.equal(resp.status(), 200);
      assert.match(await p.locator('main').innerText(), /odottaa vetäjien hyväksyntää/);
    });
    await step(t, 'the lead accepts', async () => {
      const p = lead.page;
      await visit(p, '/fi/groups/rakentaminen/members');
      await expectNoA11yViolations(p, 'group members');
      const row = p.locator('main tr', { hasText: 'Neuvomme purkumateriaalien kierrätyksessä.' });
      const resp = await pressEnterOn(p, row.locator('button[value="accept"]'));
      assert.equal(resp.status(), 200);
      await screenshot(p, 'groups-members-fi');
    });
    await step(t, 'the member posts in the group\'s discussion (the empty form first)', async () => {
      const p = joiner.page;
      await visit(p, '/fi/groups/rakentaminen');
      assert.match(await p.locator('main').innerText(), /Ryhmän oma tila/);
      await p.locator('main details summary', { hasText: 'Aloita keskustelu' }).focus();
      await p.keyboard.press('Enter');
      const empty = await pressEnterOn(p, p.locator('main form[action$="/discussions"] button'));
      assert.equal(empty.status(), 422);
      await expectErrorSummaryWired(p);
      await typeInto(p, '#f-title', topic);
      await typeInto(p, '#f-body', 'Kenellä on tilaa ovien välivarastointiin syksyllä?');
      const resp = await pressEnterOn(p, p.locator('main form[action$="/discussions"] button'));
      assert.equal(resp.status(), 200);
      assert.match(new URL(p.url()).pathname, /^\/fi\/forum\/threads\/\d+$/);
      assert.equal((await p.locator('main h1').innerText()).trim(), topic);
      await visit(p, '/fi/groups/rakentaminen');
      assert.match(await p.locator('#discussions-title ~ ul').innerText(), new RegExp(topic));
      await expectNoA11yViolations(p, 'a group, its space');
      await screenshot(p, 'groups-space-fi');
    });
  } finally {
    await joiner.context.close();
    await lead.context.close();
  }
});

test('group pages pass axe (fi, en)', async (t) => {
  const { browser, server } = env;
  const staff = await loggedInPage(browser, server.baseUrl, ORCHESTRATOR, 'fi');
  try {
    for (const lang of LANGS) {
      await step(t, `${lang} the groups, a mini-cluster, the forms and the counts`, async () => {
        const p = staff.page;
        await visit(p, `/${lang}/groups`);
        await expectNoA11yViolations(p, `${lang} groups`);
        await visit(p, `/${lang}/groups/purkumateriaalit`);
        assert.match(await p.locator('main').innerText(), lang === 'fi' ? /Analyysi/ : /Analyse/);
        await expectNoA11yViolations(p, `${lang} mini-cluster`);
        await visit(p, `/${lang}/groups/purkumateriaalit/members`);
        await expectNoA11yViolations(p, `${lang} members`);
        await visit(p, `/${lang}/groups/purkumateriaalit/edit`);
        await expectNoA11yViolations(p, `${lang} edit group`);
        await visit(p, `/${lang}/groups/new`);
        await expectNoA11yViolations(p, `${lang} new group`);
        await visit(p, `/${lang}/admin/groups`);
        await expectNoA11yViolations(p, `${lang} group counts`);
      });
    }
    await visit(staff.page, '/en/groups/purkumateriaalit');
    await screenshot(staff.page, 'groups-mini-cluster-en');
  } finally {
    await staff.context.close();
  }
});
