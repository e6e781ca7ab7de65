import { memo, useEffect, useRef, useState } from 'react';
import type { ChatItem } from '../../chat/chatSync';
import type { MessageRef } from '../../chat/messageBody';
import type { FileTransfers } from '../../files/fileTransfers';
import { ConfirmDialog } from '../ConfirmDialog';
import { AttachmentView } from './AttachmentView';
import { ChatMarkdown } from './ChatMarkdown';
import { formatFullTime, formatTime } from './format';
import { MessageEditor } from './MessageEditor';
import { MessageToolbar } from './MessageToolbar';
import { ReactionChips } from './ReactionChips';
import { ReplyQuote } from './ReplyQuote';
import { UploadChip } from './Transfers';
import './chat.css';

/** The message a reply being written answers, and its author's name as shown. */
export interface ReplyTarget {
  ref: MessageRef;
  name: string;
}

export interface MessageActions {
  retry(clientMessageId: string): void;
  discard(clientMessageId: string): void;
  reply(target: ReplyTarget): void;
  edit(item: ChatItem, text: string): void;
  remove(item: ChatItem): void;
  react(item: ChatItem, emoji: string, on: boolean): void;
  /** Opens the in-place editor on a message (one at a time). */
  startEdit(key: string): void;
  /** Closes it; true if the focus went back where the edit was started from (the composer). */
  endEdit(): boolean;
  /** Scrolls to a message by its item key and puts the focus on it. */
  show(key: string): void;
}

interface Props {
  item: ChatItem;
  /** Who wrote it, as the room shows them now; none for a message that did not decrypt. */
  author?: { name: string; color: string };
  /** The name of whoever wrote the message this one replies to. */
  quoteName?: string;
  /** False for a follow-up from the same author moments later: the name and time are not repeated visually. */
  showHeader: boolean;
  /** This message is open in the editor. */
  editing?: boolean;
  files: FileTransfers;
  actions: MessageActions;
}

export const messageElementId = (key: string) => `message-${key}`;

/** Focus on a message itself (not one of its controls), e.g. the original of a quoted reply. */
export function focusMessage(element: HTMLElement | null): void {
  if (!element) return;
  // Focusable only while it has the focus: a click on a message's text should not give it a ring.
  element.tabIndex = -1;
  element.addEventListener('blur', () => element.removeAttribute('tabindex'), { once: true });
  element.focus();
}

/**
 * One message: author and local time, what it replies to, the text as safe Markdown, attachments,
 * reactions, its status if it is ours, and its actions once the server has it.
 */
export const MessageItem = memo(function MessageItem({ item, author, quoteName, showHeader, editing = false, files, actions }: Props) {
  const name = author?.name ?? 'Unknown';
  const time = formatTime(item.sentAt);
  const [confirming, setConfirming] = useState(false);
  const article = useRef<HTMLElement>(null);
  // Actions name the message by its id, which is final only once sent.
  const canAct = item.status === 'sent' && !!item.body && !item.deleted;

  const deletedHere = useRef(false);

  // Deleting removes every control the focus could return to: it stays on the message instead
  // (only for a delete made here: another member's must not move anyone's focus).
  useEffect(() => {
    const lost = !document.activeElement || document.activeElement === document.body;
    if (!item.deleted || confirming || !deletedHere.current) return;
    deletedHere.current = false;
    if (lost) focusMessage(article.current);
  }, [item.deleted, confirming]);

  function stopEditing() {
    if (!actions.endEdit()) focusMessage(article.current);
  }

  return (
    <article
      ref={article}
      id={messageElementId(item.key)}
      className={`message ${item.status}${item.mine ? ' mine' : ''}${showHeader ? '' : ' follow-up'}`}
      aria-label={`${name}, ${time}`}
    >
      <header className={showHeader ? 'message-header' : 'message-header visually-hidden'}>
        {/* The member's colour marks the name rather than colouring it: no one colour reads well on both themes. */}
        <span className="author">
          {author && <span className="dot" style={{ background: author.color }} aria-hidden="true" />}
          {name}
        </span>
        <time dateTime={new Date(item.sentAt).toISOString()} title={formatFullTime(item.sentAt)}>
          {time}
        </time>
      </header>
      {item.quote && <ReplyQuote quote={item.quote} name={quoteName ?? 'Someone'} onShow={actions.show} />}
      {item.deleted ? (
        <p className="message-text unreadable">Message deleted</p>
      ) : item.body ? (
        <>
          {editing && item.mine ? (
            <MessageEditor text={item.body.text} canBeEmpty={item.body.attachments.length > 0} onSave={(text) => actions.edit(item, text)} onDone={stopEditing} />
          ) : (
            (item.body.text || item.edited) && (
              <div className="message-text">
                <ChatMarkdown text={item.body.text} />
                {item.edited && <span className="edited">(edited)</span>}
              </div>
            )
          )}
          {item.uploads.map((upload) => (
            <UploadChip key={upload.id} upload={upload} />
          ))}
          {item.body.attachments.map((attachment) => (
            <AttachmentView key={attachment.fileId} attachment={attachment} files={files} />
          ))}
        </>
      ) : (
        <p className="message-text unreadable">
          {item.outOfOrder ? 'This message could not be verified: it arrived out of order.' : 'This message could not be decrypted.'}
        </p>
      )}
      {item.reactions && !item.deleted && <ReactionChips reactions={item.reactions} onToggle={(emoji, on) => actions.react(item, emoji, on)} />}
      {item.mine && <MessageStatus item={item} actions={actions} />}
      {canAct && !(editing && item.mine) && (
        <MessageToolbar
          name={name}
          mine={item.mine}
          reacted={new Set(item.reactions?.filter((r) => r.mine).map((r) => r.emoji))}
          onReact={(emoji, on) => actions.react(item, emoji, on)}
          onReply={() => actions.reply({ ref: { sender: item.sender, id: item.clientMessageId }, name })}
          onEdit={() => actions.startEdit(item.key)}
          onDelete={() => setConfirming(true)}
        />
      )}
      {confirming && (
        <ConfirmDialog title="Delete message?" confirmLabel="Delete" onConfirm={async () => {
            deletedHere.current = true;
            actions.remove(item);
          }} onClose={() => setConfirming(false)}>
          <p>Everyone in the room will see “Message deleted” in its place.</p>
        </ConfirmDialog>
      )}
    </article>
  );
});

/** "sending", "sent" or "failed" under this browser's own messages, with Retry and Discard on a failure. */
export function MessageStatus({ item, actions, label }: { item: ChatItem; actions: MessageActions; label?: string }) {
  return (
    <p className="message-status">
      <span className="status-text">
        {label ?? item.status}
        {item.failure && `: ${item.failure}`}
      </span>
      {item.status === 'failed' && (
        <>
          <button type="button" className="small" onClick={() => actions.retry(item.clientMessageId)}>
            Retry
          </button>
          <button type="button" className="small" onClick={() => actions.discard(item.clientMessageId)}>
            Discard
          </button>
        </>
      )}
    </p>
  );
}
