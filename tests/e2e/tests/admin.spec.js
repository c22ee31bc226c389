// @ts-check
// The staff dashboard as an admin meets it: sign-in, overview, users, emails (the verification
// email of a passenger who just registered), system, audit — accessible, in both languages.
// Screenshots feed docs/ADMIN-GUIDE.md.
const { test, expect } = require('./fixtures');

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
  await expect(page).toHaveURL(/\/account$/);

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
  await expect(page.getByText('/verify-email/').first()).toBeVisible();
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
