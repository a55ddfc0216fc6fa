// Accessibility: axe-core (WCAG 2.0/2.1 A + AA) finds no violations on any
// page type, in Finnish and in English, for every kind of visitor, including
// forms shown again with errors and error pages, and that every page's footer
// links to the accessibility statement. Also checks that the first Tab press
// lands on the skip link and that the skip link works, and that pages reflow
// without sideways scrolling at 320 CSS pixels.

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
  expectNoA11yViolations,
  expectErrorSummaryWired,
  screenshot,
  LANGS,
  ORCHESTRATOR,
  PURKUTAITO_ADMIN,
  MUHOS_ADMIN,
} from './helpers.js';

// A 1×1 PNG.
const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

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

/**
 * Checks one page: `open(page)` brings the page to the state to audit
 * (navigation, a form submitted with errors …); then axe runs on it.
 */
async function audit(t, page, label, open, shot) {
  await t.test(label, async () => {
    await open(page);
    await page.locator('main h1').first().waitFor();
    if (shot) await screenshot(page, shot);
    await expectNoA11yViolations(page, label);
    // The accessibility statement is one click away from every page.
    assert.equal(
      await page.locator('footer a[href$="/pages/accessibility"]').count(),
      1,
      `the footer of ${label} links to the accessibility statement`,
    );
  });
}

/** Submits the form in <main> whose action is `action`; asserts the status. */
async function submitForm(page, action, status) {
  const button = page.locator(`main form[action="${action}"] button[type="submit"]:not([name="preview"])`);
  const resp = await submit(page, button);
  assert.equal(resp.status(), status, `POST ${action}: expected HTTP ${status}, got ${resp.status()}`);
  await page.locator('.error-summary').first().waitFor();
  await expectErrorSummaryWired(page);
}

for (const lang of LANGS) {
  test(`anonymous pages pass axe (${lang})`, async (t) => {
    const ctx = await newContext(browser, server.baseUrl);
    const page = await ctx.newPage();
    try {
      await audit(t, page, `${lang} home`, (p) => visit(p, `/${lang}/`), `home-${lang}`);
      await audit(t, page, `${lang} organisation list`, (p) => visit(p, `/${lang}/organisations`), `organisations-${lang}`);
      await audit(t, page, `${lang} organisation list, filtered`, (p) =>
        visit(p, `/${lang}/organisations?q=oulu&org_type=sme&focus=construction`));
      await audit(t, page, `${lang} organisation list, no results`, (p) =>
        visit(p, `/${lang}/organisations?q=no-such-organisation-anywhere`));
      await audit(t, page, `${lang} organisation page`, (p) => visit(p, `/${lang}/organisations/purkutaito`), `organisation-purkutaito-${lang}`);
      await audit(t, page, `${lang} register`, (p) => visit(p, `/${lang}/register`));
      await audit(t, page, `${lang} register with errors`, async (p) => {
        await visit(p, `/${lang}/register`);
        await submitForm(p, `/${lang}/register`, 422);
      }, `register-errors-${lang}`);
      await audit(t, page, `${lang} register done`, (p) => visit(p, `/${lang}/register/done`));
      await audit(t, page, `${lang} verify with a bad token`, (p) => visit(p, `/${lang}/verify?token=not-a-token`, 410));
      await audit(t, page, `${lang} login`, (p) => visit(p, `/${lang}/login`));
      await audit(t, page, `${lang} login with errors`, async (p) => {
        await visit(p, `/${lang}/login`);
        await p.locator('#f-email').fill('nobody@example.com');
        await p.locator('#f-password').fill('wrong-password-here');
        await submitForm(p, `/${lang}/login`, 401);
      }, `login-errors-${lang}`);
      await audit(t, page, `${lang} forgot password`, (p) => visit(p, `/${lang}/password/forgot`));
      await audit(t, page, `${lang} forgot password with errors`, async (p) => {
        await visit(p, `/${lang}/password/forgot`);
        await submitForm(p, `/${lang}/password/forgot`, 422);
      });
      await audit(t, page, `${lang} forgot password sent`, async (p) => {
        await visit(p, `/${lang}/password/forgot`);
        // A real account, so that the outbox audited later holds an email.
        await p.locator('#f-email').fill('johan.oberg@bottenviken-fiber.example.com');
        const resp = await submit(p, p.locator(`main form[action="/${lang}/password/forgot"] button[type="submit"]`));
        assert.equal(resp.status(), 200);
      });
      await audit(t, page, `${lang} password reset`, (p) => visit(p, `/${lang}/password/reset?token=not-a-token`));
      await audit(t, page, `${lang} password reset with errors`, async (p) => {
        await visit(p, `/${lang}/password/reset?token=not-a-token`);
        await p.locator('#f-password').fill('a-long-enough-password');
        await submitForm(p, `/${lang}/password/reset`, 422);
      });
      await audit(t, page, `${lang} 404 page`, (p) => visit(p, `/${lang}/no-such-page`, 404));
      await audit(t, page, `${lang} unknown organisation`, (p) => visit(p, `/${lang}/organisations/no-such-org`, 404));
    } finally {
      await ctx.close();
    }
  });
}

