/**
 * What `vm.spawn` refuses at the edge, each with one correlated error: an unknown backend
 * (`unsupported_backend`, whatever the caller holds), a backend the caller may not use
 * (`permission_denied`), limits above the caller's maxima and more live vms than the per-principal or
 * kernel-wide cap (`resource_exceeded`), a sandbox where bubblewrap cannot run (`unsupported_backend`,
 * never a host fallback). And stopping the service kills every vm, whose exit is still published.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CapabilitySet } from '../../security/capability-set.ts';
import { makePrincipal } from '../../security/principal.ts';
import { Roles } from '../../security/roles.ts';
import { WireClient } from '../../testing/kernel.ts';
import { eventually, hostPidsRunning, skipUnlessBwrap } from '../sandbox/test-kit.ts';
import { assertAlive, type ComputeKit, eventsOf, failed, finished, ok, spawn, startComputeKit, until } from './vm-test-kit.ts';

const skip = await skipUnlessBwrap();

void describe('vm.spawn admission', () => {
  let kit: ComputeKit;

  before(async () => {
    kit = await startComputeKit({
      max_vms_per_principal: 2,
      max_vms_total: 3,
      maxima: { principals: { 'user:dave': { wall_ms: 1000 } } },
      sandbox: { bwrap_path: '/nonexistent/bwrap' },
    });
  });
  after(() => kit.dispose());

  void it('answers an unknown backend unsupported_backend, even to a caller holding no vm.spawn', async () => {
    failed(await kit.user('alice').call('vm.spawn', { backend: 'docker', command: ['true'] }), 'unsupported_backend');
    const viewer = new WireClient(kit.kernel, { principal: makePrincipal('user', 'vera', CapabilitySet.of(new Roles().get('viewer', 'vera'))) });
    failed(await viewer.call('vm.spawn', { backend: 'qemu' }), 'unsupported_backend');
    const denied = failed(await viewer.call('vm.spawn', { backend: 'sandbox', command: ['true'] }), 'permission_denied');
    assert.equal((denied.details as { missing?: string }).missing, 'vm.spawn:sandbox');
  });

  void it('answers a sandbox without a working bubblewrap unsupported_backend', async () => {
    failed(await kit.user('alice').call('vm.spawn', { backend: 'sandbox', command: ['true'] }), 'unsupported_backend');
    await assertAlive(kit.user('alice'));
  });

  void it("holds limits to the caller's maxima, with per-principal overrides", async () => {
    const dave = kit.user('dave');
    const tight = failed(await dave.call('vm.spawn', { backend: 'wasi', program: '/home/dave/x.wasm', limits: { wallMs: 5000 } }), 'resource_exceeded');
    assert.deepEqual(tight.details, { limit: 'wallMs', requested: 5000, max: 1000 });
    failed(await kit.user('alice').call('vm.spawn', { backend: 'wasi', program: '/home/alice/x.wasm', limits: { wallMs: 5000 } }), 'not_found');
  });
});

void describe('vm caps and shutdown', { skip }, () => {
  let kit: ComputeKit;
  before(async () => {
    kit = await startComputeKit({ max_vms_per_principal: 2, max_vms_total: 3 });
  });
  after(() => kit.dispose());

  void it('refuses more live vms than the per-principal and the total cap, and admits again once one ends', async () => {
    const alice = kit.user('alice');
    const bob = kit.user('bob');
    const sleeping = { backend: 'sandbox', command: ['sleep', '30'] };
    const first = await spawn(alice, sleeping);
    await spawn(alice, sleeping);
    const perPrincipal = failed(await alice.call('vm.spawn', sleeping), 'resource_exceeded');
    assert.equal((perPrincipal.details as { limit?: string }).limit, 'vms_per_principal');
    await spawn(bob, sleeping);
    const total = failed(await bob.call('vm.spawn', sleeping), 'resource_exceeded');
    assert.equal((total.details as { limit?: string }).limit, 'vms_total');
    ok(await alice.call('bus.subscribe', { pattern: 'vm.*' }));
    ok(await alice.call('vm.kill', { vmId: first }));
    await finished(alice, first);
    await until(() => kit.compute.list(kit.principal('alice')).length === 1, 'the slot to be released');
    await spawn(alice, { backend: 'sandbox', command: ['true'] });
    // Every vm that started was audited; refused ones were not.
    const spawnsAudited = async () => (await kit.kernel.audit.query({ kind: 'spawn', order: 'asc' })).records;
    for (let tries = 0; tries < 500 && (await spawnsAudited()).length < 4; tries++) await new Promise((resolve) => setTimeout(resolve, 10));
    const audited = await spawnsAudited();
    assert.deepEqual(audited.map((e) => [e.principal, e.data.backend, e.data.program]), [
      ['user:alice', 'sandbox', 'sleep'], ['user:alice', 'sandbox', 'sleep'], ['user:bob', 'sandbox', 'sleep'], ['user:alice', 'sandbox', 'true'],
    ]);
  });

  void it('kills every vm when the service stops, and still publishes their exits', async () => {
    const own = await startComputeKit();
    try {
      const carol = own.user('carol');
      ok(await carol.call('bus.subscribe', { pattern: 'vm.*' }));
      const argv = ['sleep', '31.25'];
      const vmId = await spawn(carol, { backend: 'sandbox', command: argv });
      await eventually(async () => (await hostPidsRunning(argv)).length > 0);
      await own.compute.close();
      const exit = eventsOf(carol, vmId).find((e) => e.topic === 'vm.exit');
      assert.equal(exit?.payload?.signal, 'SIGKILL');
      assert.equal(await eventually(async () => (await hostPidsRunning(argv)).length === 0), true);
      failed(await carol.call('vm.spawn', { backend: 'sandbox', command: ['true'] }), 'cancelled');
    } finally {
      await own.dispose();
    }
  });
});
