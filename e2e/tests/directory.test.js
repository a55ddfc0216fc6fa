// The directory in a real browser: the service, expert and organisation
// catalogues with their filters, service pages and the contact flow, the
// inbox with replies and lead status, expert profiles, service management,
// lead counts and the staff pages (leads, CSV import/export, webhooks).
//
// 1. A new visitor finds a service and contacts its provider with the
//    keyboard only (filter, result, "Ota yhteyttä", login, contact form).
// 2. axe finds no WCAG 2.1 A/AA violations on every directory page type, in
//    Finnish and in English, including the forms shown again with errors.
// 3. Filtering, paging and opening a service work without JavaScript.
// 4. The provider answers a request and moves it to negotiation; the
//    sender sees the answer.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useServerAndBrowser,
  newContext,
  visit,
  submit,
  follow,
  loggedInPage,
  step,
  expectNoA11yViolations,
  expectErrorSummaryWired,
  screenshot,
  uniqueSuffix,
  LANGS,
  DEMO_PASSWORD,
  ORCHESTRATOR,
  OPERATOR,
  PURKUTAITO_ADMIN,
} from './helpers.js';

const env = useServerAndBrowser();

/** The joint service of Purkutaito Oy (owner) and Materiaalipassi Oy. */
const JOINT_SERVICE = {
  slug: 'purkukartoitus-ja-materiaalipassi',
  title: { fi: 'Purkukartoitus ja materiaalipassi', en: 'Pre-demolition audit and material passport' },
  offering: 'resource-recovery',
};
/** Another service of Purkutaito Oy. */
const PURKUTAITO_SERVICE = { slug: 'valikoiva-purku', title: 'Valikoiva purku' };

// Demo people outside Purkutaito (one per test, because a person may send
// only a few requests an hour).
const OLLI = {
  name: 'Olli Koskela',
  email: 'olli.koskela@kotikortteli-asunnot.example.fi',
  password: DEMO_PASSWORD,
  org: 'kotikortteli-asunnot',
};
const ALEKSI = {
  name: 'Aleksi Vähäkangas',
  email: 'aleksi.vahakangas@kotikortteli-asunnot.example.fi',
  password: DEMO_PASSWORD,
  org: 'kotikortteli-asunnot',
};
const ANTTI = {
  name: 'Antti Hiltunen',
  email: 'antti.hiltunen@pohjolan-ruokatukku.example.fi',
  password: DEMO_PASSWORD,
  org: 'pohjolan-ruokatukku',
};

const path = (page) => new URL(page.url()).pathname;
const param = (page, name) => new URL(page.url()).searchParams.get(name);

/** The number in "Tuloksia: N" / "Results: N". */
async function resultCount(page) {
  const text = (await page.locator('main p.result-count').innerText()).trim();
  const m = text.match(/^(?:Tuloksia|Results): (\d+)$/);
  assert.ok(m, `unexpected result count ${JSON.stringify(text)} on ${page.url()}`);
  return Number(m[1]);
}

/** The hrefs of the result cards' titles. */
const cardLinks = (page) => page.locator('main ul.cards h2.card-title a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));

/**
 * The link beside the contact form's send button leads back to the service
 * and reads as a word of the page's language, not as a message key.
 */
async function cancelLinkTranslated(page, lang) {
  const link = page.locator('main form[enctype="multipart/form-data"] button[type="submit"] ~ a');
  assert.equal(await link.count(), 1, 'the contact form has a cancel link beside the send button');
  const text = (await link.innerText()).trim();
  assert.notEqual(
    text,
    'cancel',
    `the cancel link on ${page.url()} shows the message key "cancel" instead of a ${lang === 'fi' ? 'Finnish' : 'English'} text ` +
      '(templates/directory/contact.html uses p.t("cancel"), which is in neither locales/fi/main.ftl nor locales/en/main.ftl)',
  );
}

/** Creates a contact request through the form; returns the thread id. */
async function sendRequest(page, lang, slug, message, fromOrg) {
  await visit(page, `/${lang}/services/${slug}/contact`);
  await page.locator('#f-message').fill(message);
  if (fromOrg) await page.locator('#f-from_org').selectOption(fromOrg);
  const resp = await submit(page, page.locator('main form[enctype="multipart/form-data"] button[type="submit"]'));
  assert.equal(resp.status(), 200, `sending a contact request to ${slug} ended with HTTP ${resp.status()}`);
  const m = path(page).match(new RegExp(`^/${lang}/inbox/(\\d+)$`));
  assert.ok(m, `a sent request should lead to its thread, got ${page.url()}`);
  await page.locator('main .flash').waitFor();
  return Number(m[1]);
}

// ---------------------------------------------------------------- keyboard

/** A short description of the focused element, for messages. */
function describeFocus(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return '<body>';
    const attrs = ['id', 'class', 'href', 'name', 'type']
      .filter((a) => el.getAttribute(a))
      .map((a) => `${a}="${el.getAttribute(a)}"`)
      .join(' ');
    const text = (el.innerText || el.value || '').trim().replace(/\s+/g, ' ').slice(0, 40);
    return `<${el.tagName.toLowerCase()} ${attrs}> ${JSON.stringify(text)}`;
  });
}

