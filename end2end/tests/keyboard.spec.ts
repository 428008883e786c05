// The help article's two main flows without a mouse (issue 14): invite someone to a group; set
// up a user in two groups chosen in the group-selection modal. Every step is a key press; at each
// stop the focused element must show its focus and be in sight, not hidden behind anything.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { demoOwner, emailTo, snap, watchConsole } from './helpers';

/** Where the focus is, as a keyboard user sees it: the element, whether it shows its focus (an
 * outline or a ring drawn while it has it) and whether it can be seen (inside the window, and
 * the element drawn at its centre is itself or inside it). */
async function focusSeen(page: Page) {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return { what: 'nothing', shown: false, inSight: false };
    const style = getComputedStyle(element);
    // Past its year, a date field's focus goes to its calendar button, inside the field, which
    // Chromium rings itself (the field no longer matches :focus, so its own ring goes).
    const onCalendar = element.matches('input[type=date]') && !element.matches(':focus');
    const outlined = onCalendar || (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
    const box = element.getBoundingClientRect();
    const [x, y] = [box.left + box.width / 2, box.top + box.height / 2];
    const drawn = document.elementFromPoint(x, y);
    const inSight = box.width > 0 && box.height > 0 && x >= 0 && y >= 0 && x <= innerWidth && y <= innerHeight
      && !!drawn && (drawn === element || element.contains(drawn) || drawn.contains(element) || (drawn as HTMLLabelElement).control === element);
    const what = `${element.tagName.toLowerCase()}${element.id ? '#' + element.id : ''} "${(element.getAttribute('aria-label') ?? element.textContent ?? '').trim().slice(0, 40)}"`;
    return { what, shown: outlined, inSight };
  });
}

/** Presses Tab (Shift+Tab with `back`) until `target` has the focus, checking at every stop that
 * the focus shows and is in sight; fails after `limit` presses. */
async function tabTo(page: Page, target: Locator, { back = false, limit = 60 } = {}) {
  for (let press = 0; press < limit; press++) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    await expectFocusSeen(page);
  }
  throw new Error(`${limit} presses of Tab did not reach ${target}`);
}

/** The focused element shows its focus and is in sight, once the page has drawn the key's
 * effect (a date field takes its focus a moment after the key). */
async function expectFocusSeen(page: Page) {
  await expect.poll(async () => { const f = await focusSeen(page); return f.shown && f.inSight ? 'seen' : JSON.stringify(f); }, { timeout: 2000 }).toBe('seen');
}

/** The focus, checked where it is now (after a key that moves it other than Tab). */
async function expectFocusOn(page: Page, target: Locator) {
  await expect(target).toBeFocused();
  await expectFocusSeen(page);
}

/** Presses the down arrow (the group modal's way from its search through its groups) until
 * `target` has the focus, which must show. */
async function arrowDownTo(page: Page, target: Locator) {
  for (let press = 0; press < 5 && !(await target.evaluate((e) => e === document.activeElement)); press++) {
    await page.keyboard.press('ArrowDown');
  }
  await expectFocusOn(page, target);
}

async function logInByKeyboard(page: Page, login: string, password: string) {
  await page.goto('/login');
  await tabTo(page, page.getByLabel('Email or username'));
  await page.keyboard.type(login);
  await page.keyboard.press('Tab');
  await expectFocusOn(page, page.getByLabel('Password'));
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/$/);
}

