// @ts-check
// The web shell as a first-time visitor meets it: home in both languages, the language switch,
// content pages, the translated 404, and accessibility on each.
const { test, expect } = require('./fixtures');

test('home renders in French by default and is accessible', async ({ page, checkA11y }, testInfo) => {
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('600 €');
  await expect(page.getByRole('link', { name: 'Vérifier mon vol' }).first()).toBeVisible();
  await expect(page.getByRole('link', { name: 'Déposer une réclamation' })).toHaveAttribute('href', '/claims/new');
  await expect(page.getByRole('table')).toContainText('250 €');
  await checkA11y(page);
  await page.screenshot({ path: `../../docs/screenshots/home-fr-${testInfo.project.name}.png`, fullPage: true });
});

test('the language switch turns the site English and sticks', async ({ page, checkA11y }, testInfo) => {
  await page.goto('/');
  await page.getByRole('link', { name: /English/ }).click();
  await expect(page).toHaveURL(/lang=en/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('link', { name: 'Check my flight' }).first()).toBeVisible();
  await checkA11y(page);
  await page.screenshot({ path: `../../docs/screenshots/home-en-${testInfo.project.name}.png`, fullPage: true });

  // Following links keeps English without ?lang=.
  await page.getByRole('link', { name: 'Privacy' }).click();
  await expect(page).toHaveURL(/\/privacy$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Privacy policy');
  await checkA11y(page);

  // And back to French.
  await page.getByRole('link', { name: /Français/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Politique de confidentialité');
});

test('the English home page follows the browser language', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'en-GB' });
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await context.close();
});

for (const path of ['/faq', '/privacy', '/terms', '/legal']) {
  test(`content page ${path} is accessible in both languages`, async ({ page, checkA11y }) => {
    for (const lang of ['fr', 'en']) {
      await page.goto(`${path}?lang=${lang}`);
      await expect(page.locator('html')).toHaveAttribute('lang', lang);
      await expect(page.getByRole('heading', { level: 2 }).first()).toBeVisible();
      await checkA11y(page);
    }
  });
}

test('a missing page is a translated 404 with the request id', async ({ page, checkA11y }) => {
  const res = await page.goto('/no-such-page?lang=fr');
  expect(res?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page introuvable');
  await expect(page.getByText(/Référence de la requête/)).toBeVisible();
  await checkA11y(page);
  const en = await page.goto('/no-such-page?lang=en');
  expect(en?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
});

test('skip link moves focus to the main content', async ({ page, browserName }, testInfo) => {
  test.skip(testInfo.project.name === 'phone', 'keyboard navigation is a desktop concern');
  await page.goto('/?lang=en');
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('#main')).toBeFocused();
});