/**
 * Asserts that `selector` has the keyboard focus, that the browser shows it
 * as keyboard focus (:focus-visible) with an outline or a shadow, and that
 * it is on screen.
 */
async function expectFocus(page, selector, what) {
  const state = await page.evaluate((sel) => {
    const el = document.activeElement;
    if (!el || !el.matches(sel)) return null;
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return {
      focusVisible: el.matches(':focus-visible'),
      indicator: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none',
      onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight,
    };
  }, selector);
  assert.ok(state, `${what}: expected the focus on ${selector}, it is on ${await describeFocus(page)} (${page.url()})`);
  assert.ok(state.focusVisible && state.indicator, `${what}: the focused ${selector} shows no focus indicator (${page.url()})`);
  assert.ok(state.onScreen, `${what}: the focused ${selector} is not on screen (${page.url()})`);
}

/** Presses `key` once and asserts where the focus went. */
async function pressExpectingFocus(page, key, selector, what) {
  await page.keyboard.press(key);
  await expectFocus(page, selector, what);
}

/** Presses Tab (or `key`) until `selector` has the focus; fails after `max` presses. */
async function tabTo(page, selector, what, { max = 80, key = 'Tab' } = {}) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    if (await page.evaluate((sel) => !!document.activeElement?.matches(sel), selector)) {
      await expectFocus(page, selector, what);
      return i + 1;
    }
  }
  assert.fail(`${what}: ${max} presses of ${key} did not reach ${selector} on ${page.url()}; the focus is on ${await describeFocus(page)}`);
}

/** Presses a key that loads a page (Enter on a link, Space on a button); returns the response. */
async function pressAndWait(page, key) {
  const [resp] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press(key)]);
  assert.ok(resp, `pressing ${key} on ${page.url()} gave no response`);
  return resp;
}

/** On a freshly loaded page: the first Tab reaches the skip link, Enter moves the focus to <main>. */
async function skipToMain(page) {
  await pressExpectingFocus(page, 'Tab', 'a.skip-link', `first Tab on ${path(page)}`);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.id === 'main');
}

/** With a <select> focused, presses ArrowDown until its value is `value`. */
async function arrowDownTo(page, selector, value) {
  const select = page.locator(selector);
  const options = await select.locator('option').count();
  for (let i = 0; i < options && (await select.inputValue()) !== value; i++) {
    await page.keyboard.press('ArrowDown');
  }
  assert.equal(await select.inputValue(), value, `ArrowDown on ${selector} never chose ${value}`);
  return (await select.locator('option:checked').innerText()).trim();
}

