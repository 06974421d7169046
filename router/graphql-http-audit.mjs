// Runs the GraphQL-over-HTTP audit of the npm package graphql-http
// (`auditServer`) against a running gateway and prints one JSON line:
//   {"total": n, "ok": n, "mustFailures": [...], "notOk": [{id, name, status, reason}]}
//
//   node graphql-http-audit.mjs http://127.0.0.1:4000/graphql
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  process.stderr.write('usage: node graphql-http-audit.mjs <graphql url>\n');
  process.exit(2);
}
const results = await auditServer({ url });
const notOk = results
  .filter((result) => result.status !== 'ok')
  .map(({ id, name, status, reason }) => ({ id, name, status, reason }));
process.stdout.write(
  `${JSON.stringify({
    total: results.length,
    ok: results.length - notOk.length,
    mustFailures: notOk.filter((result) => result.name.startsWith('MUST') && result.status === 'error'),
    notOk,
  })}\n`,
);
