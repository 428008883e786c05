// The help article's "Create users in batch" (R35–R37), followed as an administrator does it:
// + > User, Add users > Create users in batch, download the template, fill it in, upload it, read
// the preview and its errors, IMPORT, the progress bar, the results, the rejected-rows file; then
// the invitations are listed and their emails arrive.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { demoOwner, emailTo, logIn, snap, watchConsole } from './helpers';

test('a platform administrator creates users in batch from the template (R12, R35, R36, R37)', async ({ page }) => {
  const errors = watchConsole(page);
  const { password } = demoOwner();
  await logIn(page, 'admin@northwind.example', password);

  // At the top right of the homepage, click + > User; in the left sidebar, Create users in batch.
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.getByRole('link', { name: 'User', exact: true }).click();
  await page.getByRole('navigation', { name: 'Ways to add users' }).getByRole('link', { name: 'Create users in batch' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Create users in batch' })).toBeVisible();
  await expect(page.getByText('Up to 100,000 rows and 50 MB per file')).toBeVisible();

  // Download the template: the columns in the interface's language, and an example row.
  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download the template' }).click();
  const template = await downloading;
  expect(template.suggestedFilename()).toBe('users-import-template.csv');
  const lines = readFileSync(await template.path(), 'utf8').replace(/^\uFEFF/, '').split('\r\n');
  expect(lines[0]).toMatch(/^Email or username,First name,Last name,Groups,Role\(s\),Language,/);

  // Fill it in as people do: two good rows, a typo, an unknown group, a repeat in other case.
  const stamp = Date.now();
  const ann = `ann.${stamp}@example.com`;
  const bob = `bob.${stamp}@example.com`;
  const columns = lines[0].split(',').length;
  const row = (...cells: string[]) => [...cells, ...Array(columns - cells.length).fill('')].join(',');
  const file = [
    lines[0],
    row(ann, '', '', 'Sales/Sales EMEA', 'Learner', 'fr'),
    row(bob, '', '', 'Sales/Sales EMEA', 'Learner'),
    row('not-an-address', '', '', 'Sales/Sales EMEA', 'Learner'),
    row(`cid.${stamp}@example.com`, '', '', 'Marketing', 'Learner'),
    row(ann.toUpperCase(), '', '', 'Sales/Sales EMEA', 'Learner'),
    '',
  ].join('\r\n');

  // Upload it: the preview shows what IMPORT will do, and each problem at its line and column.
  await page.getByLabel('CSV file').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(file) });
  const preview = page.getByRole('region', { name: '5 rows in the file' });
  await expect(preview).toBeVisible();
  await expect(preview.locator('.count-new dd')).toHaveText('2');
  await expect(preview.locator('.count-invalid dd')).toHaveText('2');
  await expect(preview.locator('.count-repeated dd')).toHaveText('1');
  const problems = preview.getByRole('table');
  await expect(problems.getByRole('row', { name: /^4 Email or username/ })).toContainText('This is not a valid email address.');
  await expect(problems.getByRole('row', { name: /^5 Groups/ })).toContainText('No group is called Marketing');
  await expect(problems.getByRole('row', { name: /^6 Email or username/ })).toContainText('Already on line 2 of the file.');
  await snap(page, '50-import-preview');

  // IMPORT: the progress bar, then the results.
  await page.getByRole('button', { name: 'IMPORT' }).click();
  const results = page.getByRole('region', { name: 'Import finished' });
  await expect(results).toBeVisible();
  await expect(results.getByRole('status')).toHaveText('5 of 5 rows');
  await expect(results.locator('progress')).toHaveAttribute('value', '5');
  await expect(results.locator('.count-new dt')).toHaveText('Invited');
  await expect(results.locator('.count-new dd')).toHaveText('2');
  await snap(page, '51-import-done');

  // The rejected rows, with why; the file opens in a spreadsheet as it was written.
  const rejecting = page.waitForEvent('download');
  await results.getByRole('link', { name: 'Download the rejected rows' }).click();
  const rejected = await rejecting;
  expect(rejected.suggestedFilename()).toMatch(/^rejected-rows-\d+\.csv$/);
  const rejectedLines = readFileSync(await rejected.path(), 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
  expect(rejectedLines).toHaveLength(4);
  expect(rejectedLines[0]).toBe(`${lines[0]},Reason`);
  expect(rejectedLines[1]).toContain('not-an-address');

  // The invited people are listed at once, and their invitation emails arrive (in French for Ann).
  await results.getByRole('link', { name: 'See the invitations' }).click();
  await expect(page.getByRole('row', { name: new RegExp(ann.replace(/\./g, '\\.')) })).toBeVisible();
  await expect(page.getByRole('row', { name: new RegExp(bob.replace(/\./g, '\\.')) })).toBeVisible();
  expect((await emailTo(ann)).subject).toContain('Northwind Academy');
  await emailTo(bob);
  expect(errors).toEqual([]);
});

test('an import goes on when its page is left, and is shown again on coming back (R37)', async ({ page }) => {
  const errors = watchConsole(page);
  const { password } = demoOwner();
  await logIn(page, 'admin@northwind.example', password);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.getByRole('link', { name: 'User', exact: true }).click();
  const sidebar = page.getByRole('navigation', { name: 'Ways to add users' });
  await sidebar.getByRole('link', { name: 'Create users in batch' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Create users in batch' })).toBeVisible();

  const stamp = Date.now();
  const rows = Array.from({ length: 5000 }, (_, i) => `many.${stamp}.${i}@example.com`);
  const file = ['Email;Groupes;Rôles', ...rows.map((email) => `${email};Sales/Sales EMEA;Apprenant`)].join('\n');
  await page.getByLabel('CSV file').setInputFiles({ name: 'many.csv', mimeType: 'text/csv', buffer: Buffer.from(file) });
  await expect(page.getByRole('region', { name: '5000 rows in the file' })).toBeVisible();
  await page.getByRole('button', { name: 'IMPORT' }).click();
  await expect(page.getByRole('region', { name: /Import about to start|Importing|Import finished/ })).toContainText('many.csv');

  // Leave for the Invitations list, and come back: the import is there, running or ended.
  await sidebar.getByRole('link', { name: 'Invitations' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Invitations' })).toBeVisible();
  await sidebar.getByRole('link', { name: 'Create users in batch' }).click();
  const shown = page.getByRole('region', { name: /Import about to start|Importing|Import finished|Your last import/ });
  await expect(shown).toContainText('many.csv');
  await expect(page.getByRole('region', { name: /Import finished|Your last import/ })).toContainText('5000 of 5000 rows', { timeout: 30_000 });

  // On a phone, the form and its counts fit the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
  await snap(page, '52-import-phone');
  expect(errors).toEqual([]);
});