test('keyboard only: a new visitor filters the services, opens one, logs in and sends a contact request', async (t) => {
  const { browser, server } = env;
  const ctx = await newContext(browser, server.baseUrl);
  const page = await ctx.newPage();
  const slug = JOINT_SERVICE.slug;
  const contactPath = `/fi/services/${slug}/contact`;
  const need = `Tarvitsemme purkukartoituksen kahdelle 1970-luvun rivitalolle Kaakkurissa. Näppäimistötesti ${uniqueSuffix()}.`;
  try {
    const unfiltered = await step(t, 'open the service catalogue', async () => {
      await visit(page, '/fi/services');
      assert.equal((await page.locator('main h1').innerText()).trim(), 'Palvelut');
      assert.equal(await page.locator('main form.catalogue-filters[role="search"]').count(), 1, 'the filters are a search landmark');
      return resultCount(page);
    });

    const chosen = await step(t, 'choose an offering type in the filter with the arrow keys', async () => {
      await skipToMain(page);
      await tabTo(page, '#f-q', 'the text field is the first filter');
      await pressExpectingFocus(page, 'Tab', '#f-offering', 'Tab from the text field');
      const label = await arrowDownTo(page, '#f-offering', JOINT_SERVICE.offering);
      const m = label.match(/^Resurssitehokkuus ja kierrätys \((\d+)\)$/);
      assert.ok(m, `the option shows its label and count, got ${JSON.stringify(label)}`);
      await expectFocus(page, '#f-offering', 'the select keeps the focus while choosing');
      return { label, count: Number(m[1]) };
    });

    await step(t, 'Tab goes through the rest of the filters in order; Shift+Tab goes back', async () => {
      for (const id of ['#f-focus', '#f-org_type', '#f-region', '#f-language', '#f-sort']) {
        await pressExpectingFocus(page, 'Tab', id, `Tab through the filters to ${id}`);
      }
      const button = 'form.catalogue-filters button[type="submit"]';
      await pressExpectingFocus(page, 'Tab', button, 'Tab from the sort select');
      assert.equal((await page.locator(button).innerText()).trim(), 'Näytä tulokset');
      await pressExpectingFocus(page, 'Shift+Tab', '#f-sort', 'Shift+Tab from the submit button');
      await pressExpectingFocus(page, 'Tab', button, 'Tab back to the submit button');
      // Arrowing through the other selects did not change them.
      for (const id of ['#f-focus', '#f-org_type', '#f-region', '#f-language']) {
        assert.equal(await page.locator(id).inputValue(), '', `${id} is still "all"`);
      }
    });

    await step(t, 'Enter on the button shows the filtered results with a stable URL', async () => {
      const resp = await pressAndWait(page, 'Enter');
      assert.equal(resp.status(), 200);
      assert.equal(path(page), '/fi/services');
      assert.equal(param(page, 'offering'), JOINT_SERVICE.offering, `the URL carries the filter: ${page.url()}`);
      const count = await resultCount(page);
      assert.ok(count < unfiltered, `the filter narrows the results (${count} of ${unfiltered})`);
      assert.equal(count, chosen.count, `the option promised ${chosen.count} results (${chosen.label})`);
      assert.equal(await page.locator('#f-offering').inputValue(), JOINT_SERVICE.offering, 'the select shows the chosen filter');
      const chip = page.locator('main ul.chips a', { hasText: 'Resurssitehokkuus ja kierrätys' });
      assert.equal(await chip.count(), 1, 'the chosen filter is shown as a removable chip');
    });

    await step(t, 'Enter on a result opens the service page', async () => {
      await skipToMain(page);
      await tabTo(page, `main ul.cards h2 a[href="/fi/services/${slug}"]`, 'Tab to the result');
      const resp = await pressAndWait(page, 'Enter');
      assert.equal(resp.status(), 200);
      assert.equal(path(page), `/fi/services/${slug}`);
      assert.equal((await page.locator('main h1').innerText()).trim(), JOINT_SERVICE.title.fi);
      const providers = await page.locator('main article.service a[href^="/fi/organisations/"]').allInnerTexts();
      assert.deepEqual(providers, ['Purkutaito Oy', 'Materiaalipassi Oy'], 'a joint service names both providers');
    });

    await step(t, '"Ota yhteyttä" leads an anonymous visitor to the login with next=', async () => {
      await skipToMain(page);
      const contact = `main a[href="${contactPath}"]`;
      await tabTo(page, contact, 'Tab to the contact button');
      assert.equal((await page.locator(contact).innerText()).trim(), 'Ota yhteyttä');
      const resp = await pressAndWait(page, 'Enter');
      assert.equal(resp.status(), 200);
      assert.equal(path(page), '/fi/login');
      assert.equal(param(page, 'next'), contactPath, `the login remembers where to return: ${page.url()}`);
    });

    await step(t, 'log in with the keyboard', async () => {
      await skipToMain(page);
      await tabTo(page, '#f-email', 'Tab to the email field');
      await page.keyboard.type(OLLI.email);
      await pressExpectingFocus(page, 'Tab', '#f-password', 'Tab from the email field');
      await page.keyboard.type(OLLI.password);
      await pressExpectingFocus(page, 'Tab', 'main form[action="/fi/login"] button[type="submit"]', 'Tab from the password field');
      const resp = await pressAndWait(page, 'Enter');
      assert.equal(resp.status(), 200, `login ended with HTTP ${resp.status()} at ${page.url()}`);
      await page.locator('header form[action="/fi/logout"] button').waitFor();
    });

    const landed = path(page) === contactPath;
    await t.test('after logging in, the visitor is back on the contact form (next= is honoured)', () => {
      assert.equal(path(page), contactPath, `the login should return to ${contactPath}, it went to ${page.url()}`);
    });
    if (!landed) {
      // Reported by the subtest above; carry on from the service page.
      await step(t, 'go back to the contact form with the keyboard', async () => {
        await visit(page, `/fi/services/${slug}`);
        await skipToMain(page);
        await tabTo(page, `main a[href="${contactPath}"]`, 'Tab to the contact button');
        await pressAndWait(page, 'Enter');
        assert.equal(path(page), contactPath);
      });
    }

    const send = 'main form[enctype="multipart/form-data"] button[type="submit"]';

    await step(t, 'a too short need is refused; the error summary leads back to the field', async () => {
      assert.equal((await page.locator('main h1').innerText()).trim(), `Yhteydenotto – ${JOINT_SERVICE.title.fi}`);
      assert.match(await page.locator('main').innerText(), /Purkutaito Oy/, 'the form says who receives the request');
      await skipToMain(page);
      await tabTo(page, '#f-message', 'Tab to the message');
      await page.keyboard.type('Purkukartoitus?');
      await tabTo(page, send, 'Tab to the send button', { max: 5 });
      const resp = await pressAndWait(page, 'Space');
      assert.equal(resp.status(), 422, 'a need shorter than 20 characters is refused');
      await expectErrorSummaryWired(page);
      await skipToMain(page);
      await tabTo(page, '.error-summary a[href="#f-message"]', 'Tab to the error in the summary', { max: 5 });
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.activeElement?.id === 'f-message');
      await expectFocus(page, '#f-message', 'Enter on the summary link moves the focus to the field');
      assert.equal(await page.locator('#f-message').inputValue(), 'Purkukartoitus?', 'the typed text is kept');
    });

    await step(t, 'write the need and send it with Space on the button', async () => {
      await page.keyboard.press('Control+A');
      await page.keyboard.type(need);
      assert.equal(await page.locator('#f-message').inputValue(), need);
      await pressExpectingFocus(page, 'Tab', '#f-from_org', 'Tab from the message to "on behalf of"');
      await arrowDownTo(page, '#f-from_org', OLLI.org);
      await pressExpectingFocus(page, 'Tab', '#f-attachment', 'Tab to the attachment');
      await pressExpectingFocus(page, 'Tab', send, 'Tab to the send button (the hidden honeypot is skipped)');
      assert.equal((await page.locator(send).innerText()).trim(), 'Lähetä yhteydenotto');
      const cancel = `main form a[href="/fi/services/${slug}"]`;
      await pressExpectingFocus(page, 'Tab', cancel, 'Tab from the send button to "cancel"');
      await pressExpectingFocus(page, 'Shift+Tab', send, 'Shift+Tab back to the send button');
      await screenshot(page, 'directory-keyboard-contact-fi');
      const resp = await pressAndWait(page, 'Space');
      assert.equal(resp.status(), 200, `sending ended with HTTP ${resp.status()} at ${page.url()}`);
    });

    await step(t, 'the thread opens in the inbox with a confirmation', async () => {
      const thread = path(page);
      assert.match(thread, /^\/fi\/inbox\/\d+$/, `expected the thread, got ${page.url()}`);
      assert.equal((await page.locator('main .flash').innerText()).trim(), 'Yhteydenotto lähetettiin. Saat sähköpostin, kun siihen vastataan.');
      assert.ok((await page.locator('main ol.messages').innerText()).includes(need), 'the thread shows the message');
      assert.equal(await page.locator('main dl.facts a[href="/fi/organisations/purkutaito"]').count(), 1, 'the request went to Purkutaito Oy');
      await screenshot(page, 'directory-keyboard-thread-fi');
      // The inbox lists it; back to the thread with the keyboard.
      await skipToMain(page);
      await tabTo(page, 'main a[href="/fi/inbox"]', 'Tab to "back to the inbox"', { max: 5 });
      await pressAndWait(page, 'Enter');
      assert.equal(path(page), '/fi/inbox');
      await skipToMain(page);
      await tabTo(page, `main section[aria-labelledby="sent-title"] a[href="${thread}"]`, 'Tab to the sent request');
      await pressAndWait(page, 'Enter');
      assert.equal(path(page), thread);
    });
  } finally {
    await ctx.close();
  }
});