/** The CMS pages of the public website (demo data). */
const WEBSITE_PAGES = ['about', 'services', 'join', 'roadmap', 'privacy', 'accessibility'];

/** The href of the first news item listed on /{lang}/news. */
async function firstNewsHref(page, lang) {
  await visit(page, `/${lang}/news`);
  const href = await page.locator('main article.news-item h2 a').first().getAttribute('href');
  assert.match(href, new RegExp(`^/${lang}/news/[a-z0-9-]+$`), 'the news list links to an article');
  return href;
}

for (const lang of LANGS) {
  test(`public website pages pass axe (${lang})`, async (t) => {
    const ctx = await newContext(browser, server.baseUrl);
    const page = await ctx.newPage();
    try {
      await audit(t, page, `${lang} home with search box and news`, async (p) => {
        await visit(p, `/${lang}/`);
        assert.equal(await p.locator('main form[role="search"] input[type="search"]').count(), 1, 'the home page has a search box');
        assert.ok((await p.locator(`main a[href^="/${lang}/news/"]`).count()) > 0, 'the home page lists the latest news');
      });
      for (const slug of WEBSITE_PAGES) {
        await audit(t, page, `${lang} page ${slug}`, (p) => visit(p, `/${lang}/pages/${slug}`), `page-${slug}-${lang}`);
      }
      await audit(t, page, `${lang} unknown page`, (p) => visit(p, `/${lang}/pages/no-such-page`, 404));
      await audit(t, page, `${lang} news list`, (p) => visit(p, `/${lang}/news`), `news-${lang}`);
      await audit(t, page, `${lang} news list, page past the last`, (p) => visit(p, `/${lang}/news?page=2`, 404));
      const newsHref = await firstNewsHref(page, lang);
      await audit(t, page, `${lang} news item`, (p) => visit(p, newsHref), `news-item-${lang}`);
      await audit(t, page, `${lang} unknown news item`, (p) => visit(p, `/${lang}/news/no-such-item`, 404));
      await audit(t, page, `${lang} glossary A–Z`, async (p) => {
        await visit(p, `/${lang}/glossary`);
        // Every A–Z link leads to a letter heading on the page.
        const broken = await p.evaluate(() => [...document.querySelectorAll('main nav a[href^="#"]')]
          .filter((a) => !document.getElementById(a.getAttribute('href').slice(1)))
          .map((a) => a.textContent.trim()));
        assert.deepEqual(broken, [], 'A–Z links without a target');
      }, `glossary-${lang}`);
      await audit(t, page, `${lang} glossary term`, (p) => visit(p, `/${lang}/glossary/industrial-symbiosis`), `term-${lang}`);
      await audit(t, page, `${lang} unknown glossary term`, (p) => visit(p, `/${lang}/glossary/no-such-term`, 404));
      await audit(t, page, `${lang} FAQ`, async (p) => {
        await visit(p, `/${lang}/faq`);
        assert.ok((await p.locator('main details > summary').count()) > 0, 'the FAQ has answers in <details>');
      }, `faq-${lang}`);
      await audit(t, page, `${lang} FAQ with every answer open`, async (p) => {
        await visit(p, `/${lang}/faq`);
        for (const summary of await p.locator('main details > summary').all()) await summary.click();
        assert.equal(await p.locator('main details:not([open])').count(), 0, 'clicking a question opens its answer');
      });
      await audit(t, page, `${lang} FAQ question with errors`, async (p) => {
        await visit(p, `/${lang}/faq`);
        await submitForm(p, `/${lang}/faq#ask-title`, 422);
        assert.equal(await p.locator('.error-summary a[href="#f-question"]').count(), 1);
      }, `faq-errors-${lang}`);
      await audit(t, page, `${lang} FAQ question sent`, async (p) => {
        await visit(p, `/${lang}/faq`);
        await p.locator('#f-question').fill(`Accessibility test question (${lang})?`);
        const resp = await submit(p, p.locator(`main form[action="/${lang}/faq#ask-title"] button[type="submit"]`));
        assert.equal(resp.status(), 200);
        assert.equal(new URL(p.url()).pathname, `/${lang}/faq`);
        await p.locator('main .flash').waitFor();
      });
      await audit(t, page, `${lang} clusters`, (p) => visit(p, `/${lang}/clusters`), `clusters-${lang}`);
      await audit(t, page, `${lang} clusters, filtered`, async (p) => {
        await visit(p, `/${lang}/clusters`);
        await p.locator('#f-relation').selectOption({ index: 1 });
        await p.locator('#f-country').selectOption({ index: 1 });
        const resp = await submit(p, p.locator(`main form[action="/${lang}/clusters"] button[type="submit"]`));
        assert.equal(resp.status(), 200);
        assert.match(p.url(), /relation=[a-z].*country=[A-Za-z]/);
      });
      await audit(t, page, `${lang} search`, (p) => visit(p, `/${lang}/search`));
      await audit(t, page, `${lang} search with hits`, async (p) => {
        await visit(p, `/${lang}/search?q=symbioosi`);
        assert.ok((await p.locator('main ol.search-results a').count()) > 0, 'searching for "symbioosi" finds something');
      }, `search-${lang}`);
      await audit(t, page, `${lang} search without hits`, (p) => visit(p, `/${lang}/search?q=no-such-thing-anywhere`));
    } finally {
      await ctx.close();
    }
  });
}

