/**
 * Which documents of schema/operations an app uses, from its operations.json:
 * {"include": ["fragments", "storefront", "storefront/login.graphql", ...]}
 * (folders or files, relative to schema/operations). Read by the app's
 * codegen.ts and by persisted.mjs, so both see the same documents.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const operationsRoot = join(repoRoot, 'schema', 'operations');
export const supergraph = join(repoRoot, 'schema', 'supergraph.graphql');

/** The .graphql files the app in `appDir` (default: the working directory) includes. */
export function documentFiles(appDir = process.cwd()) {
  const { include } = JSON.parse(readFileSync(join(appDir, 'operations.json'), 'utf8'));
  const files = [];
  for (const entry of include) {
    const path = join(operationsRoot, entry);
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path).sort()) if (name.endsWith('.graphql')) files.push(join(path, name));
    } else {
      files.push(path);
    }
  }
  return files;
}
