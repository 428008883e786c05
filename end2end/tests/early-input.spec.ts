// R96: what a person types, ticks or picks in a page before its code has loaded is kept when the
// page hydrates, and reaches the server. The browser is made slow on purpose: the page's script
// and WebAssembly are held back until the fields are filled (a phone on a poor network, or a
// fast typist: CI once caught the change-password field wiped by hydration).
import { expect, test, type Page } from '@playwright/test';
import { demoOwner, emailTo, logIn, watchConsole } from './helpers';

/** Holds the page's code (its JavaScript and WebAssembly) until the returned function is called; then waits for the page
 * to load it all and hydrate (the network quiet for half a second). */
async function holdCode(page: Page): Promise<() => Promise<void>> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/pkg\/.*\.(js|wasm)$/, async (route) => {
    await held;
    await route.continue();
  });
  return async () => {
    release();
    await page.waitForLoadState('networkidle');
  };
}

test('R96: a set-up form filled before the page hydrated keeps its fields and ticks, and the new password typed early is the one saved', async ({ page, browser }) => {
  const errors = watchConsole(page);
  const { password } = demoOwner();
  const email = `margaret.${Date.now()}@example.com`;
  await logIn(page, 'sales.admin@northwind.example', password);

  await page.getByRole('navigation', { name: 'Group tree' }).getByRole('link', { name: 'Sales EMEA' }).click();
  await expect(page).toHaveURL(/\/groups\/\d+$/);
  const group = page.url().match(/\/groups\/(\d+)$/)![1];

  const hydrate = await holdCode(page);
  await page.goto(`/set-up-user?group=${group}`, { waitUntil: 'domcontentloaded' });
  await expect(page.getByRole('heading', { level: 1, name: 'Set up a user' })).toBeVisible();
  await page.getByLabel('First name').fill('Margaret');
  await page.getByLabel('Last name').fill('Hamilton');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Send this new user credentials by email (login and password)').check();
  await page.getByRole('group', { name: 'Role(s)' }).getByRole('checkbox', { name: 'Learner' }).check();
  await hydrate();

  // Hydrated: what was entered is still there, and the page's state knows it (the password field
  // is disabled because credentials are to be sent).
  await expect(page.getByLabel('First name')).toHaveValue('Margaret');
  await expect(page.getByLabel('Email', { exact: true })).toHaveValue(email);
  await expect(page.getByLabel('Send this new user credentials by email (login and password)')).toBeChecked();
  await expect(page.getByLabel('Password', { exact: true })).toBeDisabled();
  await expect(page.getByRole('group', { name: 'Role(s)' }).getByRole('checkbox', { name: 'Learner' })).toBeChecked();
  await page.getByRole('button', { name: 'SET UP USER' }).click();
  await expect(page.getByRole('heading', { name: 'Margaret Hamilton is set up' })).toBeVisible();
  expect(errors).toEqual([]);

  // She logs in with the emailed password; the page asking for her own opens slowly, and she
  // types it before it has hydrated.
  const given = (await emailTo(email, 'Your account on')).text.match(/^Password: (\S+)$/m)![1];
  const margaret = await (await browser.newContext()).newPage();
  const margaretErrors = watchConsole(margaret);
  await margaret.goto('/login');
  await margaret.waitForLoadState('networkidle');
  await margaret.getByLabel('Email or username').fill(email);
  await margaret.getByLabel('Password').fill(given);
  const changed = await holdCode(margaret);
  await margaret.getByRole('button', { name: 'Log in' }).click();
  await expect(margaret).toHaveURL(/\/change-password$/);
  await margaret.getByLabel('New password').fill('apollo guidance 1969');
  await changed();
  await expect(margaret.getByLabel('New password')).toHaveValue('apollo guidance 1969');
  await margaret.getByRole('button', { name: 'Save the new password' }).click();
  await expect(margaret).toHaveURL(/\/$/);
  expect(margaretErrors).toEqual([]);

  // The password saved is the one she typed.
  const again = await (await browser.newContext()).newPage();
  await logIn(again, email, 'apollo guidance 1969');
});
