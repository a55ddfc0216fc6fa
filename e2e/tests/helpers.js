// Shared helpers for the Kimppa browser tests: a real server on a fresh
// database, Debian's chromium through playwright-core, TOTP, logins, axe.

import { before, after } from 'node:test';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

const here = path.dirname(fileURLToPath(import.meta.url));
export const E2E_DIR = path.resolve(here, '..');
export const RESULTS_DIR = path.join(E2E_DIR, 'test-results');

export const DEMO_PASSWORD = 'kimppa-demo-2026';
export const ORCHESTRATOR = {
  email: 'orkestroija@kimppa.example.fi',
  password: DEMO_PASSWORD,
  totp: 'KIMPPADEMOORKESTROIJAQRSTUVWXYZ2',
};
export const OPERATOR = {
  email: 'operaattori@kimppa.example.fi',
  password: DEMO_PASSWORD,
  totp: 'KIMPPADEMOOPERAATTORIABCDEFGHIJ3',
};
/** Admin of the approved demo organisation `purkutaito`. */
export const PURKUTAITO_ADMIN = {
  email: 'tuomas.haapala@purkutaito.example.fi',
  password: DEMO_PASSWORD,
};
/** Admin of the demo organisation `muhoksen-kunta`, whose membership is "none". */
export const MUHOS_ADMIN = {
  email: 'hanna.kokko@muhoksen-kunta.example.fi',
  password: DEMO_PASSWORD,
  org: 'muhoksen-kunta',
};

/** Admin of the approved anchor company `pohjoisrakenne`. */
export const POHJOISRAKENNE_ADMIN = {
  email: 'teemu.vesala@pohjoisrakenne.example.fi',
  password: DEMO_PASSWORD,
};
/** Admin of the approved demo organisation `kiertoneuvo`. */
export const KIERTONEUVO_ADMIN = {
  email: 'saara.makela@kiertoneuvo.example.fi',
  password: DEMO_PASSWORD,
};

export const LANGS = ['fi', 'en'];

// ---------------------------------------------------------------- server

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `kimppa serve` in a fresh temporary directory (so it creates a new
 * SQLite database and loads the demo data) on a free port, and waits for
 * `/readyz`. Returns `{ baseUrl, dir, stop }`.
 */
export async function startServer() {
  const bin = path.resolve(E2E_DIR, process.env.KIMPPA_BIN || '../target/debug/kimppa');
  if (!fs.existsSync(bin)) {
    throw new Error(`kimppa binary not found at ${bin} (build it with \`cargo build -p kimppa\` or set KIMPPA_BIN)`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kimppa-e2e-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const logPath = path.join(dir, 'server.log');
  const log = fs.openSync(logPath, 'a');
  const child = spawn(bin, ['serve'], {
    cwd: dir,
    env: {
      ...process.env,
      KIMPPA_LISTEN: `127.0.0.1:${port}`,
      KIMPPA_BASE_URL: baseUrl,
      KIMPPA_SECURE_COOKIES: 'false',
    },
    stdio: ['ignore', log, log],
  });
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });

  const tail = () => {
    try {
      return fs.readFileSync(logPath, 'utf8').split('\n').slice(-30).join('\n');
    } catch {
      return '';
    }
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) {
      throw new Error(`kimppa exited early (${JSON.stringify(exited)}); log:\n${tail()}`);
    }
    try {
      const r = await fetch(`${baseUrl}/readyz`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`kimppa did not become ready in 60 s; log:\n${tail()}`);
    }
    await sleep(200);
  }

  async function stop() {
    if (!exited) {
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timedOut = await Promise.race([done.then(() => false), sleep(10_000).then(() => true)]);
      if (timedOut) {
        child.kill('SIGKILL');
        await done;
      }
    }
    fs.closeSync(log);
    if (process.env.KEEP_E2E_DATA) {
      console.log(`server data kept in ${dir}`);
    } else {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  return { baseUrl, dir, logPath, stop };
}

// ---------------------------------------------------------------- browser

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
    ],
  });
}

/**
 * A new browser context bound to the server. Options are passed to
 * `browser.newContext` (e.g. `{ javaScriptEnabled: false }`).
 */
export async function newContext(browser, baseUrl, options = {}) {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: { width: 1280, height: 900 },
    ...options,
  });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(20_000);
  return context;
}

/** Navigates and asserts the HTTP status (200 unless told otherwise). */
export async function visit(page, url, status = 200) {
  const resp = await page.goto(url);
  assert.ok(resp, `no response for ${url}`);
  assert.equal(resp.status(), status, `GET ${url}: expected HTTP ${status}, got ${resp.status()}`);
  return resp;
}

