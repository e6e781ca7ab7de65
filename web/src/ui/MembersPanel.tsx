import { useState } from 'react';
import type { MemberPresence } from '../chat/presence';
import { ConfirmDialog } from './ConfirmDialog';
import { useValue } from './hooks';
import type { RoomSession } from './useRoomSession';

/**
 * Everyone in the room with their status in words (not colour alone): online, away or offline.
 * The creator is marked for everyone; the creator alone gets a Kick button on everyone else.
 */
export function MembersPanel({ session, id }: { session: RoomSession; id: string }) {
  const members = useValue(session.presence.members);
  const canKick = useValue(session.sync.isCreator);
  const [kicking, setKicking] = useState<MemberPresence | null>(null);
  return (
    <section className="members-panel" id={id} aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>Members</h3>
      <MemberItems members={members} labelledBy={`${id}-heading`} canKick={canKick} onKick={setKicking} />
      {kicking && (
        <ConfirmDialog
          title={`Remove ${kicking.name}?`}
          confirmLabel="Kick"
          onConfirm={() => session.sync.access.kick(kicking.memberId)}
          onClose={() => setKicking(null)}
        >
          <p>
            {kicking.name} is disconnected at once, and their membership no longer opens this room. Anyone who still has the
            invite link can join again as a new guest.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

interface MemberItemsProps {
  members: readonly MemberPresence[];
  labelledBy: string;
  canKick: boolean;
  onKick: (member: MemberPresence) => void;
}

export function MemberItems({ members, labelledBy, canKick, onKick }: MemberItemsProps) {
  return (
    <ul aria-labelledby={labelledBy}>
      {members.map((m) => (
        <li key={m.memberId} className={m.status}>
          <span className="presence-dot" aria-hidden="true" />
          <span className="person-name" style={{ color: m.color }}>
            {m.name}
          </span>
          {m.isSelf && <span className="you"> (you)</span>}
          {m.isCreator && <span className="member-role"> creator</span>}
          <span className="presence-status"> {m.status}</span>
          {canKick && !m.isSelf && (
            // Visible "Kick", named "Kick {name}" so each button says whom it removes.
            <button type="button" className="small kick" onClick={() => onKick(m)}>
              Kick<span className="visually-hidden"> {m.name}</span>
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}
