// The foundation's journey: log in as the demo owner, see the group tree, open a group, open
// Dashboard > USERS, search, open + > User, log out.
import { expect, test } from '@playwright/test';
import { demoOwner, logIn, snap, watchConsole } from './helpers';

test('the demo owner logs in, walks the groups and the users, and logs out', async ({ page }) => {
  const errors = watchConsole(page);
  const owner = demoOwner();

  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
  await snap(page, '01-login');
  // Wrong password: one generic message, nothing said about the account.
  await page.getByLabel('Email or username').fill(owner.login);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Wrong email, username or password.' })).toBeVisible();
  await snap(page, '02-login-wrong-password');
  // The refused login's 401 is logged by the browser as a failed resource: expected, forget it.
  expect(errors).toEqual([expect.stringContaining('401')]);
  errors.length = 0;

  await logIn(page, owner.login, owner.password);
  const tree = page.getByRole('navigation', { name: 'Group tree' });
  await expect(tree.getByRole('link', { name: 'Northwind Academy' })).toHaveAttribute('aria-current', 'page');
  for (const group of ['Sales', 'Sales EMEA', 'Paris office', 'Engineering', 'Customer Success']) {
    await expect(tree.getByRole('link', { name: group, exact: true })).toBeVisible();
  }
  await expect(page.getByRole('heading', { level: 1, name: 'Northwind Academy' })).toBeVisible();
  await expect(page.getByText('The platform group is always private.')).toBeVisible();
  await snap(page, '03-home');

  await tree.getByRole('link', { name: 'Sales EMEA' }).click();
  await expect(page).toHaveURL(/\/groups\/\d+$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Sales EMEA' })).toBeVisible();
  await expect(page.locator('.page-header').getByText('Public group', { exact: true })).toBeVisible();
  await expect(tree.getByRole('link', { name: 'Sales EMEA' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Sales' })).toBeVisible();
  await snap(page, '04-group');

  // + > User from a group page opens the add-users panel for that group.
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.getByRole('link', { name: 'User', exact: true }).click();
  await expect(page).toHaveURL(/\/add-users\?group=\d+$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Invite users' })).toBeVisible();
  await snap(page, '05-add-users-panel');
  await page.getByRole('link', { name: 'Close' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sales EMEA' })).toBeVisible();

  await page.getByRole('link', { name: 'Dashboard' }).click();
  await expect(page).toHaveURL(/\/dashboard\/users$/);
  await expect(page.getByRole('link', { name: 'USERS' })).toBeVisible();
  // 37 demo users, and those other journeys added (the tests share one server).
  await expect(page.getByText(/^\d+ users$/)).toBeVisible();
  await expect(page.getByText('Page 1 of 2')).toBeVisible();
  await snap(page, '06-users');
  await page.getByRole('link', { name: 'Next' }).click();
  await expect(page.getByText('Page 2 of 2')).toBeVisible();
  await page.getByLabel('Search by name or email').fill('dubois');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/q=dubois/);
  await expect(page.getByRole('cell', { name: 'Chloé Dubois' })).toBeVisible();
  await expect(page.getByRole('row')).toHaveCount(2);
  // R87: a header sorts (the search kept); clicked again, the other way round.
  await page.getByRole('link', { name: 'Created', exact: true }).click();
  await expect(page).toHaveURL(/q=dubois.*sort=-created/);
  await expect(page.getByRole('columnheader', { name: 'Created', exact: true })).toHaveAttribute('aria-sort', 'descending');
  await page.getByRole('link', { name: 'Created', exact: true }).click();
  await expect(page).toHaveURL(/sort=created/);
  await expect(page.getByRole('columnheader', { name: 'Created', exact: true })).toHaveAttribute('aria-sort', 'ascending');
  await expect(page.getByRole('columnheader', { name: 'Name', exact: true })).not.toHaveAttribute('aria-sort');
  await expect(page.getByRole('cell', { name: 'Chloé Dubois' })).toBeVisible();
  // R45: the owner's BILLING tab — who is billed, since when, why.
  await page.getByRole('link', { name: 'BILLING' }).click();
  await expect(page).toHaveURL(/\/dashboard\/billing$/);
  await expect(page.getByText(/^\d+ accounts billed and active; \d+ billed since the start/)).toBeVisible();
  await expect(page.getByRole('columnheader', { name: 'Billable since' })).toBeVisible();
  await snap(page, '06b-billing');

  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/dashboard/users');
  await expect(page).toHaveURL(/\/login$/);

  expect(errors, 'no console errors (hydration included)').toEqual([]);
});

test('the pages are usable on a 390 px phone screen', async ({ browser }) => {
  const page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  const errors = watchConsole(page);
  const owner = demoOwner();
  await logIn(page, owner.login, owner.password);
  await expect(page.getByRole('navigation', { name: 'Group tree' })).toBeVisible();
  await snap(page, '07-phone-home');
  const noSidewaysScroll = async () => {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, 'no sideways scrolling of the page').toBeLessThanOrEqual(0);
  };
  await page.goto('/dashboard/users');
  await expect(page.getByText(/^\d+ users$/)).toBeVisible();
  await noSidewaysScroll();
  await snap(page, '08-phone-users');
  // R87: the headers are for screen readers here; the order is a field of the search.
  await page.getByLabel('Order').selectOption({ label: 'Created, latest first' });
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/sort=-created/);
  await expect(page.getByLabel('Order')).toHaveValue('-created');
  await page.goto('/dashboard/billing');
  await expect(page.getByText(/accounts billed and active/)).toBeVisible();
  await noSidewaysScroll();
  await snap(page, '08b-phone-billing');
  await page.getByRole('link', { name: 'Leo Learner' }).click();
  await expect(page.getByRole('heading', { name: 'Language, deletion date, labels' })).toBeVisible();
  await noSidewaysScroll();
  await snap(page, '08c-phone-user');
  // Through the links, as a person goes (a page.goto would race the click against hydration).
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.getByRole('link', { name: 'User', exact: true }).click();
  await page.getByRole('navigation', { name: 'Ways to add users' }).getByRole('link', { name: 'Set up a user' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Set up a user' })).toBeVisible();
  await page.getByRole('button', { name: 'Select groups' }).click();
  await expect(page.getByRole('dialog', { name: 'Select the group(s)' }).getByRole('checkbox', { name: 'Sales' })).toBeVisible();
  await noSidewaysScroll();
  await snap(page, '09-phone-group-modal');
  await page.keyboard.press('Escape');
  await noSidewaysScroll();
  await snap(page, '10-phone-set-up');
  // R87: on the Invitations list too, the order is a field beside the search.
  await page.getByRole('navigation', { name: 'Ways to add users' }).getByRole('link', { name: 'Invitations' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Invitations' })).toBeVisible();
  await expect(page.getByLabel('Order')).toHaveValue('-invited');
  await page.getByLabel('Order').selectOption({ label: 'Email, A to Z' });
  await expect(page).toHaveURL(/\/invitations\?sort=email$/);
  await expect(page.getByLabel('Order')).toHaveValue('email');
  await noSidewaysScroll();
  await snap(page, '10b-phone-invitations');
  // R90: the API TOKENS page (long group paths in its choices) fits too.
  await page.goto('/dashboard/api-tokens');
  await expect(page.getByRole('region', { name: 'New API token' }).getByLabel('Limited to')).toBeVisible();
  const form = await page.getByRole('region', { name: 'New API token' }).boundingBox();
  expect(form!.x + form!.width, 'the token form within the screen').toBeLessThanOrEqual(390);
  await noSidewaysScroll();
  await snap(page, '10c-phone-api-tokens');
  expect(errors).toEqual([]);
  await page.close();
});
