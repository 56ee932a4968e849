// GraphiQL in headless Chromium (Debian's, driven by playwright-core): the page loads with its packages served by
// the API itself (HRC_GRAPHIQL_ASSETS), a query typed into the editor runs, and its result shows in the response
// pane. Any page error or failed request fails the check.
import { chromium } from 'playwright-core';

const [base, screenshot] = process.argv.slice(2);
if (!base) throw new Error('usage: node check.mjs http://127.0.0.1:PORT [screenshot.png]');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync',
  ],
});
const problems = [];
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`${r.status()} for ${r.url()}`); });
  await page.goto(`${base}/graphql`, { waitUntil: 'load' });
  await page.waitForSelector('.graphiql-container', { timeout: 20_000 });
  const query = '{ mandates(first: 2) { totalCount nodes { key } } }';
  // The query editor is CodeMirror 5: set its text through its own API, as typing would.
  await page.waitForSelector('.graphiql-query-editor .CodeMirror', { timeout: 20_000 });
  await page.evaluate((text) => {
    const editor = document.querySelector('.graphiql-query-editor .CodeMirror');
    editor.CodeMirror.setValue(text);
  }, query);
  await page.click('.graphiql-execute-button');
  const response = page.locator('.graphiql-response');
  await response.getByText('sr-racism').waitFor({ timeout: 20_000 });
  const shown = await response.innerText();
  if (!shown.includes('"totalCount"') || shown.includes('"errors"')) {
    problems.push(`unexpected result: ${shown.slice(0, 500)}`);
  }
  if (screenshot) await page.screenshot({ path: screenshot });
  console.log(`GraphiQL: the page loaded, the query ran, the result shows (${shown.split('\n').length} lines)`);
} finally {
  await browser.close();
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
