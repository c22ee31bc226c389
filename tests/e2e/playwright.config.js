// @ts-check
// Playwright configuration for FlightClaim's browser tests.
//
// Runs Debian's Chromium (`apt-get install -y chromium`), never a downloaded
// browser: install with `PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci` and do not
// run `npx playwright install`. See /work/shared/docs/test-tooling.md §1.
//
// Environment:
//   BASE_URL                     server under test (default http://127.0.0.1:8000)
//   CHROMIUM_PATH                browser binary (default /usr/bin/chromium)
//   PLAYWRIGHT_JSON_OUTPUT_NAME  JSON report read by summary.js (default pw-results.json)
const path = require('node:path');
const { defineConfig, devices } = require('@playwright/test');

const jsonReport = process.env.PLAYWRIGHT_JSON_OUTPUT_NAME || 'pw-results.json';

module.exports = defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  timeout: 30_000,
  expect: { timeout: 5_000 },
  forbidOnly: !!process.env.CI,
  retries: 0, // a flaky test is a bug to fix, not to retry
  workers: 1, // 2-core boxes, and the app under test shares them
  fullyParallel: false,
  reporter: [
    ['list'],
    ['json', { outputFile: path.resolve(__dirname, jsonReport) }],
  ],
  use: {
    baseURL: process.env.BASE_URL || 'http://127.0.0.1:8000',
    browserName: 'chromium',
    // Our passengers are French first: the browser asks for French unless a test says otherwise.
    locale: 'fr-FR',
    headless: true,
    screenshot: 'only-on-failure',
    trace: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      // No network beyond the app under test: no QUIC, no background
      // fetches, no component updates, no sync. --no-sandbox because the
      // tests run as root in CI containers.
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
      ],
    },
  },
  projects: [
    {
      // Pixel-7-like phone: the viewport is the full 412×915 screen.
      name: 'phone',
      use: {
        ...devices['Pixel 7'],
        viewport: { width: 412, height: 915 },
        isMobile: true,
        hasTouch: true,
      },
    },
    {
      name: 'desktop',
      use: {
        viewport: { width: 1280, height: 800 },
        isMobile: false,
        hasTouch: false,
      },
    },
  ],
});
