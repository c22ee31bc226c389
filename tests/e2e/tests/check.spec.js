// @ts-check
// The eligibility checker (/check) as passengers use it: a 4-hour delay CDG→JFK in French and
// in English with the airport combobox driven by the keyboard, an ineligible case explained,
// field errors, and the whole flow again without JavaScript. axe-core on every step.
const { test, expect, checkA11yWithoutJs } = require('./fixtures');

const TEXT = {
  fr: {
    flight: 'Numéro de vol',
    date: 'Date de départ prévue',
    from: 'Aéroport de départ',
    to: "Aéroport d'arrivée",
    dep: 'Heure de départ prévue',
    arr: "Heure d'arrivée prévue",
    next: 'Continuer',
    delay: 'Mon vol est arrivé en retard',
    hours: 'Heures',
    minutes: 'Minutes',
    reason: 'Quelle raison la compagnie vous a-t-elle donnée ?',
    submit: 'Voir le résultat',
    eligible: 'Bonne nouvelle',
    ineligible: "Pas d'indemnisation pour ce vol",
    claim: 'Lancer ma réclamation',
    problem: 'Il y a un problème',
  },
  en: {
    flight: 'Flight number',
    date: 'Scheduled departure date',
    from: 'Departure airport',
    to: 'Arrival airport',
    dep: 'Scheduled departure time',
    arr: 'Scheduled arrival time',
    next: 'Continue',
    delay: 'My flight arrived late',
    hours: 'Hours',
    minutes: 'Minutes',
    reason: 'What reason did the airline give?',
    submit: 'See the result',
    eligible: 'Good news',
    ineligible: 'No compensation for this flight',
    claim: 'Start my claim',
    problem: 'There is a problem',
  },
};

/**
 * Types `query` in the airport combobox, then moves down the list with the keyboard until the
 * option for `code` is active and picks it with Enter.
 * @param {import('@playwright/test').Page} page
 */
async function pickAirport(page, label, query, code) {
  const input = page.getByRole('combobox', { name: label });
  await input.click();
  await input.pressSequentially(query, { delay: 40 });
  await expect(page.getByRole('option', { name: new RegExp(`\\(${code}\\)`) })).toBeVisible();
  for (let i = 0; i < 8; i += 1) {
    await input.press('ArrowDown');
    const active = await input.getAttribute('aria-activedescendant');
    if (active && (await page.locator(`[id="${active}"]`).innerText()).includes(`(${code})`)) break;
  }
  await input.press('Enter');
  await expect(input).toHaveValue(new RegExp(`\\(${code}\\)`));
}

/** Step 1 with JavaScript: AF 006 on 14 May 2025, Paris CDG → New York JFK. */
async function fillFlight(page, t) {
  await page.getByLabel(t.flight).fill('AF 006');
  await page.getByLabel(t.date).fill('2025-05-14');
  await pickAirport(page, t.from, 'Paris', 'CDG');
  await pickAirport(page, t.to, 'New York', 'JFK');
  await page.getByLabel(t.dep).fill('10:30');
  await page.getByLabel(t.arr).fill('12:55');
}

/** Steps 2 and 3: a delay of `hours` hours, with the airline's `reason`. */
async function tellDelay(page, t, checkA11y, hours, reason) {
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await page.getByLabel(t.delay).check();
  await checkA11y(page);
  await page.getByRole('button', { name: t.next }).click();
  await page.getByLabel(t.hours).fill(String(hours));
  await page.getByLabel(t.minutes).fill('0');
  await page.getByLabel(t.reason).selectOption(reason);
  await checkA11y(page);
  await page.getByRole('button', { name: t.submit }).click();
  await expect(page).toHaveURL(/\/check\/result\?r=/);
}