// ---------------------------------------------------------------- axe

/**
 * Audits one page state: `open(page)` brings the page there, then axe runs
 * (WCAG 2.0/2.1 A and AA). A screenshot is saved when `shot` is given.
 */
async function audit(t, page, label, open, shot) {
  await t.test(label, async () => {
    await open(page);
    await page.locator('main h1').first().waitFor();
    if (shot) await screenshot(page, shot);
    await expectNoA11yViolations(page, label);
  });
}

/** Only the Finnish pass saves screenshots: one per page type. */
const shotName = (lang, name) => (lang === 'fi' ? `directory-${name}-fi` : undefined);

/** Submits the form in <main> whose action is `action`; asserts the status and the error summary. */
async function submitWithErrors(page, action, status = 422) {
  const resp = await submit(page, page.locator(`main form[action="${action}"] button[type="submit"]`).first());
  assert.equal(resp.status(), status, `POST ${action}: expected HTTP ${status}, got ${resp.status()}`);
  await page.locator('.error-summary').first().waitFor();
  await expectErrorSummaryWired(page);
}

for (const lang of LANGS) {
  test(`catalogues, service, expert and organisation pages pass axe (${lang})`, async (t) => {
    const { browser, server } = env;
    const ctx = await newContext(browser, server.baseUrl);
    const page = await ctx.newPage();
    try {
      await audit(t, page, `${lang} services`, (p) => visit(p, `/${lang}/services`), shotName(lang, 'services'));
      await audit(t, page, `${lang} services, filtered`, async (p) => {
        await visit(p, `/${lang}/services?offering=consulting&region=kainuu`);
        assert.ok((await p.locator('main ul.chips a').count()) >= 2, 'the chosen filters are shown as chips');
      }, shotName(lang, 'services-filtered'));
      await audit(t, page, `${lang} services, second page`, async (p) => {
        await visit(p, `/${lang}/services?page=2`);
        assert.equal(await p.locator('main ul.pager a[aria-current="page"]').innerText(), '2');
      });
      await audit(t, page, `${lang} services, no results`, (p) => visit(p, `/${lang}/services?q=no-such-service-anywhere`));
      await audit(t, page, `${lang} experts`, (p) => visit(p, `/${lang}/experts`), shotName(lang, 'experts'));
      await audit(t, page, `${lang} experts, filtered`, async (p) => {
        await visit(p, `/${lang}/experts?language=en&focus=construction`);
        assert.ok((await resultCount(p)) > 0, 'some experts speak English and work in construction');
      });
      await audit(t, page, `${lang} organisations`, (p) => visit(p, `/${lang}/organisations`), shotName(lang, 'organisations'));
      await audit(t, page, `${lang} organisations, filtered`, (p) => visit(p, `/${lang}/organisations?offering=consulting&municipality=Oulu`));
      await audit(t, page, `${lang} service page (joint service)`, async (p) => {
        await visit(p, `/${lang}/services/${JOINT_SERVICE.slug}`);
        assert.equal((await p.locator('main h1').innerText()).trim(), JOINT_SERVICE.title[lang]);
        assert.equal(await p.locator(`main a[href="/${lang}/services/${JOINT_SERVICE.slug}/contact"]`).count(), 1);
      }, shotName(lang, 'service'));
      await audit(t, page, `${lang} expert page`, async (p) => {
        await visit(p, `/${lang}/experts`);
        await follow(p, p.locator('main ul.cards h2.card-title a').first());
        assert.match(path(p), new RegExp(`^/${lang}/experts/\\d+$`));
      }, shotName(lang, 'expert'));
      await audit(t, page, `${lang} organisation profile with services and experts`, async (p) => {
        await visit(p, `/${lang}/organisations/purkutaito`);
        assert.ok((await p.locator(`main a[href^="/${lang}/services/"]`).count()) > 0, 'the profile lists services');
        assert.ok((await p.locator(`main a[href^="/${lang}/experts/"]`).count()) > 0, 'the profile lists experts');
      }, shotName(lang, 'organisation'));
    } finally {
      await ctx.close();
    }
  });
}

