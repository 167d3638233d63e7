/**
 * A vm belongs to its owner: another user subscribed to `vm.*` receives none of its events, and every
 * `vm.*` call naming it (kill, stdin, resize) is answered `not_found`, as for a vm that does not exist;
 * `vm.list` shows one's own vms only, an administrator's shows all. A token's vms are its user's.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CapabilitySet } from '../../security/capability-set.ts';
import { makePrincipal } from '../../security/principal.ts';
import { Roles } from '../../security/roles.ts';
import { WireClient } from '../../testing/kernel.ts';
import { skipUnlessBwrap } from '../sandbox/test-kit.ts';
import { assertAlive, type ComputeKit, eventsOf, failed, finished, ok, output, spawn, startComputeKit, until } from './vm-test-kit.ts';

const skip = await skipUnlessBwrap();

void describe('vm ownership', { skip }, () => {
  let kit: ComputeKit;
  let alice: WireClient;
  let bob: WireClient;
  let admin: WireClient;

  before(async () => {
    kit = await startComputeKit();
    alice = kit.user('alice');
    bob = kit.user('bob');
    admin = new WireClient(kit.kernel, { principal: makePrincipal('user', 'root', CapabilitySet.all()) });
    for (const client of [alice, bob, admin]) ok(await client.call('bus.subscribe', { pattern: 'vm.*' }));
  });
  after(() => kit.dispose());

  void it("keeps one user's vm output and exit from another user subscribed to vm.*", async () => {
    const vmId = await spawn(alice, { backend: 'sandbox', command: ['echo', 'private to alice'] });
    const events = await finished(alice, vmId);
    assert.equal(output(events), 'private to alice\n');
    await spawn(bob, { backend: 'sandbox', command: ['true'] }).then((own) => finished(bob, own));
    assert.deepEqual(eventsOf(bob, vmId), []);
    assert.equal(JSON.stringify(bob.received).includes('private to alice'), false);
    // An operator holding topic.observe (here: everything) does see them.
    assert.equal(output(eventsOf(admin, vmId)), 'private to alice\n');
  });

  void it("answers not_found to another user's kill, stdin and resize, and lists own vms only", async () => {
    const vmId = await spawn(alice, { backend: 'sandbox', command: ['cat'] });
    failed(await bob.call('vm.kill', { vmId }), 'not_found');
    failed(await bob.call('vm.stdin', { vmId, data: 'injected\n', eof: true }), 'not_found');
    failed(await bob.call('vm.resize', { vmId, rows: 10, cols: 10 }), 'not_found');
    failed(await bob.call('vm.kill', { vmId: 'no-such-vm' }), 'not_found');
    assert.deepEqual(ok(await bob.call('vm.list')).vms, []);
    const mine = ok(await alice.call('vm.list')).vms as { vmId: string; owner: string; argv: string[] }[];
    assert.deepEqual(mine.map((vm) => [vm.vmId, vm.owner, vm.argv]), [[vmId, 'user:alice', ['cat']]]);
    const all = ok(await admin.call('vm.list')).vms as { vmId: string }[];
    assert.equal(all.some((vm) => vm.vmId === vmId), true);
    ok(await alice.call('vm.stdin', { vmId, data: 'mine\n', eof: true }));
    const events = await finished(alice, vmId);
    assert.equal(output(events), 'mine\n');
    await assertAlive(bob);
  });

  void it("lets an administrator kill anyone's vm", async () => {
    const vmId = await spawn(alice, { backend: 'sandbox', command: ['sleep', '30'] });
    ok(await admin.call('vm.kill', { vmId }));
    const events = await finished(alice, vmId);
    assert.equal(events.at(-1)?.payload?.signal, 'SIGKILL');
  });

  void it("counts a token's vms as its user's: the user sees and controls them", async () => {
    const roles = new Roles();
    const token = makePrincipal('token', 'alice-cli', CapabilitySet.of(roles.get('user', 'alice')), 'user:alice');
    const viaToken = new WireClient(kit.kernel, { principal: token });
    const vmId = await spawn(viaToken, { backend: 'sandbox', command: ['sleep', '30'] });
    const listed = ok(await alice.call('vm.list')).vms as { vmId: string; owner: string }[];
    assert.deepEqual(listed.map((vm) => [vm.vmId, vm.owner]), [[vmId, 'user:alice']]);
    ok(await alice.call('vm.kill', { vmId }));
    await until(() => eventsOf(alice, vmId).some((e) => e.topic === 'vm.exit'), 'the exit seen by the user');
    assert.deepEqual(eventsOf(bob, vmId), []);
  });
});
