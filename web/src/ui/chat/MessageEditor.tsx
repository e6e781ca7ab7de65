import { useEffect, useRef, useState, type KeyboardEvent } from 'react';

/** Edits a message in place: Enter saves, Shift+Enter starts a new line, Escape cancels. */
export function MessageEditor({ text, canBeEmpty, onSave, onDone }: { text: string; canBeEmpty: boolean; onSave: (text: string) => void; onDone: () => void }) {
  const [draft, setDraft] = useState(text);
  const input = useRef<HTMLTextAreaElement>(null);
  const canSave = canBeEmpty || draft.trim().length > 0;

  useEffect(() => {
    const el = input.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, []);

  function save() {
    if (!canSave) return;
    if (draft.replace(/\s+$/, '') !== text) onSave(draft);
    onDone();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Escape') {
      event.preventDefault();
      onDone();
    } else if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      save();
    }
  }

  return (
    <div className="message-editor">
      <textarea ref={input} aria-label="Edit message" value={draft} rows={Math.min(8, draft.split('\n').length)} onChange={(e) => setDraft(e.target.value)} onKeyDown={onKeyDown} />
      <p className="editor-actions">
        <button type="button" className="small" onClick={onDone}>
          Cancel
        </button>
        <button type="button" className="small" onClick={save} disabled={!canSave}>
          Save
        </button>
        <span className="hint">Enter to save, Escape to cancel</span>
      </p>
    </div>
  );
}
