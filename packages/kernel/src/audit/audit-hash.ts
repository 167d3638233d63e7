/**
 * The hash of an audit record: `sha256(prev_hash + canonical JSON of its fields)`, hex. The fields are
 * everything a reader relies on (seq, time, principal, kind, action, decision, data), so changing any of
 * them, or moving the record, breaks the chain at that record.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';

export interface HashedFields {
  seq: number;
  time: string;
  principal: string;
  kind: string;
  action: string;
  decision: 'allow' | 'deny' | null;
  data: Record<string, unknown>;
}

export function recordHash(prevHash: string, fields: HashedFields): string {
  const { seq, time, principal, kind, action, decision, data } = fields;
  return createHash('sha256')
    .update(prevHash)
    .update(canonicalJson({ seq, time, principal, kind, action, decision, data }))
    .digest('hex');
}
