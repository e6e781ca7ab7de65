import { useId, useState } from 'react';
import type { JoinRequestEntry } from '../rooms/roomLobby';
import { useValue } from '../state/value';
import type { RoomSync } from '../sync/roomSync';
import { errorText } from '../wire/refusalWords';

/** The creator's list of people waiting in the lobby, each with Admit and Refuse; nothing for anyone else, or while nobody waits. */
export function JoinRequests({ sync }: { sync: RoomSync }) {
  const id = useId();
  const isCreator = useValue(sync.isCreator);
  const requests = useValue(sync.lobby.requests);
  const [deciding, setDeciding] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  if (!isCreator || (requests.length === 0 && !error)) return null;

  async function decide(memberId: string, admit: boolean) {
    setError(null);
    setDeciding((now) => new Set(now).add(memberId));
    try {
      await sync.lobby.decide(memberId, admit);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setDeciding((now) => new Set([...now].filter((m) => m !== memberId)));
    }
  }

  return (
    <section className="join-requests" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Join requests</h2>
      <JoinRequestItems requests={requests} deciding={deciding} onDecide={(memberId, admit) => void decide(memberId, admit)} />
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </section>
  );
}

interface JoinRequestItemsProps {
  requests: readonly JoinRequestEntry[];
  deciding: ReadonlySet<string>;
  onDecide: (memberId: string, admit: boolean) => void;
}

export function JoinRequestItems({ requests, deciding, onDecide }: JoinRequestItemsProps) {
  return (
    <ul>
      {requests.map((r) => (
        <li key={r.memberId}>
          {/* The colour as a swatch: as text colour, several member colours are too faint to read. */}
          {r.color && <span className="member-swatch" style={{ background: r.color }} aria-hidden="true" />}
          <span className="person-name">{r.name}</span>
          {/* Visible "Admit" and "Refuse", named with the person so each button says whom it decides on. */}
          <button type="button" className="small primary" disabled={deciding.has(r.memberId)} onClick={() => onDecide(r.memberId, true)}>
            Admit<span className="visually-hidden"> {r.name}</span>
          </button>
          <button type="button" className="small" disabled={deciding.has(r.memberId)} onClick={() => onDecide(r.memberId, false)}>
            Refuse<span className="visually-hidden"> {r.name}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
