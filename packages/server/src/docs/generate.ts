/**
 * `npm run docs`: writes docs/protocol.md and the SDK's contract types from the registry.
 * `npm run docs -- --check` exits 1 (naming the stale files) when they differ from what would be written.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describeAllContracts } from './contract-catalog.ts';
import { PROTOCOL_FILE, protocolDoc } from './protocol-doc.ts';
import { SDK_DOMAIN_DIR, sdkTypes } from './sdk-types.ts';

const ROOT = path.resolve(import.meta.dirname, '../../../..');

/** The generated files, by path relative to the repository root. */
export async function generatedFiles(): Promise<Map<string, string>> {
  const descriptors = await describeAllContracts();
  return new Map([[PROTOCOL_FILE, protocolDoc(descriptors)], ...sdkTypes(descriptors)]);
}

/** Files whose committed text differs from what the registry generates, and generated files it no longer makes. */
export async function staleFiles(): Promise<string[]> {
  const generated = await generatedFiles();
  const stale: string[] = [];
  for (const [file, text] of generated) {
    const current = await readFile(path.join(ROOT, file), 'utf8').catch(() => undefined);
    if (current !== text) stale.push(file);
  }
  const leftovers = await readdir(path.join(ROOT, SDK_DOMAIN_DIR)).catch(() => []);
  for (const name of leftovers) if (!generated.has(`${SDK_DOMAIN_DIR}/${name}`)) stale.push(`${SDK_DOMAIN_DIR}/${name}`);
  return stale;
}

if (import.meta.main === true) {
  if (process.argv.includes('--check')) {
    const stale = await staleFiles();
    for (const file of stale) process.stderr.write(`stale: ${file} (run npm run docs)\n`);
    process.exitCode = stale.length === 0 ? 0 : 1;
  } else {
    await mkdir(path.join(ROOT, SDK_DOMAIN_DIR), { recursive: true });
    for (const [file, text] of await generatedFiles()) {
      await writeFile(path.join(ROOT, file), text);
      process.stdout.write(`wrote ${file}\n`);
    }
  }
}
