// Events in a real browser.
//
// 1. An organiser writes an event with the keyboard (the empty form comes
//    back with its errors first) and publishes it; a company registers,
//    answering the organiser's question, and finds the event among its own
//    with the personal calendar address; the organiser sees the
//    participant and marks them arrived at the door.
// 2. A participant of a held event answers the feedback survey.
// 3. The event pages pass axe in Finnish and English.

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
  PURKUTAITO_ADMIN,
  KIERTONEUVO_ADMIN,
  POHJOISRAKENNE_ADMIN,
  ORCHESTRATOR,
  pressEnterOn,
  typeInto,
} from './helpers.js';

const env = useServerAndBrowser();

/** `days` from today at `hour`:00, as a datetime-local field takes it. */
function localIn(days, hour) {
  const d = new Date(Date.now() + days * 86_400_000);
  const day = d.toLocaleDateString('sv-SE', { timeZone: 'Europe/Helsinki' });
  return `${day}T${String(hour).padStart(2, '0')}:00`;
}

test('an organiser publishes an event, a company registers and is checked in (keyboard)', async (t) => {
  const { browser, server } = env;
  const org = await loggedInPage(browser, server.baseUrl, PURKUTAITO_ADMIN, 'fi');
  const co = await loggedInPage(browser, server.baseUrl, KIERTONEUVO_ADMIN, 'fi');
  const p = org.page;
  const title = `Purkumateriaalien työpaja ${uniqueSuffix()}`;
  let eventPath = '';
  try {
    await step(t, 'from the events to a new event', async () => {
      await visit(p, '/fi/events');
      await expectNoA11yViolations(p, 'events list');
      const resp = await pressEnterOn(p, p.locator('main a[href="/fi/events/new"]'));
      assert.equal(resp.status(), 200);
      await expectNoA11yViolations(p, 'new event');
    });
    await step(t, 'the form without a description or times comes back with its errors', async () => {
      await typeInto(p, '#f-title_fi', title);
      const resp = await pressEnterOn(p, p.locator('main form button[value="publish"]'));
      assert.equal(resp.status(), 422);
      await expectErrorSummaryWired(p);
      assert.equal(await p.locator('#f-title_fi').inputValue(), title, 'what was typed is kept');
      await expectNoA11yViolations(p, 'new event with errors');
      await screenshot(p, 'events-form-errors-fi');
    });
    await step(t, 'the event is written and published', async () => {
      await p.locator('#f-org').focus();
      await p.locator('#f-org').selectOption('purkutaito');
      await p.locator('#f-kind').focus();
      await p.locator('#f-kind').selectOption('workshop');
      await typeInto(p, '#f-description_fi', 'Käymme läpi purkukohteiden materiaalit ja niiden uudelleenkäytön.');
      await p.locator('#f-starts_at').fill(localIn(40, 9));
      await p.locator('#f-ends_at').fill(localIn(40, 12));
      await p.locator('#f-municipality').focus();
      await p.locator('#f-municipality').selectOption('564');
      await typeInto(p, '#f-capacity', '12');
      await typeInto(p, '#q-label-1', 'Mitä materiaaleja tuot esiin?');
      const resp = await pressEnterOn(p, p.locator('main form button[value="publish"]'));
      assert.equal(resp.status(), 200);
      eventPath = new URL(p.url()).pathname;
      assert.match(eventPath, /^\/fi\/events\/\d+$/);
      assert.equal((await p.locator('main h1').innerText()).trim(), title);
      assert.match(await p.locator('.flash').innerText(), /julkaistu/);
      await expectNoA11yViolations(p, 'the organiser\'s event page');
    });
    await step(t, 'a company registers, answering the question', async () => {
      await visit(co.page, eventPath);
      await typeInto(co.page, '#q-1', 'Ovia ja ikkunoita');
      const resp = await pressEnterOn(co.page, co.page.locator('main form[action$="/register"] button[type="submit"]'));
      assert.equal(resp.status(), 200);
      assert.match(await co.page.locator('.flash').innerText(), /vahvistettu/);
      assert.match(await co.page.locator('#registration-title ~ p[role="status"]').innerText(), /Olet ilmoittautunut/);
      await expectNoA11yViolations(co.page, 'a registered participant\'s event page');
      await screenshot(co.page, 'events-registered-fi');
    });
    await step(t, 'the company finds it among its own events, with the calendar address', async () => {
      await visit(co.page, '/fi/events');
      const resp = await pressEnterOn(co.page, co.page.locator('main a[href="/fi/events/mine"]'));
      assert.equal(resp.status(), 200);
      assert.match(await co.page.locator('main').innerText(), new RegExp(title));
      assert.match(await co.page.locator('#calendar-url').inputValue(), /\/fi\/events\/personal\/[0-9a-f]{48}$/);
      await expectNoA11yViolations(co.page, 'my events');
    });
    await step(t, 'the organiser sees the participant and checks them in at the door', async () => {
      await visit(p, `${eventPath}/participants`);
      assert.match(await p.locator('main table').innerText(), /Ovia ja ikkunoita/);
      await expectNoA11yViolations(p, 'participants');
      await visit(p, `${eventPath}/checkin`);
      await typeInto(p, '#f-q', 'Kiertoneuvo');
      const found = await pressEnterOn(p, p.locator('main form[role="search"] button'));
      assert.equal(found.status(), 200);
      const row = p.locator('table.checkin tbody tr').first();
      const resp = await pressEnterOn(p, row.locator('button[value="attended"]'));
      assert.equal(resp.status(), 200);
      assert.match(await p.locator('table.checkin tbody tr').first().innerText(), /Saapui/);
      assert.match(await p.locator('main').innerText(), /Saapunut 1/);
      await expectNoA11yViolations(p, 'check-in');
      await screenshot(p, 'events-checkin-fi');
    });
  } finally {
    await org.context.close();
    await co.context.close();
  }
});

