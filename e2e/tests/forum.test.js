// The expert forum in a real browser.
//
// 1. axe finds no WCAG 2.1 A/AA violations on the forum pages (front page,
//    category, topic, thread), in Finnish and in English, as a visitor.
// 2. A member starts a closed discussion, invites an organisation, replies
//    and opens the discussion to everyone, with the keyboard only; the
//    new-thread form shown again with errors passes axe too.
// 3. A visitor cannot see the closed discussion, and sees it once it is open.

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
  ORCHESTRATOR,
  submit,
  pressEnterOn,
  typeInto,
} from './helpers.js';

const env = useServerAndBrowser();

for (const lang of LANGS) {
  test(`forum pages pass axe as a visitor (${lang})`, async (t) => {
    const { browser, server } = env;
    const ctx = await newContext(browser, server.baseUrl);
    const page = await ctx.newPage();
    try {
      const audit = async (label, open, shot) => {
        await t.test(label, async () => {
          await open(page);
          await page.locator('main h1').first().waitFor();
          if (shot && lang === 'fi') await screenshot(page, shot);
          await expectNoA11yViolations(page, label);
        });
      };
      await audit(`${lang} forum`, async (p) => {
        await visit(p, `/${lang}/forum`);
        assert.ok((await p.locator('main ul.cards li').count()) >= 5, 'the categories are listed');
        assert.ok((await p.locator('main ul.threads li').count()) >= 10, 'the latest threads are listed');
      }, 'forum-fi');
      await audit(`${lang} forum category`, async (p) => {
        await visit(p, `/${lang}/forum`);
        await follow(p, p.locator('main ul.cards h3 a').first());
        assert.match(new URL(p.url()).pathname, new RegExp(`^/${lang}/forum/categories/`));
      }, 'forum-category-fi');
      await audit(`${lang} forum topic`, async (p) => {
        await visit(p, `/${lang}/forum`);
        await follow(p, p.locator('main ul.tags a').first());
        assert.match(new URL(p.url()).pathname, new RegExp(`^/${lang}/forum/tags/`));
      });
      await audit(`${lang} forum thread`, async (p) => {
        await visit(p, `/${lang}/forum`);
        await follow(p, p.locator('main ul.threads h3 a').first());
        assert.ok((await p.locator('main article.forum-reply').count()) >= 1, 'the thread shows its replies');
        assert.equal(await p.locator('main form[action$="/reply"]').count(), 0, 'visitors get a login link, not a form');
      }, 'forum-thread-fi');
    } finally {
      await ctx.close();
    }
  });
}

