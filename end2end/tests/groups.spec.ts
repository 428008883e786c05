// Groups and propagation (R10–R13, R52), as a group administrator does them in the browser.
import { expect, test } from '@playwright/test';
import { demoOwner, logIn, snap, watchConsole } from './helpers';

test('a group admin creates a subgroup, makes it public, adds a learner, and sees the climb', async ({ page }) => {
  const errors = watchConsole(page);
  const { password } = demoOwner();
  await logIn(page, 'sales.admin@northwind.example', password);
  const tree = page.getByRole('navigation', { name: 'Group tree' });
  // Their sidebar: the way down to Sales, and Sales' subtree; not the other branches.
  await expect(tree.getByRole('link', { name: 'Sales EMEA' })).toBeVisible();
  await expect(tree.getByRole('link', { name: 'Engineering' })).toHaveCount(0);
  // + > User is theirs, and Dashboard > USERS (the users of Sales and below).
  await expect(page.getByRole('button', { name: 'Add', exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Dashboard' })).toBeVisible();

  await tree.getByRole('link', { name: 'Sales EMEA' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sales EMEA' })).toBeVisible();
  await page.getByLabel('Subgroup name').fill('Lyon office');
  await page.getByRole('button', { name: 'Create subgroup' }).click();
  const subgroups = page.getByRole('region', { name: 'Subgroups' });
  await expect(subgroups.getByRole('link', { name: 'Lyon office' })).toBeVisible();
  await expect(tree.getByRole('link', { name: 'Lyon office' }), 'the sidebar follows').toBeVisible();

  // A duplicate name among siblings is refused at the field.
  await page.getByLabel('Subgroup name').fill('LYON OFFICE');
  await page.getByRole('button', { name: 'Create subgroup' }).click();
  await expect(page.getByText('A group with this name already exists here.')).toBeVisible();
  // The refusal's 400 is logged by the browser as a failed resource: expected, forget it.
  expect(errors).toEqual([expect.stringContaining('400')]);
  errors.length = 0;

  await subgroups.getByRole('link', { name: 'Lyon office' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Lyon office' })).toBeVisible();
  await expect(page.getByText('A group with this name already exists here.'), 'no message left from the other group').toHaveCount(0);
  await expect(page.locator('.page-header').getByText('Private group')).toBeVisible();
  await page.getByRole('button', { name: 'Make public' }).click();
  await expect(page.locator('.page-header').getByText('Public group')).toBeVisible();

  // R62: only people she already sees can be attached; someone of another branch is answered
  // like an unknown user.
  const members = page.getByRole('region', { name: 'Members' });
  await members.getByLabel('Email or username').fill('chloe.dubois@northwind.example');
  await members.getByRole('checkbox', { name: 'Learner' }).check();
  await members.getByRole('button', { name: 'Add to group' }).click();
  await expect(members.getByText('No user has this email or username.')).toBeVisible();
  expect(errors).toEqual([expect.stringContaining('400')]);
  errors.length = 0;

  // The coach of Sales EMEA, to follow a course: learner of Lyon office.
  await members.getByLabel('Email or username').fill('emea.coach@northwind.example');
  await members.getByRole('button', { name: 'Add to group' }).click();
  const colin = members.getByRole('row', { name: /Colin Coach/ });
  await expect(colin).toContainText('Learner');
  await expect(colin).toContainText('direct');
  await snap(page, '10-group-member-added');

  // R10: he climbed to Sales EMEA and to Sales (the first private group), remembering Lyon.
  for (const above of ['Sales EMEA', 'Sales']) {
    await tree.getByRole('link', { name: above, exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: above })).toBeVisible();
    const row = page.getByRole('region', { name: 'Members' }).getByRole('row', { name: /Colin Coach/ });
    await expect(row).toContainText('Learner from Lyon office');
  }
  await snap(page, '11-propagated-to-sales');

  // The role given in Lyon office is taken back from its chip there (the rows are HTML; one
  // listener answers their buttons): he is no longer a member of it.
  await tree.getByRole('link', { name: 'Lyon office' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Lyon office' })).toBeVisible();
  const lyon = page.getByRole('region', { name: 'Members' });
  await lyon.getByRole('button', { name: 'Remove Learner — Colin Coach' }).click();
  await expect(lyon.getByRole('row', { name: /Colin Coach/ })).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('a learner sees their groups but no management controls', async ({ page }) => {
  const errors = watchConsole(page);
  const { password } = demoOwner();
  await logIn(page, 'learner@northwind.example', password);
  await expect(page.getByRole('button', { name: 'Add', exact: true })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Dashboard' })).toHaveCount(0);
  await page.getByRole('navigation', { name: 'Group tree' }).getByRole('link', { name: 'Paris office' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Paris office' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Create subgroup' })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Group settings' })).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('R2, R77: a group admin opening + > User on the homepage is asked where to add, in the group-selection modal', async ({ page }) => {
  const errors = watchConsole(page);
  const { password } = demoOwner();
  await logIn(page, 'sales.admin@northwind.example', password);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.getByRole('link', { name: 'User', exact: true }).click();
  // The platform group is not hers: no empty Role(s) section, but the question.
  await expect(page.getByText('You may not add users to Northwind Academy. Choose the group to add them to:')).toBeVisible();
  await expect(page.getByRole('button', { name: 'INVITE', exact: true })).toHaveCount(0);
  const modal = page.getByRole('dialog', { name: 'Select the group' });
  await expect(modal, 'the modal opens by itself').toBeVisible();
  await expect(modal.getByRole('checkbox', { name: 'Engineering' }), 'only where she may add').toHaveCount(0);
  await modal.getByRole('checkbox', { name: 'Sales EMEA' }).check();
  await modal.getByRole('checkbox', { name: 'Sales', exact: true }).check();
  await expect(modal.getByRole('checkbox', { name: 'Sales EMEA' }), 'one group: ticking another unticks it').not.toBeChecked();
  await snap(page, '11-choose-where-to-add');
  await modal.getByRole('button', { name: 'Confirm' }).click();
  await expect(page).toHaveURL(/\/add-users\?group=\d+$/);
  await expect(page.getByText('Adding to Sales')).toBeVisible();
  await expect(page.getByRole('checkbox', { name: 'Learner', exact: true })).toBeVisible();
  await expect(page.getByRole('checkbox', { name: 'Admin', exact: true })).toBeVisible();
  expect(errors).toEqual([]);
});
