// @ts-check
// A passenger creates an account, signs out and back in, in both languages; every account page
// is accessible and the forms explain mistakes next to the fields.
const { test, expect, openRegisteredAccount } = require('./fixtures');

const PASSWORD = 'violet tandem orbit 93 caramel';

function uniqueEmail(testInfo) {
  return `e2e-${testInfo.project.name}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

test('register, sign out, sign in (French)', async ({ page, checkA11y }, testInfo) => {
  const email = uniqueEmail(testInfo);
  await page.goto('/register');
  await checkA11y(page);
  await page.getByLabel('Nom complet').fill('Marie Curie');
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Nouveau mot de passe').fill(PASSWORD);
  await page.getByLabel('Confirmez le mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Créer mon compte' }).click();
  // The same answer whether or not the address has an account: the mailbox decides.
  await expect(page).toHaveURL(/\/register\/sent$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Vérifiez votre boîte mail');
  await checkA11y(page);
  await openRegisteredAccount(page, email);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Bonjour Marie Curie');
  await expect(page.getByText('Votre adresse e-mail est confirmée')).toBeVisible();
  await checkA11y(page);
  await page.screenshot({ path: `../../docs/screenshots/account-fr-${testInfo.project.name}.png`, fullPage: true });

  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await expect(page.getByText('Vous êtes déconnecté')).toBeVisible();
  await page.goto('/account');
  await expect(page).toHaveURL(/\/login\?next=/);
  await checkA11y(page);
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page).toHaveURL(/\/account$/);
});

test('mistakes are explained next to the fields (English)', async ({ page, checkA11y }) => {
  await page.goto('/register?lang=en');
  await page.getByLabel('Email address').fill('not-an-email');
  await page.getByLabel('New password').fill('password123');
  await page.getByLabel('Confirm the password').fill('password12');
  await page.getByRole('button', { name: 'Create my account' }).click();
  await expect(page.getByRole('alert')).toContainText('There is a problem');
  await expect(page.getByText('Enter your full name.').first()).toBeVisible();
  await expect(page.getByLabel('Email address')).toHaveValue('not-an-email');
  await expect(page.getByLabel('Email address')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('New password')).toHaveValue('');
  await checkA11y(page);
});

test('forgotten password page answers without telling who has an account', async ({ page, checkA11y }) => {
  await page.goto('/password/forgot?lang=en');
  await checkA11y(page);
  await page.getByLabel('Email address').fill('nobody-here@example.com');
  await page.getByRole('button', { name: 'Send the link' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Check your inbox');
  await checkA11y(page);
});
