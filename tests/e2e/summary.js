#!/usr/bin/env node
// Prints one line, `N passed, N failed, N skipped`, from Playwright's JSON
// report, and exits 1 when anything failed (or the report is missing).
//
//   node summary.js [REPORT]   REPORT (relative to the current directory) defaults
//                              to $PLAYWRIGHT_JSON_OUTPUT_NAME, then pw-results.json,
//                              both relative to this file's directory (as in
//                              playwright.config.js).
const fs = require('node:fs');
const path = require('node:path');

const file = process.argv[2]
  ? path.resolve(process.argv[2])
  : path.resolve(__dirname, process.env.PLAYWRIGHT_JSON_OUTPUT_NAME || 'pw-results.json');

let report;
try {
  report = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch (err) {
  console.error(`summary.js: cannot read ${file}: ${err.message}`);
  console.log('0 passed, 1 failed, 0 skipped');
  process.exit(1);
}

const s = report.stats || {};
const passed = (s.expected || 0) + (s.flaky || 0);
// Top-level errors (a spec that does not load, a global setup failure) mean
// tests never ran: count each as a failure so they cannot go unnoticed.
const failed = (s.unexpected || 0) + (Array.isArray(report.errors) ? report.errors.length : 0);
const skipped = s.skipped || 0;

console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
