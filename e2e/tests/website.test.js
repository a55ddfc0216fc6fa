// The public website in a real browser with JavaScript turned off: an
// anonymous visitor walks from the home page through the main navigation,
// the footer, the glossary and the FAQ, and asks a question; the
// orchestrator reads the question, edits the about page, and restores the
// earlier revision from the history. Also: the feeds and the sitemap, and
// screenshots of the main website pages for review.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer,
  launchBrowser,
  newContext,
  visit,
  submit,
  follow,
  inViewport,
  step,
  loggedInPage,
  expectErrorSummaryWired,
  screenshot,
  uniqueSuffix,
  ORCHESTRATOR,
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

/** The text of <main> (for "is this sentence on the page" checks). */
const mainText = (page) => page.locator('main').innerText();

/** The footer of every page links to the accessibility statement. */
async function footerStatementLink(page, lang = 'fi') {
  const link = page.locator(`footer a[href="/${lang}/pages/accessibility"]`);
  assert.equal(await link.count(), 1, `the footer of ${page.url()} links to the accessibility statement`);
  return link;
}

test('website walk without JavaScript: navigation, glossary, FAQ question; orchestrator edits a page and restores it', async (t) => {
  const suffix = uniqueSuffix();
  const question = `Voiko klusteriin liittyä yhdistys? (e2e ${suffix})`;
  const newSentence = `Tämä lause muutettiin selaintestissä ${suffix}.`;

  const visitorCtx = await newContext(browser, server.baseUrl, { javaScriptEnabled: false });
  const visitor = await visitorCtx.newPage();
  let staff;

  try {
    await step(t, 'home page: search box and latest news', async () => {
      await visit(visitor, '/fi/');
      assert.equal(await visitor.locator('main form[role="search"][action="/fi/search"] input[name="q"]').count(), 1, 'the home page has a search box');
      assert.ok((await visitor.locator('main a[href^="/fi/news/"]').count()) > 0, 'the home page lists the latest news');
      await footerStatementLink(visitor);
    });

    const oldSentence = await step(t, 'main navigation → the cluster section → about page', async () => {
      const nav = visitor.getByRole('navigation', { name: 'Päävalikko' });
      await follow(visitor, nav.getByRole('link', { name: 'Klusteri', exact: true }));
      const section = visitor.getByRole('navigation', { name: 'Osion sivut' });
      await follow(visitor, section.getByRole('link', { name: 'Tietoa klusterista', exact: true }));
      assert.equal(path(visitor), '/fi/pages/about');
      assert.equal(await section.locator('a[aria-current="page"]').innerText(), 'Tietoa klusterista');
      assert.equal((await visitor.locator('main h1').innerText()).trim(), 'Tietoa klusterista');
      // A plain paragraph (no markup), so that its Markdown source is the same text.
      const plain = await visitor.locator('main .prose > p').evaluateAll((ps) =>
        ps.filter((p) => !p.querySelector('*')).map((p) => p.textContent.trim()).filter((s) => s.length > 20));
      assert.ok(plain.length > 0, 'the about page has a plain paragraph to edit');
      return plain[plain.length - 1];
    });

    await step(t, 'footer → accessibility statement', async () => {
      await follow(visitor, await footerStatementLink(visitor));
      assert.equal(path(visitor), '/fi/pages/accessibility');
      assert.equal((await visitor.locator('main h1').innerText()).trim(), 'Saavutettavuusseloste');
      assert.match(await mainText(visitor), /WCAG/);
    });

    await step(t, 'glossary A–Z → a term', async () => {
      await follow(visitor, visitor.locator('footer').getByRole('link', { name: 'Yhteinen sanasto', exact: true }));
      assert.equal(path(visitor), '/fi/glossary');
      const az = visitor.getByRole('navigation', { name: 'Aakkoset' });
      const letters = await az.getByRole('link').allInnerTexts();
      assert.ok(letters.length >= 10, `the A–Z list has letters, got ${letters.join(' ')}`);
      // A letter link jumps to its section (an in-page link: no JavaScript needed).
      const letterT = az.getByRole('link', { name: 'T', exact: true });
      const target = await letterT.getAttribute('href');
      await letterT.click();
      await visitor.waitForURL((u) => u.hash === target);
      const heading = visitor.locator(`main h2${target}`);
      assert.equal((await heading.innerText()).trim(), 'T');
      assert.ok(await inViewport(heading), 'the letter heading is scrolled into view');
      await follow(visitor, visitor.locator(`main section:has(h2${target}) a[href="/fi/glossary/industrial-symbiosis"]`));
      assert.equal(path(visitor), '/fi/glossary/industrial-symbiosis');
      assert.equal((await visitor.locator('main h1').innerText()).trim(), 'teollinen symbioosi');
      assert.match(await mainText(visitor), /industrial symbiosis/);
      assert.equal(await visitor.locator('main [lang="en"]', { hasText: 'industrial symbiosis' }).count(), 1, 'the English term is marked lang="en"');
      await footerStatementLink(visitor);
    });

    await step(t, 'FAQ: answers open without JavaScript', async () => {
      await follow(visitor, visitor.locator('footer').getByRole('link', { name: 'Usein kysyttyä', exact: true }));
      assert.equal(path(visitor), '/fi/faq');
      const first = visitor.locator('main details.faq-item').first();
      assert.equal(await first.getAttribute('open'), null, 'answers start closed');
      await first.locator('summary').click();
      await visitor.locator('main details.faq-item[open]').first().waitFor();
      assert.ok(await first.locator('.prose').isVisible(), 'the answer shows once its question is clicked');
    });

    await step(t, 'FAQ: an empty question is refused, beside the form', async () => {
      const form = visitor.locator('main form[action^="/fi/faq"]');
      const resp = await submit(visitor, form.locator('button[type="submit"]'));
      assert.equal(resp.status(), 422);
      const summary = visitor.locator('.error-summary');
      await summary.waitFor();
      assert.equal(await expectErrorSummaryWired(visitor), 1);
      assert.equal(await summary.locator('a[href="#f-question"]').count(), 1);
      // The form is near the end of a long page: the errors must not be out of sight.
      assert.ok(await inViewport(summary), 'the error summary is in view after the page reloads');
    });

    await step(t, 'FAQ: a question is sent and thanked for', async () => {
      await visitor.locator('#f-question').fill(question);
      const resp = await submit(visitor, visitor.locator('main form[action^="/fi/faq"] button[type="submit"]'));
      assert.equal(resp.status(), 200);
      assert.equal(path(visitor), '/fi/faq');
      const flash = visitor.locator('main .flash');
      await flash.waitFor();
      assert.equal((await flash.innerText()).trim(), 'Kiitos! Kysymyksesi välitettiin orkestroijille.');
      assert.ok(await inViewport(flash), 'the thank-you message is in view');
      assert.equal(await visitor.locator('#f-question').inputValue(), '', 'the form is empty again');
      assert.equal(await visitor.locator('.error-summary').count(), 0);
    });

    staff = await step(t, 'orchestrator logs in and sees the question', async () => {
      const s = await loggedInPage(browser, server.baseUrl, ORCHESTRATOR, 'fi', { javaScriptEnabled: false });
      await visit(s.page, '/fi/admin/questions');
      assert.equal(await s.page.locator('main article', { hasText: question }).count(), 1, 'the question is listed once');
      return s;
    });
    const orch = staff.page;

    await step(t, 'orchestrator edits the about page', async () => {
      await visit(orch, '/fi/admin/pages');
      await follow(orch, orch.locator('main tr', { has: orch.locator('a[href="/fi/pages/about"]') }).locator('a[href="/fi/admin/pages/about/edit"]'));
      assert.equal(path(orch), '/fi/admin/pages/about/edit');
      const body = orch.locator('#f-body_fi');
      const source = await body.inputValue();
      assert.ok(source.includes(oldSentence), `the Finnish text contains the sentence to change: ${oldSentence}`);
      await body.fill(source.replace(oldSentence, newSentence));
      await orch.locator('#f-note').fill(`e2e ${suffix}`);
      const resp = await submit(orch, orch.locator('main form[action="/fi/admin/pages/about/edit"] button[type="submit"]'));
      assert.equal(resp.status(), 200);
      assert.equal(path(orch), '/fi/admin/pages/about/edit');
      assert.equal((await orch.locator('main .flash').innerText()).trim(), 'Sivu tallennettiin uutena versiona.');
      assert.ok((await orch.locator('#f-body_fi').inputValue()).includes(newSentence), 'the form shows the saved text');
    });

    await step(t, 'the public page shows the change', async () => {
      await visit(visitor, '/fi/pages/about');
      const text = await mainText(visitor);
      assert.ok(text.includes(newSentence), 'the new sentence is on the public page');
      assert.ok(!text.includes(oldSentence), 'the old sentence is gone from the public page');
    });

    await step(t, 'orchestrator restores the previous revision from the history', async () => {
      await visit(orch, '/fi/admin/pages/about/edit');
      await follow(orch, orch.locator('main a[href="/fi/admin/pages/about/history"]'));
      assert.equal(path(orch), '/fi/admin/pages/about/history');
      const rows = orch.locator('main tbody tr');
      const before = await rows.count();
      assert.ok(before >= 2, 'the history has the edit and the revision before it');
      assert.match(await rows.nth(0).innerText(), new RegExp(`e2e ${suffix}`), 'the newest revision is the edit, with its note');
      assert.equal(await rows.nth(0).locator('button').count(), 0, 'the current revision has no restore button');
      const restore = rows.nth(1).locator('form[action*="/fi/admin/pages/about/restore/"] button[type="submit"]');
      assert.equal(await restore.count(), 1, 'the previous revision has a restore button');
      const resp = await submit(orch, restore);
      assert.equal(resp.status(), 200);
      assert.equal(path(orch), '/fi/admin/pages/about/history');
      assert.equal((await orch.locator('main .flash').innerText()).trim(), 'Aiempi versio palautettiin uusimmaksi versioksi.');
      assert.equal(await rows.count(), before + 1, 'the restore adds a revision; the history keeps the edit');
    });

    await step(t, 'the public page shows the old sentence again', async () => {
      await visit(visitor, '/fi/pages/about');
      const text = await mainText(visitor);
      assert.ok(text.includes(oldSentence), 'the old sentence is back on the public page');
      assert.ok(!text.includes(newSentence), 'the edited sentence is gone');
    });
  } finally {
    await visitorCtx.close();
    await staff?.context.close();
  }
});

