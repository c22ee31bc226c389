// @ts-check
// A claim from the passenger's wizard to the payment, handled by the team in /admin/claims:
// the agent filters the queue, opens the claim, asks for a document, the passenger uploads it,
// the agent sends it to the airline,
// records the answer, approves and marks it paid — and the passenger sees each step on their
// claim page. axe-core on the queue and the claim; screenshots feed docs/ADMIN-GUIDE.md.
const { test, expect } = require('./fixtures');

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
  await expect(page).toHaveURL(/\/claims\/new\/documents$/);
  await page.getByRole('button', { name: 'Continuer', exact: true }).click();
  await expect(page).toHaveURL(/\/claims\/new\/mandate$/);
  await page.locator('#sign0-name').fill(`Lucie ${lastName}`);
  await page.locator('#sign0-consent').check();
  await page.getByRole('button', { name: 'Signer et continuer' }).click();
  await page.getByLabel('IBAN').fill('FR76 3000 6000 0112 3456 7890 189');
  await page.getByLabel('Titulaire du compte').fill(`Lucie ${lastName}`);
  await page.getByRole('button', { name: 'Continuer' }).click();
  await page.getByRole('button', { name: 'Envoyer ma demande' }).click();
  await expect(page).toHaveURL(/\/claims\/FC-[2-9A-Z]{6}$/);
  return page.url();
}

async function signIn(page) {
  await page.goto('/admin/login?lang=fr');
  await page.getByLabel(/Adresse e-mail|Email address/).fill(ADMIN_EMAIL);
  await page.getByLabel(/Mot de passe|Password/).fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: /Se connecter|Sign in/ }).click();
  await expect(page).toHaveURL(/\/admin$/);
}

test('the team handles a claim from the queue to the payment', async ({ page, browser, checkA11y }, testInfo) => {
  test.skip(testInfo.project.name === 'phone', 'the dashboard is used on laptops and tablets');
  test.setTimeout(120_000);
  // A passenger name of its own: one claim per flight, date and passenger.
  const stamp = Date.now().toString(36).replace(/[0-9]/g, '').toUpperCase() || 'X';
  const lastName = `Agent${stamp}${testInfo.project.name.replace(/[^a-z]/gi, '')}`;
  const claimUrl = await fileClaim(page, `lucie.${Date.now()}@example.com`, lastName);
  const claimRef = claimUrl.split('/').pop();
  await expect(page.getByTestId('status')).toHaveText('Envoyée');

  // The team works in its own browser.
  const staffContext = await browser.newContext({
    baseURL: testInfo.project.use.baseURL,
    viewport: page.viewportSize(),
    locale: 'fr-FR',
  });
  const staff = await staffContext.newPage();
  try {
    await signIn(staff);
    await staff.getByRole('link', { name: 'Demandes' }).click();
    await expect(staff.getByRole('heading', { level: 1 })).toHaveText('Demandes');
    await staff.getByLabel('Recherche (référence, nom, e-mail, vol)').fill(lastName);
    await staff.getByLabel('Statut').selectOption('submitted');
    await staff.getByLabel('Compagnie').fill('AF');
    await staff.getByRole('button', { name: 'Filtrer' }).click();
    const row = staff.getByRole('row').filter({ hasText: lastName });
    await expect(row).toHaveCount(1);
    await checkA11y(staff);
    await staff.screenshot({ path: '../../docs/screenshots/admin-claims.png', fullPage: true });
    // Take it, then open it.
    await row.getByRole('checkbox').check();
    await staff.getByLabel('Attribuer les demandes cochées à').selectOption('me');
    await staff.getByRole('button', { name: 'Attribuer', exact: true }).click();
    await staff.getByRole('link', { name: claimRef }).click();
    await expect(staff.getByRole('heading', { level: 1 })).toHaveText(`Demande ${claimRef}`);
    await checkA11y(staff);

    // Ask for the boarding pass: the passenger sees it as "what we need from you".
    await staff.getByLabel("Carte d'embarquement").check();
    await staff.locator('#documents-note').fill('Une photo lisible suffit.');
    await staff.getByRole('button', { name: 'Demander des documents' }).click();
    await expect(staff.getByTestId('open-requests')).toContainText("Carte d'embarquement");
    await page.goto(claimUrl);
    await expect(page.getByTestId('needed')).toContainText("Carte d'embarquement");
    await expect(page.getByText('Une photo lisible suffit.').first()).toBeVisible();

    // The passenger sends it from the claim page: the request is answered, and the team sees
    // the file on the claim with a preview link.
    await page.getByLabel("De quel document s'agit-il ?").selectOption('boarding_pass');
    await page.getByLabel('Fichier').setInputFiles({ name: 'carte.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.getByRole('button', { name: 'Envoyer ce document' }).click();
    await expect(page.getByText('Votre document a bien été reçu.')).toBeVisible();
    await expect(page.getByTestId('needed')).toHaveCount(0);
    await staff.reload();
    await expect(staff.getByRole('link', { name: 'Ouvrir carte.pdf dans un nouvel onglet' })).toBeVisible();
    await expect(staff.getByTestId('open-requests')).toHaveCount(0);

    // An internal note stays internal.
    await staff.getByLabel('Note (le passager ne la voit jamais)').fill('Vérifier la carte.');
    await staff.getByRole('button', { name: 'Ajouter la note' }).click();

    const steps = [
      ["Commencer l'examen", null, "En cours d'examen"],
      ['Envoyée à la compagnie', null, 'Envoyée à la compagnie'],
      ['Enregistrer la réponse de la compagnie', "La réponse de la compagnie (pour l'équipe)", 'Réponse de la compagnie'],
      ['Accepter', null, 'Acceptée'],
    ];
    for (const [button, field, status] of steps) {
      if (field) await staff.getByLabel(field).fill('La compagnie accepte de payer 600 €.');
      await staff.getByRole('button', { name: button, exact: true }).click();
      await expect(staff.getByTestId('claim-status')).toHaveText(status);
      await page.goto(claimUrl);
      await expect(page.getByTestId('status')).toHaveText(status);
    }
    await expect(page.getByText('Vérifier la carte.')).toHaveCount(0);
    await expect(page.getByText('La compagnie accepte de payer')).toHaveCount(0);
    await checkA11y(page);
    await staff.screenshot({ path: '../../docs/screenshots/admin-claim.png', fullPage: true });

    // The queue in English shows where the claim ended.
    await staff.goto(`/admin/claims?q=${claimRef}&lang=en`);
    await expect(staff.getByRole('cell', { name: 'Approved' })).toBeVisible();
    await checkA11y(staff);
  } finally {
    await staffContext.close();
  }
});