/**
 * Clicks a submit button and waits for the resulting navigation; returns
 * the main-frame response so callers can assert its status.
 */
export async function submit(page, button) {
  const [resp] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    button.click(),
  ]);
  return resp;
}

/** Runs one named step of a longer test; a failure names the step. */
export async function step(t, name, fn) {
  t.diagnostic(`step: ${name}`);
  try {
    return await fn();
  } catch (e) {
    e.message = `[${name}] ${e.message}`;
    throw e;
  }
}

/**
 * Clicks a link and waits for the page it leads to; asserts the status
 * (200 unless told otherwise) and returns the response.
 */
export async function follow(page, link, status = 200) {
  const [resp] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), link.click()]);
  assert.ok(resp, `following a link on ${page.url()} gave no response`);
  assert.equal(resp.status(), status, `following a link to ${page.url()}: expected HTTP ${status}, got ${resp.status()}`);
  return resp;
}

/** True when some of the element is inside the viewport (no scrolling needed to see it). */
export async function inViewport(locator) {
  const box = await locator.boundingBox();
  const vp = locator.page().viewportSize();
  return !!box && box.height > 0 && box.y < vp.height && box.y + box.height > 0;
}

/**
 * Registers `before`/`after` hooks for the calling test file: one server on a
 * fresh database and one browser, shared by the file's tests and closed at
 * the end. Returns an object whose `server` and `browser` are set once the
 * `before` hook has run (read them inside tests, not at module level).
 */
export function useServerAndBrowser() {
  const env = { server: null, browser: null };
  before(async () => {
    env.server = await startServer();
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  return env;
}

// ---------------------------------------------------------------- TOTP

function base32Decode(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const clean = s.toUpperCase().replace(/=+$/, '').replace(/\s+/g, '');
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of clean) {
    const idx = alphabet.indexOf(ch);
    if (idx < 0) throw new Error(`invalid base32 character ${ch}`);
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 6238 TOTP: SHA-1, 6 digits, 30 s steps. */
export function totp(secretBase32, time = Date.now()) {
  const key = base32Decode(secretBase32);
  const counter = Math.floor(time / 1000 / 30);
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const h = crypto.createHmac('sha1', key).update(msg).digest();
  const offset = h[h.length - 1] & 0x0f;
  const bin = ((h[offset] & 0x7f) << 24) | (h[offset + 1] << 16) | (h[offset + 2] << 8) | h[offset + 3];
  return String(bin % 1_000_000).padStart(6, '0');
}

// ---------------------------------------------------------------- logins

/**
 * Logs in through the login form (and the TOTP step when `user.totp` is
 * given). Ends on the page the login redirects to.
 */
export async function login(page, user, lang = 'fi') {
  await visit(page, `/${lang}/login`);
  const form = page.locator(`main form[action="/${lang}/login"]`);
  await form.locator('#f-email').fill(user.email);
  await form.locator('#f-password').fill(user.password);
  let resp = await submit(page, form.locator('button[type="submit"]'));
  if (user.totp) {
    assert.match(new URL(page.url()).pathname, new RegExp(`^/${lang}/login/totp$`), `expected the TOTP step after the password for ${user.email}, got ${page.url()}`);
    const totpForm = page.locator(`main form[action="/${lang}/login/totp"]`);
    await totpForm.locator('#f-code').fill(totp(user.totp));
    resp = await submit(page, totpForm.locator('button[type="submit"]'));
  }
  assert.equal(resp.status(), 200, `login of ${user.email} ended with HTTP ${resp.status()} at ${page.url()}`);
  const p = new URL(page.url()).pathname;
  assert.ok(!p.startsWith(`/${lang}/login`), `login of ${user.email} did not succeed; still at ${page.url()}`);
  // The header shows the logout button once logged in.
  await page.locator(`header form[action="/${lang}/logout"] button`).waitFor();
}

/** Presses Enter on a focused button and waits for the page it leads to. */
export async function pressEnterOn(page, button) {
  await button.focus();
  const [resp] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
  return resp;
}

/** Types into a field the keyboard way: focus, then keys. */
export async function typeInto(page, selector, text) {
  await page.locator(selector).focus();
  await page.keyboard.type(text);
}

/** A new context and page, logged in as `user`. */
export async function loggedInPage(browser, baseUrl, user, lang = 'fi', options = {}) {
  const context = await newContext(browser, baseUrl, options);
  const page = await context.newPage();
  await login(page, user, lang);
  return { context, page };
}

// ---------------------------------------------------------------- axe

function formatViolations(violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .map((n) => `      - ${n.target.join(' ')}\n        ${(n.failureSummary || '').replace(/\n/g, '\n        ')}`)
        .join('\n');
      return `  [${v.impact}] ${v.id}: ${v.help}\n    ${v.helpUrl}\n${nodes}`;
    })
    .join('\n');
}

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA rules) on the current page and
 * asserts that there are no violations.
 */
