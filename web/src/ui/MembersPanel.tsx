import { useId, useState } from 'react';
import type { MemberPresence } from '../chat/presence';
import { ConfirmDialog } from './ConfirmDialog';

export interface MembersSectionProps {
  members: readonly MemberPresence[];
  /** The creator's: a Kick button on everyone else, each asking first. */
  canKick: boolean;
  kick: (member: MemberPresence) => Promise<void>;
  /** The member's device fingerprint (for this browser: its own device's); null while unknown. */
  fingerprintOf: (member: MemberPresence) => string | null;
}

/**
 * Everyone in the room under their count, with their status in words (not colour alone): online,
 * away or offline, and the fingerprint of their device, which people compare out of band to know
 * the server handed out no keys of its own. The creator is marked for everyone; the creator alone
 * gets a Kick button on everyone else.
 */
export function MembersSection({ members, canKick, kick, fingerprintOf }: MembersSectionProps) {
  const id = useId();
  const [kicking, setKicking] = useState<MemberPresence | null>(null);
  return (
    <div className="members-section">
      {/* The list is named "Members"; the heading adds how many. */}
      <h2>
        <span id={`${id}-name`}>Members</span>
        {` (${members.length})`}
      </h2>
      <MemberItems members={members} labelledBy={`${id}-name`} canKick={canKick} onKick={setKicking} fingerprintOf={fingerprintOf} />
      {kicking && (
        <ConfirmDialog title={`Remove ${kicking.name}?`} confirmLabel="Kick" onConfirm={() => kick(kicking)} onClose={() => setKicking(null)}>
          <p>
            {kicking.name} is disconnected at once and their membership no longer opens this room. The room&apos;s key and
            invite link change with it: send the new link to anyone you still want to invite.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}

interface MemberItemsProps {
  members: readonly MemberPresence[];
  labelledBy: string;
  canKick: boolean;
  onKick: (member: MemberPresence) => void;
  /** The member's device fingerprint (for this browser: its own device's); null while unknown. */
  fingerprintOf?: (member: MemberPresence) => string | null;
}

export function MemberItems({ members, labelledBy, canKick, onKick, fingerprintOf = () => null }: MemberItemsProps) {
  return (
    <ul aria-labelledby={labelledBy}>
      {members.map((m) => {
        const fingerprint = fingerprintOf(m);
        return (
          <li key={m.memberId} className={m.status}>
            <span className="presence-dot" aria-hidden="true" />
            {/* Their colour (cursor, chat) as a swatch: the name stays in the text colour, readable on both themes. */}
            <span className="member-swatch" style={{ background: m.color }} aria-hidden="true" />
            <span className="person-name">{m.name}</span>
            {m.isSelf && <span className="you"> (you)</span>}
            {m.isCreator && <span className="member-role"> creator</span>}
            <span className="presence-status"> {m.status}</span>
            {canKick && !m.isSelf && (
              // Visible "Kick", named "Kick {name}" so each button says whom it removes.
              <button type="button" className="small kick" onClick={() => onKick(m)}>
                Kick<span className="visually-hidden"> {m.name}</span>
              </button>
            )}
            {fingerprint && (
              <code className="fingerprint" aria-label={m.isSelf ? 'Your fingerprint' : `Fingerprint of ${m.name}`}>
                {fingerprint}
              </code>
            )}
          </li>
        );
      })}
    </ul>
  );
}
