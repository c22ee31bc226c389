// @ts-check
// The claim wizard (/claims/new) as a passenger uses it: in French with two passengers, a
// connection, boarding pass and both mandates signed, axe-core on every step, then signing in
// later on another device to follow it (so too in English); in English on desktop with a
// photo and the signed mandate downloaded; a draft resumed in a new browser; another passenger's
// claim URL (404); and a whole claim without JavaScript (airports resolved by the server,
// upload and signature as plain forms). Each test
// uses its own email so that reruns do not collide with earlier accounts.
const { test, expect, latestMailLink, openRegisteredAccount, checkA11yWithoutJs } = require('./fixtures');

const EN = {
  flight: 'Flight number',
  date: 'Scheduled departure date',
  dep: 'Scheduled departure time',
  arr: 'Scheduled arrival time',
  next: 'Continue',
  delay: 'My flight arrived late',
  hours: 'Hours',
  minutes: 'Minutes',
  reason: 'What reason did the airline give?',
  submit: 'See the result',
  claim: 'Start my claim',
};

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

/** A one-page PDF, as a passenger's boarding pass would be. */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n' +
    '2 0 obj <</Type/Pages/Kids[3 0 R]/Count 1>> endobj\n' +
    '3 0 obj <</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>> endobj\n' +
    'trailer <</Root 1 0 R>>\n%%EOF\n',
);
/** A 1×1 PNG, as a phone screenshot would be. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** /check up to its answer (no-JS friendly: airport codes typed); French unless `lang` says. */
async function checkToAnswer(page, lang = 'fr') {
  const L = lang === 'fr' ? T : EN;
  await page.goto(`/check?lang=${lang}`);
  await page.getByLabel(L.flight).fill('AF 006');
  await page.getByLabel(L.date).fill('2025-05-14');
  await page.locator('#leg0-from').fill('CDG');
  await page.locator('#leg0-to').fill('JFK');
  await page.getByLabel(L.dep).fill('10:30');
  await page.getByLabel(L.arr).fill('12:55');
  await page.getByRole('button', { name: L.next }).click();
  await page.getByLabel(L.delay).check();
  await page.getByRole('button', { name: L.next }).click();
  await page.getByLabel(L.hours).fill('4');
  await page.getByLabel(L.minutes).fill('0');
  await page.getByLabel(L.reason).selectOption('technical');
  await page.getByRole('button', { name: L.submit }).click();
}

/** The answer of /check, then steps 1–3 of the wizard, without checks (covered above). */
async function wizardToPassengers(page, lang) {
  const L = lang === 'fr' ? T : EN;
  await checkToAnswer(page, lang);
  await page.getByRole('link', { name: L.claim }).click();
  await expect(page).toHaveURL(/\/claims\/new\/flights$/);
  await page.getByRole('button', { name: L.next }).click();
  await expect(page).toHaveURL(/\/claims\/new\/disruption$/);
  await page.getByRole('button', { name: L.submit }).click();
  await page.getByRole('button', { name: L.next }).click();
  await expect(page).toHaveURL(/\/claims\/new\/passengers$/);
}

