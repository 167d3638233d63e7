/**
 * A small bounded memo of parsed capability strings. Contracts compute the same requirement strings over
 * and over (`vm.spawn:wasi`, `fs.read:/home/alice/notes.md`), so the hot path should parse each once.
 * Entries are frozen, so sharing them between callers is safe; failures are remembered too, so a client
 * repeating a malformed string costs no more than a good one.
 *
 * Two generations instead of per-entry LRU: new entries go to `young`; when it fills, it becomes `old`
 * and the previous `old` is dropped. A hit in `old` is promoted. Every step is O(1), and nothing iterates
 * a Map from its head (which degrades after many deletions).
 */
import { KernelError } from '../contracts/errors.ts';
import { compileCapability, MAX_CAPABILITY_LENGTH, type CompiledCapability } from './capability.ts';

/** Entries per generation; at most twice this many are held. */
export const PARSE_CACHE_GENERATION = 2048;

type Entry = CompiledCapability | KernelError;

let young = new Map<string, Entry>();
let old = new Map<string, Entry>();

function remember(text: string, entry: Entry): void {
  if (young.size >= PARSE_CACHE_GENERATION) {
    old = young;
    young = new Map();
  }
  young.set(text, entry);
}

/** Parses through the memo; returns the KernelError instead of throwing it. */
export function compileCached(text: string): Entry {
  const hit = young.get(text);
  if (hit !== undefined) return hit;
  const aged = old.get(text);
  if (aged !== undefined) {
    remember(text, aged);
    return aged;
  }
  let entry: Entry;
  try {
    entry = compileCapability(text);
  } catch (error) {
    if (!(error instanceof KernelError)) throw error;
    entry = error;
  }
  // An oversized string is refused without being kept: the cache must not pin attacker-sized keys.
  if (text.length <= MAX_CAPABILITY_LENGTH) remember(text, entry);
  return entry;
}
