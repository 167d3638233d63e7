import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isKernelError } from '../contracts/errors.ts';
import { implies, parseCapability } from './capability.ts';
import { capabilityPattern, concreteCapability, narrowed, SEGMENT } from './capability-arbitraries.ts';
import { CapabilitySet } from './capability-set.ts';

void test('narrowing never escalates', () => {
  const request = fc.oneof(
    capabilityPattern,
    fc.tuple(fc.nat(), SEGMENT).map(([i, seg]) => ({ index: i, seg })),
  );
  fc.assert(
    fc.property(
      fc.array(capabilityPattern, { minLength: 1, maxLength: 6 }),
      fc.array(request, { maxLength: 5 }),
      fc.array(fc.oneof(concreteCapability, capabilityPattern), { minLength: 30, maxLength: 30 }),
      (grants, requests, probes) => {
        const parent = CapabilitySet.of(grants);
        const wanted = requests.map((r) => (typeof r === 'string' ? r : narrowed(grants[r.index % grants.length] as string, r.seg)));
        let child: CapabilitySet;
        try {
          child = parent.narrow(wanted);
        } catch (error) {
          assert.ok(isKernelError(error, 'permission_denied'), String(error));
          // Refusing is only right when some request really is beyond the parent.
          assert.ok(wanted.some((w) => !parent.implies(w)), `refused ${JSON.stringify(wanted)} from ${JSON.stringify(grants)}`);
          return;
        }
        for (const held of child.list()) assert.ok(parent.implies(held), `child holds ${held} beyond ${JSON.stringify(grants)}`);
        for (const probe of [...probes, ...wanted]) {
          if (child.implies(probe)) assert.ok(parent.implies(probe), `child implies ${probe}, parent ${JSON.stringify(grants)} does not`);
        }
      },
    ),
    { numRuns: 2000 },
  );
});

void test('implies is transitive and reflexive over random capabilities', () => {
  fc.assert(
    fc.property(capabilityPattern, capabilityPattern, fc.oneof(capabilityPattern, concreteCapability), (a, b, c) => {
      const [pa, pb, pc] = [a, b, c].map(parseCapability) as [ReturnType<typeof parseCapability>, ReturnType<typeof parseCapability>, ReturnType<typeof parseCapability>];
      assert.ok(implies(pa, pa));
      if (implies(pa, pb) && implies(pb, pc)) assert.ok(implies(pa, pc), `${a} ⊇ ${b} ⊇ ${c}`);
    }),
    { numRuns: 5000 },
  );
});

/** One node of a random tree of narrowed sets; each holds at most one grant per root family `/r<k>`. */
interface Node {
  parent: number;
  set: CapabilitySet;
  /** family → directory of the grant this node holds in it */
  bases: Map<number, string>;
}

const FAMILIES = 3;

const treeShape = fc.array(
  fc.record({ parent: fc.nat(), families: fc.uniqueArray(fc.integer({ min: 0, max: FAMILIES - 1 })), seg: SEGMENT }),
  { minLength: 1, maxLength: 25 },
);

function grow(shape: { parent: number; families: number[]; seg: string }[]): Node[] {
  const rootBases = new Map<number, string>();
  for (let k = 0; k < FAMILIES; k++) rootBases.set(k, `/r${k}`);
  const nodes: Node[] = [{ parent: -1, set: CapabilitySet.of([...rootBases.values()].map((b) => `fs.read:${b}/**`)), bases: rootBases }];
  for (const step of shape) {
    const parentIndex = step.parent % nodes.length;
    const parent = nodes[parentIndex] as Node;
    const bases = new Map<number, string>();
    for (const k of step.families) {
      const base = parent.bases.get(k);
      if (base !== undefined) bases.set(k, `${base}/${step.seg}`);
    }
    const set = parent.set.narrow([...bases.values()].map((b) => `fs.read:${b}/**`));
    nodes.push({ parent: parentIndex, set, bases });
  }
  return nodes;
}

function inSubtree(nodes: readonly Node[], index: number, root: number): boolean {
  for (let i = index; i !== -1; i = (nodes[i] as Node).parent) if (i === root) return true;
  return false;
}

void test('revocation reaches every descendant and nothing else', () => {
  fc.assert(
    fc.property(treeShape, fc.nat(), fc.integer({ min: 0, max: FAMILIES - 1 }), (shape, pick, family) => {
      const nodes = grow(shape);
      const at = pick % nodes.length;
      const target = nodes[at] as Node;
      const base = target.bases.get(family);
      if (base === undefined) return;
      const before = nodes.map((n) => n.set.list());
      const expected = nodes.filter((n, i) => inSubtree(nodes, i, at) && n.bases.has(family)).length;

      assert.equal(target.set.revoke(`fs.read:${base}/**`), expected);

      nodes.forEach((node, i) => {
        const former = node.bases.get(family);
        if (inSubtree(nodes, i, at)) {
          assert.ok(!node.set.list().some((c) => c.startsWith(`fs.read:/r${family}`)), `node ${i} still lists family ${family}`);
          if (former !== undefined) {
            assert.equal(node.set.implies(`fs.read:${former}/leaf`), false);
            assert.throws(() => node.set.narrow([`fs.read:${former}/leaf`]), (e: unknown) => isKernelError(e, 'permission_denied'));
          }
        } else {
          assert.deepEqual(node.set.list(), before[i], `node ${i} outside the subtree changed`);
          if (former !== undefined) assert.equal(node.set.implies(`fs.read:${former}/leaf`), true);
        }
        // Other families are untouched everywhere.
        for (const [k, b] of node.bases) if (k !== family) assert.equal(node.set.implies(`fs.read:${b}/leaf`), true);
      });
    }),
    { numRuns: 500 },
  );
});