test('a full claim in French, from the answer to the claim page', async ({ page, browser, checkA11y }, testInfo) => {
  test.slow(); // a whole journey of a dozen pages: three times the default budget
  const email = `marie.${testInfo.project.name}.${Date.now()}@example.com`;
  // One claim per flight, date and passenger: each project files for a different passenger.
  const lastName = testInfo.project.name === 'phone' ? 'Curie' : 'Sklodowska';
  await checkToAnswer(page);
  await page.getByRole('link', { name: T.claim }).click();

  // 1. Flights, pre-filled from /check, plus the connection New York → Boston on one booking.
  await expect(page).toHaveURL(/\/claims\/new\/flights$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Vos vols');
  await checkA11y(page);
  await page.getByRole('button', { name: 'Ajouter une correspondance' }).click();
  await expect(page.getByRole('group', { name: 'Vol 2' })).toBeVisible();
  await page.locator('#leg1-flight').fill('AF 3612');
  await page.locator('#leg1-date').fill('2025-05-14');
  await page.locator('#leg1-to').fill('BOS');
  await page.locator('#leg1-dep-time').fill('15:10');
  await page.locator('#leg1-arr-time').fill('16:35');
  await page.getByLabel('En une seule réservation').check();
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
  const second = page.getByRole('group', { name: 'Passager 2' });
  await expect(second).toBeVisible();
  await second.getByLabel('Prénom').fill('Pierre');
  await second.getByLabel('Nom', { exact: true }).fill(lastName);
  await page.getByRole('button', { name: T.next }).click();

  // 5. Documents: the boarding pass, then on.
  await expect(page).toHaveURL(/\/claims\/new\/documents$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Vos justificatifs');
  await checkA11y(page);
  await page.getByLabel("De quel document s'agit-il ?").selectOption('boarding_pass');
  await page.getByLabel('Fichier').setInputFiles({ name: "carte d'embarquement.pdf", mimeType: 'application/pdf', buffer: PDF });
  await page.getByRole('button', { name: 'Envoyer ce document' }).click();
  await expect(page.getByText('Votre document a bien été reçu.')).toBeVisible();
  await expect(page.getByRole('link', { name: "Télécharger carte d'embarquement.pdf" })).toBeVisible();
  await checkA11y(page);
  await page.getByRole('button', { name: T.next, exact: true }).click();

  // 6. Mandate: the full text for each passenger; a missing consent is shown next to the box.
  await expect(page).toHaveURL(/\/claims\/new\/mandate$/);
  await expect(page.getByRole('heading', { name: `Mandat de Marie ${lastName}` })).toBeVisible();
  await expect(page.getByRole('heading', { name: `Mandat de Pierre ${lastName}` })).toBeVisible();
  await expect(page.getByText('Mandat de réclamation').first()).toBeVisible();
  await checkA11y(page);
  await page.locator('#sign0-name').fill(`Marie ${lastName}`);
  await page.locator('#sign0-consent').check();
  await page.locator('#sign1-name').fill(`Pierre ${lastName}`);
  await page.getByRole('button', { name: 'Signer et continuer' }).click();
  await expect(page.getByText(T.problem)).toBeVisible();
  await expect(page.getByText('Cochez la case pour accepter le mandat.').last()).toBeVisible();
  await expect(page.locator('#sign1-name')).toHaveValue(`Pierre ${lastName}`);
  await checkA11y(page);
  await page.locator('#sign1-consent').check();
  await page.getByRole('button', { name: 'Signer et continuer' }).click();

  // 7. Payout, with the fee as a number (two passengers: 2 × 600 €).
  await expect(page).toHaveURL(/\/claims\/new\/payout$/);
  await expect(page.getByTestId('fee')).toContainText('900');
  await expect(page.getByTestId('fee')).toContainText(/1\s?200/);
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
  await expect(page.getByRole('link', { name: "Télécharger carte d'embarquement.pdf" })).toBeVisible();
  await expect(page.getByRole('link', { name: `Télécharger le mandat signé de Pierre ${lastName} (PDF)` })).toBeVisible();
  await checkA11y(page);
  const claimUrl = page.url();

  // Later, on another device: Marie chooses a password through the emailed link, signs in and
  // finds her claim from her account.
  test.skip(!process.env.E2E_DATA_DIR, 'needs the outbox copies in E2E_DATA_DIR');
  const later = await browser.newContext({
    baseURL: testInfo.project.use.baseURL,
    viewport: page.viewportSize(),
    locale: 'fr-FR',
  });
  try {
    const marie = await later.newPage();
    await marie.goto('/password/forgot?lang=fr');
    await marie.getByLabel('Adresse e-mail').fill(email);
    await marie.getByRole('button', { name: 'Envoyer le lien' }).click();
    let link = null;
    for (let i = 0; i < 20 && !link; i += 1) {
      link = latestMailLink(email, 'password_reset', '/password/reset/');
      if (!link) await marie.waitForTimeout(250);
    }
    expect(link).toBeTruthy();
    await marie.goto(new URL(link).pathname);
    await marie.getByLabel('Nouveau mot de passe').fill('lavande portique 58 sereine');
    await marie.getByLabel('Confirmez le mot de passe').fill('lavande portique 58 sereine');
    await marie.getByRole('button', { name: /Enregistrer/ }).click();
    await marie.goto('/login?lang=fr');
    await marie.getByLabel('Adresse e-mail').fill(email);
    await marie.getByLabel('Mot de passe', { exact: true }).fill('lavande portique 58 sereine');
    await marie.getByRole('button', { name: 'Se connecter' }).click();
    await expect(marie).toHaveURL(/\/account$/);
    await marie.getByRole('link', { name: new RegExp(claimUrl.split('/').pop()) }).click();
    await expect(marie.getByTestId('status')).toHaveText('Envoyée');
    await checkA11y(marie);
  } finally {
    await later.close();
  }
});

test('a full claim in English on desktop, with a photo and the signed mandate', async ({ page, browser, checkA11y }, testInfo) => {
  test.slow(); // a whole journey of a dozen pages: three times the default budget
  test.skip(testInfo.project.name !== 'desktop', 'the English journey is the desktop one');
  const email = `jane.${Date.now()}@example.com`;
  await wizardToPassengers(page, 'en');
  await page.getByLabel('Booking reference').fill('Q2W3E4');
  await page.getByLabel('First name').first().fill('Jane');
  await page.getByLabel('Last name', { exact: true }).first().fill('Austen');
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Continue' }).click();

  await expect(page).toHaveURL(/\/claims\/new\/documents$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your documents');
  // A renamed executable is refused with a message next to the field.
  await page.getByLabel('What is this document?').selectOption('id');
  await page.getByLabel('File').setInputFiles({ name: 'passport.pdf', mimeType: 'application/pdf', buffer: Buffer.from('MZ\x90\x00 not a pdf') });
  await page.getByRole('button', { name: 'Upload this document' }).click();
  await expect(page.getByText('This type of file is not accepted.').last()).toBeVisible();
  await expect(page.getByLabel('What is this document?')).toHaveValue('id');
  await checkA11y(page);
  await page.getByLabel('File').setInputFiles({ name: 'passport.png', mimeType: 'image/png', buffer: PNG });
  await page.getByRole('button', { name: 'Upload this document' }).click();
  await expect(page.getByRole('link', { name: 'Download passport.png' })).toBeVisible();
  await checkA11y(page);
  await page.getByRole('button', { name: 'Continue', exact: true }).click();

  await expect(page).toHaveURL(/\/claims\/new\/mandate$/);
  await expect(page.getByText('Claim mandate').first()).toBeVisible();
  await page.getByLabel('Type your full name to sign').fill('Jane Smith');
  await page.getByLabel('I accept this mandate').check();
  await page.getByRole('button', { name: 'Sign and continue' }).click();
  await expect(page.getByText('as it appears on the claim (Jane Austen)').last()).toBeVisible();
  await checkA11y(page);
  await page.getByLabel('Type your full name to sign').fill('jane austen');
  await page.getByRole('button', { name: 'Sign and continue' }).click();

  await expect(page).toHaveURL(/\/claims\/new\/payout$/);
  await expect(page.getByTestId('fee')).toContainText('You receive €450 of €600');
  await page.getByLabel('IBAN').fill('FR76 3000 6000 0112 3456 7890 189');
  await page.getByLabel('Account holder').fill('Jane Austen');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByText('Q2W3E4')).toBeVisible();
  await page.getByRole('button', { name: 'Send my claim' }).click();

  await expect(page).toHaveURL(/\/claims\/FC-[2-9A-Z]{6}$/);
  await expect(page.getByTestId('status')).toHaveText('Submitted');
  await checkA11y(page);
  const claimUrl = page.url();
  // The signed mandate downloads as a PDF attachment.
  const pdfLink = page.getByRole('link', { name: 'Download the signed mandate of Jane Austen (PDF)' });
  const [download] = await Promise.all([page.waitForEvent('download'), pdfLink.click()]);
  expect(download.suggestedFilename()).toMatch(/^mandate-FC-[2-9A-Z]{6}-1\.pdf$/);
  // The photo too, with its own name.
  const [photo] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download passport.png' }).click(),
  ]);
  expect(photo.suggestedFilename()).toBe('passport.png');

  // Another passenger, signed in, opening this claim's URL gets the 404 page.
  const other = await browser.newContext({ baseURL: testInfo.project.use.baseURL, locale: 'en-GB' });
  try {
    const eve = await other.newPage();
    await eve.goto('/register?lang=en');
    await eve.getByLabel('Full name').fill('Eve Other');
    const eveEmail = `eve.${Date.now()}@example.com`;
    await eve.getByLabel('Email address').fill(eveEmail);
    await eve.getByLabel('New password').fill('violet tandem orbit 93 caramel');
    await eve.getByLabel('Confirm the password').fill('violet tandem orbit 93 caramel');
    await eve.getByRole('button', { name: 'Create my account' }).click();
    await expect(eve).toHaveURL(/\/register\/sent$/);
    await openRegisteredAccount(eve, eveEmail);
    const res = await eve.goto(claimUrl);
    expect(res?.status()).toBe(404);
    await expect(eve.getByRole('heading', { level: 1 })).toHaveText('Page not found');
    const doc = await eve.request.get(`${claimUrl}/mandates/0`);
    expect(doc.status()).toBe(404);
    await checkA11y(eve);
  } finally {
    await other.close();
  }

  // Days later, on another computer: Jane has no password yet (the account was made at
  // submission), so she asks for one, signs in and follows her claim.
  test.skip(!process.env.E2E_DATA_DIR, 'needs the outbox copies in E2E_DATA_DIR');
  const later = await browser.newContext({ baseURL: testInfo.project.use.baseURL, locale: 'en-GB' });
  try {
    const jane = await later.newPage();
    expect(latestMailLink(email, 'claim_submitted', '/claims/')).toContain(claimUrl.split('/').pop());
    await jane.goto('/password/forgot?lang=en');
    await jane.getByLabel('Email address').fill(email);
    await jane.getByRole('button', { name: 'Send the link' }).click();
    await expect(jane.getByRole('heading', { name: 'Check your inbox' })).toBeVisible();
    let link = null;
    for (let i = 0; i < 20 && !link; i += 1) {
      link = latestMailLink(email, 'password_reset', '/password/reset/');
      if (!link) await jane.waitForTimeout(250);
    }
    expect(link).toBeTruthy();
    await jane.goto(new URL(link).pathname);
    await jane.getByLabel('New password').fill('saffron harbour 47 quietly');
    await jane.getByLabel('Confirm the password').fill('saffron harbour 47 quietly');
    await jane.getByRole('button', { name: 'Save the password' }).click();
    await jane.goto('/login?lang=en');
    await jane.getByLabel('Email address').fill(email);
    await jane.getByLabel('Password', { exact: true }).fill('saffron harbour 47 quietly');
    await jane.getByRole('button', { name: 'Sign in' }).click();
    await expect(jane).toHaveURL(/\/account$/);
    await jane.getByRole('link', { name: new RegExp(claimUrl.split('/').pop()) }).click();
    await expect(jane).toHaveURL(claimUrl);
    await expect(jane.getByTestId('status')).toHaveText('Submitted');
    await checkA11y(jane);
  } finally {
    await later.close();
  }
});

