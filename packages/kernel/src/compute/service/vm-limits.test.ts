/**
 * Limits of a vm: the request's values within the caller's maxima, else the configured defaults (lowered
 * to a tighter maximum); a per-principal maximum overrides the default one, and a token falls back to its
 * user's; asking for more than allowed names the limit and the maximum.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isKernelError } from '../../contracts/errors.ts';
import { CapabilitySet } from '../../security/capability-set.ts';
import { makePrincipal } from '../../security/principal.ts';
import { BUILT_IN_DEFAULTS, ComputeConfigSchema } from './compute-config.ts';
import { maximaFor, resolveLimits } from './vm-limits.ts';

const none = CapabilitySet.of([]);
const alice = makePrincipal('user', 'alice', none);
const aliceToken = makePrincipal('token', 't1', none, 'user:alice');
const bob = makePrincipal('user', 'bob', none);
const config = ComputeConfigSchema.parse({
  defaults: { wall_ms: 20_000, output_bytes: 4096 },
  maxima: { default: { wall_ms: 30_000 }, principals: { 'user:alice': { wall_ms: 10_000, processes: 8 } } },
});

void describe('vm limits', () => {
  void it('uses the configured defaults where the request gives none', () => {
    assert.deepEqual(resolveLimits(config, bob, undefined), { ...BUILT_IN_DEFAULTS, wallMs: 20_000, outputBytes: 4096 });
  });

  void it("lowers a default to the caller's tighter maximum, and keeps what the request asks within it", () => {
    const limits = resolveLimits(config, alice, { memoryBytes: 1024 * 1024 });
    assert.equal(limits.wallMs, 10_000);
    assert.equal(limits.processes, 8);
    assert.equal(limits.memoryBytes, 1024 * 1024);
  });

  void it("applies a user's maxima to its tokens", () => {
    assert.deepEqual(maximaFor(config, aliceToken), maximaFor(config, alice));
    assert.notDeepEqual(maximaFor(config, bob), maximaFor(config, alice));
  });

  void it('refuses a request above the maximum with resource_exceeded naming the limit', () => {
    assert.throws(
      () => resolveLimits(config, bob, { wallMs: 30_001 }),
      (error: unknown) => isKernelError(error, 'resource_exceeded') && error.details?.limit === 'wallMs' && error.details.max === 30_000,
    );
    assert.equal(resolveLimits(config, bob, { wallMs: 30_000 }).wallMs, 30_000);
  });
});
