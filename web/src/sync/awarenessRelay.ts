import * as decoding from 'lib0/decoding';
import {
  applyAwarenessUpdate,
  encodeAwarenessUpdate,
  removeAwarenessStates,
  type Awareness,
} from 'y-protocols/awareness';
import { Value } from '../state/value';

/** Origin of awareness changes that came from another member, so they are not echoed back. */
export class RemoteAwareness {
  constructor(readonly sender: string) {}
}

interface AwarenessChange {
  added: number[];
  updated: number[];
  removed: number[];
}

/** Client ids named in an encoded awareness update (varuint count, then id, clock, JSON state). */
function clientIdsOf(update: Uint8Array): number[] {
  const decoder = decoding.createDecoder(update);
  const ids: number[] = [];
  for (let n = decoding.readVarUint(decoder); n > 0; n--) {
    ids.push(decoding.readVarUint(decoder));
    decoding.readVarUint(decoder);
    decoding.readVarString(decoder);
  }
  return ids;
}

/**
 * Carries awareness (cursors, names) between this client and the room, and keeps the set of
 * online members. It remembers which member each awareness client id came from, so that when a
 * member goes away its cursors go with it at once rather than after the 30 s awareness timeout.
 */
export class AwarenessRelay {
  readonly onlineCount = new Value(0);
  readonly online = new Value<readonly string[]>([]);
  private readonly onlineSet = new Set<string>();
  private readonly clientsBySender = new Map<string, Set<number>>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private dirty = false;

  constructor(
    private readonly awareness: Awareness,
    private readonly send: (update: Uint8Array) => void,
    private readonly minIntervalMs: number,
  ) {
    awareness.on('update', this.onUpdate);
  }

  /** Applies an update that `sender` sent. Returns false if it tried to speak for this client. */
  applyRemote(sender: string, update: Uint8Array): boolean {
    const ids = clientIdsOf(update);
    // A member may only describe its own clients: never ours, never another member's.
    const foreign = ids.some((id) => {
      const owner = this.ownerOf(id);
      return id === this.awareness.clientID || (owner !== undefined && owner !== sender);
    });
    if (foreign) return false;
    applyAwarenessUpdate(this.awareness, update, new RemoteAwareness(sender));
    return true;
  }

  /** Resets the online set from a join result. */
  setOnline(memberIds: string[], self: string): void {
    this.onlineSet.clear();
    for (const id of memberIds) this.onlineSet.add(id);
    this.onlineSet.add(self);
    this.publishOnline();
  }

  memberJoined(memberId: string): void {
    this.onlineSet.add(memberId);
    this.publishOnline();
    this.sendFullState(); // so the newcomer sees our cursor without waiting for our next move
  }

  memberLeft(memberId: string): void {
    this.onlineSet.delete(memberId);
    this.publishOnline();
    const ids = this.clientsBySender.get(memberId);
    if (ids) removeAwarenessStates(this.awareness, [...ids], new RemoteAwareness(memberId));
    this.clientsBySender.delete(memberId);
  }

  /**
   * Sends our whole local state again. Re-setting it bumps its clock, which matters: peers that
   * dropped us (we left and came back) still hold our old clock and ignore a state that is not newer.
   */
  sendFullState(): void {
    const state = this.awareness.getLocalState();
    if (state !== null) this.awareness.setLocalState(state); // emits 'update', which sends it
  }

  /** Tells the room we are gone, then stops. */
  destroy(): void {
    this.awareness.off('update', this.onUpdate);
    if (this.timer) clearTimeout(this.timer);
    this.awareness.setLocalState(null);
    this.send(encodeAwarenessUpdate(this.awareness, [this.awareness.clientID]));
  }

  /** The member whose awareness introduced this client id. */
  memberOf(clientId: number): string | undefined {
    return this.ownerOf(clientId);
  }

  private publishOnline(): void {
    this.onlineCount.set(this.onlineSet.size);
    const ids = [...this.onlineSet];
    const now = this.online.get();
    if (ids.length !== now.length || ids.some((id) => !now.includes(id))) this.online.set(ids);
  }

  private ownerOf(clientId: number): string | undefined {
    for (const [sender, ids] of this.clientsBySender) if (ids.has(clientId)) return sender;
    return undefined;
  }

  private readonly onUpdate = ({ added, updated, removed }: AwarenessChange, origin: unknown) => {
    if (origin instanceof RemoteAwareness) {
      let ids = this.clientsBySender.get(origin.sender);
      if (!ids) this.clientsBySender.set(origin.sender, (ids = new Set()));
      for (const id of [...added, ...updated]) ids.add(id);
      for (const id of removed) ids.delete(id);
      // Someone new spoke: they may have missed our state (it can reach a joiner before its room
      // key does), so send it again. Their reply is an update, not an addition, so this stops.
      if (added.length > 0) this.sendFullState();
      return;
    }
    for (const id of removed) for (const ids of this.clientsBySender.values()) ids.delete(id);
    const mine = this.awareness.clientID;
    if (added.includes(mine) || updated.includes(mine) || removed.includes(mine)) this.schedule();
  };

  /** Leading-edge throttle: at most one send per interval, and the last change is never dropped. */
  private schedule(): void {
    if (this.timer) {
      this.dirty = true;
      return;
    }
    this.flush();
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.dirty = false;
    this.send(encodeAwarenessUpdate(this.awareness, [this.awareness.clientID]));
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.dirty) this.flush();
    }, this.minIntervalMs);
  }
}
