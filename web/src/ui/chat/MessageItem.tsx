import { memo } from 'react';
import type { ChatItem } from '../../chat/chatSync';
import type { FileTransfers } from '../../files/fileTransfers';
import { AttachmentView } from './AttachmentView';
import { ChatMarkdown } from './ChatMarkdown';
import { formatFullTime, formatTime } from './format';
import { UploadChip } from './Transfers';

export interface MessageActions {
  retry(clientMessageId: string): void;
  discard(clientMessageId: string): void;
}

interface Props {
  item: ChatItem;
  /** Who wrote it, as the room shows them now; none for a message that did not decrypt. */
  author?: { name: string; color: string };
  /** False for a follow-up from the same author moments later: the name and time are not repeated visually. */
  showHeader: boolean;
  files: FileTransfers;
  actions: MessageActions;
}

/** One message: author and local time, the text as safe Markdown, attachments, and its status if it is ours. */
export const MessageItem = memo(function MessageItem({ item, author, showHeader, files, actions }: Props) {
  const name = author?.name ?? 'Unknown';
  const time = formatTime(item.sentAt);
  return (
    <article className={`message ${item.status}${item.mine ? ' mine' : ''}${showHeader ? '' : ' follow-up'}`} aria-label={`${name}, ${time}`}>
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
      {item.body ? (
        <>
          {item.body.text && (
            <div className="message-text">
              <ChatMarkdown text={item.body.text} />
            </div>
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
      {item.mine && (
        <p className="message-status">
          <span className="status-text">
            {item.status}
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
      )}
    </article>
  );
});