test('contact form, inbox and threads pass axe (sender and the Purkutaito admin)', async (t) => {
  const { browser, server } = env;
  const sender = await loggedInPage(browser, server.baseUrl, ALEKSI, 'fi');
  const provider = await loggedInPage(browser, server.baseUrl, PURKUTAITO_ADMIN, 'fi');
  try {
    const s = sender.page;
    const a = provider.page;
    let threadId;
    for (const lang of LANGS) {
      const contact = `/${lang}/services/${JOINT_SERVICE.slug}/contact`;
      await audit(t, s, `${lang} contact form`, (p) => visit(p, contact), shotName(lang, 'contact'));
      await t.test(`${lang} contact form: the cancel link is translated`, () => cancelLinkTranslated(s, lang));
      await audit(t, s, `${lang} contact form, message too short`, async (p) => {
        await visit(p, contact);
        await p.locator('#f-message').fill('Liian lyhyt');
        await p.locator('#f-from_org').selectOption(ALEKSI.org);
        await submitWithErrors(p, contact);
        assert.equal(await p.locator('.error-summary a[href="#f-message"]').count(), 1);
        assert.equal(await p.locator('#f-message').inputValue(), 'Liian lyhyt', 'the typed text is kept');
        assert.equal(await p.locator('#f-from_org').inputValue(), ALEKSI.org, 'the chosen organisation is kept');
      }, shotName(lang, 'contact-errors'));
      if (lang === 'fi') {
        threadId = await sendRequest(s, lang, JOINT_SERVICE.slug, `Saavutettavuustestin yhteydenotto ${uniqueSuffix()}: tarvitsemme purkukartoituksen.`, ALEKSI.org);
      }
      await audit(t, s, `${lang} thread as the sender`, (p) => visit(p, `/${lang}/inbox/${threadId}`), shotName(lang, 'thread-sender'));
      await audit(t, s, `${lang} inbox as the sender`, async (p) => {
        await visit(p, `/${lang}/inbox`);
        assert.equal(await p.locator(`main a[href="/${lang}/inbox/${threadId}"]`).count(), 1, 'the sent request is listed');
      }, shotName(lang, 'inbox'));
      await audit(t, s, `${lang} expert profile form`, async (p) => {
        await visit(p, `/${lang}/account/expert`);
        for (const id of ['#f-listed', '#f-org', '#f-tags']) assert.equal(await p.locator(id).count(), 1, `the form has ${id}`);
      }, shotName(lang, 'expert-form'));
      await audit(t, a, `${lang} inbox as the Purkutaito admin`, async (p) => {
        await visit(p, `/${lang}/inbox`);
        assert.equal(await p.locator(`main section[aria-labelledby="received-title"] a[href="/${lang}/inbox/${threadId}"]`).count(), 1, 'the request is received');
      });
      await audit(t, a, `${lang} thread as the provider`, async (p) => {
        await visit(p, `/${lang}/inbox/${threadId}`);
        assert.equal(await p.locator('#f-status').count(), 1, 'the provider can set the status');
      }, shotName(lang, 'thread-provider'));
      await audit(t, a, `${lang} thread as the provider, "report abuse" open`, async (p) => {
        await visit(p, `/${lang}/inbox/${threadId}`);
        await p.locator('main details > summary').click();
        await p.locator('main details[open] textarea').waitFor();
      });
      await audit(t, a, `${lang} thread as the provider, empty reply`, async (p) => {
        await visit(p, `/${lang}/inbox/${threadId}`);
        await submitWithErrors(p, `/${lang}/inbox/${threadId}/reply`);
      });
    }
  } finally {
    await sender.context.close();
    await provider.context.close();
  }
});