test('a member starts a closed discussion, invites, replies and opens it, with the keyboard', async (t) => {
  const { browser, server } = env;
  const { context, page } = await loggedInPage(browser, server.baseUrl, PURKUTAITO_ADMIN, 'fi');
  const visitor = await newContext(browser, server.baseUrl);
  const vpage = await visitor.newPage();
  const title = `Luottamuksellinen purkumateriaalikysely ${uniqueSuffix()}`;
  let threadPath;
  try {
    await step(t, 'the empty form comes back with its errors', async () => {
      await visit(page, '/fi/forum/new');
      const resp = await pressEnterOn(page, page.locator('main form button[type="submit"]'));
      assert.equal(resp.status(), 422);
      await expectErrorSummaryWired(page);
      await expectNoA11yViolations(page, 'new thread with errors');
    });
    await step(t, 'the thread is written and published with the keyboard', async () => {
      await page.locator('#f-category').focus();
      await page.keyboard.press('ArrowDown');
      assert.notEqual(await page.locator('#f-category').inputValue(), '', 'a category is chosen with the arrow key');
      await typeInto(page, '#f-title', title);
      await typeInto(page, '#f-body', 'Purkukohteesta vapautuu **teräspalkkeja**. Kuka voisi ottaa ne uudelleenkäyttöön?');
      await page.locator('#tags-materiaalit').focus();
      await page.keyboard.press('Space');
      await page.locator('#f-closed').focus();
      await page.keyboard.press('Space');
      assert.ok(await page.locator('#f-closed').isChecked());
      const resp = await pressEnterOn(page, page.locator('main form button[type="submit"]'));
      assert.equal(resp.status(), 200);
      threadPath = new URL(page.url()).pathname;
      assert.match(threadPath, /^\/fi\/forum\/threads\/\d+$/);
      assert.equal((await page.locator('main h1').innerText()).trim(), title);
      await page.locator('main .notice').first().waitFor();
      await screenshot(page, 'forum-closed-thread-fi');
      await expectNoA11yViolations(page, 'closed thread, owner');
    });
    await step(t, 'a visitor does not see it', async () => {
      await visit(vpage, threadPath, 404);
      await visit(vpage, '/fi/forum');
      assert.equal(await vpage.locator(`main a:has-text("${title}")`).count(), 0);
    });
    await step(t, 'a whole organisation is invited', async () => {
      await typeInto(page, '#f-who', 'sivuvirtapaja');
      const resp = await pressEnterOn(page, page.locator('main form[action$="/invite"] button'));
      assert.equal(resp.status(), 200);
      assert.match(await page.locator('#participants').innerText(), /Sivuvirtapaja/);
    });
    await step(t, 'a suggested expert is linked', async () => {
      const suggested = page.locator('#experts form[action$="/experts"] input[name="expert"][type="hidden"]');
      assert.ok((await suggested.count()) > 0, 'the directory has experts for demolition materials');
      const resp = await pressEnterOn(page, page.locator('#experts li form button').first());
      assert.equal(resp.status(), 200);
      assert.ok((await page.locator('#experts ul').first().locator('li').count()) >= 1, 'the expert is listed');
      await expectNoA11yViolations(page, 'thread with a linked expert');
    });
    await step(t, 'the owner replies', async () => {
      await typeInto(page, 'main form[action$="/reply"] textarea', 'Palkkeja on noin 40 tonnia, toimitus keväällä.');
      const resp = await pressEnterOn(page, page.locator('main form[action$="/reply"] button'));
      assert.equal(resp.status(), 200);
      assert.match(await page.locator('main article.forum-reply').last().innerText(), /40 tonnia/);
    });
    await step(t, 'the owner opens it to everyone, and the visitor sees it', async () => {
      const resp = await pressEnterOn(page, page.locator('main form[action$="/closed"] button'));
      assert.equal(resp.status(), 200);
      await expectNoA11yViolations(page, 'open thread, owner');
      await visit(vpage, threadPath);
      assert.equal((await vpage.locator('main h1').innerText()).trim(), title);
    });
  } finally {
    await visitor.close();
    await context.close();
  }
});

test('reporting, editing, history and the moderation queue pass axe', async (t) => {
  const { browser, server } = env;
  const member = await loggedInPage(browser, server.baseUrl, PURKUTAITO_ADMIN, 'fi');
  const staff = await loggedInPage(browser, server.baseUrl, ORCHESTRATOR, 'fi');
  try {
    const m = member.page;
    const o = staff.page;
    let threadPath;
    await step(t, 'a member reports a reply (the empty form first)', async () => {
      await visit(m, '/fi/forum');
      await follow(m, m.locator('main ul.threads h3 a').nth(2));
      threadPath = new URL(m.url()).pathname;
      await follow(m, m.locator('main article.forum-reply .actions a[href*="/report?post="]').first());
      await expectNoA11yViolations(m, 'report form');
      const bad = await submit(m, m.locator('main form button[type="submit"]'));
      assert.equal(bad.status(), 422);
      await expectErrorSummaryWired(m);
      await expectNoA11yViolations(m, 'report form with errors');
      await m.locator('#f-reason').fill('Mainos, ei liity aiheeseen.');
      const ok = await submit(m, m.locator('main form button[type="submit"]'));
      assert.equal(ok.status(), 200);
      assert.equal(new URL(m.url()).pathname, threadPath);
    });
    await step(t, 'the orchestrator sees it in the queue', async () => {
      await visit(o, '/fi/admin/forum');
      assert.match(await o.locator('main').innerText(), /Mainos, ei liity aiheeseen/);
      await screenshot(o, 'forum-queue-fi');
      await expectNoA11yViolations(o, 'moderation queue');
    });
    await step(t, 'the thread with moderation tools, the edit form and the history pass axe', async () => {
      await visit(o, threadPath);
      await o.locator('main section.moderation').waitFor();
      await expectNoA11yViolations(o, 'thread with moderation tools');
      await follow(o, o.locator(`main a[href="${threadPath}/edit"]`));
      await expectNoA11yViolations(o, 'edit form');
      await visit(o, `${threadPath}/history`);
      await expectNoA11yViolations(o, 'edit history');
    });
    await step(t, 'areas and topics are managed by the orchestrator', async () => {
      await visit(o, '/fi/admin/forum/areas');
      await expectNoA11yViolations(o, 'areas and topics');
      await visit(o, '/fi/admin/forum/areas/new');
      const bad = await submit(o, o.locator('main form button[type="submit"]'));
      assert.equal(bad.status(), 422);
      await expectErrorSummaryWired(o);
      await expectNoA11yViolations(o, 'new area with errors');
    });
  } finally {
    await member.context.close();
    await staff.context.close();
  }
});

