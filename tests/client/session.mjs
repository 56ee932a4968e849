// @ts-check
// A front-end team's client session against the Council Mechanisms API, as the README shows it: urql, with
// persisted queries (Apollo's protocol) sent over GET so that a browser or CDN can cache them, and errors read by
// their `extensions.code`. Run by run.sh against a live server; every step checks what came back.
import { Client, fetchExchange, gql } from '@urql/core';
import { persistedExchange } from '@urql/exchange-persisted';

const base = process.argv[2];
if (!base) throw new Error('usage: node session.mjs http://127.0.0.1:PORT');

/**
 * @typedef {{ key: string, name: string, holders: { name: string }[] }} Mandate
 * @typedef {{ mandates: { totalCount: number, nodes: Mandate[] } }} MandatesData
 */

const client = new Client({
  url: `${base}/graphql`,
  exchanges: [persistedExchange({ preferGetForPersistedQueries: true }), fetchExchange],
  // Dashboards in Chinese ask for it; names come back in Chinese where the data holds them.
  fetchOptions: { headers: { 'accept-language': 'en' } },
});

const MANDATES = gql`
  query Mandates($first: Int!) {
    mandates(first: $first) {
      totalCount
      nodes { key name holders { name } }
    }
  }
`;

function check(condition, message) {
  if (!condition) throw new Error(message);
}

// 1. A dashboard query: the first time the server does not know the hash and asks for the document; urql sends it.
/** @type {import('@urql/core').OperationResult<MandatesData>} */
const first = await client.query(MANDATES, { first: 3 }, { requestPolicy: 'network-only' }).toPromise();
check(!first.error, `the query failed: ${first.error}`);
const mandates = first.data?.mandates;
check(mandates && mandates.nodes.length === 3 && mandates.totalCount >= 3, `three mandates: ${JSON.stringify(first.data)}`);
console.log(`mandates: ${mandates.totalCount}, first: ${mandates.nodes[0].key} (${mandates.nodes[0].name})`);

// 2. The same query again goes by hash alone, over GET.
const seen = [];
const watching = new Client({
  url: `${base}/graphql`,
  exchanges: [persistedExchange({ preferGetForPersistedQueries: true }), fetchExchange],
  fetch: async (url, init) => {
    seen.push(`${init?.method ?? 'GET'} ${String(url).includes('sha256Hash') ? 'hash' : 'document'}`);
    return fetch(url, init);
  },
});
const again = await watching.query(MANDATES, { first: 3 }, { requestPolicy: 'network-only' }).toPromise();
check(!again.error, `the persisted query failed: ${again.error}`);
check(JSON.stringify(again.data) === JSON.stringify(first.data), 'the same answer by hash');
check(seen[0] === 'GET hash', `sent by hash over GET: ${seen.join(', ')}`);
console.log(`persisted: ${seen.join(' then ')}`);

// 3. Errors carry a code to branch on.
const wrong = await client.query(gql`query Wrong { mandates(first: 500) { totalCount } }`, {}).toPromise();
const code = wrong.error?.graphQLErrors[0]?.extensions?.code;
check(code === 'BAD_USER_INPUT', `a page of 500 is refused with BAD_USER_INPUT, not ${code}`);
console.log(`refused: ${code} (${wrong.error?.graphQLErrors[0]?.message})`);

// 4. A signed-in caller (a token from `hrc-api token`) sends it as a bearer token.
const token = process.env.HRC_CLIENT_TOKEN;
if (token) {
  const staff = new Client({
    url: `${base}/graphql`,
    exchanges: [fetchExchange],
    fetchOptions: { headers: { authorization: `Bearer ${token}` } },
  });
  const me = await staff.query(gql`query Me { viewer { subject roles } }`, {}).toPromise();
  check(!me.error && me.data?.viewer?.subject === 'client-example', `the viewer: ${JSON.stringify(me.data)} ${me.error}`);
  console.log(`signed in as ${me.data.viewer.subject} (${me.data.viewer.roles.join(', ')})`);
}
console.log('client session: every step as expected');
