// Questions answered in the platform, keyboard only, with axe on every page
// in Finnish and English: a visitor asks on the FAQ page with an address
// (and consent to keep it), the orchestrator takes the question, answers it
// (the visitor is emailed) and publishes it as an FAQ entry, and the
// visitor finds the answer by search.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useServerAndBrowser,
  newContext,
  visit,
  step,
  loggedInPage,
  expectNoA11yViolations,
  expectErrorSummaryWired,
  pressEnterOn,
  typeInto,
  uniqueSuffix,
  ORCHESTRATOR,
} from './helpers.js';

const env = useServerAndBrowser();
const path = (page) => new URL(page.url()).pathname;

test('a visitor asks with an address, the orchestrator answers and publishes, the visitor finds it (keyboard only)', async (t) => {
  const suffix = uniqueSuffix();
  const word = `kuitukangas${suffix.replace(/[^a-z]/g, '')}`;
  const question = `Who takes ${word} offcuts from a sewing workshop? Call me on 040 765 4321`;
  const address = `asker-${suffix}@example.org`;
  const answer = `Textile recyclers in the directory take ${word} offcuts sorted by fibre.`;

  const visitorCtx = await newContext(env.browser, env.server.baseUrl);
  const visitor = await visitorCtx.newPage();
  let staff;
  try {
    await step(t, 'the FAQ page in both languages', async () => {
      for (const lang of ['fi', 'en']) {
        await visit(visitor, `/${lang}/faq`);
        await expectNoA11yViolations(visitor, `faq ${lang}`);
      }
    });

    await step(t, 'an address without consent is refused beside the field (fi)', async () => {
      await visit(visitor, '/fi/faq');
      await typeInto(visitor, '#f-question', question);
      await typeInto(visitor, '#f-email', address);
      const resp = await pressEnterOn(visitor, visitor.locator('main form[action^="/fi/faq"] button[type="submit"]'));
      assert.equal(resp.status(), 422);
      await expectErrorSummaryWired(visitor);
      assert.equal(await visitor.locator('#f-email').inputValue(), address, 'the address stays');
      assert.equal(await visitor.locator('#f-question').inputValue(), question, 'the question stays');
      await expectNoA11yViolations(visitor, 'faq fi with errors');
    });

    await step(t, 'the visitor asks with an address and consent (en)', async () => {
      await visit(visitor, '/en/faq');
      await typeInto(visitor, '#f-question', question);
      await typeInto(visitor, '#f-email', address);
      await visitor.locator('#f-consent').focus();
      await visitor.keyboard.press('Space');
      assert.ok(await visitor.locator('#f-consent').isChecked());
      const resp = await pressEnterOn(visitor, visitor.locator('main form[action^="/en/faq"] button[type="submit"]'));
      assert.equal(resp.status(), 200);
      assert.match(await visitor.locator('main .flash').innerText(), /Thank you/);
      await expectNoA11yViolations(visitor, 'faq en after asking');
    });

    staff = await loggedInPage(env.browser, env.server.baseUrl, ORCHESTRATOR, 'en');
    const s = staff.page;

    await step(t, 'the orchestrator opens the question from the queue', async () => {
      await visit(s, '/fi/admin/questions?status=new');
      await expectNoA11yViolations(s, 'queue fi');
      await visit(s, '/en/admin/questions?status=new');
      await expectNoA11yViolations(s, 'queue en');
      const link = s.locator('main article', { hasText: word }).locator('a').first();
      await link.focus();
      await Promise.all([s.waitForNavigation({ waitUntil: 'load' }), s.keyboard.press('Enter')]);
      assert.match(path(s), /^\/en\/admin\/questions\/\d+$/);
      assert.ok((await s.locator('main').innerText()).includes(address), 'the answer goes to the address given');
      await expectNoA11yViolations(s, 'question en');
    });
    const questionPath = path(s);

    await step(t, 'takes it and answers; the asker is emailed', async () => {
      await pressEnterOn(s, s.locator('main form[action$="/take"] button'));
      assert.match(await s.locator('main .flash').innerText(), /You are answering/);
      await typeInto(s, '#f-answer', answer);
      const resp = await pressEnterOn(s, s.locator('main form[action$="/answer"] button'));
      assert.equal(resp.status(), 200);
      assert.equal(path(s), questionPath);
      const deadline = Date.now() + 20_000;
      for (;;) {
        await visit(s, '/fi/admin/outbox');
        const mail = s.locator('article.email').filter({ hasText: address }).first();
        if ((await mail.count()) > 0) {
          assert.ok((await mail.innerText()).includes(answer), 'the email carries the answer');
          break;
        }
        if (Date.now() > deadline) assert.fail(`no email to ${address}`);
        await s.waitForTimeout(500);
      }
    });

    await step(t, 'publishes it as an FAQ entry, anonymised (fi page checked too)', async () => {
      await visit(s, questionPath.replace('/en/', '/fi/'));
      await expectNoA11yViolations(s, 'question fi');
      await visit(s, questionPath);
      assert.ok(!(await s.locator('#f-question_en').inputValue()).includes('040'), 'the phone number is out of the draft');
      const topic = s.locator('#f-topic');
      await topic.focus();
      for (let i = 0; i < 10 && (await topic.inputValue()) !== 'materials'; i++) {
        await s.keyboard.press('ArrowDown');
      }
      assert.equal(await topic.inputValue(), 'materials');
      await typeInto(s, '#f-question_fi', `Kuka ottaa vastaan ${word} -leikkuujätettä?`);
      await typeInto(s, '#f-answer_fi', `Hakemiston tekstiilikierrättäjät ottavat ${word} -leikkuujätteen kuiduittain lajiteltuna.`);
      const resp = await pressEnterOn(s, s.locator('main form[action$="/publish"] button'));
      assert.equal(resp.status(), 200);
      assert.equal(path(s), '/en/faq');
      assert.ok((await s.locator('main').innerText()).includes(word));
      await expectNoA11yViolations(s, 'faq en after publishing');
    });

    await step(t, 'the visitor finds the answer by search from the home page', async () => {
      const deadline = Date.now() + 20_000;
      for (;;) {
        await visit(visitor, '/en/');
        await typeInto(visitor, 'main #f-q', word);
        await Promise.all([visitor.waitForNavigation({ waitUntil: 'load' }), visitor.keyboard.press('Enter')]);
        const hit = visitor.locator('main .search-results a[href^="/en/faq#faq-"]');
        if ((await hit.count()) > 0) break;
        if (Date.now() > deadline) assert.fail(`the published answer was not found by search for ${word}`);
        await visitor.waitForTimeout(500);
      }
      await expectNoA11yViolations(visitor, 'search en');
      await visit(visitor, `/fi/search?q=${encodeURIComponent(word)}`);
      assert.ok((await visitor.locator('main .search-results a[href^="/fi/faq#faq-"]').count()) > 0);
      await expectNoA11yViolations(visitor, 'search fi');
    });
  } finally {
    await staff?.context.close();
    await visitorCtx.close();
  }
});
