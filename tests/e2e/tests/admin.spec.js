// @ts-check
// The staff dashboard as an admin meets it: sign-in, overview, users, emails (the verification
// email of a passenger who just registered), system, audit — accessible, in both languages.
// Screenshots feed docs/ADMIN-GUIDE.md.
const { test, expect, latestMailLink } = require('./fixtures');

const ADMIN_EMAIL = process.env.E2E_ADMIN_EMAIL || 'admin@e2e.example';
const ADMIN_PASSWORD = process.env.E2E_ADMIN_PASSWORD || 'e2e admin passphrase 2026';


async function signIn(page) {
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/admin\/login/);
  await page.getByLabel(/Adresse e-mail|Email address/).fill(ADMIN_EMAIL);
  await page.getByLabel(/Mot de passe|Password/).fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: /Se connecter|Sign in/ }).click();
  await expect(page).toHaveURL(/\/admin$/);
}

test('an admin walks through the dashboard', async ({ page, checkA11y }, testInfo) => {
  test.skip(testInfo.project.name === 'phone', 'the dashboard is used on laptops and tablets');
  // A passenger registers first, so there is a user and an email to look at.
  const email = `pax-${Date.now()}@example.com`;
  await page.goto('/register?lang=fr');
  await page.getByLabel('Nom complet').fill('Paul Passager');
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Nouveau mot de passe').fill('violet tandem orbit 93 caramel');
  await page.getByLabel('Confirmez le mot de passe').fill('violet tandem orbit 93 caramel');
  await page.getByRole('button', { name: 'Créer mon compte' }).click();
  await expect(page).toHaveURL(/\/register\/sent$/);

  await page.goto('/admin/login?lang=fr');
  await checkA11y(page);
  await signIn(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText("Vue d'ensemble");
  await checkA11y(page);
  await page.screenshot({ path: '../../docs/screenshots/admin-overview.png', fullPage: true });

  await page.getByRole('link', { name: 'Utilisateurs' }).click();
  await page.getByLabel('Rechercher (e-mail ou nom)').fill('Paul');
  await page.getByRole('button', { name: 'Filtrer' }).click();
  await expect(page.getByRole('cell', { name: email, exact: true })).toBeVisible();
  await checkA11y(page);
  await page.screenshot({ path: '../../docs/screenshots/admin-users.png', fullPage: true });

  await page.getByRole('link', { name: 'E-mails' }).click();
  const row = page.getByRole('row').filter({ hasText: email });
  await expect(row).toBeVisible();
  await checkA11y(page);
  await page.screenshot({ path: '../../docs/screenshots/admin-emails.png', fullPage: true });
  await row.getByRole('link').click();
  // The single-use link is hidden from staff (issue #12): only the recipient's copy has it.
  await expect(page.getByText('/verify-email/[hidden-link-1]').first()).toBeVisible();
  await expect(page.getByText('seul l\'exemplaire du destinataire', { exact: false })).toBeVisible();
  await checkA11y(page, { exclude: 'iframe' });
  await page.getByRole('button', { name: "Réessayer l'envoi" }).click();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();

  await page.getByRole('link', { name: 'Système' }).click();
  await expect(page.getByText('Schéma (actuel / attendu)')).toBeVisible();
  await page.getByLabel('Envoyer un e-mail de test à').fill('ops@example.com');
  await page.getByRole('button', { name: 'Envoyer le test' }).click();
  await expect(page.getByRole('status')).toContainText('SMTP');
  await checkA11y(page);
  await page.screenshot({ path: '../../docs/screenshots/admin-system.png', fullPage: true });

  await page.getByRole('link', { name: "Journal d'audit" }).click();
  await expect(page.getByRole('cell', { name: 'email.retry' })).toBeVisible();
  await checkA11y(page);
  await page.screenshot({ path: '../../docs/screenshots/admin-audit.png', fullPage: true });

  // English works too.
  await page.goto('/admin?lang=en');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Overview');
  await checkA11y(page);
});

// Analytics over demo data: `flightclaim demo-data` fills the suite's database (a few hundred
// claims, --force because other specs created real accounts), then the overview, the charts and a
// user's page are checked for accessibility and photographed for docs/ADMIN-GUIDE.md.
test('the overview and analytics show the business', async ({ page, checkA11y }, testInfo) => {
  test.skip(testInfo.project.name === 'phone', 'the dashboard is used on laptops and tablets');
  const dataDir = process.env.E2E_DATA_DIR;
  test.skip(!dataDir, 'needs E2E_DATA_DIR to add demo data');
  const { execFileSync } = require('node:child_process');
  execFileSync('../../target/debug/flightclaim', ['demo-data', '--claims', '400', '--seed', '7', '--force'], {
    env: { ...process.env, FLIGHTCLAIM_DATA_DIR: dataDir, FLIGHTCLAIM_LOG_TO_FILE: 'false' },
    stdio: 'pipe',
  });

  await page.goto('/admin/login?lang=fr');
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Dossiers par statut' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'À traiter' })).toBeVisible();
  await checkA11y(page);
  await page.screenshot({ path: '../../docs/screenshots/admin-overview.png', fullPage: true });

  await page.getByRole('link', { name: 'Statistiques' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Statistiques');
  await expect(page.getByRole('img', { name: 'Dossiers par semaine et par statut' })).toBeVisible();
  await expect(page.getByRole('img', { name: 'Taux d\'acceptation par compagnie' })).toBeVisible();
  // The data table under a chart opens without JavaScript (details/summary).
  await page.getByText('Données sous forme de tableau').first().click();
  await expect(page.getByRole('columnheader', { name: 'Semaine du' })).toBeVisible();
  await checkA11y(page);
  await page.screenshot({ path: '../../docs/screenshots/admin-analytics.png', fullPage: true });

  // A bad range: a translated message, the page still works.
  await page.locator('#from').fill('2026-05-01');
  await page.locator('#to').fill('2026-01-01');
  await page.getByRole('button', { name: 'Filtrer' }).click();
  await expect(page.getByRole('alert')).toContainText('La date de début est après la date de fin');
  await checkA11y(page);

  // A passenger's page with their claims, from the users list.
  await page.getByRole('link', { name: 'Utilisateurs' }).click();
  await page.getByLabel('Rechercher (e-mail ou nom)').fill('demo.invalid');
  await page.getByRole('button', { name: 'Filtrer' }).click();
  await page.getByRole('cell').getByRole('link').first().click();
  await expect(page.getByRole('heading', { name: 'Dossiers' })).toBeVisible();
  await checkA11y(page);
  await page.screenshot({ path: '../../docs/screenshots/admin-user.png', fullPage: true });

  await page.goto('/admin/analytics?lang=en');
  await expect(page.getByRole('img', { name: 'Claims per week by status' })).toBeVisible();
  await checkA11y(page);
});

// An admin invites an agent; the invitation link (read from the outbox page) lets the agent
// choose a name and password; the agent signs in and opens their profile (two-step sign-in
// setup). Every page is axe-checked.
test('an invited agent joins and sees the two-step setup', async ({ browser, page, checkA11y }, testInfo) => {
  test.skip(testInfo.project.name === 'phone', 'the dashboard is used on laptops and tablets');
  const agentEmail = `agent-${Date.now()}@example.com`;
  await page.goto('/admin/login?lang=fr');
  await signIn(page);
  await page.getByRole('link', { name: 'Utilisateurs' }).click();
  await page.getByLabel('Inviter un agent (adresse e-mail)').fill(agentEmail);
  await page.getByRole('button', { name: "Envoyer l'invitation" }).click();
  await expect(page.getByRole('status')).toContainText('Invitation envoyée');
  await checkA11y(page);

  await page.getByRole('link', { name: 'E-mails' }).click();
  await page.getByRole('row').filter({ hasText: agentEmail }).getByRole('link').click();
  // Staff see the message but never its single-use link (issue #12); the invitee's mailbox has it.
  const text = await page.locator('pre').first().textContent();
  expect(text).toContain('/admin/invitation/[hidden-link-1]');
  expect(/\/admin\/invitation\/[A-Za-z0-9_-]{20,}/.exec(text || '')).toBeNull();
  let link = null;
  await expect.poll(() => {
    link = latestMailLink(agentEmail, 'staff_invitation', '/admin/invitation/');
    return link;
  }).not.toBeNull();

  const context = await browser.newContext();
  const invitee = await context.newPage();
  await invitee.goto(`${new URL(/** @type {string} */ (link)).pathname}?lang=fr`);
  await expect(invitee.getByRole('heading', { level: 1 })).toHaveText("Rejoindre l'équipe FlightClaim");
  await checkA11y(invitee);
  await invitee.getByLabel('Nom complet').fill('Nadia Agent');
  await invitee.locator('#password').fill('orbit violet tandem 2026 agent');
  await invitee.locator('#password_confirm').fill('orbit violet tandem 2026 agent');
  await invitee.getByRole('button', { name: 'Créer mon compte agent' }).click();
  // Signed in right away: no detour through the login page.
  await expect(invitee).toHaveURL(/\/admin$/);
  await expect(invitee.getByRole('status')).toContainText("Bienvenue dans l'équipe");
  // Their name in the dashboard's navigation (the overview's workload lists it too).
  const nav = invitee.getByRole('navigation', { name: 'Tableau de bord' });
  await nav.getByRole('link', { name: agentEmail }).or(nav.getByRole('link', { name: 'Nadia Agent' })).click();
  await expect(invitee.getByRole('heading', { level: 1 })).toHaveText('Mon profil');
  await invitee.getByRole('button', { name: 'Configurer la connexion en deux étapes' }).click();
  await expect(invitee.locator('#totp-secret')).toBeVisible();
  await expect(invitee.getByRole('img', { name: 'QR code à scanner avec votre application d\'authentification' })).toBeVisible();
  await invitee.screenshot({ path: '../../docs/screenshots/admin-totp-enrol.png', fullPage: true });
  await checkA11y(invitee);
  await context.close();
});
