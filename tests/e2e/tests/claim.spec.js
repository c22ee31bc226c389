// @ts-check
// The claim wizard (/claims/new) as a passenger uses it, in French: from /check's answer to the
// claim page, axe-core on every step; and step 1 without JavaScript (airports resolved by the
// server). Each test uses its own email so that reruns do not collide with earlier accounts.
const { test, expect } = require('./fixtures');

const T = {
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
  claim: 'Lancer ma réclamation',
  problem: 'Il y a un problème',
};

/** /check in French up to its answer (no-JS friendly: airport codes typed). */
async function checkToAnswer(page) {
  await page.goto('/check?lang=fr');
  await page.getByLabel(T.flight).fill('AF 006');
  await page.getByLabel(T.date).fill('2025-05-14');
  await page.locator('#leg0-from').fill('CDG');
  await page.locator('#leg0-to').fill('JFK');
  await page.getByLabel(T.dep).fill('10:30');
  await page.getByLabel(T.arr).fill('12:55');
  await page.getByRole('button', { name: T.next }).click();
  await page.getByLabel(T.delay).check();
  await page.getByRole('button', { name: T.next }).click();
  await page.getByLabel(T.hours).fill('4');
  await page.getByLabel(T.minutes).fill('0');
  await page.getByLabel(T.reason).selectOption('technical');
  await page.getByRole('button', { name: T.submit }).click();
}

test('a full claim in French, from the answer to the claim page', async ({ page, checkA11y }, testInfo) => {
  const email = `marie.${testInfo.project.name}.${Date.now()}@example.com`;
  // One claim per flight, date and passenger: each project files for a different passenger.
  const lastName = testInfo.project.name === 'phone' ? 'Curie' : 'Sklodowska';
  await checkToAnswer(page);
  await page.getByRole('link', { name: T.claim }).click();

  // 1. Flights, pre-filled from /check.
  await expect(page).toHaveURL(/\/claims\/new\/flights$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Vos vols');
  await checkA11y(page);
  await page.getByRole('button', { name: T.next }).click();

  // 2. What happened: the answers are kept.
  await expect(page).toHaveURL(/\/claims\/new\/disruption$/);
  await checkA11y(page);
  await page.getByRole('button', { name: T.submit }).click();

  // 3. Result.
  await expect(page.getByTestId('amount')).toHaveText('600 €');
  await checkA11y(page);
  await page.getByRole('button', { name: T.next }).click();

  // 4. Passengers: errors first, then a co-passenger added and removed without scripts.
  await expect(page).toHaveURL(/\/claims\/new\/passengers$/);
  await checkA11y(page);
  await page.getByRole('button', { name: T.next }).click();
  await expect(page.getByText(T.problem)).toBeVisible();
  await checkA11y(page);
  await page.getByLabel('Référence de réservation').fill('K7QX2M');
  await page.getByLabel('Prénom').first().fill('Marie');
  await page.getByLabel('Nom', { exact: true }).first().fill(lastName);
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByRole('button', { name: 'Ajouter un passager' }).click();
  await expect(page.getByRole('group', { name: 'Passager 2' })).toBeVisible();
  await page.getByRole('button', { name: 'Retirer le passager 2' }).click();
  await page.getByRole('button', { name: T.next }).click();

  // 5–6. Documents and mandate: later.
  await checkA11y(page);
  await page.getByRole('button', { name: 'Ajouter les documents plus tard' }).click();
  await checkA11y(page);
  await page.getByRole('button', { name: 'Signer plus tard' }).click();

  // 7. Payout, with the fee as a number.
  await expect(page.getByTestId('fee')).toContainText('450');
  await expect(page.getByTestId('fee')).toContainText('600');
  await checkA11y(page);
  await page.getByLabel('IBAN').fill('FR76 3000 6000 0112 3456 7890 189');
  await page.getByLabel('Titulaire du compte').fill(`Marie ${lastName}`);
  await page.getByRole('button', { name: T.next }).click();

  // 8. Review and submit.
  await expect(page.getByText('K7QX2M')).toBeVisible();
  await checkA11y(page);
  await page.getByRole('button', { name: 'Envoyer ma demande' }).click();

  await expect(page).toHaveURL(/\/claims\/FC-[2-9A-Z]{6}$/);
  await expect(page.getByTestId('status')).toHaveText('Envoyée');
  await checkA11y(page);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('step 1 works and shows its errors', async ({ page, browser, checkA11y }) => {
    await page.goto('/claims/new?lang=fr');
    await expect(page).toHaveURL(/\/claims\/new\/flights$/);
    await page.getByLabel(T.flight).fill('AF 006');
    await page.getByRole('button', { name: T.next }).click();
    await expect(page.getByText(T.problem)).toBeVisible();
    await expect(page.getByLabel(T.flight)).toHaveValue(/AF/);
    // axe needs scripts: audit the received HTML in a JavaScript-enabled page.
    const html = (await page.content()).replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '');
    const context = await browser.newContext({
      baseURL: test.info().project.use.baseURL,
      viewport: page.viewportSize(),
      javaScriptEnabled: true,
    });
    try {
      const copy = await context.newPage();
      await copy.goto('/faq');
      await copy.setContent(html, { waitUntil: 'load' });
      await checkA11y(copy);
    } finally {
      await context.close();
    }
    await page.getByLabel(T.date).fill('2025-05-14');
    await page.locator('#leg0-from').fill('CDG');
    await page.locator('#leg0-to').fill('JFK');
    await page.getByLabel(T.dep).fill('10:30');
    await page.getByLabel(T.arr).fill('12:55');
    await page.getByRole('button', { name: T.next }).click();
    await expect(page).toHaveURL(/\/claims\/new\/disruption$/);
  });
});