test('service management, organisation edit and lead counts pass axe (Purkutaito admin)', async (t) => {
  const { browser, server } = env;
  const { context, page } = await loggedInPage(browser, server.baseUrl, PURKUTAITO_ADMIN, 'fi');
  try {
    for (const lang of LANGS) {
      const org = `/${lang}/organisations/purkutaito`;
      await audit(t, page, `${lang} services management`, async (p) => {
        await visit(p, `${org}/services`);
        assert.ok((await p.locator(`main table a[href^="/${lang}/services/"]`).count()) > 0, 'the own services are listed');
      }, shotName(lang, 'manage-services'));
      await audit(t, page, `${lang} new service`, (p) => visit(p, `${org}/services/new`), shotName(lang, 'service-new'));
      await audit(t, page, `${lang} new service with errors`, async (p) => {
        await visit(p, `${org}/services/new`);
        await submitWithErrors(p, `${org}/services/new`);
      }, shotName(lang, 'service-new-errors'));
      await audit(t, page, `${lang} organisation edit with the preview shown`, async (p) => {
        await visit(p, `${org}/edit`);
        assert.ok((await p.locator('input[name="offering_types"]').count()) > 0, 'the form has the offering types');
        await p.locator('#f-carbon_tonnes').fill('120');
        await p.locator('#f-carbon_year').fill('2025');
        await p.locator('#f-carbon_method').fill('GHG Protocol, scopet 1–2');
        const resp = await submit(p, p.locator(`main form[action="${org}/edit"] button[name="preview"]`));
        assert.equal(resp.status(), 200);
        await p.locator('main section.preview').waitFor();
        assert.match(await p.locator('main section.preview').innerText(), /120 t CO₂e/);
      }, shotName(lang, 'org-edit-preview'));
      await audit(t, page, `${lang} lead counts`, (p) => visit(p, `${org}/leads`), shotName(lang, 'leads'));
    }
  } finally {
    await context.close();
  }
});

