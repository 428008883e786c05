// The help article's "Invite a user to a group", followed literally, then the invitee's first
// login (R20–R23) and what the administrator sees afterwards (R39).
import { expect, test } from '@playwright/test';
import { demoOwner, emailTo, logIn, snap, sql, watchConsole } from './helpers';

// R86: a browser far from the platform's time zone (Europe/Paris) sees its own, named.
test.use({ timezoneId: 'Asia/Tokyo' });

test('invite a user to a group, register from the email, and find the account in Dashboard > USERS', async ({ page, browser }) => {
  const errors = watchConsole(page);
  const owner = demoOwner();
  const invitee = `grace.${Date.now()}@example.com`;
  await logIn(page, owner.login, owner.password);

  // In the left sidebar of the homepage, click on a group.
  await page.getByRole('navigation', { name: 'Group tree' }).getByRole('link', { name: 'Sales EMEA' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sales EMEA' })).toBeVisible();
  // At the top right, click + > User.
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.getByRole('link', { name: 'User', exact: true }).click();
  // In the field Emails, enter an email address (several: separated by a comma or a semicolon).
  await page.getByLabel('Emails').fill(`${invitee}; not-an-email, owner@northwind.example`);
  // In the section Role(s), choose the roles for the user.
  await page.getByRole('group', { name: 'Role(s)' }).getByRole('checkbox', { name: 'Learner' }).check();
  // On the bottom, click INVITE.
  await page.getByRole('button', { name: 'INVITE' }).click();
  const results = page.getByRole('region', { name: 'Results' });
  await expect(results.getByRole('listitem').filter({ hasText: invitee })).toContainText('Invited');
  await expect(results.getByRole('listitem').filter({ hasText: 'not-an-email' })).toContainText('Not a valid email address.');
  await expect(results.getByRole('listitem').filter({ hasText: 'owner@northwind.example' })).toContainText('the following user already has an active account');
  await snap(page, '20-invite-results');
  expect(errors).toEqual([]);

  // The invited user receives the email, with a personal link.
  const email = await emailTo(invitee);
  expect(email.subject).toBe('Olivia Owner invites you to Northwind Academy');
  const link = email.text.match(/https?:\/\/\S+\/invitation\/[0-9a-f]{64}/)![0];

  const guest = await (await browser.newContext()).newPage();
  const guestErrors = watchConsole(guest);
  await guest.goto(link);
  await expect(guest.getByRole('heading', { name: 'Complete your account' })).toBeVisible();
  await expect(guest.getByText(invitee)).toBeVisible();
  await snap(guest, '21-register');
  await guest.getByLabel('First name').fill('Grace');
  await guest.getByLabel('Last name').fill('Hopper');
  await guest.getByLabel('Password', { exact: true }).fill('compilers are fun 1952');
  await guest.getByRole('button', { name: 'Create my account' }).click();
  await expect(guest).toHaveURL(/\/$/);
  await expect(guest.getByText('Grace Hopper')).toBeVisible();
  // The link is used up: the same page as any invalid link (R23).
  await guest.goto(link);
  await expect(guest.getByText('This invitation link is no longer valid — ask your administrator for a new one.')).toBeVisible();
  expect(guestErrors).toEqual([]);

  // The administrator finds the active account in Dashboard > USERS, with its climbed memberships.
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await page.getByLabel('Search by name or email').fill('hopper');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByRole('row', { name: /Grace Hopper/ })).toContainText('Active');
  await page.getByRole('navigation', { name: 'Group tree' }).getByRole('link', { name: 'Sales', exact: true }).click();
  await expect(page.getByRole('region', { name: 'Members' }).getByRole('row', { name: /Grace Hopper/ })).toContainText('Learner from Sales EMEA');
  expect(errors).toEqual([]);
});

test('the Invitations list: cancel and resend kill the old links, resend waits a minute', async ({ page, browser }) => {
  const errors = watchConsole(page);
  const owner = demoOwner();
  const stamp = Date.now();
  // The search finds addresses by their start (R84): both start with the stamp.
  const [kept, dropped] = [`${stamp}.kept@example.com`, `${stamp}.dropped@example.com`];
  await logIn(page, owner.login, owner.password);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.getByRole('link', { name: 'User', exact: true }).click();
  await page.getByLabel('Emails').fill(`${kept}, ${dropped}`);
  await page.getByRole('group', { name: 'Role(s)' }).getByRole('checkbox', { name: 'Learner' }).check();
  await page.getByRole('button', { name: 'INVITE' }).click();
  await expect(page.getByRole('region', { name: 'Results' }).getByRole('listitem')).toHaveCount(2);
  const droppedLink = (await emailTo(dropped)).text.match(/https?:\/\/\S+\/invitation\/[0-9a-f]{64}/)![0];

  // In the left sidebar, click Invitations.
  await page.getByRole('navigation', { name: 'Ways to add users' }).getByRole('link', { name: 'Invitations' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Invitations' })).toBeVisible();
  await page.getByLabel('Search by email').fill(String(stamp));
  await expect(page.getByRole('row')).toHaveCount(3);
  await expect(page.getByText('Dates and times are in the Asia/Tokyo time zone.')).toBeVisible();
  // R87: newest first until a header sorts; the search stays.
  await expect(page.getByRole('columnheader', { name: 'Invited', exact: true })).toHaveAttribute('aria-sort', 'descending');
  await page.getByRole('link', { name: 'Email', exact: true }).click();
  await expect(page).toHaveURL(/sort=email/);
  await expect(page.getByRole('columnheader', { name: 'Email', exact: true })).toHaveAttribute('aria-sort', 'ascending');
  await expect(page.getByRole('row')).toHaveCount(3);
  await expect(page.getByRole('row').nth(1)).toContainText(dropped);
  await page.getByRole('link', { name: 'Email', exact: true }).click();
  await expect(page.getByRole('columnheader', { name: 'Email', exact: true })).toHaveAttribute('aria-sort', 'descending');
  await expect(page.getByRole('row').nth(1)).toContainText(kept);
  await snap(page, '22-invitations');
  // The cancel asks first; said no, nothing changes.
  const asked: string[] = [];
  page.once('dialog', (dialog) => { asked.push(dialog.message()); void dialog.dismiss(); });
  await page.getByRole('button', { name: `Cancel invitation — ${dropped}` }).click();
  await expect.poll(() => asked).toEqual(['Cancel this invitation? Its link will stop working.']);
  await expect(page.getByRole('row')).toHaveCount(3);
  await expect(page.getByText('Invitation cancelled.')).toHaveCount(0);
  page.once('dialog', (dialog) => { asked.push(dialog.message()); void dialog.accept(); });
  await page.getByRole('button', { name: `Cancel invitation — ${dropped}` }).click();
  await expect(page.getByText('Invitation cancelled.')).toBeVisible();
  expect(asked).toHaveLength(2);
  await expect(page.getByRole('row')).toHaveCount(2);
  await page.getByRole('button', { name: `Resend invitation — ${kept}` }).click();
  await expect(page.getByText(/Too many attempts, try again in \d+ s\./)).toBeVisible();
  expect(errors).toEqual([expect.stringContaining('429')]);
  errors.length = 0;

  // A minute later (the database's clock moved back), the resend goes: a new link, the old one dead.
  const keptLink = (await emailTo(kept)).text.match(/https?:\/\/\S+\/invitation\/[0-9a-f]{64}/)![0];
  sql('UPDATE invitations SET last_sent_at = last_sent_at - 120000 WHERE email_key = ?', kept);
  await page.getByRole('button', { name: `Resend invitation — ${kept}` }).click();
  await expect(page.getByText('Invitation sent again, with a new link.')).toBeVisible();
  let newLink = keptLink;
  await expect(async () => {
    newLink = (await emailTo(kept)).text.match(/https?:\/\/\S+\/invitation\/[0-9a-f]{64}/)![0];
    expect(newLink).not.toBe(keptLink);
  }).toPass();
  expect(errors).toEqual([]);

  const guest = await (await browser.newContext()).newPage();
  const invalid = 'This invitation link is no longer valid — ask your administrator for a new one.';
  for (const deadLink of [droppedLink, keptLink]) {
    await guest.goto(deadLink);
    await expect(guest.getByText(invalid)).toBeVisible();
  }
  await guest.goto(newLink);
  await expect(guest.getByRole('heading', { name: 'Complete your account' })).toBeVisible();
});

test('R88: the ticked invitations are resent one after the other; one sent under a minute ago is skipped, saying why', async ({ page }) => {
  const errors = watchConsole(page);
  const owner = demoOwner();
  const stamp = Date.now();
  const [a, b, c] = ['a', 'b', 'c'].map((x) => `${stamp}.bulk-${x}@example.com`);
  await logIn(page, owner.login, owner.password);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.getByRole('link', { name: 'User', exact: true }).click();
  await page.getByLabel('Emails').fill(`${a}, ${b}, ${c}`);
  await page.getByRole('group', { name: 'Role(s)' }).getByRole('checkbox', { name: 'Learner' }).check();
  await page.getByRole('button', { name: 'INVITE' }).click();
  await expect(page.getByRole('region', { name: 'Results' }).getByRole('listitem')).toHaveCount(3);
  const linkOf = async (to: string) => (await emailTo(to)).text.match(/https?:\/\/\S+\/invitation\/[0-9a-f]{64}/)![0];
  const [firstA, firstB] = [await linkOf(a), await linkOf(b)];
  // Two were sent over a minute ago (the database's clock moved back); the third just now.
  sql('UPDATE invitations SET last_sent_at = last_sent_at - 120000 WHERE email_key IN (?, ?)', a, b);

  await page.getByRole('navigation', { name: 'Ways to add users' }).getByRole('link', { name: 'Invitations' }).click();
  await page.getByLabel('Search by email').fill(String(stamp));
  await expect(page.getByRole('row')).toHaveCount(4);
  await expect(page.getByRole('button', { name: 'Resend selected (0)' })).toBeDisabled();
  await page.getByLabel('Select all on this page').check();
  await page.getByRole('checkbox', { name: `Select — ${b}` }).uncheck();
  await page.getByRole('checkbox', { name: `Select — ${b}` }).check();
  await page.getByRole('button', { name: 'Resend selected (3)' }).click();
  const status = page.getByRole('status').filter({ hasText: 'invitations sent again' });
  await expect(status).toContainText('2 of 3 invitations sent again, with new links.');
  await expect(status.getByRole('listitem')).toHaveText([new RegExp(`^${c.replace(/\./g, '\\.')} — Too many attempts, try again in \\d+ s\\.$`)]);
  await expect(page.getByRole('checkbox', { name: `Select — ${a}` })).not.toBeChecked();
  await snap(page, '23-invitations-resent');
  // The two got new links.
  for (const [to, first] of [[a, firstA], [b, firstB]]) {
    await expect(async () => expect(await linkOf(to)).not.toBe(first)).toPass();
  }
  expect(errors).toEqual([expect.stringContaining('429')]);
});

test('R21, R74: an address with an active account is added to the group instead, and gets the session email of the group at once', async ({ page }) => {
  const errors = watchConsole(page);
  const owner = demoOwner();
  await logIn(page, owner.login, owner.password);
  await page.getByRole('navigation', { name: 'Group tree' }).getByRole('link', { name: 'Sales EMEA' }).click();
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.getByRole('link', { name: 'User', exact: true }).click();
  await page.getByLabel('Emails').fill('author@northwind.example');
  await page.getByRole('group', { name: 'Role(s)' }).getByRole('checkbox', { name: 'Learner' }).check();
  await page.getByRole('button', { name: 'INVITE' }).click();
  const row = page.getByRole('region', { name: 'Results' }).getByRole('listitem').filter({ hasText: 'author@northwind.example' });
  await expect(row).toContainText('the following user already has an active account');
  await row.getByRole('button', { name: 'Add to this group instead' }).click();
  await expect(row).toContainText('Added to the group.');
  // Sales EMEA has the Autumn cohort: she is enrolled, and its email leaves now.
  const email = await emailTo('author@northwind.example', 'You are enrolled in Autumn cohort');
  expect(email.text).toContain('Sales onboarding 2026');
  await page.getByRole('navigation', { name: 'Group tree' }).getByRole('link', { name: 'Sales EMEA' }).click();
  await expect(page.getByRole('region', { name: 'Members' }).getByRole('row', { name: /Aurora Author/ })).toContainText('Learner');
  expect(errors).toEqual([]);
});
