/**
 * The live vms of this kernel and the caps on how many there may be: per owner and in all. A slot is
 * reserved synchronously when a spawn is admitted (before any await), so concurrent spawns cannot
 * overshoot a cap; the reservation becomes the vm's entry once it runs, or is released if it fails.
 */
import { KernelError } from '../../contracts/errors.ts';

export interface Caps {
  perOwner: number;
  total: number;
}

export interface Reservation {
  readonly owner: string;
  release(): void;
}

export class VmTable<Entry extends { readonly owner: string }> {
  readonly #caps: Caps;
  readonly #entries = new Map<string, Entry>();
  readonly #perOwner = new Map<string, number>();
  #total = 0;

  constructor(caps: Caps) {
    this.#caps = caps;
  }

  /** Takes one slot for `owner`; `resource_exceeded` when the owner's or the kernel's cap is reached. */
  reserve(owner: string): Reservation {
    const mine = this.#perOwner.get(owner) ?? 0;
    if (mine >= this.#caps.perOwner) {
      throw new KernelError('resource_exceeded', `at most ${this.#caps.perOwner} vms may run at once per principal`, { limit: 'vms_per_principal', max: this.#caps.perOwner });
    }
    if (this.#total >= this.#caps.total) {
      throw new KernelError('resource_exceeded', `this kernel runs at most ${this.#caps.total} vms at once`, { limit: 'vms_total', max: this.#caps.total });
    }
    this.#perOwner.set(owner, mine + 1);
    this.#total += 1;
    let released = false;
    return {
      owner,
      release: () => {
        if (released) return;
        released = true;
        this.#total -= 1;
        const left = (this.#perOwner.get(owner) ?? 1) - 1;
        if (left === 0) this.#perOwner.delete(owner);
        else this.#perOwner.set(owner, left);
      },
    };
  }

  add(id: string, entry: Entry): void {
    this.#entries.set(id, entry);
  }

  get(id: string): Entry | undefined {
    return this.#entries.get(id);
  }

  delete(id: string): void {
    this.#entries.delete(id);
  }

  values(): Entry[] {
    return [...this.#entries.values()];
  }

  get size(): number {
    return this.#total;
  }
}