test('staff directory pages pass axe (orchestrator: leads, CSV; operator: webhooks)', async (t) => {
  const { browser, server } = env;
  const orch = await loggedInPage(browser, server.baseUrl, ORCHESTRATOR, 'fi');
  const oper = await loggedInPage(browser, server.baseUrl, OPERATOR, 'fi');
  try {
    for (const lang of LANGS) {
      await audit(t, orch.page, `${lang} admin leads`, (p) => visit(p, `/${lang}/admin/leads`), shotName(lang, 'admin-leads'));
      await audit(t, orch.page, `${lang} admin directory (CSV)`, async (p) => {
        await visit(p, `/${lang}/admin/directory`);
        assert.equal(await p.locator(`main a[href="/${lang}/admin/directory/export/services.csv"]`).count(), 1);
      }, shotName(lang, 'admin-directory'));
      await t.test(`${lang} webhooks are for the operator only`, async () => {
        await visit(orch.page, `/${lang}/admin/webhooks`, 403);
      });
      await audit(t, oper.page, `${lang} admin webhooks (operator)`, (p) => visit(p, `/${lang}/admin/webhooks`), shotName(lang, 'admin-webhooks'));
    }
  } finally {
    await orch.context.close();
    await oper.context.close();
  }
});

// ---------------------------------------------------------------- no JavaScript

test('without JavaScript: filter the services, page through the results and open a service', async (t) => {
  const { browser, server } = env;
  const ctx = await newContext(browser, server.baseUrl, { javaScriptEnabled: false });
  const page = await ctx.newPage();
  try {
    const all = await step(t, 'the unfiltered catalogue', async () => {
      await visit(page, '/fi/services');
      return resultCount(page);
    });

    const page1 = await step(t, 'filter by region with the GET form', async () => {
      await page.locator('#f-region').selectOption('kainuu');
      const label = (await page.locator('#f-region option:checked').innerText()).trim();
      const promised = Number(label.match(/\((\d+)\)$/)[1]);
      const resp = await submit(page, page.locator('main form.catalogue-filters button[type="submit"]'));
      assert.equal(resp.status(), 200);
      assert.equal(path(page), '/fi/services');
      assert.equal(param(page, 'region'), 'kainuu');
      const count = await resultCount(page);
      assert.equal(count, promised, `the option promised ${label}`);
      assert.ok(count < all, 'the filter narrows the results');
      assert.equal(await page.locator('#f-region').inputValue(), 'kainuu');
      assert.equal(await page.locator('main ul.chips a', { hasText: 'Kainuu' }).count(), 1);
      assert.ok(count > (await cardLinks(page)).length, 'the filtered results need more than one page');
      return cardLinks(page);
    });

    await step(t, 'the pager leads to the next page and keeps the filter', async () => {
      const pager = page.locator('main nav ul.pager');
      assert.equal(await pager.locator('a[aria-current="page"]').innerText(), '1');
      await follow(page, pager.locator('a[rel="next"]'));
      assert.equal(param(page, 'region'), 'kainuu', `the next page keeps the filter: ${page.url()}`);
      assert.equal(param(page, 'page'), '2');
      assert.equal(await page.locator('main nav ul.pager a[aria-current="page"]').innerText(), '2');
      const page2 = await cardLinks(page);
      assert.ok(page2.length > 0, 'page 2 has results');
      assert.deepEqual(page2.filter((h) => page1.includes(h)), [], 'page 2 shows other services than page 1');
      assert.equal(await page.locator('main nav ul.pager a[rel="prev"]').count(), 1);
    });

    await step(t, 'open a service from the results', async () => {
      const link = page.locator('main ul.cards h2.card-title a').first();
      const title = (await link.innerText()).trim();
      const href = await link.getAttribute('href');
      await follow(page, link);
      assert.equal(path(page), href);
      assert.equal((await page.locator('main h1').innerText()).trim(), title);
      assert.equal(await page.locator(`main a[href="${href}/contact"]`).count(), 1, 'the service has a contact link');
    });

    await step(t, 'a hand-written filter URL and removing a chip', async () => {
      await visit(page, '/fi/services?offering=consulting&region=kainuu');
      assert.equal(await page.locator('#f-offering').inputValue(), 'consulting');
      assert.equal(await page.locator('#f-region').inputValue(), 'kainuu');
      const both = await resultCount(page);
      await follow(page, page.locator('main ul.chips a', { hasText: 'Konsultointi' }));
      assert.equal(param(page, 'offering'), null, 'removing the chip drops its filter');
      assert.equal(param(page, 'region'), 'kainuu', 'and keeps the other');
      assert.ok((await resultCount(page)) >= both);
    });
  } finally {
    await ctx.close();
  }
});