test('a matchmaking day: a company asks for a meeting, the other accepts, both see it on their agendas, the organiser runs the scheduler (keyboard)', async (t) => {
  const { browser, server } = env;
  const org = await loggedInPage(browser, server.baseUrl, PURKUTAITO_ADMIN, 'fi');
  const a = await loggedInPage(browser, server.baseUrl, KIERTONEUVO_ADMIN, 'fi');
  const b = await loggedInPage(browser, server.baseUrl, POHJOISRAKENNE_ADMIN, 'fi');
  const title = `Matchmaking-päivä ${uniqueSuffix()}`;
  let eventPath = '';
  try {
    await step(t, 'the organiser publishes a matchmaking day and turns meetings on', async () => {
      const p = org.page;
      await visit(p, '/fi/events/new');
      await p.locator('#f-org').selectOption('purkutaito');
      await p.locator('#f-kind').selectOption('matchmaking');
      await typeInto(p, '#f-title_fi', title);
      await typeInto(p, '#f-description_fi', 'Sivuvirtojen tarjoajat ja hyödyntäjät tapaavat.');
      await p.locator('#f-starts_at').fill(localIn(45, 9));
      await p.locator('#f-ends_at').fill(localIn(45, 13));
      await p.locator('#f-municipality').selectOption('564');
      const resp = await pressEnterOn(p, p.locator('main form button[value="publish"]'));
      assert.equal(resp.status(), 200);
      eventPath = new URL(p.url()).pathname;
      const setup = await pressEnterOn(p, p.locator(`main a[href="${eventPath}/meetings/setup"]`));
      assert.equal(setup.status(), 200);
      await expectNoA11yViolations(p, 'meeting settings');
      await p.locator('#f-sessions').fill('08:00-10:00');
      const bad = await pressEnterOn(p, p.locator('main form button[type="submit"]'));
      assert.equal(bad.status(), 422, 'a session before the event starts');
      await expectErrorSummaryWired(p);
      await p.locator('#f-sessions').fill('09:00-10:00\n11:00-12:00');
      await p.locator('#f-tables').fill('4');
      const ok = await pressEnterOn(p, p.locator('main form button[type="submit"]'));
      assert.equal(ok.status(), 200);
      assert.match(new URL(p.url()).pathname, /\/meetings\/grid$/);
    });
    for (const c of [a, b]) {
      await step(t, 'a company registers and writes its profile', async () => {
        await visit(c.page, eventPath);
        await pressEnterOn(c.page, c.page.locator('main form[action$="/register"] button[type="submit"]'));
        const resp = await pressEnterOn(c.page, c.page.locator(`main a.button[href="${eventPath}/meetings"]`));
        assert.equal(resp.status(), 200);
        await typeInto(c.page, '#f-offers', c === a ? 'Kiertotalousneuvontaa ja selvityksiä' : 'Purettuja rakennusosia');
        await typeInto(c.page, '#f-seeks', c === a ? 'Rakennusosien uudelleenkäyttäjiä' : 'Neuvontaa purkumateriaaleista');
        const saved = await pressEnterOn(c.page, c.page.locator('main form[action$="/meetings/profile"] button'));
        assert.equal(saved.status(), 200);
      });
    }
    await step(t, 'one asks the other for a meeting', async () => {
      const p = a.page;
      await visit(p, `${eventPath}/meetings`);
      await expectNoA11yViolations(p, 'meetings page');
      const card = p.locator('main .card', { hasText: 'Teemu Vesala' }).first();
      await card.locator('input[name="note"]').focus();
      await p.keyboard.type('Tavataanko purkukohteista?');
      const resp = await pressEnterOn(p, card.locator('button'));
      assert.equal(resp.status(), 200);
      assert.match(await p.locator('main .card', { hasText: 'Teemu Vesala' }).first().innerText(), /odottaa vastausta/);
      await screenshot(p, 'meetings-people-fi');
    });
    await step(t, 'the other accepts', async () => {
      const p = b.page;
      await visit(p, `${eventPath}/meetings`);
      const card = p.locator('main .card', { hasText: 'Tavataanko purkukohteista?' });
      const resp = await pressEnterOn(p, card.locator('button[value="accept"]'));
      assert.equal(resp.status(), 200);
      assert.match(await p.locator('.flash').innerText(), /hyväksytty/);
    });
    for (const c of [a, b]) {
      await step(t, 'the meeting is on the agenda', async () => {
        await visit(c.page, `${eventPath}/meetings/agenda`);
        const rows = c.page.locator('main table tbody tr');
        assert.equal(await rows.count(), 1);
        assert.match(await rows.first().innerText(), /9\.00–9\.20|Pöytä 1/);
        await expectNoA11yViolations(c.page, 'agenda');
      });
    }
    await step(t, 'the organiser runs the scheduler and sees the grid', async () => {
      const p = org.page;
      await visit(p, `${eventPath}/meetings/grid`);
      const resp = await pressEnterOn(p, p.locator('main form[action$="/meetings/schedule"] button'));
      assert.equal(resp.status(), 200);
      assert.match(await p.locator('.flash').innerText(), /aikataulutettu/);
      assert.match(await p.locator('table.grid').innerText(), /Saara Mäkelä/);
      await expectNoA11yViolations(p, 'meeting grid');
      await screenshot(p, 'meetings-grid-fi');
    });
  } finally {
    await org.context.close();
    await a.context.close();
    await b.context.close();
  }
});

