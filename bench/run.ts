/**
 * `npm run bench -- [scenario…]`: runs the named scenarios (all when none are named) and prints each
 * figure as `bench <scenario> <metric> <value> <unit>` and each ratio as `ratio <metric> <value>`.
 */
import { readdir } from 'node:fs/promises';
import os from 'node:os';
import type { Report, Scenario } from './scenario.ts';

async function loadScenarios(): Promise<Map<string, Scenario>> {
  const dir = new URL('./scenarios/', import.meta.url);
  const scenarios = new Map<string, Scenario>();
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.ts')).sort()) {
    const module = (await import(new URL(file, dir).href)) as { default: Scenario };
    scenarios.set(module.default.name, module.default);
  }
  return scenarios;
}

function reportFor(name: string): Report {
  const format = (value: number): string => (Number.isInteger(value) ? String(value) : value.toPrecision(4));
  return {
    figure: (metric, value, unit) => console.log(`bench ${name} ${metric} ${format(value)} ${unit}`),
    ratio: (metric, value) => console.log(`ratio ${metric} ${format(value)}`),
    note: (text) => console.log(`# ${text}`),
  };
}

const scenarios = await loadScenarios();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !scenarios.has(name));
if (unknown.length > 0) {
  console.error(`unknown scenario(s): ${unknown.join(', ')}; available: ${[...scenarios.keys()].join(', ')}`);
  process.exit(2);
}
console.log(`# node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`);
for (const name of wanted.length > 0 ? wanted : [...scenarios.keys()]) {
  const scenario = scenarios.get(name) as Scenario;
  console.log(`# ${name}: ${scenario.description}`);
  await scenario.run(reportFor(name));
}