test('keyboard only (R91): invite someone to a group, then set up a user in two groups chosen in the modal', async ({ page }) => {
  const errors = watchConsole(page);
  const { password } = demoOwner();
  const invitee = `kb.invite.${Date.now()}@example.com`;
  const email = `kb.setup.${Date.now()}@example.com`;
  await logInByKeyboard(page, 'sales.admin@northwind.example', password);

  // In the left sidebar of the homepage, the group; at the top right, + > User.
  await tabTo(page, page.getByRole('navigation', { name: 'Group tree' }).getByRole('link', { name: 'Sales EMEA' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Sales EMEA' })).toBeVisible();
  const add = page.getByRole('button', { name: 'Add', exact: true });
  await tabTo(page, add, { back: true });
  await page.keyboard.press('Enter');
  await tabTo(page, page.getByRole('link', { name: 'User', exact: true }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Invite users' })).toBeVisible();

  // Emails, Role(s), INVITE.
  await tabTo(page, page.getByLabel('Emails'));
  await page.keyboard.type(invitee);
  await tabTo(page, page.getByRole('group', { name: 'Role(s)' }).getByRole('checkbox', { name: 'Learner' }));
  await page.keyboard.press('Space');
  await expect(page.getByRole('group', { name: 'Role(s)' }).getByRole('checkbox', { name: 'Learner' })).toBeChecked();
  await tabTo(page, page.getByRole('button', { name: 'INVITE' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('region', { name: 'Results' }).getByRole('listitem').filter({ hasText: invitee })).toContainText('Invited');
  await snap(page, '80-keyboard-invited');
  await emailTo(invitee);

  // Add users > Set up a user.
  await tabTo(page, page.getByRole('navigation', { name: 'Ways to add users' }).getByRole('link', { name: 'Set up a user' }), { back: true });
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Set up a user' })).toBeVisible();
  // R91: the link pressed belonged to the screen replaced; the focus goes on from the new title.
  await expect(page.getByRole('heading', { level: 1, name: 'Set up a user' }), 'R91: focus on the new screen\'s title').toBeFocused();
  await tabTo(page, page.getByLabel('First name'));
  await page.keyboard.type('Katherine');
  await tabTo(page, page.getByLabel('Last name'));
  await page.keyboard.type('Johnson');
  await tabTo(page, page.getByLabel('Email', { exact: true }));
  await page.keyboard.type(email);
  await tabTo(page, page.getByLabel('Send this new user credentials by email (login and password)'));
  await page.keyboard.press('Space');

  // Back up to Group(s) (the option is at the bottom): the + opens the modal, the search takes
  // the focus; arrows move, Space selects.
  const groups = page.getByRole('group', { name: 'Group(s)' });
  const plus = groups.getByRole('button', { name: 'Select groups' });
  await tabTo(page, plus, { back: true });
  await page.keyboard.press('Enter');
  const modal = page.getByRole('dialog', { name: 'Select the group(s)' });
  const search = modal.getByLabel('Search groups by name');
  await expectFocusOn(page, search);
  await page.keyboard.type('paris');
  await expect(modal.getByRole('checkbox')).toHaveCount(3);
  const paris = modal.getByRole('checkbox', { name: 'Paris office' });
  await arrowDownTo(page, paris);
  await page.keyboard.press('Space');
  await expect(modal.getByText('2 groups selected')).toBeVisible();
  // Back to the search (Shift+Tab), a second search, and the second group.
  await tabTo(page, search, { back: true });
  await page.keyboard.press('Control+A');
  await page.keyboard.type('americas');
  const americas = modal.getByRole('checkbox', { name: 'Sales Americas' });
  await arrowDownTo(page, americas);
  await page.keyboard.press('Space');
  await expect(modal.getByText('3 groups selected')).toBeVisible();
  await snap(page, '81-keyboard-group-modal');
  // CONFIRM: the modal closes and the focus is back on the +.
  await tabTo(page, modal.getByRole('button', { name: 'CONFIRM' }));
  await page.keyboard.press('Enter');
  await expect(modal).toHaveCount(0);
  await expectFocusOn(page, plus);
  await expect(groups.getByRole('listitem')).toHaveText(['Sales EMEA', 'Sales Americas', 'Paris office'], { useInnerText: true });

  // Opened again, Escape closes it without a change, and the focus is back on the + too.
  await page.keyboard.press('Enter');
  await expectFocusOn(page, search);
  await page.keyboard.type('engineering');
  await page.keyboard.press('Escape');
  await expect(modal).toHaveCount(0);
  await expectFocusOn(page, plus);
  await expect(groups.getByRole('listitem')).toHaveCount(3);

  // Role(s), then SET UP USER.
  await tabTo(page, page.getByRole('group', { name: 'Role(s)' }).getByRole('checkbox', { name: 'Learner' }));
  await page.keyboard.press('Space');
  await tabTo(page, page.getByRole('button', { name: 'SET UP USER' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Katherine Johnson is set up' })).toBeVisible();
  await snap(page, '82-keyboard-set-up');
  await emailTo(email, 'Your account on');
  expect(errors).toEqual([]);
});