test('the 404 page outside a language prefix passes axe', async (t) => {
  const ctx = await newContext(browser, server.baseUrl);
  try {
    await audit(t, await ctx.newPage(), '404 without language', (p) => visit(p, '/no-such-page', 404));
  } finally {
    await ctx.close();
  }
});

for (const lang of LANGS) {
  test(`TOTP login step passes axe (${lang})`, async (t) => {
    const ctx = await newContext(browser, server.baseUrl);
    const page = await ctx.newPage();
    try {
      await visit(page, `/${lang}/login`);
      await page.locator('#f-email').fill(ORCHESTRATOR.email);
      await page.locator('#f-password').fill(ORCHESTRATOR.password);
      await submit(page, page.locator(`main form[action="/${lang}/login"] button[type="submit"]`));
      assert.equal(new URL(page.url()).pathname, `/${lang}/login/totp`);
      await audit(t, page, `${lang} TOTP step`, async () => {});
      await audit(t, page, `${lang} TOTP step with errors`, async (p) => {
        await p.locator('#f-code').fill('000000' === totp(ORCHESTRATOR.totp) ? '111111' : '000000');
        await submitForm(p, `/${lang}/login/totp`, 422);
      });
    } finally {
      await ctx.close();
    }
  });
}

test('organisation admin pages pass axe (purkutaito admin)', async (t) => {
  const { context, page } = await loggedInPage(browser, server.baseUrl, PURKUTAITO_ADMIN, 'fi');
  try {
    for (const lang of LANGS) {
      await audit(t, page, `${lang} home, logged in`, (p) => visit(p, `/${lang}/`));
      await audit(t, page, `${lang} account`, (p) => visit(p, `/${lang}/account`), `account-${lang}`);
      await audit(t, page, `${lang} account, password change with errors`, async (p) => {
        await visit(p, `/${lang}/account`);
        await submitForm(p, `/${lang}/account/password`, 422);
      });
      await audit(t, page, `${lang} security (TOTP set-up)`, (p) => visit(p, `/${lang}/account/security`), `security-${lang}`);
      await audit(t, page, `${lang} security with errors`, async (p) => {
        await visit(p, `/${lang}/account/security`);
        await p.locator('#f-code').fill('12');
        await submitForm(p, `/${lang}/account/security/enable`, 422);
      });
      await audit(t, page, `${lang} organisation page as its admin`, (p) => visit(p, `/${lang}/organisations/purkutaito`));
      await audit(t, page, `${lang} organisation edit`, (p) => visit(p, `/${lang}/organisations/purkutaito/edit`));
      await audit(t, page, `${lang} organisation edit with errors`, async (p) => {
        await visit(p, `/${lang}/organisations/purkutaito/edit`);
        await p.locator('#f-name').fill('');
        await p.locator('#f-business_id').fill('1234567-8');
        await p.locator('#f-website').fill('not a url at all');
        for (const box of await p.locator('input[name="focus_areas"]').all()) await box.uncheck();
        await submitForm(p, `/${lang}/organisations/purkutaito/edit`, 422);
      }, `org-edit-errors-${lang}`);
      await audit(t, page, `${lang} organisation edit, logo that is not an image`, async (p) => {
        await visit(p, `/${lang}/organisations/purkutaito/edit`);
        await p.locator('#f-logo').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: Buffer.from('this is not an image') });
        await submitForm(p, `/${lang}/organisations/purkutaito/logo`, 422);
      });
      await audit(t, page, `${lang} organisation edit, logo uploaded`, async (p) => {
        await visit(p, `/${lang}/organisations/purkutaito/edit`);
        await p.locator('#f-logo').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: TINY_PNG });
        const resp = await submit(p, p.locator(`main form[action="/${lang}/organisations/purkutaito/logo"] button[type="submit"]`));
        assert.equal(resp.status(), 200);
        assert.equal(new URL(p.url()).pathname, `/${lang}/organisations/purkutaito/edit`);
        await p.locator('main .flash').waitFor();
        const img = p.locator('main img.logo');
        await img.waitFor();
        assert.ok(await img.evaluate((el) => el.complete && el.naturalWidth > 0), 'the uploaded logo is served');
      });
      await audit(t, page, `${lang} organisation page with a logo`, async (p) => {
        await visit(p, `/${lang}/organisations/purkutaito`);
        const img = p.locator('main img.logo');
        assert.match(await img.getAttribute('alt'), /Purkutaito/);
        assert.ok(await img.evaluate((el) => el.complete && el.naturalWidth > 0), 'the logo is served');
      });
      await audit(t, page, `${lang} organisation people`, (p) => visit(p, `/${lang}/organisations/purkutaito/people`));
      await audit(t, page, `${lang} organisation people, invitation with errors`, async (p) => {
        await visit(p, `/${lang}/organisations/purkutaito/people`);
        await p.locator('#f-email').fill('not-an-email');
        await submitForm(p, `/${lang}/organisations/purkutaito/people`, 422);
      });
      await audit(t, page, `${lang} new organisation`, (p) => visit(p, `/${lang}/organisations/new`));
      await audit(t, page, `${lang} new organisation with errors`, async (p) => {
        await visit(p, `/${lang}/organisations/new`);
        await p.locator('#f-business_id').fill('1234567-8');
        await submitForm(p, `/${lang}/organisations/new`, 422);
      }, `org-new-errors-${lang}`);
      await audit(t, page, `${lang} admin is forbidden for an organisation admin`, (p) => visit(p, `/${lang}/admin`, 403));
    }
  } finally {
    await context.close();
  }
});

