/**
 * Whether a replayed event may reach a principal. Replays are addressed to the resuming connection, and
 * the ingress lets addressed envelopes through unfiltered, so the kernel's rule for un-addressed events
 * (subscribe right per event, `_owner`, `_requires`) is applied to each replayed event first.
 */
export { canSeeEvent as mayReplay } from '@aether/kernel';
