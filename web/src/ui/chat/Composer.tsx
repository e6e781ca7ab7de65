import { useEffect, useId, useRef, useState, type RefObject, type ClipboardEvent, type FormEvent, type KeyboardEvent } from 'react';
import { SIGN_IN_TO_SHARE_FILES } from '../../accounts/abilities';
import type { ChatSync } from '../../chat/chatSync';
import type { UploadTask } from '../../files/uploader';
import { AccountLink } from '../AccountBar';
import type { ReplyTarget } from './MessageItem';
import { UploadChip } from './Transfers';

export interface Staged {
  tasks: UploadTask[];
  refused: string[];
  attach(files: File[]): void;
  remove(task: UploadTask): void;
  /** Hands the staged uploads to a message and clears the list, once the files attached so far are checked. */
  take(): Promise<UploadTask[]>;
}

const MAX_ROWS_PX = 200;

interface Props {
  chat: ChatSync;
  staged: Staged;
  shareFiles: boolean | null;
  /** The message the next one answers, if Reply was chosen; Escape or Cancel reply drops it. */
  replyTo?: ReplyTarget | null;
  onCancelReply?: () => void;
  /** Up arrow in an empty box: opens the newest own message in the editor; false if there is none. */
  onEditLast?: () => boolean;
  /** The text box, for whoever gives the focus back to it. */
  inputRef?: RefObject<HTMLTextAreaElement | null>;
}

/**
 * The message box: Enter sends, Shift+Enter starts a new line; files come from the picker, a paste
 * or a drop. `shareFiles` is the member's ability (null until the join says): without it the
 * attach button is off and says why.
 */
export function Composer({ chat, staged, shareFiles, replyTo = null, onCancelReply = () => {}, onEditLast, inputRef }: Props) {
  const reasonId = useId();
  const replyId = useId();
  const [text, setText] = useState('');
  const ownInput = useRef<HTMLTextAreaElement>(null);
  const input = inputRef ?? ownInput;
  const picker = useRef<HTMLInputElement>(null);
  const canSend = text.trim().length > 0 || staged.tasks.length > 0;

  function grow() {
    const el = input.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, MAX_ROWS_PX)}px`;
  }

  // Reply puts the focus here, to write the answer.
  useEffect(() => {
    if (replyTo) input.current?.focus();
  }, [replyTo]);

  function cancelReply() {
    onCancelReply();
    input.current?.focus();
  }

  function send(event?: FormEvent) {
    event?.preventDefault();
    if (!canSend) return;
    const reply = replyTo?.ref;
    void staged.take().then((attachments) => chat.send(text, attachments, reply));
    if (replyTo) onCancelReply();
    setText('');
    requestAnimationFrame(grow);
    input.current?.focus();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Escape' && replyTo) {
      event.preventDefault();
      cancelReply();
      return;
    }
    if (event.key === 'ArrowUp' && !text && staged.tasks.length === 0 && onEditLast?.()) {
      event.preventDefault();
      return;
    }
    // isComposing: Enter that confirms an IME candidate (Japanese, Chinese…) must not send.
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    }
  }

  function onPaste(event: ClipboardEvent<HTMLTextAreaElement>) {
    const files = [...event.clipboardData.files];
    if (files.length === 0) return; // plain text pastes as usual
    event.preventDefault();
    staged.attach(files);
  }

  return (
    <form className="composer" onSubmit={send}>
      {staged.refused.map((problem) => (
        <p key={problem} role="alert" className="error composer-alert">
          {problem}
        </p>
      ))}
      {staged.tasks.length > 0 && (
        <ul className="staged" aria-label="Attachments to send">
          {staged.tasks.map((task) => (
            <li key={task.id}>
              <UploadChip upload={task} onRemove={() => staged.remove(task)} />
            </li>
          ))}
        </ul>
      )}
      {replyTo && (
        <p className="replying">
          <span id={replyId}>
            Replying to <strong>{replyTo.name}</strong>
          </span>
          <button type="button" className="small" onClick={cancelReply}>
            Cancel reply
          </button>
        </p>
      )}
      <div className="composer-row">
        <button
          type="button"
          className="attach"
          aria-label="Attach files"
          title={shareFiles === false ? SIGN_IN_TO_SHARE_FILES : 'Attach files'}
          disabled={shareFiles !== true}
          aria-describedby={shareFiles === false ? reasonId : undefined}
          onClick={() => picker.current?.click()}
        >
          <span aria-hidden="true">+</span>
        </button>
        <input
          ref={picker}
          id="chat-file-input"
          type="file"
          multiple
          hidden
          aria-label="Attach files input"
          onChange={(e) => {
            staged.attach([...(e.target.files ?? [])]);
            e.target.value = ''; // the same file can be picked again
          }}
        />
        <textarea
          ref={input}
          aria-label="Message"
          aria-describedby={replyTo ? replyId : undefined}
          placeholder="Message"
          rows={1}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            grow();
            if (e.target.value) chat.typingInput();
            else chat.typingStopped();
          }}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
          onBlur={() => chat.typingStopped()}
        />
        <button type="submit" className="send" disabled={!canSend}>
          Send
        </button>
      </div>
      {shareFiles === false && (
        <p className="attach-reason">
          <AccountLink to="/signin" id={reasonId}>
            {SIGN_IN_TO_SHARE_FILES}
          </AccountLink>
        </p>
      )}
    </form>
  );
}