test('join page passes axe (admin of an organisation that is not a member)', async (t) => {
  const { context, page } = await loggedInPage(browser, server.baseUrl, MUHOS_ADMIN, 'fi');
  try {
    for (const lang of LANGS) {
      const url = `/${lang}/organisations/${MUHOS_ADMIN.org}/join`;
      await audit(t, page, `${lang} organisation page, not a member`, (p) => visit(p, `/${lang}/organisations/${MUHOS_ADMIN.org}`));
      await audit(t, page, `${lang} join`, (p) => visit(p, url), `join-${lang}`);
      await audit(t, page, `${lang} join with errors`, async (p) => {
        await visit(p, url);
        await submitForm(p, url, 422);
      }, `join-errors-${lang}`);
    }
  } finally {
    await context.close();
  }
});

test('admin pages pass axe (orchestrator with TOTP)', async (t) => {
  const { context, page } = await loggedInPage(browser, server.baseUrl, ORCHESTRATOR, 'fi');
  try {
    for (const lang of LANGS) {
      await audit(t, page, `${lang} admin dashboard`, (p) => visit(p, `/${lang}/admin`), `admin-${lang}`);
      await audit(t, page, `${lang} admin memberships`, async (p) => {
        await visit(p, `/${lang}/admin/memberships`);
        assert.ok((await p.locator('section.application').count()) > 0, 'the demo data has pending applications');
      }, `admin-memberships-${lang}`);
      await audit(t, page, `${lang} admin memberships, rejection without a reason`, async (p) => {
        await visit(p, `/${lang}/admin/memberships`);
        const reject = p.locator('section.application form:has(input[name="decision"][value="reject"])').first();
        const resp = await submit(p, reject.locator('button[type="submit"]'));
        assert.equal(resp.status(), 422);
        await p.locator('.error-summary').waitFor();
        await expectErrorSummaryWired(p);
      }, `admin-memberships-errors-${lang}`);
      await audit(t, page, `${lang} admin users`, (p) => visit(p, `/${lang}/admin/users`));
      await audit(t, page, `${lang} admin users, search`, (p) => visit(p, `/${lang}/admin/users?q=purkutaito`));
      await audit(t, page, `${lang} admin agreements`, (p) => visit(p, `/${lang}/admin/agreements`));
      await audit(t, page, `${lang} admin agreements with errors`, async (p) => {
        await visit(p, `/${lang}/admin/agreements`);
        // The form starts with the current version's text; blank two fields.
        await p.locator('#f-title_fi').fill('');
        await p.locator('#f-body_en').fill('');
        await submitForm(p, `/${lang}/admin/agreements`, 422);
        assert.equal(await p.locator('.error-summary li').count(), 2);
      });
      await audit(t, page, `${lang} admin outbox`, async (p) => {
        // Emails are written by a background job: wait for the reset email.
        const deadline = Date.now() + 20_000;
        for (;;) {
          await visit(p, `/${lang}/admin/outbox`);
          if ((await p.locator('article.email').count()) > 0) break;
          assert.ok(Date.now() < deadline, 'the outbox should hold the password reset email');
          await p.waitForTimeout(500);
        }
      }, `admin-outbox-${lang}`);
      await audit(t, page, `${lang} admin audit log`, (p) => visit(p, `/${lang}/admin/audit`));
      await audit(t, page, `${lang} admin pages`, (p) => visit(p, `/${lang}/admin/pages`), `admin-pages-${lang}`);
      await audit(t, page, `${lang} admin new page`, (p) => visit(p, `/${lang}/admin/pages/new`));
      await audit(t, page, `${lang} admin new page with errors`, async (p) => {
        await visit(p, `/${lang}/admin/pages/new`);
        await submitForm(p, `/${lang}/admin/pages/new`, 422);
      }, `admin-page-new-errors-${lang}`);
      await audit(t, page, `${lang} admin page edit`, (p) => visit(p, `/${lang}/admin/pages/roadmap/edit`));
      await audit(t, page, `${lang} admin page edit with errors`, async (p) => {
        await visit(p, `/${lang}/admin/pages/roadmap/edit`);
        await p.locator('#f-slug').fill('Not A Slug!');
        await p.locator('#f-title_en').fill('');
        await submitForm(p, `/${lang}/admin/pages/roadmap/edit`, 422);
      });
      await audit(t, page, `${lang} admin page saved`, async (p) => {
        // A second revision, so that the history has a restore button.
        await visit(p, `/${lang}/admin/pages/roadmap/edit`);
        await p.locator('#f-note').fill(`Accessibility test (${lang})`);
        const resp = await submit(p, p.locator(`main form[action="/${lang}/admin/pages/roadmap/edit"] button[type="submit"]`));
        assert.equal(resp.status(), 200);
        await p.locator('main .flash').waitFor();
      });
      await audit(t, page, `${lang} admin page history`, async (p) => {
        await visit(p, `/${lang}/admin/pages/roadmap/history`);
        assert.ok((await p.locator('main form[action*="/restore/"] button').count()) > 0, 'the history has restore buttons');
      }, `admin-page-history-${lang}`);
      await audit(t, page, `${lang} admin questions`, (p) => visit(p, `/${lang}/admin/questions`));
      await audit(t, page, `${lang} admin analytics`, async (p) => {
        await visit(p, `/${lang}/admin/analytics`);
        assert.equal(await p.locator('main figure svg[role="img"]').count(), 1, 'the analytics page has the chart');
      }, `admin-analytics-${lang}`);
      for (const kind of ['news', 'glossary', 'faq', 'clusters']) {
        await audit(t, page, `${lang} admin content: ${kind}`, (p) => visit(p, `/${lang}/admin/content/${kind}`));
        await audit(t, page, `${lang} admin content: new ${kind}`, (p) => visit(p, `/${lang}/admin/content/${kind}/new`));
        await audit(t, page, `${lang} admin content: new ${kind} with errors`, async (p) => {
          await visit(p, `/${lang}/admin/content/${kind}/new`);
          await submitForm(p, `/${lang}/admin/content/${kind}/new`, 422);
        });
      }
      await audit(t, page, `${lang} security (TOTP on)`, (p) => visit(p, `/${lang}/account/security`));
      await audit(t, page, `${lang} account (staff)`, (p) => visit(p, `/${lang}/account`));
    }
  } finally {
    await context.close();
  }
});