export async function expectNoA11yViolations(page, label = page.url()) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  if (results.violations.length > 0) {
    const report = formatViolations(results.violations);
    console.log(`axe violations on ${label} (${page.url()}):\n${report}`);
    assert.fail(`${results.violations.length} accessibility violation(s) on ${label} (${page.url()}):\n${report}`);
  }
  return results;
}

// ---------------------------------------------------------------- form errors

/**
 * Checks the error-summary pattern of the current page: there is an error
 * summary, each of its links points to a form control (or a fieldset) on the
 * page, and that control shows its own error beside it — the control is
 * marked `aria-invalid="true"` and described by a visible `.error-message`.
 * Returns the number of errors.
 */
export async function expectErrorSummaryWired(page) {
  const summary = page.locator('.error-summary');
  assert.equal(await summary.count(), 1, `expected one error summary on ${page.url()}`);
  const problems = await page.evaluate(() => {
    const out = [];
    const links = [...document.querySelectorAll('.error-summary a')];
    if (links.length === 0) out.push('the error summary has no links');
    for (const a of links) {
      const href = a.getAttribute('href') || '';
      const label = `summary link ${JSON.stringify(a.textContent.trim())} (${href})`;
      if (!href.startsWith('#')) {
        out.push(`${label} is not a link to the field`);
        continue;
      }
      const target = document.getElementById(decodeURIComponent(href.slice(1)));
      if (!target) {
        out.push(`${label} points to nothing`);
        continue;
      }
      const visible = (el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
      };
      if (target.tagName === 'FIELDSET') {
        const msg = target.querySelector('.error-message');
        if (!msg || !visible(msg)) out.push(`${label}: the fieldset shows no error message`);
        continue;
      }
      if (!['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName)) {
        out.push(`${label} points to a <${target.tagName.toLowerCase()}>, not to the form control`);
        continue;
      }
      if (target.getAttribute('aria-invalid') !== 'true') out.push(`${label}: the control is not aria-invalid`);
      const described = (target.getAttribute('aria-describedby') || '')
        .split(/\s+/)
        .filter(Boolean)
        .map((id) => document.getElementById(id))
        .filter(Boolean);
      const msg = described.find((el) => el.classList.contains('error-message'));
      if (!msg) out.push(`${label}: the control is not described by an error message beside it`);
      else if (!visible(msg)) out.push(`${label}: the error message beside the control is not visible`);
    }
    return out;
  });
  assert.deepEqual(problems, [], `error summary problems on ${page.url()}:\n  ${problems.join('\n  ')}`);
  return summary.locator('a').count();
}

// ---------------------------------------------------------------- screenshots

/** Saves a full-page PNG to e2e/test-results/NAME.png and returns its path. */
export async function screenshot(page, name) {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name.replace(/[^a-zA-Z0-9_.-]+/g, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// ---------------------------------------------------------------- data

/** A valid Finnish Business ID (Y-tunnus) with a random body. */
export function randomBusinessId() {
  const weights = [7, 9, 10, 5, 8, 4, 2];
  for (;;) {
    const body = String(crypto.randomInt(1_000_000, 10_000_000));
    const sum = [...body].reduce((acc, d, i) => acc + Number(d) * weights[i], 0);
    const r = sum % 11;
    if (r === 1) continue;
    const check = r === 0 ? 0 : 11 - r;
    return `${body}-${check}`;
  }
}

/** A short random suffix for unique names and addresses. */
export function uniqueSuffix() {
  return `${Date.now().toString(36)}${crypto.randomBytes(3).toString('hex')}`;
}

/**
 * As the orchestrator, finds the newest email to `to` in /admin/outbox and
 * returns the first link in its body matching `re`. Emails are written by a
 * background job, so the page is reloaded until it shows up.
 */
export async function linkFromOutbox(page, to, re) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    await visit(page, '/fi/admin/outbox');
    const mail = page.locator('article.email').filter({ hasText: to }).first();
    if ((await mail.count()) > 0) {
      const body = await mail.locator('.email-body').innerText();
      const m = body.match(re);
      assert.ok(m, `the email to ${to} has no link matching ${re}:\n${body}`);
      return m[0];
    }
    if (Date.now() > deadline) assert.fail(`no email to ${to} appeared in /admin/outbox`);
    await page.waitForTimeout(500);
  }
}
