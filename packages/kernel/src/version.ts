/** The kernel's version, from its package manifest. */
import manifest from '../package.json' with { type: 'json' };

export const KERNEL_VERSION: string = manifest.version;