test('the news pager passes axe (more news than fit on one page)', async (t) => {
  // The demo data fits on one page: the orchestrator adds a few items first.
  const staff = await loggedInPage(browser, server.baseUrl, ORCHESTRATOR, 'fi');
  const anon = await newContext(browser, server.baseUrl);
  try {
    const s = staff.page;
    for (let i = 1; i <= 3; i++) {
      await visit(s, '/fi/admin/content/news/new');
      const fields = {
        slug: `pager-test-${i}`,
        title_fi: `Sivutustesti ${i}`,
        title_en: `Pager test ${i}`,
        summary_fi: 'Testiuutinen sivutuksen tarkistamiseen.',
        summary_en: 'A test item for checking the pager.',
        body_fi: 'Testiuutinen.',
        body_en: 'A test item.',
        tags: 'events',
        published_at: `2026-01-0${i}`,
      };
      for (const [name, value] of Object.entries(fields)) await s.locator(`#f-${name}`).fill(value);
      await s.locator('#f-status').selectOption('published');
      const resp = await submit(s, s.locator('main form[action="/fi/admin/content/news/new"] button[type="submit"]'));
      assert.equal(resp.status(), 200, `creating news item ${i}`);
    }
    const page = await anon.newPage();
    for (const lang of LANGS) {
      await audit(t, page, `${lang} news list with a pager`, async (p) => {
        await visit(p, `/${lang}/news`);
        assert.equal(await p.locator('main nav .pager a[rel="next"]').count(), 1, 'page 1 links to the next page');
      });
      await audit(t, page, `${lang} news list, last page`, async (p) => {
        await visit(p, `/${lang}/news?page=2`);
        assert.equal(await p.locator('main nav .pager a[rel="prev"]').count(), 1, 'page 2 links to the previous page');
        assert.ok((await p.locator('main article.news-item').count()) > 0, 'page 2 lists news');
      }, `news-page-2-${lang}`);
    }
  } finally {
    await staff.context.close();
    await anon.close();
  }
});

