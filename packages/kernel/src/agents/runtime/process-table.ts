/**
 * The live half of the process table: every agent the kernel is driving (all that have not ended), by id,
 * with per-owner counts for the spawn limits. Ended agents leave it; their rows and logs stay in the store.
 */
import type { AgentProcess } from '../process/agent-process.ts';

export class ProcessTable {
  readonly #byId = new Map<string, AgentProcess>();
  readonly #perOwner = new Map<string, number>();

  get size(): number {
    return this.#byId.size;
  }

  get(id: string): AgentProcess | undefined {
    return this.#byId.get(id);
  }

  countFor(owner: string): number {
    return this.#perOwner.get(owner) ?? 0;
  }

  add(process: AgentProcess): void {
    if (this.#byId.has(process.id)) return;
    this.#byId.set(process.id, process);
    this.#perOwner.set(process.owner, this.countFor(process.owner) + 1);
  }

  remove(process: AgentProcess): void {
    if (this.#byId.get(process.id) !== process) return;
    this.#byId.delete(process.id);
    const left = this.countFor(process.owner) - 1;
    if (left > 0) this.#perOwner.set(process.owner, left);
    else this.#perOwner.delete(process.owner);
  }

  all(): AgentProcess[] {
    return [...this.#byId.values()];
  }

  /** The process and every live descendant of it, parents first. */
  subtree(process: AgentProcess): AgentProcess[] {
    const out: AgentProcess[] = [];
    const visit = (node: AgentProcess): void => {
      out.push(node);
      for (const child of node.children) {
        const live = this.#byId.get(child);
        if (live !== undefined) visit(live);
      }
    };
    visit(process);
    return out;
  }
}