test('watching, notifications, settings and a reply with an image, with the keyboard; axe on each', async (t) => {
  const { browser, server } = env;
  const member = await loggedInPage(browser, server.baseUrl, PURKUTAITO_ADMIN, 'fi');
  const page = member.page;
  try {
    for (const lang of LANGS) {
      await step(t, `${lang} notification list and settings pass axe`, async () => {
        await visit(page, `/${lang}/notifications`);
        await page.locator('main h1').waitFor();
        if (lang === 'fi') await screenshot(page, 'forum-notifications-fi');
        await expectNoA11yViolations(page, `${lang} notifications`);
        await visit(page, `/${lang}/notifications/settings`);
        await expectNoA11yViolations(page, `${lang} notification settings`);
      });
    }
    await step(t, 'an area is watched with the keyboard', async () => {
      await visit(page, '/fi/forum/categories/materiaalit-ja-sivuvirrat');
      const resp = await pressEnterOn(page, page.locator('main form.watch button'));
      assert.equal(resp.status(), 200);
      assert.match(await page.locator('#watch').innerText(), /Seuraat tätä/);
      await expectNoA11yViolations(page, 'area, watched');
    });
    await step(t, 'immediate email is chosen with the keyboard', async () => {
      await visit(page, '/fi/notifications/settings');
      await page.locator('#mode-immediate').focus();
      await page.keyboard.press('Space');
      assert.ok(await page.locator('#mode-immediate').isChecked());
      const resp = await pressEnterOn(page, page.locator('main form[action$="/settings"] button'));
      assert.equal(resp.status(), 200);
      assert.ok(await page.locator('#mode-immediate').isChecked(), 'the choice is kept');
      assert.match(await page.locator('main').innerText(), /Materiaalit/, 'the watched area is listed');
      await expectNoA11yViolations(page, 'settings saved');
    });
    await step(t, 'a reply quotes another and carries an image shown inline', async () => {
      await visit(page, '/fi/forum/categories/materiaalit-ja-sivuvirrat');
      await follow(page, page.locator('main ul.threads h3 a').first());
      await follow(page, page.locator('main article.forum-reply .actions a[href*="quote="]').first());
      const typed = await page.locator('main form[action$="/reply"] textarea').inputValue();
      assert.match(typed, /^> \*\*/, 'the quoted reply is in the form');
      await page.locator('main form[action$="/reply"] textarea').focus();
      await page.keyboard.press('Control+End');
      await page.keyboard.type('Tässä kuva kasasta.');
      const png = Buffer.from(
        'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
        'base64',
      );
      await page.locator('#f-attachment').setInputFiles({ name: 'kasa.png', mimeType: 'image/png', buffer: png });
      const resp = await pressEnterOn(page, page.locator('main form[action$="/reply"] button[type="submit"]'));
      assert.equal(resp.status(), 200);
      const last = page.locator('main article.forum-reply').last();
      assert.match(await last.innerText(), /Tässä kuva kasasta/);
      const img = last.locator('ul.attachments img');
      assert.equal(await img.count(), 1, 'the image is shown inline');
      assert.ok(await img.evaluate((el) => el.complete && el.naturalWidth === 1), 'the image loads');
      await screenshot(page, 'forum-reply-with-image-fi');
      await expectNoA11yViolations(page, 'thread with an attached image');
    });
    await step(t, 'the settings go back to the daily digest', async () => {
      await visit(page, '/fi/notifications/settings');
      await page.locator('#mode-digest').check();
      await submit(page, page.locator('main form[action$="/settings"] button'));
    });
  } finally {
    await member.context.close();
  }
});
