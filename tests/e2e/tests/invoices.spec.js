// @ts-check
// Fee invoices (issue 15): the payout that records our fee issues the invoice; staff see it on
// the claim page and in /admin/invoices, cancel it with a credit note and issue the corrected
// one; the passenger downloads their invoice from their claim page, and its text (pdftotext)
// names the invoice, the operator's fee and the VAT. axe-core on every page; the screenshot
// feeds docs/ADMIN-GUIDE.md.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { test, expect, fileClaim, signInStaff } = require('./fixtures');

/** The text of a PDF file, whitespace collapsed. */
function pdfText(file) {
  return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-']).toString('utf8').split(/\s+/).join(' ');
}

test('a payout issues the fee invoice that staff correct and the passenger downloads', async ({ page, browser, checkA11y }, testInfo) => {
  test.skip(testInfo.project.name === 'phone', 'the dashboard is used on laptops and tablets');
  test.setTimeout(120_000);
  const stamp = Date.now().toString(36).replace(/[0-9]/g, '').toUpperCase() || 'X';
  const lastName = `Facture${stamp}${testInfo.project.name.replace(/[^a-z]/gi, '')}`;
  const claimUrl = await fileClaim(page, `lea.${Date.now()}@example.com`, lastName);
  const claimRef = claimUrl.split('/').pop();

  const staffContext = await browser.newContext({
    baseURL: testInfo.project.use.baseURL,
    viewport: page.viewportSize(),
    locale: 'fr-FR',
  });
  const staff = await staffContext.newPage();
  try {
    await signInStaff(staff);
    await staff.goto(`/admin/claims/${claimRef}`);
    const steps = [
      ["Commencer l'examen", null],
      ['Envoyée à la compagnie', null],
      ['Enregistrer la réponse de la compagnie', "La réponse de la compagnie (pour l'équipe)"],
      ['Accepter', null],
    ];
    for (const [button, field] of steps) {
      if (field) await staff.getByLabel(field).fill('La compagnie paie 600 €.');
      await staff.getByRole('button', { name: button, exact: true }).click();
    }
    await expect(staff.getByTestId('claim-status')).toContainText('Acceptée');
    // No invoice before the fee is earned.
    await expect(staff.getByTestId('invoices')).toContainText('Aucune facture');

    // The airline pays in full; the payout withholds our fee: the invoice is issued.
    await staff.locator('#ap-full').check();
    await staff.getByRole('button', { name: 'Enregistrer un paiement de la compagnie' }).click();
    await expect(staff.getByTestId('claim-status')).toContainText('Payée par la compagnie');
    await staff.getByRole('button', { name: 'Enregistrer un reversement' }).click();
    await expect(staff.getByTestId('claim-status')).toContainText('Versée au passager');
    const section = staff.getByTestId('invoices');
    await expect(section).toContainText(/\d{4}-\d{6}/);
    await expect(section).toContainText('Émise');
    const number = (/** @type {RegExpMatchArray} */ ((await section.innerText()).match(/\d{4}-\d{6}/)))[0];
    await checkA11y(staff);

    // The list, with both CSV links; the stored PDF opens.
    await staff.getByRole('link', { name: 'Factures', exact: true }).click();
    await expect(staff.getByRole('heading', { level: 1 })).toHaveText('Factures');
    const row = staff.getByRole('row').filter({ hasText: claimRef });
    await expect(row).toContainText(number);
    await expect(row).toContainText('EUR');
    await checkA11y(staff);
    await staff.screenshot({ path: '../../docs/screenshots/admin-invoices.png', fullPage: true });
    const csv = await staff.request.get('/admin/invoices.csv?sep=semicolon');
    expect(csv.status()).toBe(200);
    const csvText = (await csv.body()).toString('utf8');
    expect(csvText.startsWith('\uFEFFtype;number;')).toBe(true);
    expect(csvText).toContain(`invoice;${number};`);

    // A correction: the credit note (reason required), then the corrected invoice.
    await staff.goto(`/admin/claims/${claimRef}`);
    await staff.getByLabel("Motif de l'avoir").fill("L'adresse postale manquait.");
    await staff.getByRole('button', { name: "Émettre l'avoir" }).click();
    await expect(staff.getByText("L'avoir a été émis ; la facture est annulée.")).toBeVisible();
    await expect(staff.getByTestId('invoices')).toContainText(/Annulée par CN-\d{4}-\d{6}/);
    await staff.getByLabel('Adresse postale du client (facultative)').fill('3 quai des Fleurs, 69001 Lyon');
    await staff.getByRole('button', { name: 'Émettre la facture rectificative' }).click();
    await expect(staff.getByText('La facture rectificative a été émise.')).toBeVisible();
    await expect(staff.getByTestId('invoices')).toContainText(`rectifie ${number}`);
    await checkA11y(staff);
  } finally {
    await staffContext.close();
  }

  // The passenger downloads their invoice from the claim page; the PDF is in French.
  await page.goto(claimUrl);
  const mine = page.getByTestId('passenger-invoices');
  await expect(mine).toContainText('Notre facture');
  await checkA11y(page);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    mine.getByRole('link', { name: /PDF de la facture \d{4}-\d{6}/ }).first().click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^\d{4}-\d{6}\.pdf$/);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'invoice-')), 'facture.pdf');
  await download.saveAs(file);
  const text = pdfText(file);
  expect(text).toContain('Facture n°');
  expect(text).toContain(claimRef);
  expect(text).toContain('Honoraires hors taxes : 150,00 €');
  expect(text).toContain('TVA à 20 % : 30,00 €');
  expect(text).toContain('Total TTC : 180,00 €');
});
