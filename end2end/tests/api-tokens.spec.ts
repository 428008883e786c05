// Dashboard > API TOKENS (R90, issue 15): a platform administrator makes a SCIM token limited to a
// group, copies its secret (shown once), an identity provider calls SCIM with it; revoked, the
// next call is refused.
import { expect, test } from '@playwright/test';
import { demoOwner, logIn, snap, watchConsole } from './helpers';

test('R90: a platform administrator makes a SCIM token, which opens SCIM until revoked', async ({ page }) => {
  const errors = watchConsole(page);
  const { password } = demoOwner();
  await logIn(page, 'admin@northwind.example', password);
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await page.getByRole('link', { name: 'API TOKENS' }).click();
  await expect(page.getByText('No API token yet')).toBeVisible();

  const form = page.getByRole('region', { name: 'New API token' });
  await form.getByRole('button', { name: 'Create the token' }).click();
  await expect(form.getByText('This field is required.')).toBeVisible();
  await expect(form.getByLabel('Token name')).toHaveAttribute('aria-invalid', 'true');
  errors.length = 0;

  await form.getByLabel('Token name').fill('Okta provisioning');
  await form.getByLabel('What it may do').selectOption({ label: 'Provision users and groups (SCIM)' });
  await form.getByLabel('Limited to').selectOption({ label: 'Northwind Academy › Sales' });
  await form.getByLabel('Expires').selectOption({ label: 'In 90 days' });
  await form.getByLabel('New users are').selectOption({ label: 'Invited by email' });
  await form.getByRole('button', { name: 'Create the token' }).click();
  await expect(form.getByText('Copy this token now: it will not be shown again.')).toBeVisible();
  const secret = await form.getByLabel('The token').inputValue();
  expect(secret).toMatch(/^roster_[0-9a-f]{64}$/);
  const list = page.getByRole('region', { name: 'API tokens' });
  const row = list.getByRole('row', { name: /Okta provisioning/ });
  await expect(row).toContainText('Northwind Academy › Sales');
  await expect(row).toContainText('Invited by email');
  await expect(row).toContainText('Active');
  await snap(page, '62-api-tokens');

  // The identity provider's call, with the token.
  const call = () => page.request.get('/scim/v2/ServiceProviderConfig', { headers: { Authorization: `Bearer ${secret}` } });
  expect((await call()).status()).toBe(200);
  await page.reload();
  await expect(list.getByRole('row', { name: /Okta provisioning/ })).not.toContainText('never');
  await expect(page.getByLabel('The token'), 'shown once').toHaveCount(0);

  page.once('dialog', (dialog) => dialog.accept());
  await list.getByRole('button', { name: 'Revoke — Okta provisioning' }).click();
  await expect(page.getByText('Token revoked.')).toBeVisible();
  await expect(list.getByRole('row', { name: /Okta provisioning/ })).toContainText('Revoked');
  expect((await call()).status()).toBe(401);
  expect(errors).toEqual([]);
});
