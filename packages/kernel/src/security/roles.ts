/**
 * Roles are named capability sets (DESIGN §5). Capabilities in a role may name the user they are given
 * to as `{user}` (`fs.*:/home/{user}/**`); `get(name, user)` fills it in, and refuses to hand out a role
 * that needs a user without one, rather than granting a literal `{user}` directory.
 */
import { KernelError } from '../contracts/errors.ts';
import { parseCapability } from './capability.ts';

export const USER_PLACEHOLDER = '{user}';

const ROLE_NAME = /^[a-z][a-z0-9_-]{0,63}$/;
// A user name that is safe to put in a path segment: no `.`/`..`, no separators, no wildcards.
const USER_NAME = /^[A-Za-z0-9_@-][A-Za-z0-9_.@-]{0,127}$/;
const SAMPLE_USER = 'alice';

/** Topics a user sees events of; the bus still filters each event to the user's own resources. */
const OWN_EVENTS = ['vm.*', 'agent.*', 'task.*', 'approval.*', 'vfs.changed', 'bus.dropped'];

const BUILT_IN: Readonly<Record<string, readonly string[]>> = {
  admin: ['*.*'],
  user: [
    'fs.*:/home/{user}/**',
    'fs.read:/shared/**',
    'fs.list:/shared/**',
    'vm.spawn:wasi',
    'vm.spawn:sandbox',
    'vm.stdin',
    'vm.kill',
    'vm.list',
    'agent.*',
    'task.*',
    'approval.*',
    'memory.*',
    'skill.read',
    'skill.list',
    'ai.generate:*',
    'tool.use:*',
    'kernel.status',
    ...OWN_EVENTS.map((topic) => `topic.subscribe:${topic}`),
  ],
  viewer: [
    'fs.read:/home/{user}/**',
    'fs.list:/home/{user}/**',
    'fs.read:/shared/**',
    'fs.list:/shared/**',
    'vm.list',
    'agent.list',
    'agent.status',
    'task.list',
    'task.status',
    'approval.list',
    'skill.list',
    'kernel.status',
    ...OWN_EVENTS.map((topic) => `topic.subscribe:${topic}`),
  ],
};

export class Roles {
  readonly #roles = new Map<string, readonly string[]>();

  constructor(extra: Readonly<Record<string, readonly string[]>> = {}) {
    for (const [name, capabilities] of Object.entries(BUILT_IN)) this.#roles.set(name, Object.freeze([...capabilities]));
    for (const [name, capabilities] of Object.entries(extra)) this.define(name, capabilities);
  }

  /**
   * The role's capabilities, with `{user}` replaced by `user`. Throws `not_found` for an unknown role and
   * `payload_invalid` when the role needs a user name and none (or an unsafe one) was given.
   */
  get(name: string, user?: string): readonly string[] {
    const capabilities = this.template(name);
    if (!capabilities.some((c) => c.includes(USER_PLACEHOLDER))) return capabilities;
    if (user === undefined) {
      throw new KernelError('payload_invalid', `role "${name}" grants per-user capabilities; call get("${name}", userName)`, { role: name });
    }
    if (!USER_NAME.test(user)) {
      throw new KernelError('payload_invalid', `user name ${JSON.stringify(user)} cannot be used in a capability scope`, { role: name });
    }
    return Object.freeze(capabilities.map((c) => c.replaceAll(USER_PLACEHOLDER, user)));
  }

  /** The role as defined, placeholders included. */
  template(name: string): readonly string[] {
    const capabilities = this.#roles.get(name);
    if (capabilities === undefined) throw new KernelError('not_found', `unknown role "${name}"; roles: ${this.names().join(', ')}`, { role: name });
    return capabilities;
  }

  /** Defines or replaces a role; every capability must parse. `admin` is fixed. */
  define(name: string, capabilities: readonly string[]): void {
    if (!ROLE_NAME.test(name)) throw new KernelError('payload_invalid', `role name ${JSON.stringify(name)} must match ${ROLE_NAME.source}`);
    if (name === 'admin') throw new KernelError('conflict', 'the admin role is built in and always holds *.*');
    for (const capability of capabilities) {
      try {
        parseCapability(capability.replaceAll(USER_PLACEHOLDER, SAMPLE_USER));
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new KernelError('payload_invalid', `role "${name}": ${reason}`, { role: name, capability });
      }
    }
    this.#roles.set(name, Object.freeze([...capabilities]));
  }

  names(): string[] {
    return [...this.#roles.keys()];
  }
}
