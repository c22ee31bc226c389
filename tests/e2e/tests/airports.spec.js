// @ts-check
// The airport combobox (assets/js/combobox.js) as a passenger meets it: on the home page's quick
// check, by keyboard, by touch (phone project), with the matched text highlighted, the result
// count announced, the IATA code sent with the form, and no axe-core violation with the list open.
// French pages are asked for with ?lang=fr: the browser's own Accept-Language is English.
const { test, expect } = require('./fixtures');

const FROM = 'Aéroport de départ';
const TO = "Aéroport d'arrivée";

/** The combobox, its listbox and its live region, found by the field's label. */
function widget(page, name) {
  const input = page.getByRole('combobox', { name });
  const list = page.getByRole('listbox', { name });
  const status = page.locator('.ac-combobox', { has: input }).getByRole('status');
  return { input, list, options: list.getByRole('option'), status };
}

test('keyboard: type, ArrowDown, Enter picks Lisbon and fills the hidden code', async ({ page }) => {
  await page.goto('/?lang=fr');
  const from = widget(page, FROM);
  await expect(from.input).toHaveAttribute('aria-expanded', 'false');
  await from.input.click();
  await from.input.pressSequentially('lisb', { delay: 40 });

  await expect(from.list).toBeVisible();
  await expect(from.input).toHaveAttribute('aria-expanded', 'true');
  await expect(from.options.first()).toContainText('(LIS)');
  // The typed part is highlighted, and only at a word start ("(LIS)" does not match "lisb").
  await expect(from.options.first().locator('mark')).toHaveText(['Lisb']);
  // The polite live region announces how many airports were found.
  const count = await from.options.count();
  expect(count).toBeGreaterThan(1);
  await expect(from.status).toHaveText(
    `${count} aéroports trouvés, utilisez les flèches haut et bas pour choisir`,
  );

  await from.input.press('ArrowDown');
  const first = from.options.first();
  await expect(first).toHaveAttribute('aria-selected', 'true');
  await expect(from.input).toHaveAttribute('aria-activedescendant', (await first.getAttribute('id')) ?? '');
  await from.input.press('Enter');

  await expect(from.list).toBeHidden();
  await expect(from.input).toHaveAttribute('aria-expanded', 'false');
  await expect(from.input).toHaveValue(/Lisbon/);
  await expect(page.locator('input[name="from_iata"]')).toHaveValue('LIS');
  await expect(from.input).toBeFocused();
});

test('Escape closes the list and keeps what was typed', async ({ page }) => {
  await page.goto('/?lang=fr');
  const to = widget(page, TO);
  await to.input.click();
  await to.input.pressSequentially('lond', { delay: 40 });
  await expect(to.list).toBeVisible();
  await to.input.press('ArrowDown');
  await to.input.press('Escape');
  await expect(to.list).toBeHidden();
  await expect(to.input).toHaveAttribute('aria-expanded', 'false');
  await expect(to.input).not.toHaveAttribute('aria-activedescendant');
  await expect(to.input).toHaveValue('lond');
  await expect(page.locator('input[name="to_iata"]')).toHaveValue('');
  // ArrowDown opens it again on the same results.
  await to.input.press('ArrowDown');
  await expect(to.list).toBeVisible();
});

test('the quick check sends the chosen airports and their codes to /check', async ({ page }) => {
  await page.goto('/?lang=fr');
  for (const [name, query, code] of [[FROM, 'lisb', 'LIS'], [TO, 'cdg', 'CDG']]) {
    const w = widget(page, name);
    await w.input.click();
    await w.input.pressSequentially(query, { delay: 40 });
    await expect(w.options.first()).toContainText(`(${code})`);
    await w.input.press('ArrowDown');
    await w.input.press('Enter');
    await expect(w.list).toBeHidden();
  }
  await page.getByRole('button', { name: 'Vérifier mon vol' }).click();
  await expect(page).toHaveURL(/\/check\?from=Lisbon[^&]*&from_iata=LIS&to=Paris[^&]*&to_iata=CDG$/);
  // What the passenger sees: the first step already holds both airports (issue #14).
  await expect(page.getByRole('combobox', { name: 'Aéroport de départ' })).toHaveValue(/\(LIS\)/);
  await expect(page.getByRole('combobox', { name: "Aéroport d'arrivée" })).toHaveValue(/\(CDG\)/);
});

test('touch: tapping an option picks it', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'phone', 'touch is tested on the phone project');
  await page.goto('/?lang=fr');
  const to = widget(page, TO);
  await to.input.tap();
  await to.input.pressSequentially('barcel', { delay: 40 });
  const bcn = to.list.getByRole('option', { name: /\(BCN\)/ });
  await expect(bcn).toBeVisible();
  await bcn.tap();
  await expect(to.list).toBeHidden();
  await expect(to.input).toHaveValue(/\(BCN\)/);
  await expect(page.locator('input[name="to_iata"]')).toHaveValue('BCN');
  await expect(to.input).toBeFocused();
});

test('in English the labels and the announcement are English', async ({ page }) => {
  await page.goto('/?lang=en');
  const from = widget(page, 'Departure airport');
  await from.input.click();
  await from.input.pressSequentially('lisb', { delay: 40 });
  await expect(from.options.first()).toContainText('Lisbon');
  const count = await from.options.count();
  await expect(from.status).toContainText(`${count} airports found`);
});

test('axe-core finds no violation with the list open', async ({ page, checkA11y }, testInfo) => {
  await page.goto('/?lang=fr');
  const from = widget(page, FROM);
  await from.input.click();
  await from.input.pressSequentially('par', { delay: 40 });
  await expect(from.list).toBeVisible();
  await from.input.press('ArrowDown');
  await expect(from.options.first()).toHaveAttribute('aria-selected', 'true');
  await checkA11y(page);
  await page.screenshot({ path: `test-results/airports-open-${testInfo.project.name}.png` });
});
