// The foundation journey in a real browser: a new person registers, verifies
// the email address from the link in the outbox, logs in, adds an
// organisation (after correcting a wrong Business ID), applies for
// membership, an orchestrator approves it, and the organisation shows in the
// public list. The person's side runs with JavaScript turned off.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer,
  launchBrowser,
  newContext,
  visit,
  submit,
  login,
  loggedInPage,
  totp,
  randomBusinessId,
  uniqueSuffix,
  screenshot,
  expectErrorSummaryWired,
  step,
  ORCHESTRATOR,
  DEMO_PASSWORD,
  linkFromOutbox,
} from './helpers.js';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const path = (page) => new URL(page.url()).pathname;

test('foundation journey: register → verify → organisation → application → approval → public list', async (t) => {
  const suffix = uniqueSuffix();
  const person = {
    name: `Testi Henkilö ${suffix}`,
    email: `e2e-${suffix}@example.fi`,
    password: `salasana-${suffix}-pitka`,
  };
  const orgName = `E2E Kiertotalous ${suffix} Oy`;
  const municipality = 'Kempele';

  // The person browses with JavaScript turned off: every step must work
  // with plain HTML forms and links.
  const personCtx = await newContext(browser, server.baseUrl, { javaScriptEnabled: false });
  const personPage = await personCtx.newPage();
  const staff = await loggedInPage(browser, server.baseUrl, ORCHESTRATOR, 'fi');
  const orch = staff.page;

  try {
    await step(t, 'register', async () => {
      await visit(personPage, '/fi/register');
      const form = personPage.locator('main form[action="/fi/register"]');
      await form.locator('#f-name').fill(person.name);
      await form.locator('#f-email').fill(person.email);
      await form.locator('#f-password').fill(person.password);
      const resp = await submit(personPage, form.locator('button[type="submit"]'));
      assert.equal(resp.status(), 200);
      assert.equal(path(personPage), '/fi/register/done');
    });

    await step(t, 'login before verifying is refused', async () => {
      await visit(personPage, '/fi/login');
      const form = personPage.locator('main form[action="/fi/login"]');
      await form.locator('#f-email').fill(person.email);
      await form.locator('#f-password').fill(person.password);
      const resp = await submit(personPage, form.locator('button[type="submit"]'));
      assert.equal(resp.status(), 403, 'an unverified account must not log in');
      await personPage.locator('.error-summary').waitFor();
    });

    const verifyLink = await step(t, 'orchestrator finds the verification link in the outbox', async () => {
      const link = await linkFromOutbox(orch, person.email, /https?:\/\/\S+\/verify\?token=[^\s<>"]+/);
      assert.ok(
        link.startsWith(`${server.baseUrl}/`),
        `the verification link should use KIMPPA_BASE_URL (${server.baseUrl}), got ${link}`,
      );
      return link;
    });

    await step(t, 'the person opens the verification link', async () => {
      await visit(personPage, verifyLink, 200);
      await personPage.locator('main h1').waitFor();
      // A used link no longer works.
      await visit(personPage, verifyLink, 410);
    });

    await step(t, 'the person logs in', async () => {
      await login(personPage, person, 'fi');
      await visit(personPage, '/fi/account');
      assert.match(await personPage.locator('main').innerText(), new RegExp(person.email.replace(/[.]/g, '\\.')));
    });

    const slug = await step(t, 'a wrong Business ID is refused and the typed values are kept', async () => {
      await visit(personPage, '/fi/organisations/new');
      const form = personPage.locator('main form[action="/fi/organisations/new"]');
      await form.locator('#f-name').fill(orgName);
      await form.locator('#f-business_id').fill('1234567-8');
      await form.locator('#f-org_type').selectOption('sme');
      await form.locator('#f-size_class').selectOption('micro');
      await form.locator('#f-municipality').fill(municipality);
      await form.locator('#focus-reuse-materials').check();
      await form.locator('#focus-textiles').check();
      await form.locator('#f-description_fi').fill('Testiorganisaatio, joka kierrättää tekstiilejä.');
      await form.locator('#f-description_en').fill('A test organisation that recycles textiles.');
      let resp = await submit(personPage, form.locator('button[type="submit"]:not([name="preview"])'));
      assert.equal(resp.status(), 422, 'a wrong Business ID must be refused with 422');

      const summary = personPage.locator('.error-summary');
      await summary.waitFor();
      assert.equal(await summary.locator('a[href="#f-business_id"]').count(), 1, 'the error summary links to the Business ID field');
      assert.equal(await expectErrorSummaryWired(personPage), 1, 'only the Business ID is wrong');
      const fieldError = personPage.locator('#f-business_id-error');
      await fieldError.waitFor();
      assert.ok((await fieldError.innerText()).trim().length > 0, 'the field error has text');
      const bid = personPage.locator('#f-business_id');
      assert.equal(await bid.getAttribute('aria-invalid'), 'true');
      assert.match(await bid.getAttribute('aria-describedby'), /f-business_id-error/);

      // The typed values stay in the form.
      assert.equal(await personPage.locator('#f-name').inputValue(), orgName);
      assert.equal(await personPage.locator('#f-municipality').inputValue(), municipality);
      assert.equal(await bid.inputValue(), '1234567-8');
      assert.equal(await personPage.locator('#f-org_type').inputValue(), 'sme');
      assert.equal(await personPage.locator('#f-size_class').inputValue(), 'micro');
      assert.ok(await personPage.locator('#focus-reuse-materials').isChecked());
      assert.ok(await personPage.locator('#focus-textiles').isChecked());
      assert.equal(await personPage.locator('#f-description_fi').inputValue(), 'Testiorganisaatio, joka kierrättää tekstiilejä.');
      await screenshot(personPage, 'journey-org-new-error-fi');

      // Correct it.
      await bid.fill(randomBusinessId());
      resp = await submit(personPage, personPage.locator('main form[action="/fi/organisations/new"] button[type="submit"]:not([name="preview"])'));
      assert.equal(resp.status(), 200);
      const m = path(personPage).match(/^\/fi\/organisations\/([a-z0-9-]+)$/);
      assert.ok(m, `expected the organisation page, got ${personPage.url()}`);
      assert.equal((await personPage.locator('main h1').innerText()).trim(), orgName);
      await personPage.locator('main .flash').waitFor();
      return m[1];
    });

    await step(t, 'a fresh organisation is not listed publicly', async () => {
      const anon = await newContext(browser, server.baseUrl);
      try {
        const p = await anon.newPage();
        await visit(p, '/fi/organisations');
        assert.equal(await p.locator(`main a[href="/fi/organisations/${slug}"]`).count(), 0);
        await visit(p, `/fi/organisations/${slug}`, 404);
      } finally {
        await anon.close();
      }
    });

    await step(t, 'the person applies for membership', async () => {
      await visit(personPage, `/fi/organisations/${slug}`);
      const joinLink = personPage.locator(`main a[href="/fi/organisations/${slug}/join"]`);
      await Promise.all([personPage.waitForNavigation(), joinLink.click()]);
      assert.equal(path(personPage), `/fi/organisations/${slug}/join`);
      const form = personPage.locator(`main form[action="/fi/organisations/${slug}/join"]`);

      // Without ticking the box the application is refused.
      let resp = await submit(personPage, form.locator('button[type="submit"]'));
      assert.equal(resp.status(), 422, 'an application without accepting the agreement must be refused');
      await personPage.locator('.error-summary a[href="#f-accept"]').waitFor();
      await personPage.locator('#f-accept-error').waitFor();
      assert.equal(await personPage.locator('#f-accept').getAttribute('aria-invalid'), 'true');
      assert.equal(await personPage.locator('#f-accept').isChecked(), false);
      await expectErrorSummaryWired(personPage);

      await personPage.locator('#f-accept').check();
      resp = await submit(personPage, personPage.locator(`main form[action="/fi/organisations/${slug}/join"] button[type="submit"]`));
      assert.equal(resp.status(), 200);
      assert.equal(path(personPage), `/fi/organisations/${slug}`);
      await personPage.locator('main .flash').waitFor();
      assert.match(await personPage.locator('main .notice').innerText(), /Hakemus käsittelyssä/);
    });

    await step(t, 'the orchestrator approves the application as a member', async () => {
      await visit(orch, '/fi/admin/memberships');
      const app = orch.locator('section.application').filter({ has: orch.locator('h2', { hasText: orgName }) });
      assert.equal(await app.count(), 1, `the queue should hold one application for ${orgName}`);
      await app.locator('select[name="tier"]').selectOption('member');
      const approve = app.locator('form:has(input[name="decision"][value="approve"]) button[type="submit"]');
      const resp = await submit(orch, approve);
      assert.equal(resp.status(), 200);
      assert.equal(path(orch), '/fi/admin/memberships');
      await orch.locator('main .flash').waitFor();
      assert.equal(
        await orch.locator('section.application').filter({ hasText: orgName }).count(),
        0,
        'the approved application leaves the queue',
      );
    });

    await step(t, 'the organisation appears in the public list for an anonymous visitor', async () => {
      const anon = await newContext(browser, server.baseUrl, { javaScriptEnabled: false });
      try {
        const p = await anon.newPage();
        await visit(p, '/fi/organisations');
        const card = p.locator('main li.card').filter({ has: p.locator(`a[href="/fi/organisations/${slug}"]`) });
        assert.equal(await card.count(), 1, `${orgName} should be listed`);
        assert.match(await card.innerText(), new RegExp(municipality));
        // The search filter finds it too.
        await visit(p, `/fi/organisations?q=${encodeURIComponent(suffix)}`);
        assert.equal(await p.locator('main li.card').count(), 1);
        await Promise.all([p.waitForNavigation(), p.locator(`main a[href="/fi/organisations/${slug}"]`).click()]);
        assert.equal((await p.locator('main h1').innerText()).trim(), orgName);
        assert.equal(await p.locator('main .notice').count(), 0, 'an approved member shows no status notice');
        await screenshot(p, 'journey-org-approved-fi');
      } finally {
        await anon.close();
      }
    });

    await step(t, 'the person turns on two-step verification and logs in with it', async () => {
      await visit(personPage, '/fi/account/security');
      const secret = (await personPage.locator('#totp-secret').innerText()).trim();
      assert.match(secret, /^[A-Z2-7]{16,}=*$/, 'the secret key is shown in base32');
      const form = personPage.locator('main form[action="/fi/account/security/enable"]');
      // A wrong code is refused.
      await form.locator('#f-code').fill(totp(secret) === '000000' ? '111111' : '000000');
      let resp = await submit(personPage, form.locator('button[type="submit"]'));
      assert.equal(resp.status(), 422);
      await expectErrorSummaryWired(personPage);
      await personPage.locator('#f-code').fill(totp(secret));
      resp = await submit(personPage, personPage.locator('main form[action="/fi/account/security/enable"] button[type="submit"]'));
      assert.equal(resp.status(), 200);
      assert.equal(await personPage.locator('main form[action="/fi/account/security/disable"]').count(), 1, 'TOTP is now on');

      resp = await submit(personPage, personPage.locator('header form[action="/fi/logout"] button'));
      assert.equal(resp.status(), 200);
      await login(personPage, { ...person, totp: secret }, 'fi');
    });
  } finally {
    await personCtx.close();
    await staff.context.close();
  }
});

for (const javaScriptEnabled of [true, false]) {
  test(`a wrong password shows an error and keeps the email (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
    const ctx = await newContext(browser, server.baseUrl, { javaScriptEnabled });
    try {
      const page = await ctx.newPage();
      const email = 'karin.lindvall@bottenviken-fiber.example.com';
      for (const lang of ['fi', 'en']) {
        await visit(page, `/${lang}/login`);
        const form = page.locator(`main form[action="/${lang}/login"]`);
        await form.locator('#f-email').fill(email);
        await form.locator('#f-password').fill('not-the-right-password');
        const resp = await submit(page, form.locator('button[type="submit"]'));
        assert.equal(resp.status(), 401);
        assert.equal(path(page), `/${lang}/login`);
        await page.locator('.error-summary').waitFor();
        assert.equal(await page.locator('.error-summary a[href="#f-email"]').count(), 1);
        await page.locator('#f-email-error').waitFor();
        assert.equal(await page.locator('#f-email').inputValue(), email, 'the email stays in the form');
        assert.equal(await page.locator('#f-password').inputValue(), '', 'the password is not echoed back');
        // Still logged out.
        assert.equal(await page.locator(`header form[action="/${lang}/logout"]`).count(), 0);
      }
      // The right password still works afterwards.
      await login(page, { email, password: DEMO_PASSWORD }, 'en');
    } finally {
      await ctx.close();
    }
  });
}

test('register and login work without JavaScript, and logout is a plain form', async () => {
  const ctx = await newContext(browser, server.baseUrl, { javaScriptEnabled: false });
  const staff = await loggedInPage(browser, server.baseUrl, ORCHESTRATOR, 'en');
  try {
    const page = await ctx.newPage();
    const suffix = uniqueSuffix();
    const person = { name: `No Script ${suffix}`, email: `noscript-${suffix}@example.com`, password: `long-password-${suffix}` };

    // Empty form: errors shown, nothing created.
    await visit(page, '/en/register');
    let resp = await submit(page, page.locator('main form[action="/en/register"] button[type="submit"]'));
    assert.equal(resp.status(), 422);
    await page.locator('.error-summary').waitFor();
    assert.equal(await expectErrorSummaryWired(page), 3);
    for (const f of ['name', 'email', 'password']) {
      assert.equal(await page.locator(`.error-summary a[href="#f-${f}"]`).count(), 1, `summary links to ${f}`);
      assert.equal(await page.locator(`#f-${f}`).getAttribute('aria-invalid'), 'true', `${f} is marked invalid`);
    }

    // A too short password: the name and email stay.
    await page.locator('#f-name').fill(person.name);
    await page.locator('#f-email').fill(person.email);
    await page.locator('#f-password').fill('short');
    resp = await submit(page, page.locator('main form[action="/en/register"] button[type="submit"]'));
    assert.equal(resp.status(), 422);
    await page.locator('#f-password-error').waitFor();
    assert.equal(await page.locator('#f-name').inputValue(), person.name);
    assert.equal(await page.locator('#f-email').inputValue(), person.email);

    await page.locator('#f-password').fill(person.password);
    resp = await submit(page, page.locator('main form[action="/en/register"] button[type="submit"]'));
    assert.equal(resp.status(), 200);
    assert.equal(path(page), '/en/register/done');

    const link = await linkFromOutbox(staff.page, person.email, /https?:\/\/\S+\/verify\?token=[^\s<>"]+/);
    await visit(page, link);
    await login(page, person, 'en');
    await visit(page, '/en/account');

    // Logout is a POST button in the header.
    resp = await submit(page, page.locator('header form[action="/en/logout"] button'));
    assert.equal(resp.status(), 200);
    assert.equal(await page.locator('header form[action="/en/logout"]').count(), 0);
    await visit(page, '/en/login');
  } finally {
    await ctx.close();
    await staff.context.close();
  }
});
