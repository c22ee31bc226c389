// @ts-check
// Issue 13 as passengers meet it: "operated by" asked as soon as an easyJet flight number is
// typed (a licence other than the pre-selected one chosen, seen on the answer and on the
// review), retired airport codes in the airport search with their dates (today's airport
// first), and /check with a cause the Court of Justice ruled extraordinary (C-501/17), in both
// languages; "operated by" without JavaScript too. axe-core on the new parts.
const { test, expect, checkA11yWithoutJs } = require('./fixtures');

test('an easyJet flight operated by easyJet Europe, from the flights step to the review', async ({ page, checkA11y }, testInfo) => {
  test.slow(); // the whole wizard
  test.skip(testInfo.project.name !== 'desktop', 'one journey is enough');
  await page.goto('/claims/new?lang=en');
  await expect(page).toHaveURL(/\/claims\/new\/flights$/);
  // No question for most flight numbers.
  await page.getByLabel('Flight number').fill('AF 006');
  await expect(page.getByRole('group', { name: /Operated by/ })).toHaveCount(0);
  // An easyJet designator: the choice appears, easyJet UK pre-selected, and can be changed.
  await page.getByLabel('Flight number').fill('U2 8011');
  const operatedBy = page.getByRole('group', { name: 'Operated by (flights sold as U2)' });
  await expect(operatedBy).toBeVisible();
  await expect(operatedBy.getByLabel('easyJet UK (U2) – licence: United Kingdom')).toBeChecked();
  await operatedBy.getByLabel('easyJet Europe (EC) – licence: Austria').check();
  await page.getByLabel('Scheduled departure date').fill('2025-05-14');
  await page.locator('#leg0-from').fill('LGW');
  await page.locator('#leg0-to').fill('NCE');
  await page.getByLabel('Scheduled departure time').fill('07:00');
  await page.getByLabel('Scheduled arrival time').fill('10:05');
  await checkA11y(page);
  await page.getByRole('button', { name: 'Continue', exact: true }).click();

  await expect(page).toHaveURL(/\/claims\/new\/disruption$/);
  await expect(page.getByText('operated by easyJet Europe (EC) – licence: Austria')).toBeVisible();
  await page.getByLabel('My flight arrived late').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Hours').fill('4');
  await page.getByLabel('Minutes').fill('0');
  // The new causes are offered in the wizard too.
  const reason = page.getByLabel('What reason did the airline give?');
  await expect(reason.locator('option', { hasText: 'An object on the runway damaged the aircraft' })).toHaveCount(1);
  await reason.selectOption('technical');
  await page.getByRole('button', { name: 'See the result' }).click();

  await expect(page).toHaveURL(/\/claims\/new\/result$/);
  await expect(page.locator('.reasons')).toContainText('easyJet Europe (EC), as declared by the passenger');
  await expect(page.locator('.reasons')).toContainText('licensing state: Austria');
  await page.getByRole('button', { name: 'Continue' }).click();

  await expect(page).toHaveURL(/\/claims\/new\/passengers$/);
  await page.getByLabel('Booking reference').fill('U2E8C1');
  await page.getByLabel('First name').first().fill('Ada');
  await page.getByLabel('Last name', { exact: true }).first().fill('Lovelace');
  await page.getByLabel('Email address').fill(`ada.${Date.now()}@example.com`);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).toHaveURL(/\/claims\/new\/documents$/);
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await expect(page).toHaveURL(/\/claims\/new\/mandate$/);
  await page.getByLabel('Type your full name to sign').fill('Ada Lovelace');
  await page.getByLabel('I accept this mandate').check();
  await page.getByRole('button', { name: 'Sign and continue' }).click();
  await expect(page).toHaveURL(/\/claims\/new\/payout$/);
  await page.getByLabel('IBAN').fill('FR76 3000 6000 0112 3456 7890 189');
  await page.getByLabel('Account holder').fill('Ada Lovelace');
  await page.getByRole('button', { name: 'Continue' }).click();

  await expect(page).toHaveURL(/\/claims\/new\/review$/);
  const review = page.locator('#review');
  await expect(review).toContainText('U28011');
  await expect(review).toContainText('operated by easyJet Europe (EC) – licence: Austria');
  await checkA11y(page);
});

