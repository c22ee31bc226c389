// @ts-check
// Payout batches (issue 15): a claim the airline paid is paid out to the passenger through a
// batch. The admin selects it on /admin/payouts, reviews the batch (who, how much, the fee, the
// net, totals per currency), writes and downloads the SEPA file (pain.001.001.09: the server
// runs with FLIGHTCLAIM_OPERATOR_IBAN set by scripts/test), marks the batch as sent, and the
// claim shows "paid" to the team and to the passenger. axe-core on both payout pages.
const fs = require('node:fs');
const { test, expect, fileClaim, signInStaff } = require('./fixtures');

test('an admin pays a claim out through a batch and its SEPA file', async ({ page, browser, checkA11y }, testInfo) => {
  test.skip(testInfo.project.name === 'phone', 'the dashboard is used on laptops and tablets');
  test.setTimeout(120_000);
  const stamp = Date.now().toString(36).replace(/[0-9]/g, '').toUpperCase() || 'X';
  const lastName = `Virement${stamp}${testInfo.project.name.replace(/[^a-z]/gi, '')}`;
  const claimUrl = await fileClaim(page, `lucie.${Date.now()}@example.com`, lastName);
  const claimRef = claimUrl.split('/').pop();

  const staffContext = await browser.newContext({
    baseURL: testInfo.project.use.baseURL,
    viewport: page.viewportSize(),
    locale: 'fr-FR',
    acceptDownloads: true,
  });
  const staff = await staffContext.newPage();
  try {
    await signInStaff(staff);
    await staff.goto(`/admin/claims/${claimRef}?lang=fr`);
    for (const [button, status] of [
      ["Commencer l'examen", "En cours d'examen"],
      ['Envoyée à la compagnie', 'Envoyée à la compagnie'],
      ['Accepter', 'Acceptée'],
    ]) {
      await staff.getByRole('button', { name: button, exact: true }).click();
      await expect(staff.getByTestId('claim-status')).toContainText(status);
    }
    // The airline pays the 600 € in full.
    await staff.locator('#ap-amount').fill('600');
    await staff.locator('#ap-reference').fill('AF-REF-PAYOUT');
    await staff.locator('#ap-full').check();
    await staff.getByRole('button', { name: 'Enregistrer un paiement de la compagnie' }).click();
    await expect(staff.getByTestId('claim-status')).toContainText('Payée par la compagnie');

    // The claims ready to pay out: this one, selected.
    await staff.goto('/admin/payouts?lang=fr');
    await expect(staff.getByRole('heading', { name: 'Lots de virements', level: 1 })).toBeVisible();
    await checkA11y(staff);
    await staff.getByLabel(`Reverser ${claimRef}`, { exact: true }).check();
    await staff.getByRole('button', { name: 'Créer le lot' }).click();

    // The review: 600 € held, 150 € fee (25 %), 450 € to transfer, in the SEPA list.
    await expect(staff).toHaveURL(/\/admin\/payouts\/\d+$/);
    await expect(staff.getByTestId('batch-state')).toHaveText('Ouvert');
    const sepa = staff.getByTestId('sepa');
    await expect(sepa).toContainText(claimRef);
    await expect(sepa).toContainText('450,00');
    await expect(sepa).toContainText('150,00');
    await expect(staff.getByTestId('totals')).toContainText('EUR');
    await checkA11y(staff);

    // The SEPA file, written once and downloaded.
    await staff.getByRole('button', { name: 'Écrire le fichier SEPA (pain.001)' }).click();
    await expect(staff.getByTestId('batch-state')).toHaveText('Exporté');
    const [download] = await Promise.all([
      staff.waitForEvent('download'),
      staff.getByRole('link', { name: 'Télécharger le fichier SEPA (pain.001)' }).click(),
    ]);
    const xml = fs.readFileSync(await download.path(), 'utf8');
    expect(xml).toContain('urn:iso:std:iso:20022:tech:xsd:pain.001.001.09');
    expect(xml).toContain(`<EndToEndId>${claimRef}-B`);
    expect(xml).toContain('<InstdAmt Ccy="EUR">450.00</InstdAmt>');
    expect(xml).toContain('<IBAN>FR7630006000011234567890189</IBAN>');

    // Sent: the payout is in the ledger, the claim is paid, on both sides.
    await staff.getByRole('button', { name: 'Marquer comme envoyé' }).click();
    await expect(staff.getByTestId('batch-state')).toHaveText('Envoyé');
    await expect(staff.getByText('Virements enregistrés')).toBeVisible();
    await checkA11y(staff);
    await staff.screenshot({ path: '../../docs/screenshots/admin-payout-batch.png', fullPage: true });
    await staff.goto(`/admin/claims/${claimRef}?lang=fr`);
    await expect(staff.getByTestId('claim-status')).toContainText('Versée au passager');
    await page.goto(claimUrl);
    await expect(page.getByTestId('status')).toHaveText('Versée au passager');
  } finally {
    await staffContext.close();
  }
});
