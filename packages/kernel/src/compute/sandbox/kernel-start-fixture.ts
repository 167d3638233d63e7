/**
 * Test fixture (run as its own Node process by orphan-reaping.test.ts): a kernel process starting up. It
 * detects the sandbox backend, which sweeps the cgroups of kernel processes that died, and prints the
 * status (with what the sweep did) as JSON. Not a test.
 */
import { SandboxRuntime } from './sandbox-runtime.ts';

process.stdout.write(JSON.stringify(await new SandboxRuntime().status()));