test('retired airport codes are found with their dates, after today\'s airports', async ({ page, checkA11y }) => {
  await page.goto('/check?lang=en');
  const from = page.getByRole('combobox', { name: 'Departure airport' });
  await from.click();
  await from.pressSequentially('Berlin', { delay: 30 });
  await expect(page.getByRole('option').first()).toContainText('(BER)');
  await expect(page.getByRole('option', { name: /Schönefeld \(SXF\).*code used until 24 Oct 2020/ })).toBeVisible();
  await from.fill('');
  await from.pressSequentially('SXF', { delay: 30 });
  const sxf = page.getByRole('option', { name: /Schönefeld \(SXF\)/ });
  await expect(sxf).toContainText('code used until 24 Oct 2020');
  await checkA11y(page);
  await sxf.click();
  await expect(from).toHaveValue(/\(SXF\).*24 Oct 2020/);
  // A flight from SXF after it closed: an error on that field, with what to choose instead.
  await page.getByLabel('Flight number').fill('AF 1535');
  await page.getByLabel('Scheduled departure date').fill('2023-03-01');
  await page.locator('#leg0-to').fill('CDG');
  await page.getByLabel('Scheduled departure time').fill('10:00');
  await page.getByLabel('Scheduled arrival time').fill('11:50');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.locator('#leg0-from-error')).toContainText('until 24 Oct 2020 only. For a flight on this date, choose BER.');
  await expect(page.getByRole('alert')).toContainText('There is a problem');
  await checkA11y(page);
  // The same from the JSON API (in French: its `lang` sets the cookie, hence last): today's Istanbul airport first, Atatürk's IST with its dates.
  const res = await page.request.get('/api/v1/airports/search?q=IST&lang=fr');
  expect(res.ok()).toBeTruthy();
  const body = await res.json();
  const list = Array.isArray(body) ? body : body.results;
  expect(list[0].icao).toBe('LTFM');
  const ataturk = list.find((a) => a.icao === 'LTBA' && a.iata === 'IST');
  expect(ataturk.valid_to).toBe('2019-04-05');
  expect(ataturk.label).toContain("code utilisé jusqu'au 5 avr. 2019");
});

const CAUSE = {
  fr: {
    flight: 'Numéro de vol', date: 'Date de départ prévue', dep: 'Heure de départ prévue',
    arr: "Heure d'arrivée prévue", next: 'Continuer', delay: 'Mon vol est arrivé en retard',
    hours: 'Heures', minutes: 'Minutes', reason: 'Quelle raison la compagnie vous a-t-elle donnée ?',
    submit: 'Voir le résultat', label: "Un objet sur la piste a endommagé l'avion (un pneu par exemple)",
    ineligible: "Pas d'indemnisation pour ce vol",
  },
  en: {
    flight: 'Flight number', date: 'Scheduled departure date', dep: 'Scheduled departure time',
    arr: 'Scheduled arrival time', next: 'Continue', delay: 'My flight arrived late',
    hours: 'Hours', minutes: 'Minutes', reason: 'What reason did the airline give?',
    submit: 'See the result', label: 'An object on the runway damaged the aircraft (e.g. a tyre)',
    ineligible: 'No compensation for this flight',
  },
};

for (const lang of ['fr', 'en']) {
  test(`an object on the runway is extraordinary, citing C-501/17 (${lang})`, async ({ page, checkA11y }) => {
    const t = CAUSE[lang];
    await page.goto(`/check?lang=${lang}`);
    await page.getByLabel(t.flight).fill('AF 006');
    await page.getByLabel(t.date).fill('2025-05-14');
    await page.locator('#leg0-from').fill('CDG');
    await page.locator('#leg0-to').fill('JFK');
    await page.getByLabel(t.dep).fill('10:30');
    await page.getByLabel(t.arr).fill('12:55');
    await page.getByRole('button', { name: t.next }).click();
    await page.getByLabel(t.delay).check();
    await page.getByRole('button', { name: t.next }).click();
    await page.getByLabel(t.hours).fill('5');
    await page.getByLabel(t.minutes).fill('0');
    await page.getByLabel(t.reason).selectOption({ label: t.label });
    await checkA11y(page);
    await page.getByRole('button', { name: t.submit }).click();
    await expect(page).toHaveURL(/\/check\/result\?r=/);
    await expect(page.getByRole('heading', { level: 1 })).toContainText(t.ineligible);
    await expect(page.locator('.reasons')).toContainText('C-501/17');
    await checkA11y(page);
  });
}

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('a Ryanair flight: the step comes back once with "operated by", then goes on', async ({ page, browser, checkA11y }) => {
    await page.goto('/check?lang=fr');
    await page.getByLabel('Numéro de vol').fill('FR 1234');
    await page.getByLabel('Date de départ prévue').fill('2025-05-14');
    await page.locator('#leg0-from').fill('CDG');
    await page.locator('#leg0-to').fill('DUB');
    await page.getByLabel('Heure de départ prévue').fill('10:00');
    await page.getByLabel("Heure d'arrivée prévue").fill('10:45');
    await page.getByRole('button', { name: 'Continuer' }).click();
    await expect(page.getByTestId('operated-by-asked')).toContainText('plusieurs compagnies');
    const group = page.getByRole('group', { name: 'Opéré par (vols vendus sous le code FR)' });
    await expect(group.getByLabel('Ryanair (FR) – licence : Irlande')).toBeChecked();
    await checkA11yWithoutJs(page, browser, checkA11y);
    await group.getByLabel('Malta Air (AL) – licence : Malte').check();
    await page.getByRole('button', { name: 'Continuer' }).click();
    await expect(page.getByText('opéré par Malta Air (AL) – licence : Malte')).toBeVisible();
    await expect(page.getByLabel('Mon vol est arrivé en retard')).toBeVisible();
  });
});
