// Prints vitest's totals as the plain closing line "N passed, N failed"
// that CI reads, and fails when vitest ran no test at all. When the tests
// did not run (the global setup, test/support/global-postgres.ts, failed, or
// vitest died before writing its report) it says so, and counts one failure.
import { existsSync, readFileSync } from 'node:fs';

const path = process.argv[2];
if (!existsSync(path)) {
  console.log(`vitest wrote no report (${path}): it stopped before running the tests; its output above says why`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const report = JSON.parse(readFileSync(path, 'utf8'));
const passed = report.numPassedTests ?? 0;
let failed = (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0);
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
if ((report.numTotalTests ?? 0) === 0) {
  console.log('vitest ran no test: its output above says why (a failed test setup prints "test setup failed")');
  if (report.success === false && failed === 0) failed = 1;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
