/**
 * A one-line spinner on standard error while `aether run` waits on the model, only when both output
 * streams are terminals (never in a pipe or a log file). Lines printed meanwhile go through `line`,
 * which clears the spinner first and brings it back after.
 */
const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export class Spinner {
  readonly #enabled: boolean;
  readonly #write: (text: string) => void;
  #label: string | undefined;
  #frame = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(enabled: boolean, write: (text: string) => void) {
    this.#enabled = enabled;
    this.#write = write;
  }

  /** Whether it draws at all (both output streams are terminals). */
  get enabled(): boolean {
    return this.#enabled;
  }

  static forTerminal(): Spinner {
    return new Spinner(process.stdout.isTTY === true && process.stderr.isTTY === true, (text) => process.stderr.write(text));
  }

  start(label: string): void {
    if (!this.#enabled) return;
    this.#label = label;
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.#draw(), 100);
    this.#timer.unref();
    this.#draw();
  }

  stop(): void {
    if (this.#timer === undefined) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#label = undefined;
    this.#write('\r\x1b[K');
  }

  /** Prints a line above the spinner. */
  line(text: string, print: (text: string) => void): void {
    const label = this.#label;
    this.stop();
    print(text);
    if (label !== undefined) this.start(label);
  }

  #draw(): void {
    this.#frame = (this.#frame + 1) % FRAMES.length;
    this.#write(`\r\x1b[K${FRAMES[this.#frame] ?? ''} ${this.#label ?? ''}`);
  }
}
