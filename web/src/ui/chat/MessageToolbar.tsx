import { useEffect, useRef, useState, type FocusEvent, type KeyboardEvent } from 'react';
import { REACTIONS } from '../../chat/messageBody';

interface Props {
  /** The author's name, for "Reply to Ann". */
  name: string;
  /** Own messages can be edited and deleted. */
  mine: boolean;
  /** The emoji this member has reacted with already. */
  reacted: ReadonlySet<string>;
  onReact(emoji: string, on: boolean): void;
  onReply(): void;
  onEdit(): void;
  /** Asks first (MessageItem): a delete cannot be undone. */
  onDelete(): void;
}

/**
 * A message's actions, shown while the pointer is over the message or the focus is in it, so they
 * are there for keyboard users too.
 */
export function MessageToolbar({ name, mine, reacted, onReact, onReply, onEdit, onDelete }: Props) {
  const [picking, setPicking] = useState(false);
  const addReaction = useRef<HTMLButtonElement>(null);
  const bar = useRef<HTMLDivElement>(null);

  // A press anywhere else closes the picker (by pointer: some browsers do not focus a pressed button).
  useEffect(() => {
    if (!picking) return;
    const outside = (event: PointerEvent) => !bar.current?.contains(event.target as Node) && setPicking(false);
    document.addEventListener('pointerdown', outside, true);
    return () => document.removeEventListener('pointerdown', outside, true);
  }, [picking]);

  // Tabbing away closes it too, or it would wait, unseen, for the next hover.
  function onBlur(event: FocusEvent) {
    if (event.relatedTarget && !event.currentTarget.contains(event.relatedTarget as Node)) setPicking(false);
  }

  function closePicker() {
    setPicking(false);
    addReaction.current?.focus();
  }

  function onPickerKey(event: KeyboardEvent) {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    closePicker();
  }

  return (
    <div className={picking ? 'message-actions open' : 'message-actions'} role="group" aria-label="Message actions" ref={bar} onBlur={onBlur}>
      <button type="button" ref={addReaction} className="small" aria-expanded={picking} onClick={() => setPicking(!picking)} title="Add reaction">
        <span aria-hidden="true">☺+</span>
        <span className="visually-hidden">Add reaction</span>
      </button>
      <button type="button" className="small" onClick={onReply} aria-label={`Reply to ${name}`} title="Reply">
        Reply
      </button>
      {mine && (
        <>
          <button type="button" className="small" onClick={onEdit} aria-label="Edit message" title="Edit">
            Edit
          </button>
          <button type="button" className="small" onClick={onDelete} aria-label="Delete message" title="Delete">
            Delete
          </button>
        </>
      )}
      {picking && (
        <div className="reaction-picker" role="group" aria-label="Pick a reaction" onKeyDown={onPickerKey}>
          {REACTIONS.map((emoji) => (
            <button
              key={emoji}
              type="button"
              className="small"
              aria-pressed={reacted.has(emoji)}
              aria-label={`React with ${emoji}`}
              onClick={() => {
                onReact(emoji, !reacted.has(emoji));
                closePicker();
              }}
            >
              {emoji}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