// ---------------------------------------------------------------- provider answers

test('the Purkutaito admin answers a request and moves it to negotiation; the sender sees the answer', async (t) => {
  const { browser, server } = env;
  const sender = await loggedInPage(browser, server.baseUrl, ANTTI, 'fi');
  const provider = await loggedInPage(browser, server.baseUrl, PURKUTAITO_ADMIN, 'fi');
  const suffix = uniqueSuffix();
  const question = `Puramme ensi kesänä kylmävaraston Kempeleessä. Voisitteko tehdä valikoivan purun? (${suffix})`;
  const answer = `Kiitos! Tulemme katsomaan kohdetta ensi viikolla ja lähetämme tarjouksen. (${suffix})`;
  try {
    const s = sender.page;
    const a = provider.page;
    const id = await step(t, 'the sender sends a request', () => sendRequest(s, 'fi', PURKUTAITO_SERVICE.slug, question, ANTTI.org));

    await step(t, 'the request is in the Purkutaito admin\'s inbox as new', async () => {
      await visit(a, '/fi/inbox');
      const row = a.locator('main section[aria-labelledby="received-title"] tr', { has: a.locator(`a[href="/fi/inbox/${id}"]`) });
      assert.equal(await row.count(), 1, 'the request is listed under received');
      assert.match(await row.innerText(), new RegExp(`${PURKUTAITO_SERVICE.title}[\\s\\S]*${ANTTI.name}[\\s\\S]*Uusi`));
      await follow(a, row.locator(`a[href="/fi/inbox/${id}"]`));
      assert.ok((await a.locator('main ol.messages').innerText()).includes(question));
    });

    await step(t, 'the admin replies', async () => {
      await a.locator('#f-body').fill(answer);
      const resp = await submit(a, a.locator(`main form[action="/fi/inbox/${id}/reply"] button[type="submit"]`));
      assert.equal(resp.status(), 200);
      assert.equal(path(a), `/fi/inbox/${id}`);
      assert.equal((await a.locator('main .flash').innerText()).trim(), 'Vastaus lähetettiin.');
      assert.ok((await a.locator('main ol.messages').innerText()).includes(answer));
    });

    await step(t, 'the admin sets the status "Neuvotteluvaiheessa"', async () => {
      const option = a.locator('#f-status option', { hasText: 'Neuvotteluvaiheessa' });
      assert.equal(await option.count(), 1);
      await a.locator('#f-status').selectOption({ label: 'Neuvotteluvaiheessa' });
      const resp = await submit(a, a.locator(`main form[action="/fi/inbox/${id}/status"] button[type="submit"]`));
      assert.equal(resp.status(), 200);
      assert.equal((await a.locator('main .flash').innerText()).trim(), 'Tila tallennettiin.');
      assert.equal(await a.locator('#f-status option:checked').innerText(), 'Neuvotteluvaiheessa', 'the select shows the saved status');
      const status = a.locator('main dl.facts dd').nth(2);
      assert.equal((await status.innerText()).trim(), 'Neuvotteluvaiheessa');
    });

    await step(t, 'the sender sees the answer and the status', async () => {
      await visit(s, '/fi/inbox');
      const row = s.locator('main section[aria-labelledby="sent-title"] tr', { has: s.locator(`a[href="/fi/inbox/${id}"]`) });
      assert.equal(await row.count(), 1, 'the request is listed under sent');
      assert.match(await row.innerText(), /Purkutaito Oy[\s\S]*Neuvotteluvaiheessa/);
      await follow(s, row.locator(`a[href="/fi/inbox/${id}"]`));
      const messages = s.locator('main ol.messages li.message');
      assert.equal(await messages.count(), 2, 'the question and the answer');
      assert.ok((await messages.nth(1).innerText()).includes(answer), 'the answer is shown');
      assert.match(await messages.nth(1).locator('.muted').innerText(), /Tuomas Haapala/, 'the answer names who wrote it');
      assert.equal(await s.locator('#f-status').count(), 0, 'the sender cannot change the status');
      assert.equal(await s.locator('main details').count(), 0, 'the sender has no abuse report');
      await screenshot(s, 'directory-thread-answered-fi');
    });
  } finally {
    await sender.context.close();
    await provider.context.close();
  }
});
