// Browser benchmarks (scripts/bench.sh): the same real server and Chromium as the journeys, on
// their own port; they print figures and check no timing.
import { defineConfig } from '@playwright/test';
import journeys from './playwright.config';

process.env.E2E_PORT ??= '3101';
const port = process.env.E2E_PORT;

export default defineConfig({
  ...journeys,
  testDir: './bench',
  testMatch: '*.bench.ts',
  timeout: 300_000,
  use: { ...journeys.use, baseURL: `http://127.0.0.1:${port}`, trace: 'off', screenshot: 'off' },
  webServer: {
    ...journeys.webServer!,
    command: `target/release/server serve --demo --bind 127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}/healthz`,
    env: { ...(journeys.webServer as { env: Record<string, string> }).env, PUBLIC_URL: `http://127.0.0.1:${port}` },
  },
});
