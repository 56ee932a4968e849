// Runs the graphql-http package's server audit against a GraphQL endpoint and fails on any MUST or SHOULD that does
// not pass (MAY results are printed, not required). Usage: node audit.mjs http://127.0.0.1:8080/graphql
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs <graphql endpoint URL>');
  process.exit(2);
}
const results = await auditServer({ url });
let failures = 0;
for (const result of results) {
  if (result.status === 'ok') continue;
  const required = result.name.startsWith('MUST') || result.name.startsWith('SHOULD');
  if (required) failures++;
  console.log(`${required ? 'FAIL' : 'note'} (${result.status}) ${result.name}: ${result.reason}`);
}
for (const level of ['MUST', 'SHOULD', 'MAY']) {
  const audits = results.filter((r) => r.name.startsWith(level));
  const ok = audits.filter((r) => r.status === 'ok').length;
  console.log(`graphql-http audit, ${level}: ${ok} of ${audits.length} pass`);
}
process.exit(failures === 0 ? 0 : 1);
