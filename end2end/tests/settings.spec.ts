// Dashboard > SETTINGS (R76): a platform administrator renames the platform, changes its time zone
// and invitation lifetime; bad values are refused at their fields. Restores the demo's settings.
import { expect, test } from '@playwright/test';
import { demoOwner, logIn, snap, watchConsole } from './helpers';

test('R76: a platform administrator changes the platform settings; the top bar follows', async ({ page }) => {
  const errors = watchConsole(page);
  const { password } = demoOwner();
  await logIn(page, 'admin@northwind.example', password);
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await page.getByRole('link', { name: 'SETTINGS' }).click();
  const card = page.getByRole('region', { name: 'Platform' });
  await expect(card.getByLabel('Platform name')).toHaveValue('Northwind Academy');
  await expect(card.getByLabel('Time zone')).toHaveValue('Europe/Paris');
  await expect(card.getByLabel('Invitation lifetime (days)')).toHaveValue('7');

  await card.getByLabel('Platform name').fill('  ');
  await card.getByLabel('Time zone').fill('Europe/Atlantis');
  await card.getByLabel('Invitation lifetime (days)').fill('45');
  await card.getByRole('button', { name: 'Save' }).click();
  await expect(card.getByText('This field is required.')).toBeVisible();
  await expect(card.getByText('Choose a time zone from the list, such as Europe/Paris or UTC.')).toBeVisible();
  await expect(card.getByText('Enter a whole number from 1 to 30.')).toBeVisible();
  await snap(page, '60-settings-refused');
  expect(errors).toEqual([expect.stringContaining('400')]);
  errors.length = 0;

  await card.getByLabel('Platform name').fill('Northwind Campus');
  await card.getByLabel('Time zone').fill('America/Montreal');
  await card.getByLabel('Invitation lifetime (days)').fill('14');
  await card.getByRole('button', { name: 'Save' }).click();
  await expect(card.getByText('Settings saved.')).toBeVisible();
  await expect(page.locator('.topbar .brand'), 'the top bar shows the new name at once').toHaveText('Northwind Campus');
  await page.reload();
  await expect(card.getByLabel('Time zone')).toHaveValue('America/Montreal');
  await expect(card.getByLabel('Invitation lifetime (days)')).toHaveValue('14');
  await snap(page, '61-settings');

  // Back to the demo's settings, for whatever runs next.
  await card.getByLabel('Platform name').fill('Northwind Academy');
  await card.getByLabel('Time zone').fill('Europe/Paris');
  await card.getByLabel('Invitation lifetime (days)').fill('7');
  await card.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('.topbar .brand')).toHaveText('Northwind Academy');
  expect(errors).toEqual([]);
});
