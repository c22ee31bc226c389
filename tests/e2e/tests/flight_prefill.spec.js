// @ts-check
// Flight data fills what the passenger would otherwise look up: typing a flight the provider
// knows (the suite's fake AeroDataBox knows AF4242, CDG 07:55 → LIS 09:35, landed 3 h 15 late)
// fills the empty scheduled times and says so to screen readers. Typed times are never
// overwritten, and an unknown flight leaves the fields to the passenger.
const { test, expect } = require('./fixtures');

const TEXT = {
  fr: { flight: 'Numéro de vol', date: 'Date de départ prévue', dep: 'Heure de départ prévue', arr: "Heure d'arrivée prévue", filled: 'Horaires prévus remplis' },
  en: { flight: 'Flight number', date: 'Scheduled departure date', dep: 'Scheduled departure time', arr: 'Scheduled arrival time', filled: 'Scheduled times filled in' },
};

/** A departure a month ago, as the date field wants it. */
function monthAgo() {
  const d = new Date(Date.now() - 30 * 24 * 3600 * 1000);
  return d.toISOString().slice(0, 10);
}

for (const lang of ['fr', 'en']) {
  test(`a known flight fills its scheduled times (${lang})`, async ({ page, checkA11y }) => {
    const t = TEXT[lang];
    await page.goto(`/check?lang=${lang}`);
    await page.getByLabel(t.flight).fill('af 4242');
    await page.getByLabel(t.date).fill(monthAgo());
    await page.getByLabel(t.date).press('Tab');
    await expect(page.getByLabel(t.dep)).toHaveValue('07:55');
    await expect(page.getByLabel(t.arr)).toHaveValue('09:35');
    await expect(page.getByRole('status').filter({ hasText: t.filled })).toBeVisible();
    await checkA11y(page);
  });
}

test('typed times are kept and unknown flights fill nothing', async ({ page }) => {
  const t = TEXT.en;
  await page.goto('/check?lang=en');
  await page.getByLabel(t.dep).fill('08:10');
  await page.getByLabel(t.flight).fill('AF4242');
  await page.getByLabel(t.date).fill(monthAgo());
  await page.getByLabel(t.date).press('Tab');
  // A time is typed: no lookup is made, nothing is overwritten.
  await page.waitForTimeout(1000);
  await expect(page.getByLabel(t.dep)).toHaveValue('08:10');
  await expect(page.getByLabel(t.arr)).toHaveValue('');

  await page.goto('/check?lang=en');
  await page.getByLabel(t.flight).fill('AF4243');
  const answer = page.waitForResponse((r) => r.url().includes('/api/v1/flights/AF4243/'));
  await page.getByLabel(t.date).fill(monthAgo());
  await page.getByLabel(t.date).press('Tab');
  expect((await answer).status()).toBe(404);
  await expect(page.getByLabel(t.dep)).toHaveValue('');
  await expect(page.getByLabel(t.arr)).toHaveValue('');
});
