/**
 * Whether an agent is the one `aether run` started or one of its descendants (children it spawned ask
 * for approvals too), found by walking `parentId` with `agent.status`, remembered per agent.
 */
type Call = (topic: string, payload?: Record<string, unknown>) => Promise<Record<string, unknown>>;

/** Deeper than any spawn depth limit the runtime allows. */
const MAX_DEPTH = 32;

export class Lineage {
  readonly #call: Call;
  readonly #parents = new Map<string, Promise<string | undefined>>();

  constructor(call: Call) {
    this.#call = call;
  }

  async isWithin(agentId: string, root: string): Promise<boolean> {
    let at: string | undefined = agentId;
    for (let depth = 0; at !== undefined && depth <= MAX_DEPTH; depth++) {
      if (at === root) return true;
      at = await this.#parentOf(at);
    }
    return false;
  }

  #parentOf(agentId: string): Promise<string | undefined> {
    let parent = this.#parents.get(agentId);
    if (parent === undefined) {
      parent = this.#call('agent.status', { id: agentId }).then(
        (view) => (typeof view.parentId === 'string' ? view.parentId : undefined),
        () => undefined,
      );
      this.#parents.set(agentId, parent);
    }
    return parent;
  }
}
