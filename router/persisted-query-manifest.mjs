// Writes to stdout the persisted-query manifest that Apollo's own generator
// (@apollo/generate-persisted-query-manifest) makes from schema/operations/.
// `minishop operations` writes the committed one; a test checks the two agree.
//
//   node persisted-query-manifest.mjs [operations folder]
import { generatePersistedQueryManifest } from '@apollo/generate-persisted-query-manifest';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const folder = process.argv[2] ?? path.join(here, '..', 'schema', 'operations');
// globby wants forward slashes, also on Windows.
const pattern = `${folder.split(path.sep).join('/')}/**/*.graphql`;

const manifest = await generatePersistedQueryManifest({ documents: [pattern] });
process.stdout.write(`${JSON.stringify(manifest, null, 2)}\n`);
