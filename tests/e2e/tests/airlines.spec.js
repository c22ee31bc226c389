// @ts-check
// Issue 16, the team's view of airlines and batches: the airline statistics pages render with
// numbers (axe clean), the claim page links its airline, and a status change on a queue
// selection reports, by reference, the claims that could not move.
const { test, expect, fileClaim, signInStaff } = require('./fixtures');

test('airline pages and a bulk status change with its report', async ({ page, browser, checkA11y }, testInfo) => {
  test.skip(testInfo.project.name === 'phone', 'the dashboard is used on laptops and tablets');
  test.setTimeout(120_000);
  const stamp = Date.now().toString(36).replace(/[0-9]/g, '').toUpperCase() || 'X';
  const lastName = `Airline${stamp}${testInfo.project.name.replace(/[^a-z]/gi, '')}`;
  const claimUrl = await fileClaim(page, `air.${Date.now()}@example.com`, lastName);
  const claimRef = /** @type {string} */ (claimUrl.split('/').pop());

  const staffContext = await browser.newContext({
    baseURL: testInfo.project.use.baseURL,
    viewport: { width: 1366, height: 900 },
    locale: 'fr-FR',
  });
  const staff = await staffContext.newPage();
  try {
    await signInStaff(staff);

    // Every airline, then Air France: figures, not placeholders.
    await staff.getByRole('link', { name: 'Compagnies', exact: true }).click();
    await expect(staff).toHaveURL(/\/admin\/airlines$/);
    await expect(staff.getByRole('heading', { level: 1 })).toHaveText('Compagnies aériennes');
    const row = staff.getByTestId('airlines').getByRole('row').filter({ hasText: 'Air France' });
    await expect(row).toHaveCount(1);
    await expect(row.getByRole('cell').first()).toHaveText(/\d/);
    await checkA11y(staff);
    await row.getByRole('link', { name: 'AF' }).click();
    await expect(staff).toHaveURL(/\/admin\/airlines\/AF$/);
    await expect(staff.getByRole('heading', { level: 1 })).toContainText('Compagnie AF');
    await expect(staff.getByTestId('airline-figures')).toContainText(/\d/);
    await checkA11y(staff);
    await staff.screenshot({ path: '../../docs/screenshots/admin-airline.png', fullPage: true });
    // An unknown code is a translated 404.
    const missing = await staff.goto('/admin/airlines/ZZ');
    expect(missing?.status()).toBe(404);

    // The claim page links its airline.
    await staff.goto(`/admin/claims/${claimRef}`);
    await expect(staff.getByTestId('airline-link')).toHaveAttribute('href', '/admin/airlines/AF');

    // Bulk: "start the review" moves the claim once; the second time it is refused and named.
    for (const expected of ['1 demande(s) déplacée(s)', "1 demande(s) n'ont pas pu changer de statut"]) {
      await staff.goto(`/admin/claims?q=${encodeURIComponent(lastName)}`);
      await expect(staff.getByTestId('result-count')).toContainText('1');
      await staff.getByRole('row').filter({ hasText: lastName }).getByRole('checkbox').check();
      await staff.getByLabel('Changer le statut des demandes cochées').selectOption('start_review');
      await staff.getByRole('button', { name: 'Changer le statut' }).click();
      await expect(staff.getByRole('heading', { level: 1 })).toHaveText("Changement de statut d'une sélection");
      await expect(staff.locator('main')).toContainText(expected);
    }
    await expect(staff.getByTestId('bulk-refused')).toContainText(claimRef);
    await checkA11y(staff);
  } finally {
    await staffContext.close();
  }
});
