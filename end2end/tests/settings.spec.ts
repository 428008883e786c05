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

test('R79: a platform administrator types a custom field, renames and deletes labels; the forms follow the type', async ({ page }) => {
  const errors = watchConsole(page);
  const { password } = demoOwner();
  await logIn(page, 'admin@northwind.example', password);
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await page.getByRole('link', { name: 'LABELS' }).click();
  const fields = page.getByRole('region', { name: 'Custom fields' });
  await fields.getByLabel('Name', { exact: true }).fill('T-shirt size');
  await fields.getByLabel('Type').selectOption('list');
  await fields.getByLabel('Choices, one per line').fill('Small\nLarge\nsmall');
  await fields.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(fields.getByText('small is in the list twice.')).toBeVisible();
  expect(errors).toEqual([expect.stringContaining('400')]);
  errors.length = 0;
  await fields.getByLabel('Choices, one per line').fill('Small\nLarge');
  await fields.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(fields.getByText('One of: Small, Large')).toBeVisible();

  // Labels: renamed in place; deleted after a question that says who holds it.
  const labels = page.getByRole('region', { name: 'Label(s)' });
  await labels.getByRole('button', { name: 'Rename — Contractor' }).click();
  await labels.getByLabel('Name', { exact: true }).fill('External contractor');
  await labels.getByRole('button', { name: 'Save' }).click();
  await expect(labels.getByText('External contractor')).toBeVisible();
  await snap(page, '62-labels');
  const asked: string[] = [];
  page.once('dialog', (dialog) => { asked.push(dialog.message()); void dialog.dismiss(); });
  await labels.getByRole('button', { name: 'Delete — External contractor' }).click();
  await expect.poll(() => asked.length).toBe(1);
  expect(asked[0]).toMatch(/^Delete External contractor\? \d+ users? or invitations? holds? it; it will be taken off/);
  await expect(labels.getByText('External contractor')).toBeVisible();
  page.once('dialog', (dialog) => void dialog.accept());
  await labels.getByRole('button', { name: 'Delete — External contractor' }).click();
  await expect(labels.getByText('External contractor')).toHaveCount(0);

  // The invite form offers the list's choices; a set-up with a bad number is told at its field.
  await page.getByRole('banner').getByRole('button', { name: 'Add', exact: true }).click();
  await page.getByRole('link', { name: 'User', exact: true }).click();
  await expect(page.getByLabel('T-shirt size').locator('option')).toHaveText(['—', 'Small', 'Large']);
  expect(errors).toEqual([]);
});
