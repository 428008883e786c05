// Playwright journeys through Roster in Debian's Chromium, against the release build of the real
// server on a fresh SQLite database with the demo data. Run by scripts/test.sh.
import { defineConfig } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const port = process.env.E2E_PORT ?? '3100';
// Evaluated again in each worker: the first evaluation's folder is passed on through the environment.
process.env.E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'roster-e2e-'));
const dataDir = process.env.E2E_DATA_DIR;

export default defineConfig({
  testDir: './tests',
  globalSetup: './tests/global-setup.ts',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  webServer: {
    command: `target/release/server serve --demo --bind 127.0.0.1:${port}`,
    cwd: '..',
    url: `http://127.0.0.1:${port}/healthz`,
    env: {
      DATABASE_URL: `sqlite:${dataDir}/roster.db`,
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      // A real SMTP server: MailDev, started by scripts/test.sh (scripts/services.sh).
      SMTP_URL: process.env.ROSTER_TEST_SMTP_URL ?? 'smtp://127.0.0.1:1025',
      LEPTOS_SITE_ROOT: 'target/site',
      RUST_LOG: 'warn',
    },
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
  },
});
