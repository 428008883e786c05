// Who may touch whom (issue 9), as the people of the demo see it in the browser: a user admin
// manages learners only, the owner's account is the owner's alone, and invitation emails have
// limits that platform administrators set in Dashboard > SETTINGS.
import { test, expect, type Page } from '@playwright/test';
import { demoOwner, logIn, snap, watchConsole } from './helpers';

async function logOut(page: Page) {
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login$/);
}

async function openUserPage(page: Page, search: string, name: string) {
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await page.getByLabel('Search by name or email').fill(search);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('link', { name }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
}

test('a user admin sees a coach of her group but cannot manage him; nobody but the owner manages the owner', async ({ page }) => {
  const errors = watchConsole(page);
  const { password } = demoOwner();
  // R54: Ulysse, user admin of Sales EMEA (learners only), opens Colin's page, coach of Sales EMEA.
  await logIn(page, 'emea.useradmin@northwind.example', password);
  await openUserPage(page, 'colin', 'Colin Coach');
  await expect(page.getByRole('region', { name: 'Groups and roles' })).toContainText('Coach');
  await expect(page.getByRole('heading', { name: 'Language, deletion date, labels' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Send new credentials' })).toHaveCount(0);
  await expect(page.getByText('You see this person, but they hold roles you may not grant')).toBeVisible();
  await snap(page, '30-user-admin-on-a-coach');
  // A learner of Sales EMEA stays his to manage.
  await openUserPage(page, 'schmidt', 'Noah Schmidt');
  await expect(page.getByRole('heading', { name: 'Language, deletion date, labels' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Send new credentials' })).toBeVisible();
  await logOut(page);

  // The owner's page, seen by a platform administrator: facts only.
  await logIn(page, 'admin@northwind.example', password);
  await openUserPage(page, 'owner', 'Olivia Owner');
  await expect(page.getByRole('heading', { name: 'Language, deletion date, labels' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Send new credentials' })).toHaveCount(0);
  // And no mailbox for a platform administrator (it would hold the owner's new password).
  await expect(page.getByRole('link', { name: 'Mailbox' })).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('a platform administrator sets the invitation email limits; a user admin over them is told which and how long', async ({ page }) => {
  const errors = watchConsole(page);
  const { password } = demoOwner();
  await logIn(page, 'admin@northwind.example', password);
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await page.getByRole('link', { name: 'SETTINGS' }).click();
  const limits = page.getByRole('region', { name: 'Invitation email limits' });
  await expect(limits.getByLabel('Per person, an hour')).toHaveValue('200');
  await limits.getByLabel('Per person, an hour').fill('0');
  await limits.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Enter a whole number from 1 to 1000000.')).toBeVisible();
  expect(errors).toEqual([expect.stringContaining('400')]);
  errors.length = 0;
  await limits.getByLabel('Per person, an hour').fill('2');
  await limits.getByRole('button', { name: 'Save' }).click();
  await expect(limits.getByText('Settings saved.')).toBeVisible();
  await snap(page, '31-settings-email-limits');
  await logOut(page);

  await logIn(page, 'emea.useradmin@northwind.example', password);
  await page.getByRole('link', { name: 'Sales EMEA' }).first().click();
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.getByRole('link', { name: 'User', exact: true }).click();
  const stamp = Date.now();
  await page.getByLabel('Emails').fill(`one.${stamp}@example.com, two.${stamp}@example.com, three.${stamp}@example.com`);
  await page.getByRole('checkbox', { name: 'Learner' }).check();
  await page.getByRole('button', { name: 'INVITE' }).click();
  await expect(page.getByText(/^Limit reached: you may send 2 invitation emails an hour\. Try again in \d+ min/)).toBeVisible();
  await snap(page, '32-invite-over-the-limit');
  expect(errors).toEqual([expect.stringContaining('400')]);
  errors.length = 0;
  await logOut(page);

  // Back to the default for the journeys that follow (they share this server).
  await logIn(page, 'admin@northwind.example', password);
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await page.getByRole('link', { name: 'SETTINGS' }).click();
  await limits.getByLabel('Per person, an hour').fill('200');
  await limits.getByRole('button', { name: 'Save' }).click();
  await expect(limits.getByText('Settings saved.')).toBeVisible();
  expect(errors).toEqual([]);
});