for (const lang of ['fr', 'en']) {
  test(`a 4-hour delay CDG→JFK is 600 € (${lang})`, async ({ page, checkA11y }, testInfo) => {
    const t = TEXT[lang];
    await page.goto(`/check?lang=${lang}`);
    await expect(page.locator('html')).toHaveAttribute('lang', lang);
    await checkA11y(page);
    await fillFlight(page, t);
    await checkA11y(page);
    await page.getByRole('button', { name: t.next }).click();
    await expect(page.getByText('AF6')).toBeVisible();
    await tellDelay(page, t, checkA11y, 4, 'technical');

    await expect(page.getByRole('heading', { level: 1 })).toContainText(t.eligible);
    await expect(page.getByTestId('amount')).toHaveText('600 €');
    await expect(page.locator('.reasons li').first()).toBeVisible();
    await expect(page.locator('.reasons')).toContainText('Sturgeon');
    const claim = page.getByRole('link', { name: t.claim });
    await expect(claim).toHaveAttribute('href', /^\/claims\/new\?from_check=[A-Za-z0-9_-]+$/);
    await checkA11y(page);
    await page.screenshot({
      path: `../../docs/screenshots/check-result-${lang}-${testInfo.project.name}.png`,
      fullPage: true,
    });
  });
}

test('bad weather: no compensation, and why', async ({ page, checkA11y }, testInfo) => {
  const t = TEXT.en;
  await page.goto('/check?lang=en');
  await fillFlight(page, t);
  await page.getByRole('button', { name: t.next }).click();
  await tellDelay(page, t, checkA11y, 5, 'weather');
  await expect(page.getByRole('heading', { level: 1 })).toContainText(t.ineligible);
  await expect(page.locator('.reasons')).toContainText('extraordinary circumstances');
  await expect(page.getByRole('heading', { name: 'What you may still be entitled to' })).toBeVisible();
  await expect(page.getByText(/Meals, refreshments/)).toBeVisible();
  await expect(page.getByRole('link', { name: t.claim })).toHaveCount(0);
  await checkA11y(page);
  await page.screenshot({
    path: `../../docs/screenshots/check-ineligible-en-${testInfo.project.name}.png`,
    fullPage: true,
  });
});

test('bad input gets messages next to the fields and a summary', async ({ page, checkA11y }) => {
  const t = TEXT.fr;
  await page.goto('/check?lang=fr');
  await page.getByLabel(t.flight).fill('A*1');
  await page.getByRole('combobox', { name: t.from }).fill('Xyzzyqville');
  await page.getByRole('button', { name: t.next }).click();

  const summary = page.getByRole('alert');
  await expect(summary).toContainText(t.problem);
  await expect(summary).toBeFocused();
  const flight = page.getByLabel(t.flight);
  await expect(flight).toHaveAttribute('aria-invalid', 'true');
  await expect(flight).toHaveValue('A*1');
  await expect(page.locator('#leg0-flight-error')).toContainText('code de la compagnie');
  await expect(page.locator('#leg0-from-error')).toContainText('Xyzzyqville');
  // The summary links move the focus to the field.
  await summary.getByRole('link', { name: /Aucun aéroport/ }).click();
  await expect(page.getByRole('combobox', { name: t.from })).toBeFocused();
  await checkA11y(page);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  for (const lang of ['fr', 'en']) {
  test(`the same check works, airports resolved by the server (${lang})`, async ({ page, browser, checkA11y }) => {
    const a11y = () => checkA11yWithoutJs(page, browser, checkA11y);
    const t = TEXT[lang];
    await page.goto(`/check?lang=${lang}`);
    await page.getByLabel(t.flight).fill('AF 006');
    await page.getByLabel(t.date).fill('2025-05-14');
    await page.getByLabel(t.from).fill('Paris');
    await page.getByLabel(t.to).fill('New York');
    await page.getByLabel(t.dep).fill('10:30');
    await page.getByLabel(t.arr).fill('12:55');
    await page.getByRole('button', { name: t.next }).click();

    // Several airports match: pick them among the radios.
    await expect(page.getByText(t.problem)).toBeVisible();
    await expect(page.getByLabel(t.from)).toHaveValue('Paris');
    await a11y();
    await page.getByLabel(/Charles de Gaulle \(CDG\)/).check();
    await page.getByLabel(/John F Kennedy \(JFK\)/).check();
    await page.getByRole('button', { name: t.next }).click();

    await tellDelay(page, t, a11y, 4, 'technical');
    await expect(page.getByTestId('amount')).toHaveText('600 €');
    await expect(page.getByRole('link', { name: t.claim })).toBeVisible();
    await a11y();
  });
  }
});
