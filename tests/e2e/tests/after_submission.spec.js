// @ts-check
// After submission (issue #19): a passenger who filed without a password opens the team's
// "documents needed" email on another device, gets in with an emailed sign-in link (no
// password), uploads the requested document, writes to the team and reads the answer, and
// changes the payout account through the emailed confirmation — axe-core on each new page.
const { test, expect, latestMailLink, fileClaim, signInStaff, ADMIN_EMAIL, PDF } = require('./fixtures');

/** The newest link of `kind` to `to` (waits for the server's `.eml` copy), as a local path. */
async function mailedPath(to, kind, path) {
  let link = null;
  await expect
    .poll(() => {
      link = latestMailLink(to, kind, path);
      return link;
    }, { timeout: 15000 })
    .not.toBeNull();
  const url = new URL(/** @type {string} */ (link));
  return url.pathname + url.search;
}

test('a passenger without a password follows the claim from another device', async ({ page, browser, checkA11y }, testInfo) => {
  test.skip(!process.env.E2E_DATA_DIR, 'needs the outbox copies in E2E_DATA_DIR');
  test.slow(); // the wizard, the dashboard and a second device
  const project = testInfo.project.name.replace(/[^a-z]/gi, '');
  const stamp = Date.now().toString(36).replace(/[0-9]/g, '').toUpperCase() || 'X';
  const lastName = `Suivi${stamp}${project}`;
  const email = `lea.${project}.${Date.now()}@example.com`;
  const claimUrl = await fileClaim(page, email, lastName);
  const claimPath = new URL(claimUrl).pathname;
  const claimRef = claimPath.split('/').pop();

  const newContext = () =>
    browser.newContext({ baseURL: testInfo.project.use.baseURL, viewport: page.viewportSize(), locale: 'fr-FR' });
  const staffContext = await newContext();
  const phoneContext = await newContext();
  try {
    // The team asks for the boarding pass.
    const staff = await staffContext.newPage();
    await signInStaff(staff);
    await staff.goto(`/admin/claims/${claimRef}`);
    await staff.getByLabel("Carte d'embarquement").check();
    await staff.getByRole('button', { name: 'Demander des documents' }).click();
    await expect(staff.getByTestId('open-requests')).toContainText("Carte d'embarquement");

    // On her phone, never signed in there: the email's button leads to the sign-in page.
    const phone = await phoneContext.newPage();
    await phone.goto(await mailedPath(email, 'documents_requested', '/claims/'));
    await expect(phone).toHaveURL(/\/login\?next=%2Fclaims%2F/);
    await checkA11y(phone);
    await phone.getByLabel('À quelle adresse envoyer le lien ?').fill(email);
    await phone.getByRole('button', { name: "M'envoyer un lien de connexion" }).click();
    await expect(phone.getByRole('heading', { level: 1 })).toHaveText('Consultez votre boîte de réception');
    await checkA11y(phone);
    await phone.goto(await mailedPath(email, 'sign_in_link', '/login/link/'));
    await checkA11y(phone);
    await phone.getByRole('button', { name: 'Me connecter' }).click();
    await expect(phone).toHaveURL(new RegExp(`${claimPath}$`));
    await expect(phone.getByTestId('needed')).toContainText("Carte d'embarquement");

    // She sends the document: the request is answered.
    await phone.getByLabel("De quel document s'agit-il ?").selectOption('boarding_pass');
    await phone.getByLabel('Fichier').setInputFiles({ name: 'carte.pdf', mimeType: 'application/pdf', buffer: PDF });
    await phone.getByRole('button', { name: 'Envoyer ce document' }).click();
    await expect(phone.getByText('Votre document a bien été reçu.')).toBeVisible();
    await expect(phone.getByTestId('needed')).toHaveCount(0);

    // She writes to the team.
    await phone.getByLabel('Écrire à notre équipe').fill('Voici ma carte.\nMerci de votre aide !');
    await phone.getByRole('button', { name: 'Envoyer le message' }).click();
    await expect(phone.getByText('Votre message a été transmis à notre équipe.')).toBeVisible();
    await expect(phone.locator('.message-thread')).toContainText('Merci de votre aide');
    await checkA11y(phone);

    // The team sees who waits for an answer, and answers.
    await staff.goto('/admin');
    await staff.getByRole('link', { name: /message de passager en attente de réponse/ }).click();
    await expect(staff.getByRole('link', { name: claimRef })).toBeVisible();
    await staff.getByRole('link', { name: claimRef }).click();
    await expect(staff.getByTestId('thread')).toContainText('Sans réponse');
    await staff.getByLabel('Message (envoyé').fill('Bien reçu, nous envoyons votre dossier à la compagnie.');
    await staff.getByRole('button', { name: 'Envoyer', exact: true }).click();
    await expect(staff.getByTestId('thread')).not.toContainText('Sans réponse');
    await phone.reload();
    await expect(phone.locator('.message-thread')).toContainText('Bien reçu');
    await expect(phone.getByText(ADMIN_EMAIL)).toHaveCount(0);

    // A new payout account, confirmed by the emailed link.
    await phone.getByText('Changer de coordonnées bancaires').first().click();
    await phone.getByLabel('IBAN').fill('DE89 3704 0044 0532 0130 00');
    await phone.getByLabel('Titulaire du compte').fill(`Léa ${lastName}`);
    await phone.getByRole('button', { name: 'Changer de coordonnées bancaires' }).click();
    await expect(phone.getByText('Nous vous avons envoyé un lien par e-mail pour confirmer')).toBeVisible();
    await phone.goto(await mailedPath(email, 'payout_change_requested', '/claims/payout/confirm/'));
    await expect(phone.getByTestId('new-iban')).toHaveText('DE89 3704 0044 0532 0130 00');
    await checkA11y(phone);
    await phone.getByRole('button', { name: 'Confirmer le nouveau compte' }).click();
    await expect(phone.getByText('Vos nouvelles coordonnées bancaires sont enregistrées')).toBeVisible();
    await expect(phone.locator('#payout')).toContainText('DE89 •••• •••• 3000');
    await checkA11y(phone);
  } finally {
    await staffContext.close();
    await phoneContext.close();
  }
});
