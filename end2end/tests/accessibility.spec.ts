// Issue 14: every screen analysed by axe-core in English and French, on a desktop (1280 px) and
// a phone (390 px): 0 serious or critical violations (`snap` runs axe and checks that ids are
// unique). The journeys analyse their own screens in English as they go; this one walks the
// screens in each language and size: the login page, then as the owner (who sees them all).
import { expect, test, type Page } from '@playwright/test';
import { demoOwner, snap, sql } from './helpers';

const sizes = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

/** Waits until the page has hydrated and stopped loading (the split-off screens load their code). */
async function settle(page: Page) {
  await page.waitForLoadState('networkidle');
  await expect(page.locator('h1').first()).toBeVisible();
}

const sameSite = { 'sec-fetch-site': 'same-origin', accept: 'application/json' };

async function logInByApi(page: Page) {
  const { login, password } = demoOwner();
  const response = await page.request.post('/api/login', { form: { login, password }, headers: sameSite });
  expect(response.ok()).toBeTruthy();
}

for (const language of ['en', 'fr'] as const) {
  for (const [size, viewport] of Object.entries(sizes)) {
    test(`axe: every screen in ${language} on a ${size} (${viewport.width} px)`, async ({ browser }) => {
      test.setTimeout(120_000);
      // The owner reads their own language; the login page, the platform's.
      sql('UPDATE platform SET default_language = ?', language);
      sql('UPDATE users SET language = ? WHERE id = (SELECT owner_id FROM platform)', language);
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      try {
        const name = (screen: string) => `${language}-${size}-${screen}`;
        await page.goto('/login');
        await settle(page);
        await snap(page, name('login'));
        await logInByApi(page);
        // One pending invitation, so that Invitations shows its table (cancelled at the end: the
        // journeys after this one count the rows they make).
        const shell = await (await page.request.post('/api/shell', { form: {}, headers: sameSite })).json();
        const invited = await page.request.post('/api/invitations/invite', {
          form: { group: String(shell.platform_group_id), emails: 'a11y.reader@example.com', 'roles[0]': 'learner' },
          headers: sameSite,
        });
        expect(invited.ok()).toBeTruthy();
        const screens: Array<[string, string]> = [
          ['home', '/'],
          ['invitations', '/invitations'],
          ['users', '/dashboard/users'],
          ['billing', '/dashboard/billing'],
          ['labels', '/dashboard/labels'],
          ['settings', '/dashboard/settings'],
          ['api-tokens', '/dashboard/api-tokens'],
          ['add-users', '/add-users'],
          ['set-up-user', '/set-up-user'],
          ['import-users', '/import-users'],
          ['programs', '/programs'],
          ['account', '/account'],
        ];
        for (const [screen, path] of screens) {
          await page.goto(path);
          await settle(page);
          await snap(page, name(screen));
        }
        // A group page, a user page and a session page, reached by the first link to one.
        const reached: Array<[string, string, string]> = [
          ['group', '/', 'nav a[href^="/groups/"]'],
          ['user', '/dashboard/users', 'main a[href^="/users/"]'],
          ['session', '/programs', 'main a[href^="/sessions/"]'],
        ];
        for (const [screen, from, link] of reached) {
          await page.goto(from);
          await settle(page);
          await page.locator(link).first().click();
          await settle(page);
          await snap(page, name(screen));
        }
        // Set up a user with the group-selection modal open.
        await page.goto('/set-up-user');
        await settle(page);
        await page.getByRole('button', { name: language === 'en' ? 'Select groups' : 'Choisir des groupes' }).first().click();
        await expect(page.getByRole('dialog')).toBeVisible();
        await snap(page, name('set-up-user-groups-modal'));
      } finally {
        await context.close();
        sql("UPDATE invitations SET status = 'cancelled', cancelled_at = created_at WHERE email = 'a11y.reader@example.com'");
        sql("UPDATE platform SET default_language = 'en'");
        sql("UPDATE users SET language = 'en' WHERE id = (SELECT owner_id FROM platform)");
      }
    });
  }
}
