// @ts-check
// Escalation (issue 16): a claim the airline ignores. The team sends it to the airline; the
// daily job, run 15 days later (`flightclaim daily-jobs --now …`, chasers in `send` mode),
// sends the second notice, which the team and the passenger see; the team files a complaint
// with the enforcement body, goes to court, rejects, reopens with a reason and approves. The
// passenger's page follows each step. axe-core on the staff claim page and the passenger's.
//
// The daily job needs the server's data directory (E2E_DATA_DIR, set by scripts/test) and the
// binary (E2E_BIN, default ../../target/debug/flightclaim from tests/e2e); without them the
// team marks the second notice by hand, as it would without the job.
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { test, expect, fileClaim, signInStaff } = require('./fixtures');

/** Runs `flightclaim daily-jobs` at `now` over the server's data; its output, or null. */
function dailyJobs(now) {
  const dataDir = process.env.E2E_DATA_DIR;
  if (!dataDir) return null;
  const bin = process.env.E2E_BIN || path.resolve(__dirname, '../../../target/debug/flightclaim');
  return execFileSync(bin, ['daily-jobs', '--now', now], {
    env: { ...process.env, FLIGHTCLAIM_DATA_DIR: dataDir, FLIGHTCLAIM_CHASERS: 'send' },
    encoding: 'utf8',
  });
}

test('an ignored claim goes from silence to court, is reopened and approved', async ({ page, browser, checkA11y }, testInfo) => {
  test.skip(testInfo.project.name === 'phone', 'the dashboard is used on laptops and tablets');
  test.setTimeout(120_000);
  const stamp = Date.now().toString(36).replace(/[0-9]/g, '').toUpperCase() || 'X';
  const lastName = `Escalade${stamp}${testInfo.project.name.replace(/[^a-z]/gi, '')}`;
  const claimUrl = await fileClaim(page, `paul.${Date.now()}@example.com`, lastName);
  const claimRef = claimUrl.split('/').pop();

  const staffContext = await browser.newContext({
    baseURL: testInfo.project.use.baseURL,
    viewport: page.viewportSize(),
    locale: 'fr-FR',
  });
  const staff = await staffContext.newPage();
  /** Clicks a status button and checks the status on both sides. */
  async function move(button, status, fill) {
    if (fill) await staff.getByLabel(fill[0]).fill(fill[1]);
    await staff.getByRole('button', { name: button, exact: true }).click();
    await expect(staff.getByTestId('claim-status')).toContainText(status);
    await page.goto(claimUrl);
    await expect(page.getByTestId('status')).toHaveText(status);
  }
  try {
    await signInStaff(staff);
    await staff.goto(`/admin/claims/${claimRef}?lang=fr`);
    await move("Commencer l'examen", "En cours d'examen");
    await move('Envoyée à la compagnie', 'Envoyée à la compagnie');
    // The next deadline: the airline's reply, 14 days after the letter.
    await expect(staff.getByTestId('next-deadline')).toContainText('réponse de la compagnie attendue : relance');

    // Silence. Fifteen days later the daily job sends the second notice.
    const later = new Date(Date.now() + 15 * 24 * 3600 * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    const out = dailyJobs(later);
    if (out === null) {
      await move('Relance envoyée à la compagnie', 'Relance envoyée');
    } else {
      expect(out).toContain(`${claimRef} second_notice: done`);
      await staff.reload();
      await expect(staff.getByTestId('claim-status')).toContainText('Relance envoyée');
      await expect(staff.getByTestId('timeline')).toContainText('Automatique : relance envoyée à la compagnie');
      // Twice the same day does nothing twice.
      expect(dailyJobs(later)).not.toContain(claimRef);
    }
    await page.goto(claimUrl);
    await expect(page.getByTestId('status')).toHaveText('Relance envoyée');
    await expect(page.getByText('nous lui avons envoyé une relance')).toBeVisible();
    await checkA11y(page);
    await staff.reload();
    await checkA11y(staff);
    await staff.screenshot({ path: '../../docs/screenshots/admin-claim-escalation.png', fullPage: true });

    // The team presses on: enforcement body, then court.
    await move("Plainte déposée auprès de l'organisme national (NEB)", "Plainte à l'organisme national");
    await move('Procédure judiciaire', 'Procédure judiciaire');
    await expect(page.getByText('Votre demande est devant un tribunal')).toBeVisible();

    // Lost, then reopened with a reason the passenger reads, then approved.
    await staff.getByLabel('Motif').selectOption('other');
    await move('Refuser', 'Refusée');
    await move('Rouvrir', "En cours d'examen", ['Pourquoi elle est rouverte (le passager le lit)', 'Le jugement nous donne raison.']);
    await expect(page.getByText('Le jugement nous donne raison.').first()).toBeVisible();
    await move('Accepter', 'Acceptée');
    await checkA11y(staff);

    // The queue: the claim has spent 0 days in its status; the deadline filter answers.
    await staff.goto(`/admin/claims?q=${claimRef}&deadline=passed`);
    await expect(staff.getByRole('link', { name: claimRef })).toHaveCount(0);
    await staff.goto(`/admin/claims?q=${claimRef}&days_in_status=0`);
    await expect(staff.getByRole('link', { name: claimRef })).toHaveCount(1);
    await checkA11y(staff);
  } finally {
    await staffContext.close();
  }
});
