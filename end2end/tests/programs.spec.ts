// Programs and sessions (R30, R31, R53) as a coach who instructs them.
import { expect, test } from '@playwright/test';
import { demoOwner, emailTo, logIn, snap, watchConsole } from './helpers';

test('a coach opens a session, sees its enrolled learners, and creates another session', async ({ page, browser }) => {
  const errors = watchConsole(page);
  const { password } = demoOwner();
  await logIn(page, 'emea.coach@northwind.example', password);
  await page.getByRole('link', { name: 'Programs' }).click();
  await expect(page.getByRole('navigation', { name: 'Group tree' }).getByRole('link', { name: 'Northwind Academy' }))
    .not.toHaveAttribute('aria-current', 'page');
  const program = page.getByRole('region', { name: 'Sales onboarding 2026' });
  await program.getByRole('link', { name: 'Spring cohort' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Spring cohort' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Instructors' })).toContainText('Colin Coach');
  await expect(page.getByRole('region', { name: 'Assigned groups' }).getByRole('link', { name: 'Paris office' })).toBeVisible();
  // R31: the learners of Paris office are enrolled, Leo Learner among them.
  await expect(page.getByRole('region', { name: /Learners/ })).toContainText('Leo Learner');
  await snap(page, '12-session');

  // R4, R30: the instructor (a coach of the group above) invites a learner from the session.
  const learners = page.getByRole('region', { name: /Learners/ });
  await learners.getByRole('button', { name: 'Learners +' }).click();
  const newcomer = `newcomer.${Date.now()}@example.com`;
  await learners.getByLabel('Emails').fill(newcomer);
  // The same optional details as any invitation (R20, R43, R44): French, a label, a value.
  await learners.getByLabel('Default language').selectOption('fr');
  await learners.getByRole('checkbox', { name: 'Partner' }).check();
  await learners.getByLabel('Employee ID').fill('NW-2042');
  await snap(page, '12b-session-invite');
  await learners.getByRole('button', { name: 'INVITE' }).click();
  await expect(learners.getByRole('listitem').filter({ hasText: 'newcomer.' })).toContainText('Invited');
  // R24: the invitation a coach made by R4 stands when the invitee registers from the email:
  // learner of the session's group, enrolled, with the session's email — in French.
  const invitation = await emailTo(newcomer);
  expect(invitation.subject).toBe('Colin Coach vous invite sur Northwind Academy');
  const link = invitation.text.match(/https?:\/\/\S+\/invitation\/[0-9a-f]{64}/)![0];
  const guest = await (await browser.newContext()).newPage();
  await guest.goto(link);
  await guest.getByLabel('Prénom').fill('Nina');
  await guest.getByLabel('Nom', { exact: true }).fill('Newcomer');
  await guest.getByLabel('Mot de passe', { exact: true }).fill('a course to follow 2026');
  await guest.getByRole('button', { name: 'Créer mon compte' }).click();
  await expect(guest).toHaveURL(/\/$/);
  await expect((await emailTo(newcomer, 'Vous êtes inscrit à Spring cohort')).subject).toContain('Sales onboarding 2026');
  await guest.close();
  await page.reload();
  await expect(learners).toContainText('Nina Newcomer');
  await learners.getByRole('button', { name: 'Learners +' }).click();
  // Or picks an existing user of the groups he coaches (R62): learner of the session's group,
  // enrolled at once.
  await learners.getByLabel('Email or username').fill('noah.schmidt@northwind.example');
  await learners.getByRole('button', { name: 'Add to the session' }).click();
  await expect(learners.getByText('Added as a learner, enrolled in the session.')).toBeVisible();
  await expect(learners).toContainText('Noah Schmidt');

  await page.getByRole('link', { name: 'Programs' }).first().click();
  await program.getByLabel('Session name').fill('Winter cohort');
  await program.getByLabel('Starts on').fill('2026-12-01');
  await program.getByLabel('Ends on').fill('2026-11-01');
  await program.getByRole('button', { name: 'Create session' }).click();
  await expect(program.getByText('The end date comes before the start date.')).toBeVisible();
  expect(errors).toEqual([expect.stringContaining('400')]);
  errors.length = 0;
  await program.getByLabel('Ends on').fill('2027-01-29');
  await program.getByRole('button', { name: 'Create session' }).click();
  await expect(program.getByRole('link', { name: 'Winter cohort' })).toBeVisible();
  await snap(page, '13-programs');
  expect(errors).toEqual([]);
});
