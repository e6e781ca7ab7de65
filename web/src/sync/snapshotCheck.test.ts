import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { holdsWhatItCovers } from './snapshotCheck';

/** Two authors' edits, each captured as the update the room's log would hold. */
function room() {
  const updates: Uint8Array[] = [];
  const alice = new Y.Doc();
  const bob = new Y.Doc();
  alice.on('update', (u: Uint8Array, origin: unknown) => origin !== 'remote' && (updates.push(u), Y.applyUpdate(bob, u, 'remote')));
  bob.on('update', (u: Uint8Array, origin: unknown) => origin !== 'remote' && (updates.push(u), Y.applyUpdate(alice, u, 'remote')));
  alice.getText('code').insert(0, 'hello world');
  bob.getText('code').insert(11, '!\nconst x = 1;');
  alice.getText('code').delete(0, 6); // "world!…": a deletion the log holds
  bob.getMap('meta').set('language', 'typescript');
  return { updates, alice, bob };
}

describe('holdsWhatItCovers', () => {
  it('passes an honest snapshot of the whole log', () => {
    const { updates, bob } = room();
    expect(holdsWhatItCovers(Y.encodeStateAsUpdate(bob), updates)).toBe(true);
  });

  it('passes an honest snapshot that starts from the confirmed one and holds later updates too', () => {
    const { updates, alice } = room();
    const confirmed = Y.mergeUpdates(updates.slice(0, 2));
    alice.getText('code').insert(0, '// later\n');
    const later = Y.encodeStateAsUpdate(alice, Y.encodeStateVectorFromUpdate(Y.mergeUpdates(updates)));
    expect(holdsWhatItCovers(Y.encodeStateAsUpdate(alice), [confirmed, ...updates.slice(2)], [later])).toBe(true);
  });

  it('fails an empty document', () => {
    const { updates } = room();
    expect(holdsWhatItCovers(Y.encodeStateAsUpdate(new Y.Doc()), updates)).toBe(false);
  });

  it('fails a snapshot that deletes everything', () => {
    const { updates, bob } = room();
    const vandal = new Y.Doc();
    Y.applyUpdate(vandal, Y.encodeStateAsUpdate(bob));
    vandal.getText('code').delete(0, vandal.getText('code').length);
    vandal.getMap('meta').delete('language');
    expect(holdsWhatItCovers(Y.encodeStateAsUpdate(vandal), updates)).toBe(false);
  });

  it('fails a snapshot that brings deleted text back', () => {
    const { updates } = room();
    const beforeTheDeletion = Y.mergeUpdates(updates.filter((_, i) => i !== 2));
    expect(holdsWhatItCovers(beforeTheDeletion, updates)).toBe(false);
  });

  it('fails a snapshot missing one covered update', () => {
    const { updates } = room();
    expect(holdsWhatItCovers(Y.mergeUpdates(updates.slice(0, 3)), updates)).toBe(false);
  });

  it('fails forged content under real item ids', () => {
    const { updates, alice } = room();
    // The forger writes other text of the same length under alice's client id, so every id matches the log's.
    const forger = new Y.Doc();
    forger.clientID = alice.clientID;
    forger.getText('code').insert(0, 'HELLO WORLD');
    const rest = Y.encodeStateAsUpdate(alice, Y.encodeStateVector(forger));
    Y.applyUpdate(forger, rest);
    const forged = Y.encodeStateAsUpdate(forger);
    expect(Y.decodeStateVector(Y.encodeStateVectorFromUpdate(forged))).toEqual(Y.decodeStateVector(Y.encodeStateVector(alice)));
    expect(holdsWhatItCovers(forged, updates)).toBe(false);
  });

  it('fails bytes that are no Yjs update', () => {
    const { updates } = room();
    expect(holdsWhatItCovers(new TextEncoder().encode('not an update'), updates)).toBe(false);
  });
});