test('a participant of a held event gives feedback (keyboard)', async (t) => {
  const { browser, server } = env;
  const u = await loggedInPage(browser, server.baseUrl, PURKUTAITO_ADMIN, 'fi');
  const p = u.page;
  try {
    await step(t, 'from the past events to the survey', async () => {
      await visit(p, '/fi/events?when=past');
      const resp = await pressEnterOn(p, p.locator('main .card a', { hasText: 'Klusterin info' }));
      assert.equal(resp.status(), 200);
      const survey = await pressEnterOn(p, p.locator('main a[href$="/feedback"]'));
      assert.equal(survey.status(), 200);
      await expectNoA11yViolations(p, 'feedback survey');
    });
    await step(t, 'the answer is saved', async () => {
      await p.locator('#score-8').focus();
      await p.keyboard.press('Space');
      await typeInto(p, '#f-comment', 'Hyödyllinen katsaus.');
      const resp = await pressEnterOn(p, p.locator('main form button[type="submit"]'));
      assert.equal(resp.status(), 200);
      assert.match(await p.locator('.flash').innerText(), /Kiitos/);
    });
  } finally {
    await u.context.close();
  }
});

test('event pages pass axe (fi, en)', async (t) => {
  const { browser, server } = env;
  const co = await loggedInPage(browser, server.baseUrl, PURKUTAITO_ADMIN, 'fi');
  const staff = await loggedInPage(browser, server.baseUrl, ORCHESTRATOR, 'fi');
  try {
    for (const lang of LANGS) {
      await step(t, `${lang} the lists, the year view and an event`, async () => {
        await visit(co.page, `/${lang}/events`);
        await expectNoA11yViolations(co.page, `${lang} upcoming events`);
        await visit(co.page, `/${lang}/events?when=past&kind=matchmaking`);
        await expectNoA11yViolations(co.page, `${lang} past events`);
        await visit(co.page, `/${lang}/events/year`);
        await expectNoA11yViolations(co.page, `${lang} year view`);
        await visit(co.page, `/${lang}/events`);
        const resp = await pressEnterOn(co.page, co.page.locator('main .card a').first());
        assert.equal(resp.status(), 200);
        await expectNoA11yViolations(co.page, `${lang} an event`);
        await visit(co.page, `/${lang}/events/mine`);
        await expectNoA11yViolations(co.page, `${lang} my events`);
        await visit(co.page, `/${lang}/events?when=past`);
        const info = co.page.locator('main .card a', { hasText: lang === 'fi' ? 'Klusterin info' : 'Cluster info' });
        const held = await pressEnterOn(co.page, info);
        assert.equal(held.status(), 200);
        await visit(co.page, `${new URL(co.page.url()).pathname}/feedback`);
        await expectNoA11yViolations(co.page, `${lang} feedback survey`);
        await visit(co.page, `/${lang}/events/new`);
        await expectNoA11yViolations(co.page, `${lang} new event`);
      });
      await step(t, `${lang} the cluster's matchmaking day as its organiser`, async () => {
        await visit(staff.page, `/${lang}/events`);
        const day = staff.page.locator('main .card a', { hasText: lang === 'fi' ? 'Sivuvirtojen matchmaking-päivä' : 'Side-stream matchmaking day' });
        const resp = await pressEnterOn(staff.page, day);
        assert.equal(resp.status(), 200);
        const path = new URL(staff.page.url()).pathname;
        await expectNoA11yViolations(staff.page, `${lang} organiser's event page`);
        for (const sub of ['participants', 'checkin', 'email', 'edit', 'meetings', 'meetings/grid', 'meetings/setup', 'meetings/agenda']) {
          await visit(staff.page, `${path}/${sub}`);
          await expectNoA11yViolations(staff.page, `${lang} ${sub}`);
        }
        assert.ok((await staff.page.locator('main').innerText()).length > 0);
        await visit(staff.page, `/${lang}/admin/events`);
        await expectNoA11yViolations(staff.page, `${lang} event counts`);
      });
    }
    await visit(staff.page, '/en/admin/events');
    await screenshot(staff.page, 'events-counts-en');
    await visit(co.page, '/fi/events/year');
    await screenshot(co.page, 'events-year-fi');
  } finally {
    await co.context.close();
    await staff.context.close();
  }
});