test('the news feeds and the sitemap answer with their own content types', async () => {
  const ctx = await newContext(browser, server.baseUrl, { javaScriptEnabled: false });
  try {
    const page = await ctx.newPage();
    for (const lang of ['fi', 'en']) {
      await visit(page, `/${lang}/news`);
      // The feed is linked in the page head and on the page.
      assert.equal(await page.locator(`head link[rel="alternate"][type="application/rss+xml"][href="/${lang}/news/rss.xml"]`).count(), 1);
      assert.equal(await page.locator(`main a[href="/${lang}/news/rss.xml"]`).count(), 1);
      const firstItem = await page.locator('main article.news-item h2 a').first().getAttribute('href');

      const rss = await ctx.request.get(`/${lang}/news/rss.xml`);
      assert.equal(rss.status(), 200);
      assert.match(rss.headers()['content-type'] || '', /rss\+xml/, `RSS content type for ${lang}`);
      const rssBody = await rss.text();
      assert.match(rssBody, /^<\?xml[^>]*\?>\s*<rss[\s>]/, 'the RSS feed is an <rss> document');
      assert.ok((rssBody.match(/<item>/g) || []).length > 0, 'the RSS feed has items');
      assert.ok(rssBody.includes(`${server.baseUrl}${firstItem}`), `the RSS feed links to the newest item with an absolute URL (${firstItem})`);

      const atom = await ctx.request.get(`/${lang}/news/atom.xml`);
      assert.equal(atom.status(), 200);
      assert.match(atom.headers()['content-type'] || '', /atom\+xml/, `Atom content type for ${lang}`);
      assert.match(await atom.text(), /<feed[^>]*xmlns="http:\/\/www\.w3\.org\/2005\/Atom"/);
    }
    const sitemap = await ctx.request.get('/sitemap.xml');
    assert.equal(sitemap.status(), 200);
    assert.match(sitemap.headers()['content-type'] || '', /xml/);
    const sm = await sitemap.text();
    for (const p of ['/fi/pages/about', '/en/pages/about', '/fi/pages/accessibility', '/fi/glossary/industrial-symbiosis', '/en/faq']) {
      assert.ok(sm.includes(`<loc>${server.baseUrl}${p}</loc>`), `the sitemap lists ${p}`);
    }
  } finally {
    await ctx.close();
  }
});

test('screenshots of the website pages for review', async () => {
  const ctx = await newContext(browser, server.baseUrl);
  const staff = await loggedInPage(browser, server.baseUrl, ORCHESTRATOR, 'fi');
  try {
    const page = await ctx.newPage();
    for (const [url, name] of [
      ['/fi/', 'website-home-fi'],
      ['/en/', 'website-home-en'],
      ['/fi/glossary', 'website-glossary-fi'],
      ['/en/news', 'website-news-en'],
    ]) {
      await visit(page, url);
      await screenshot(page, name);
    }
    await visit(staff.page, '/fi/admin/analytics');
    await staff.page.locator('main figure svg').waitFor();
    await screenshot(staff.page, 'website-admin-analytics-fi');
  } finally {
    await ctx.close();
    await staff.context.close();
  }
});
