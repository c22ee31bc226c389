// @ts-check
// Shared test fixtures. Specs import from here instead of '@playwright/test':
//
//   const { test, expect } = require('./fixtures');
//   test('home is accessible', async ({ page, checkA11y }) => {
//     await page.goto('/');
//     await checkA11y(page);                                   // whole page
//     await checkA11y(page, { include: 'main', disableRules: ['region'] });
//   });
const base = require('@playwright/test');
const { AxeBuilder } = require('@axe-core/playwright');

/** WCAG 2.2 AA, including the 2.0/2.1 A and AA rules it builds on. */
const A11Y_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/**
 * One line per violation: id, impact, help, and the CSS targets of each node.
 * @param {import('axe-core').Result[]} violations
 */
function formatViolations(violations) {
  return violations
    .map((v) => {
      const targets = v.nodes.map((n) => JSON.stringify(n.target)).join(', ');
      return `  - [${v.impact ?? 'unknown'}] ${v.id}: ${v.help}\n      targets: ${targets}\n      ${v.helpUrl}`;
    })
    .join('\n');
}

/**
 * Runs axe-core on the page and throws, listing every violation, if any (and checks the weight
 * of passenger pages, see checkWeight).
 * @param {import('@playwright/test').Page} page
 * @param {{ include?: string | string[], exclude?: string | string[], disableRules?: string[] }} [opts]
 * @param {import('@playwright/test').TestInfo} [testInfo] attaches the full axe results when given
 */
/** Passenger pages stay light for slow phones: the page and its assets, as sent. */
const MAX_PAGE_BYTES = 100 * 1024;

/**
 * Bytes of the current document and every resource it loaded, as sent (compressed where the
 * server compresses; cached assets still count). Throws past MAX_PAGE_BYTES on passenger pages.
 * @param {import('@playwright/test').Page} page
 */
async function checkWeight(page) {
  if (new URL(page.url()).pathname.startsWith('/admin')) return 0;
  const bytes = await page.evaluate(() => {
    const size = (e) => e.encodedBodySize || e.transferSize || 0;
    const nav = performance.getEntriesByType('navigation').map(size);
    const res = performance.getEntriesByType('resource').map(size);
    return [...nav, ...res].reduce((a, b) => a + b, 0);
  });
  if (bytes > MAX_PAGE_BYTES) {
    throw new Error(`${page.url()} weighs ${bytes} bytes with its assets (limit ${MAX_PAGE_BYTES})`);
  }
  return bytes;
}

async function checkA11y(page, opts = {}, testInfo) {
  // Pages from setContent (the no-JS audits) have no network entries: nothing to weigh.
  if (page.url().startsWith('http')) await checkWeight(page);
  let builder = new AxeBuilder({ page }).withTags(A11Y_TAGS);
  for (const sel of [opts.include ?? []].flat()) builder = builder.include(sel);
  for (const sel of [opts.exclude ?? []].flat()) builder = builder.exclude(sel);
  if (opts.disableRules?.length) builder = builder.disableRules(opts.disableRules);
  const results = await builder.analyze();
  if (testInfo) {
    await testInfo.attach('axe-results', {
      body: JSON.stringify(results, null, 2),
      contentType: 'application/json',
    });
  }
  if (results.violations.length > 0) {
    throw new Error(
      `${results.violations.length} accessibility violation(s) on ${page.url()}:\n` +
        formatViolations(results.violations),
    );
  }
  return results;
}

/**
 * The newest link starting with `path` in the mail of `kind` sent to `to`, read from the
 * development `.eml` copies the server writes without SMTP (E2E_DATA_DIR/outbox). Null when
 * the suite has no data dir.
 * @param {string} to @param {string} kind @param {string} path
 */
function latestMailLink(to, kind, path) {
  const dir = process.env.E2E_DATA_DIR;
  if (!dir) return null;
  const fs = require('fs');
  const outbox = require('path').join(dir, 'outbox');
  const files = fs
    .readdirSync(outbox)
    .filter((f) => f.endsWith(`-${kind}.eml`))
    .sort((a, b) => parseInt(b, 10) - parseInt(a, 10));
  for (const f of files) {
    const raw = fs.readFileSync(require('path').join(outbox, f), 'latin1');
    // Quoted-printable: soft line breaks, then =XX bytes.
    const text = Buffer.from(
      raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))),
      'latin1',
    ).toString('utf8');
    if (!text.includes(to)) continue;
    const m = text.match(new RegExp(`https?://[^\\s"<>]*${path}[A-Za-z0-9_-]+`));
    if (m) return m[0];
  }
  return null;
}

const test = base.test.extend({
  // `checkA11y(page, opts?)`: same as the exported function, with the axe
  // results attached to the test report.
  checkA11y: async ({}, use, testInfo) => {
    await use((page, opts) => checkA11y(page, opts, testInfo));
  },
});

/**
 * Opens the account just registered for `email` the way its owner does: with the link of the
 * verification email (waits for the server's `.eml` copy).
 * @param {import('@playwright/test').Page} page @param {string} email
 */
async function openRegisteredAccount(page, email) {
  let link = null;
  await base.expect
    .poll(() => {
      link = latestMailLink(email, 'email_verification', '/verify-email/');
      return link;
    }, { timeout: 15000 })
    .not.toBeNull();
  await page.goto(new URL(/** @type {string} */ (link)).pathname);
  await base.expect(page).toHaveURL(/\/account$/);
}

module.exports = { test, expect: base.expect, checkA11y, checkWeight, latestMailLink, openRegisteredAccount, A11Y_TAGS };
