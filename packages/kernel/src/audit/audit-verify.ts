/**
 * Walks the audit chain from the anchor (the last pruned record, or genesis) to the head, a page at a time,
 * and reports the first break: a record whose contents no longer match its hash (modified), a gap in seq
 * (a record deleted in the middle), a prev_hash that does not link, or a chain that ends before the head
 * pointer (records deleted at the tail). A prune running concurrently moves the anchor; the walk then
 * starts again rather than reporting the records it removed as missing.
 */
import type { AuditRepository, ChainLink, ChainState } from '../store/audit-repository.ts';
import { recordHash } from './audit-hash.ts';

export type VerifyResult = { ok: true; records: number } | { ok: false; seq: number; reason: string };

const ATTEMPTS = 3;

function parseData(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

async function walk(repository: AuditRepository, state: ChainState, pageSize: number): Promise<VerifyResult> {
  let previous: ChainLink = state.anchor;
  let records = 0;
  for (;;) {
    const rows = await repository.range(previous.seq, state.head.seq, pageSize);
    for (const row of rows) {
      const expectedSeq = previous.seq + 1;
      if (row.seq !== expectedSeq) return { ok: false, seq: expectedSeq, reason: `record ${expectedSeq} is missing` };
      if (row.prevHash !== previous.hash) {
        return { ok: false, seq: row.seq, reason: `record ${row.seq} does not link to record ${previous.seq} (prev_hash differs)` };
      }
      const data = parseData(row.data);
      if (data === undefined) return { ok: false, seq: row.seq, reason: `record ${row.seq} has unreadable data` };
      const { seq, time, principal, kind, action, decision } = row;
      if (recordHash(row.prevHash, { seq, time, principal, kind, action, decision, data }) !== row.hash) {
        return { ok: false, seq: row.seq, reason: `record ${row.seq} was modified (its contents do not match its hash)` };
      }
      previous = { seq: row.seq, hash: row.hash };
      records += 1;
    }
    if (rows.length < pageSize) break;
  }
  if (previous.seq !== state.head.seq) {
    const first = previous.seq + 1;
    const span = first === state.head.seq ? `record ${first} is` : `records ${first}–${state.head.seq} are`;
    return { ok: false, seq: first, reason: `${span} missing (the chain head is at ${state.head.seq})` };
  }
  if (previous.hash !== state.head.hash) {
    return { ok: false, seq: state.head.seq, reason: `record ${state.head.seq} does not match the chain head` };
  }
  return { ok: true, records };
}

function sameAnchor(a: ChainState, b: ChainState): boolean {
  return a.anchor.seq === b.anchor.seq && a.anchor.hash === b.anchor.hash;
}

export async function verifyChain(repository: AuditRepository, pageSize = 1000): Promise<VerifyResult> {
  let result: VerifyResult = { ok: false, seq: 0, reason: 'the audit chain state is missing' };
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const state = await repository.chain();
    if (state === undefined) return { ok: false, seq: 0, reason: 'the audit chain state is missing' };
    result = await walk(repository, state, pageSize);
    if (result.ok) return result;
    const after = await repository.chain();
    if (after === undefined || sameAnchor(state, after)) return result;
  }
  return result;
}
