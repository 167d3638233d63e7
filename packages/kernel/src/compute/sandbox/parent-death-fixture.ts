/**
 * Test fixture (run as its own Node process by lifetime.test.ts and network.test.ts): starts a sandbox
 * (networked when the third argument is `net`) whose program and grandchildren sleep with a marker in
 * their argv, says "ready", and waits to be killed. Not a test.
 */
import { grantWorkspace } from './host-user.ts';
import { SandboxRuntime } from './sandbox-runtime.ts';

const [dir, marker, net] = process.argv.slice(2);
if (!dir || !marker) throw new Error('usage: parent-death-fixture.ts <workspace> <marker> [net]');
const runtime = new SandboxRuntime();
await grantWorkspace(dir, runtime.hostUser);
const proc = await runtime.spawn({
  argv: ['/bin/sh', '-c', 'sleep "$1" & sleep "$1" & echo ready; wait', 'sh', marker],
  workspace: { hostDir: dir },
  net: net === 'net',
});
proc.stdout.pipe(process.stdout);
await proc.exit;
