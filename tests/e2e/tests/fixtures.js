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
    const m = text.match(new RegExp(`https?://[^\\s"<>]*${path}[A-Za-z0-9_-]+(?:\\?[A-Za-z0-9_%.=&-]+)?`));
    if (m) return m[0];
  }
  return null;
}

const ADMIN_EMAIL = process.env.E2E_ADMIN_EMAIL || 'admin@e2e.example';
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n' +
    '2 0 obj <</Type/Pages/Kids[3 0 R]/Count 1>> endobj\n' +
    '3 0 obj <</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n',
);
const ADMIN_PASSWORD = process.env.E2E_ADMIN_PASSWORD || 'e2e admin passphrase 2026';

/** The wizard in French, from /check's answer to the claim page; returns the claim's URL. */
async function fileClaim(page, email, lastName) {
  await page.goto('/check?lang=fr');
  await page.getByLabel('Numéro de vol').fill('AF 006');
  await page.getByLabel('Date de départ prévue').fill('2025-05-14');
  await page.locator('#leg0-from').fill('CDG');
  await page.locator('#leg0-to').fill('JFK');
  await page.getByLabel('Heure de départ prévue').fill('10:30');
  await page.getByLabel("Heure d'arrivée prévue").fill('12:55');
  await page.getByRole('button', { name: 'Continuer' }).click();
  await page.getByLabel('Mon vol est arrivé en retard').check();
  await page.getByRole('button', { name: 'Continuer' }).click();
  await page.getByLabel('Heures').fill('4');
  await page.getByLabel('Minutes').fill('0');
  await page.getByLabel('Quelle raison la compagnie vous a-t-elle donnée ?').selectOption('technical');
  await page.getByRole('button', { name: 'Voir le résultat' }).click();
  await page.getByRole('link', { name: 'Lancer ma réclamation' }).click();
  await page.getByRole('button', { name: 'Continuer' }).click();
  await page.getByRole('button', { name: 'Voir le résultat' }).click();
  await page.getByRole('button', { name: 'Continuer' }).click();
  await page.getByLabel('Référence de réservation').fill('K7QX2M');
  await page.getByLabel('Prénom').first().fill('Lucie');
  await page.getByLabel('Nom', { exact: true }).first().fill(lastName);
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByRole('button', { name: 'Continuer' }).click();
  // Documents later (the team asks for them below); the mandate is signed.
  await base.expect(page).toHaveURL(/\/claims\/new\/documents$/);
  await page.getByRole('button', { name: 'Continuer', exact: true }).click();
  await base.expect(page).toHaveURL(/\/claims\/new\/mandate$/);
  await page.locator('#sign0-name').fill(`Lucie ${lastName}`);
  await page.locator('#sign0-consent').check();
  await page.getByRole('button', { name: 'Signer et continuer' }).click();
  await page.getByLabel('IBAN').fill('FR76 3000 6000 0112 3456 7890 189');
  await page.getByLabel('Titulaire du compte').fill(`Lucie ${lastName}`);
  await page.getByRole('button', { name: 'Continuer' }).click();
  await page.getByRole('button', { name: 'Envoyer ma demande' }).click();
  await base.expect(page).toHaveURL(/\/claims\/FC-[2-9A-Z]{6}$/);
  return page.url();
}

async function signInStaff(page) {
  await page.goto('/admin/login?lang=fr');
  await page.getByLabel(/Adresse e-mail|Email address/).fill(ADMIN_EMAIL);
  await page.getByLabel(/Mot de passe|Password/).fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: /Se connecter|Sign in/ }).click();
  await base.expect(page).toHaveURL(/\/admin$/);
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

/**
 * axe-core needs JavaScript in the page, so a no-JavaScript page is audited by loading the exact
 * HTML it received, scripts removed, into a JavaScript-enabled page of the same origin (so that
 * its CSS applies) with the same viewport.
 * @param {import('@playwright/test').Page} page
 * @param {import('@playwright/test').Browser} browser
 */
async function checkA11yWithoutJs(page, browser, checkA11y) {
  const html = (await page.content()).replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '');
  const context = await browser.newContext({
    baseURL: test.info().project.use.baseURL,
    viewport: page.viewportSize(),
    javaScriptEnabled: true, // contexts made in a test otherwise inherit test.use()
  });
  try {
    const copy = await context.newPage();
    await copy.goto('/faq');
    await copy.setContent(html, { waitUntil: 'load' });
    await checkA11y(copy);
  } finally {
    await context.close();
  }
}

module.exports = {
  checkA11yWithoutJs,
  test,
  expect: base.expect,
  checkA11y,
  checkWeight,
  latestMailLink,
  openRegisteredAccount,
  fileClaim,
  signInStaff,
  ADMIN_EMAIL,
  PDF,
  A11Y_TAGS,
};
