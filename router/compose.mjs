// Composes the MiniShop supergraph with Apollo's own composition library (the
// one rover runs), offline.
//
// stdin:  [{"name": "accounts", "url": "http://127.0.0.1:4001/graphql", "sdl": "..."}, ...]
// stdout: the supergraph SDL
// stderr: one line per composition error ("<CODE>: <message>"); exit status 1
//
// Called by shared/schema_pipeline.py; usable by hand:
//   node compose.mjs < subgraphs.json > ../schema/supergraph.graphql
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function fail(lines) {
  for (const line of lines) process.stderr.write(`${line}\n`);
  process.exit(1);
}

function errorCode(error) {
  return error.extensions?.code ?? 'COMPOSITION_ERROR';
}

function parseInput(text) {
  let services;
  try {
    services = JSON.parse(text);
  } catch (error) {
    fail([`INVALID_INPUT: stdin is not JSON: ${error.message}`]);
  }
  if (!Array.isArray(services) || services.length === 0) {
    fail(['INVALID_INPUT: expected a non-empty JSON array of {name, url, sdl}']);
  }
  const problems = [];
  const definitions = [];
  for (const [index, service] of services.entries()) {
    const { name, url, sdl } = service ?? {};
    if (typeof name !== 'string' || typeof url !== 'string' || typeof sdl !== 'string') {
      problems.push(`INVALID_INPUT: entry ${index} needs string name, url and sdl`);
      continue;
    }
    try {
      definitions.push({ name, url, typeDefs: parse(sdl) });
    } catch (error) {
      // A syntax error names the subgraph, or nobody knows which SDL is broken.
      problems.push(`INVALID_GRAPHQL: [${name}] ${error.message}`);
    }
  }
  if (problems.length > 0) fail(problems);
  return definitions;
}

const result = composeServices(parseInput(await readStdin()));
if (result.errors) {
  fail(result.errors.map((error) => `${errorCode(error)}: ${error.message}`));
}
const sdl = result.supergraphSdl;
process.stdout.write(sdl.endsWith('\n') ? sdl : `${sdl}\n`);
