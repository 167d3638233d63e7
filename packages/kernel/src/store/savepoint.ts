/**
 * Savepoints: how `tx.transaction(fn)` nests in both dialects. A handle allows one nested transaction at
 * a time; a second concurrent one on the same handle is refused with a clear error rather than left to
 * interleave its statements into the first (nest through the handle passed to fn instead).
 */

export type Execute = (sql: string) => Promise<unknown>;

export class SavepointScope {
  readonly #execute: Execute;
  readonly #prefix: string;
  #open = false;
  #counter = 0;

  constructor(execute: Execute, depth: number) {
    this.#execute = execute;
    this.#prefix = `aether_sp_${depth}_`;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#open) {
      throw new Error('a nested transaction is already open on this transaction handle; nest through the handle it was given');
    }
    this.#open = true;
    const name = `${this.#prefix}${++this.#counter}`;
    try {
      await this.#execute(`SAVEPOINT ${name}`);
      let result: T;
      try {
        result = await fn();
      } catch (error) {
        await this.#execute(`ROLLBACK TO SAVEPOINT ${name}`);
        await this.#execute(`RELEASE SAVEPOINT ${name}`);
        throw error;
      }
      await this.#execute(`RELEASE SAVEPOINT ${name}`);
      return result;
    } finally {
      this.#open = false;
    }
  }
}
