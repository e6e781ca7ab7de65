import type { Awareness } from 'y-protocols/awareness';
import type { RoomKeyRing } from '../crypto';
import type { Envelope } from '../wire/protocol';
import type { RoomTransport } from '../wire/transport';
import { AwarenessRelay } from './awarenessRelay';

export interface EncryptedAwarenessOptions {
  roomId: string;
  keys: RoomKeyRing;
  transport: RoomTransport;
  /** This browser's member id; awareness goes out only while `canSend` holds. */
  sender: () => string | null;
  canSend: () => boolean;
  /** A problem worth a word: `undecryptable` or `rejected`. */
  report: (kind: 'undecryptable' | 'rejected', message: string) => void;
  intervalMs: number;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Awareness (cursors, names, away) between this browser and the room, sealed under the room key both ways. */
export class EncryptedAwareness {
  readonly relay: AwarenessRelay;
  /** Sends on their way, so a goodbye can go out before the connection closes. */
  readonly inflight = new Set<Promise<unknown>>();

  constructor(
    awareness: Awareness,
    private readonly options: EncryptedAwarenessOptions,
  ) {
    this.relay = new AwarenessRelay(awareness, this.send, options.intervalMs);
  }

  async receive(sender: string, envelope: Envelope): Promise<void> {
    const { keys, roomId, report } = this.options;
    // Cursors of an epoch this browser holds no key for (before its grant, or left out of a rotation) are not news.
    if (!(await keys.holds(envelope.epoch))) return;
    try {
      const update = await keys.decrypt({ roomId, kind: 'awareness', sender }, envelope);
      if (!this.relay.applyRemote(sender, update)) report('rejected', `Ignored awareness from ${sender} naming clients not its own`);
    } catch (error) {
      report('undecryptable', `Skipped awareness from ${sender}: ${messageOf(error)}`);
    }
  }

  private readonly send = (update: Uint8Array) => {
    // Awareness is ephemeral: while not joined it is dropped, and the full state goes out on join.
    const { keys, roomId, transport, sender, canSend } = this.options;
    const me = sender();
    if (!canSend() || !me) return;
    const work = keys
      .encrypt({ roomId, kind: 'awareness', sender: me }, update)
      .then((envelope) => transport.pushAwareness(roomId, envelope))
      .catch(() => {});
    this.inflight.add(work);
    void work.then(() => this.inflight.delete(work));
  };
}
