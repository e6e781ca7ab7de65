import type { Presence } from '../chat/presence';
import { useValue } from './hooks';

/** Everyone in the room with their status in words (not colour alone): online, away or offline. */
export function MembersPanel({ presence, id }: { presence: Presence; id: string }) {
  const members = useValue(presence.members);
  return (
    <section className="members-panel" id={id} aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>Members</h3>
      <ul aria-labelledby={`${id}-heading`}>
        {members.map((m) => (
          <li key={m.memberId} className={m.status}>
            <span className="presence-dot" aria-hidden="true" />
            <span className="person-name" style={{ color: m.color }}>
              {m.name}
            </span>
            {m.isSelf && <span className="you"> (you)</span>}
            <span className="presence-status"> {m.status}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
