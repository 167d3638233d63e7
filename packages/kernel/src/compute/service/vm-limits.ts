/**
 * The limits one vm runs under: the request's values, or the configured defaults where it gives none,
 * each checked against the caller's maxima (the configured default maxima, overridden per principal id;
 * a token falls back to its user's entry). Asking for more than the maximum is `resource_exceeded` at the
 * edge, naming the limit and the maximum, rather than a silent clamp. A default above the caller's
 * maximum is lowered to it, so a tight per-principal maximum needs no matching default.
 */
import { KernelError } from '../../contracts/errors.ts';
import type { Principal } from '../../security/principal.ts';
import { BUILT_IN_DEFAULTS, BUILT_IN_MAXIMA, type ComputeConfig, fromConfig, type VmLimits } from './compute-config.ts';

const KEYS = ['wallMs', 'idleMs', 'memoryBytes', 'outputBytes', 'cpuSeconds', 'processes'] as const;

/** The maxima that apply to `principal`. */
export function maximaFor(config: ComputeConfig, principal: Principal): VmLimits {
  const own = config.maxima.principals[principal.id];
  const parent = principal.kind === 'token' && principal.parentId !== undefined ? config.maxima.principals[principal.parentId] : undefined;
  const personal = own ?? parent;
  return { ...BUILT_IN_MAXIMA, ...fromConfig(config.maxima.default), ...(personal === undefined ? {} : fromConfig(personal)) };
}

export function resolveLimits(config: ComputeConfig, principal: Principal, requested: Partial<VmLimits> | undefined): VmLimits {
  const maxima = maximaFor(config, principal);
  const defaults = { ...BUILT_IN_DEFAULTS, ...fromConfig(config.defaults) };
  const limits = { ...defaults };
  for (const key of KEYS) {
    const asked = requested?.[key];
    if (asked === undefined) {
      limits[key] = Math.min(defaults[key], maxima[key]);
      continue;
    }
    if (asked > maxima[key]) {
      throw new KernelError('resource_exceeded', `limits.${key} ${asked} is above the most this principal may ask for (${maxima[key]})`, {
        limit: key,
        requested: asked,
        max: maxima[key],
      });
    }
    limits[key] = asked;
  }
  return limits;
}