/**
 * Keyboard: from a freshly loaded page, the first Tab focuses the skip link,
 * which is then visible with a focus indicator, and following it moves focus
 * to <main>.
 */
async function checkSkipLink(page, url) {
  await visit(page, url, url.includes('no-such') ? 404 : 200);
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => {
    const el = document.activeElement;
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return {
      className: el.className,
      href: el.getAttribute('href'),
      text: el.textContent.trim(),
      visible: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
      outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
      boxShadow: s.boxShadow !== 'none',
    };
  });
  assert.equal(focused.className, 'skip-link', `first Tab on ${url} should focus the skip link, focused ${JSON.stringify(focused)}`);
  assert.equal(focused.href, '#main');
  assert.ok(focused.text.length > 0, 'the skip link has text');
  assert.ok(focused.visible, `the focused skip link is visible on screen on ${url}`);
  assert.ok(focused.outline || focused.boxShadow, `the focused skip link has a visible focus indicator on ${url}`);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'main');
  assert.equal(new URL(page.url()).hash, '#main');
}

for (const lang of LANGS) {
  test(`keyboard: the first Tab focuses the skip link (${lang})`, async () => {
    const ctx = await newContext(browser, server.baseUrl);
    try {
      const page = await ctx.newPage();
      for (const url of [
        `/${lang}/`,
        `/${lang}/organisations`,
        `/${lang}/organisations/purkutaito`,
        `/${lang}/register`,
        `/${lang}/login`,
        `/${lang}/no-such-page`,
        `/${lang}/pages/about`,
        `/${lang}/news`,
        `/${lang}/glossary`,
        `/${lang}/faq`,
      ]) {
        await checkSkipLink(page, url);
      }
      await login(page, PURKUTAITO_ADMIN, lang);
      for (const url of [`/${lang}/account`, `/${lang}/organisations/purkutaito/edit`]) {
        await checkSkipLink(page, url);
      }
    } finally {
      await ctx.close();
    }
  });
}