test('a draft resumes in a new browser session, uploads included', async ({ page, browser, checkA11y }, testInfo) => {
  test.skip(testInfo.project.name !== 'phone', 'one resumed draft is enough');
  await wizardToPassengers(page, 'fr');
  await page.getByLabel('Référence de réservation').fill('R3S7M2');
  await page.getByLabel('Prénom').first().fill('Rosa');
  await page.getByLabel('Nom', { exact: true }).first().fill('Bonheur');
  await page.getByLabel('Adresse e-mail').fill(`rosa.${Date.now()}@example.com`);
  await page.getByRole('button', { name: T.next }).click();
  await expect(page).toHaveURL(/\/claims\/new\/documents$/);
  await page.getByLabel('Fichier').setInputFiles({ name: 'reservation.pdf', mimeType: 'application/pdf', buffer: PDF });
  await page.getByLabel("De quel document s'agit-il ?").selectOption('booking');
  await page.getByRole('button', { name: 'Envoyer ce document' }).click();
  await expect(page.getByText('Votre document a bien été reçu.')).toBeVisible();

  // A new browser session with the same cookies (the draft cookie lives 60 days).
  const state = await page.context().storageState();
  const context = await browser.newContext({
    baseURL: testInfo.project.use.baseURL,
    viewport: page.viewportSize(),
    locale: 'fr-FR',
    storageState: state,
  });
  try {
    const again = await context.newPage();
    await again.goto('/claims/new');
    await expect(again).toHaveURL(/\/claims\/new\/documents$/);
    await expect(again.getByRole('link', { name: 'Télécharger reservation.pdf' })).toBeVisible();
    await checkA11y(again);
    // Removed before submission.
    await again.getByRole('button', { name: 'Retirer reservation.pdf' }).click();
    await expect(again.getByText('Le document a été retiré.')).toBeVisible();
    await expect(again.getByText("Aucun document pour l'instant.")).toBeVisible();
  } finally {
    await context.close();
  }
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('a whole claim works, step 1 errors included', async ({ page, browser, checkA11y }) => {
    await page.goto('/claims/new?lang=fr');
    await expect(page).toHaveURL(/\/claims\/new\/flights$/);
    await page.getByLabel(T.flight).fill('AF 006');
    await page.getByRole('button', { name: T.next }).click();
    await expect(page.getByText(T.problem)).toBeVisible();
    await expect(page.getByLabel(T.flight)).toHaveValue(/AF/);
    // axe needs scripts: audit the received HTML in a JavaScript-enabled page.
    await checkA11yWithoutJs(page, browser, checkA11y);
    await page.getByLabel(T.date).fill('2025-05-14');
    await page.locator('#leg0-from').fill('CDG');
    await page.locator('#leg0-to').fill('JFK');
    await page.getByLabel(T.dep).fill('10:30');
    await page.getByLabel(T.arr).fill('12:55');
    await page.getByRole('button', { name: T.next }).click();
    await expect(page).toHaveURL(/\/claims\/new\/disruption$/);

    // The rest of the claim, still without scripts: every step is a plain form.
    const project = test.info().project.name;
    const lastName = `Sansscript${project.replace(/[^a-z]/gi, '')}`;
    await page.getByLabel(T.delay).check();
    await page.getByRole('button', { name: T.next }).click();
    await page.getByLabel(T.hours).fill('4');
    await page.getByLabel(T.minutes).fill('0');
    await page.getByLabel(T.reason).selectOption('technical');
    await page.getByRole('button', { name: T.submit }).click();
    await expect(page.getByTestId('amount')).toHaveText('600 €');
    await page.getByRole('button', { name: T.next }).click();
    await page.getByLabel('Référence de réservation').fill('K7QX2M');
    await page.getByLabel('Prénom').first().fill('Noé');
    await page.getByLabel('Nom', { exact: true }).first().fill(lastName);
    await page.getByLabel('Adresse e-mail').fill(`noe.${project}.${Date.now()}@example.com`);
    await page.getByRole('button', { name: T.next }).click();
    await expect(page).toHaveURL(/\/claims\/new\/documents$/);
    await page.getByLabel("De quel document s'agit-il ?").selectOption('booking');
    await page.getByLabel('Fichier').setInputFiles({ name: 'reservation.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.getByRole('button', { name: 'Envoyer ce document' }).click();
    await expect(page.getByRole('link', { name: 'Télécharger reservation.pdf' })).toBeVisible();
    await page.getByRole('button', { name: T.next, exact: true }).click();
    await expect(page).toHaveURL(/\/claims\/new\/mandate$/);
    await page.locator('#sign0-name').fill(`Noé ${lastName}`);
    await page.locator('#sign0-consent').check();
    await page.getByRole('button', { name: 'Signer et continuer' }).click();
    await expect(page).toHaveURL(/\/claims\/new\/payout$/);
    await page.getByLabel('IBAN').fill('FR76 3000 6000 0112 3456 7890 189');
    await page.getByLabel('Titulaire du compte').fill(`Noé ${lastName}`);
    await page.getByRole('button', { name: T.next }).click();
    await expect(page).toHaveURL(/\/claims\/new\/review$/);
    await page.getByRole('button', { name: 'Envoyer ma demande' }).click();
    await expect(page).toHaveURL(/\/claims\/FC-[2-9A-Z]{6}$/);
    await expect(page.getByRole('link', { name: 'Télécharger reservation.pdf' })).toBeVisible();
  });
});
