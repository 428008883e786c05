import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The demo owner's credentials, as the server printed and kept them beside the database. */
export function demoOwner(): { login: string; password: string } {
  const text = readFileSync(join(process.env.E2E_DATA_DIR!, 'demo-credentials.txt'), 'utf8');
  const field = (name: string) => text.match(new RegExp(`^${name}:\\s*(\\S+)`, 'm'))![1];
  return { login: field('login'), password: field('password') };
}

/** Fails the test on any console error or uncaught exception (hydration errors among them). */
export function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(err.message));
  return errors;
}

export async function logIn(page: Page, login: string, password: string) {
  await page.goto('/login');
  await expect(page).toHaveURL(/\/login$/);
  await page.getByLabel('Email or username').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/$/);
}

/** Screenshots for people to look at, when SCREENSHOT_DIR is set; and, at each of these moments,
 * a check that element ids are unique on the page (a label or a message must point at one), and
 * axe-core's analysis of the screen as it is (issue 14). */
export async function snap(page: Page, name: string) {
  const repeated = await page.evaluate(() => {
    const ids = [...document.querySelectorAll('[id]')].map((e) => e.id);
    return [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
  });
  expect(repeated, `ids repeated on ${name}`).toEqual([]);
  await checkAccessibility(page, name);
  if (process.env.SCREENSHOT_DIR) {
    await page.screenshot({ path: join(process.env.SCREENSHOT_DIR, `${name}.png`), fullPage: true });
  }
}

/** axe-core's WCAG 2.1 A and AA rules and its best practices on the page: a serious or critical
 * violation fails the journey; the moderate and minor ones are kept in
 * test-results/accessibility/<screen>.json, which docs/accessibility.md goes through. */
export async function checkAccessibility(page: Page, name: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const described = results.violations.map((v) => ({
    rule: v.id,
    impact: v.impact,
    help: v.help,
    where: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary?.split('\n').slice(1).join(' ').trim()}`),
  }));
  const folder = join(__dirname, '..', 'test-results', 'accessibility');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, `${name}.json`), JSON.stringify(described, null, 2));
  const serious = described.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious, `serious or critical accessibility violations on ${name}`).toEqual([]);
}

export const maildevApi = process.env.ROSTER_TEST_MAILDEV_API ?? 'http://127.0.0.1:1080/api';

/** The latest email MailDev received for `to` (whose subject starts with `subject`, if given),
 * waiting for the outbox worker to send it. */
export async function emailTo(to: string, subject = ''): Promise<{ subject: string; text: string }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const response = await fetch(`${maildevApi}/email`);
    const emails: Array<{ subject: string; text: string; to: Array<{ address: string }> }> = await response.json();
    const found = emails.filter((e) => e.to.some((r) => r.address.toLowerCase() === to.toLowerCase()) && e.subject.startsWith(subject)).pop();
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no email to ${to} (subject ${subject}…) reached MailDev`);
}

/** Runs one SQL statement on the journeys' SQLite database (python3's sqlite3): the tests' way to
 * move time, e.g. to age an invitation past its one-minute resend limit. */
export function sql(statement: string, ...params: Array<string | number>) {
  const script = 'import sqlite3, sys, json\ndb = sqlite3.connect(sys.argv[1])\ndb.execute(sys.argv[2], json.loads(sys.argv[3]))\ndb.commit()';
  execFileSync('python3', ['-c', script, join(process.env.E2E_DATA_DIR!, 'roster.db'), statement, JSON.stringify(params)]);
}