/** True when the page scrolls sideways (content wider than the viewport). */
function overflowsSideways(page) {
  return page.evaluate(() => {
    const wide = [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
      .map((el) => el.tagName.toLowerCase() + (el.id ? `#${el.id}` : '') + (el.className ? `.${String(el.className).split(' ').join('.')}` : ''));
    return document.documentElement.scrollWidth > document.documentElement.clientWidth ? wide.slice(0, 5) : [];
  });
}

test('reflow: no sideways scrolling at 320 CSS pixels (WCAG 1.4.10)', async (t) => {
  const anon = await newContext(browser, server.baseUrl, { viewport: { width: 320, height: 640 } });
  const staff = await newContext(browser, server.baseUrl, { viewport: { width: 320, height: 640 } });
  try {
    const page = await anon.newPage();
    const staffPage = await staff.newPage();
    await login(staffPage, ORCHESTRATOR, 'fi');
    const newsHrefs = {};
    for (const lang of LANGS) newsHrefs[lang] = await firstNewsHref(page, lang);
    for (const lang of LANGS) {
      const pages = [
        [page, `/${lang}/`],
        [page, `/${lang}/organisations`],
        [page, `/${lang}/organisations/purkutaito`],
        [page, `/${lang}/register`],
        ...WEBSITE_PAGES.map((slug) => [page, `/${lang}/pages/${slug}`]),
        [page, `/${lang}/news`],
        [page, newsHrefs[lang]],
        [page, `/${lang}/glossary`],
        [page, `/${lang}/glossary/industrial-symbiosis`],
        [page, `/${lang}/faq`],
        [page, `/${lang}/clusters`],
        [page, `/${lang}/search?q=symbioosi`],
        [staffPage, `/${lang}/admin/memberships`],
        [staffPage, `/${lang}/admin/users`],
        [staffPage, `/${lang}/admin/outbox`],
        [staffPage, `/${lang}/admin/audit`],
        [staffPage, `/${lang}/admin/pages`],
        [staffPage, `/${lang}/admin/pages/about/edit`],
        [staffPage, `/${lang}/admin/pages/about/history`],
        [staffPage, `/${lang}/admin/questions`],
        [staffPage, `/${lang}/admin/analytics`],
      ];
      for (const [p, url] of pages) {
        await t.test(`${url} at 320 px`, async () => {
          await visit(p, url);
          const wide = await overflowsSideways(p);
          if (wide.length > 0) await screenshot(p, `reflow-${url.replace(/\//g, '_')}`);
          assert.deepEqual(wide, [], `${url} scrolls sideways at 320 px; too wide: ${wide.join(', ')}`);
        });
      }
    }
  } finally {
    await anon.close();
    await staff.close();
  }
});
