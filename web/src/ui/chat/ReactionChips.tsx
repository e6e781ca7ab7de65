import type { ReactionCount } from '../../chat/chatTimeline';

/** "👍 2" under a message, one toggle per emoji: pressed while this member's own reaction is among them. */
export function ReactionChips({ reactions, onToggle }: { reactions: readonly ReactionCount[]; onToggle: (emoji: string, on: boolean) => void }) {
  return (
    <div className="reactions" role="group" aria-label="Reactions">
      {reactions.map(({ emoji, count, mine }) => (
        <button key={emoji} type="button" className="reaction" aria-pressed={mine} aria-label={`${emoji} ${count}, react with ${emoji}`} onClick={() => onToggle(emoji, !mine)}>
          <span aria-hidden="true">{emoji}</span> {count}
        </button>
      ))}
    </div>
  );
}
