import * as Y from 'yjs';

/** What a reader of the room sees: the code (with its formatting runs) and the meta map. */
const content = (doc: Y.Doc) => JSON.stringify([doc.getText('code').toDelta(), doc.getMap('meta').toJSON()]);

function build(updates: readonly Uint8Array[], gc = true): Y.Doc {
  const doc = new Y.Doc({ gc });
  for (const update of updates) Y.applyUpdate(doc, update);
  return doc;
}

/** Structs or deletions Yjs holds back, waiting for something the doc lacks. */
const waits = (doc: Y.Doc) => doc.store.pendingStructs !== null || doc.store.pendingDs !== null;

/** Applies the update and tells whether the doc gained anything: an insertion, a deletion, or a part it cannot place. */
function changes(doc: Y.Doc, update: Uint8Array): boolean {
  const before = Y.snapshot(doc);
  Y.applyUpdate(doc, update);
  return waits(doc) || !Y.equalSnapshots(before, Y.snapshot(doc));
}

/**
 * Whether a member's snapshot holds exactly what the log it covers holds, so that it may replace that
 * log for everyone (docs/protocol.md, "Vandal snapshots"). The server cannot read it; this check is the
 * proof that an empty, delete-everything or forged snapshot never replaces the room's history.
 *
 * @param snapshot the decrypted snapshot.
 * @param covered the confirmed snapshot (if any) and every update up to the snapshot's seq, as the
 *   room's log holds them, and nothing else.
 * @param later updates of the log after that seq: the sender's doc may have held some of them already.
 */
export function holdsWhatItCovers(snapshot: Uint8Array, covered: readonly Uint8Array[], later: readonly Uint8Array[] = []): boolean {
  try {
    const log = build(covered);
    const mine = build([snapshot]);
    if (waits(log) || waits(mine)) return false;
    // Every covered insertion is in the snapshot (an empty document fails here)…
    const has = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(snapshot));
    for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(log))) if ((has.get(client) ?? 0) < clock) return false;
    // …and every covered deletion: otherwise the snapshot would bring deleted text back.
    if (changes(mine, Y.encodeStateAsUpdate(log))) return false;
    // Nothing the log does not hold: no deletion or insertion of its own (delete-everything fails here).
    const whole = build([...covered, ...later], false);
    if (changes(whole, snapshot)) return false;
    // Each item reads as in the log: a forged item under a real id is ignored by applyUpdate, so compare
    // the snapshot's doc with the log's doc seen at the snapshot's state.
    return content(mine) === content(Y.createDocFromSnapshot(whole, Y.snapshot(mine)));
  } catch {
    return false; // not a Yjs update at all
  }
}
