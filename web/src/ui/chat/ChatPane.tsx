import { useCallback, useRef, useState, type DragEvent } from 'react';
import { SIGN_IN_TO_SHARE_FILES } from '../../accounts/abilities';
import { typingText } from '../../chat/typing';
import { useValue } from '../../state/value';
import type { RoomSession } from '../useRoomSession';
import { Composer } from './Composer';
import type { ReplyTarget } from './MessageItem';
import { MessageList } from './MessageList';
import { useStaged } from './useStaged';

const hasFiles = (event: DragEvent) => event.dataTransfer.types.includes('Files');

function TypingIndicator({ session }: { session: RoomSession }) {
  const typing = useValue(session.chat.typing);
  useValue(session.presence.members); // names may arrive after the typing signal
  const names = typing.map((id) => session.presence.nameOf(id) ?? 'Someone');
  // A live region, deliberately not role=status: the connection indicator is the page's one status.
  return (
    <p className="typing" aria-live="polite">
      {typingText(names)}
    </p>
  );
}

/** The room's right pane: messages, who is typing, and the composer; files can be dropped anywhere on it. */
export function ChatPane({ session }: { session: RoomSession }) {
  const { chat, files } = session;
  const staged = useStaged(files);
  const [dragging, setDragging] = useState(false);
  const shareFiles = useValue(session.sync.access.abilities)?.shareFiles ?? null;
  const [replyTo, setReplyTo] = useState<ReplyTarget | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const editFromComposer = useRef(false);
  const composerInput = useRef<HTMLTextAreaElement>(null);

  /**
   * Opens (key) or closes (null) the editor; on close, the focus returns to the composer if the
   * edit began there. Reads only refs: MessageList keeps the first one it gets.
   */
  const edit = useCallback((key: string | null, fromComposer = false): boolean => {
    const back = key === null && editFromComposer.current;
    editFromComposer.current = key !== null && fromComposer;
    setEditing(key);
    if (back) composerInput.current?.focus();
    return back;
  }, []);

  /** Up arrow in an empty composer, as in Slack: edit your newest message. */
  function editLast(): boolean {
    const last = [...chat.messages.get()].reverse().find((m) => m.mine && m.status === 'sent' && m.body && !m.body.action && !m.deleted);
    if (last) edit(last.key, true);
    return !!last;
  }

  return (
    <section
      className={`chat${dragging ? ' dragging' : ''}`}
      aria-labelledby="chat-heading"
      onDragEnter={(e) => hasFiles(e) && setDragging(true)}
      onDragOver={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        setDragging(false);
        staged.attach([...e.dataTransfer.files]);
      }}
    >
      <header className="chat-header">
        <h2 id="chat-heading">Chat</h2>
      </header>
      <MessageList
        chat={chat}
        files={files}
        presence={session.presence}
        systemLines={session.systemLines.lines}
        onReply={setReplyTo}
        editing={editing}
        onEdit={edit}
      />
      <TypingIndicator session={session} />
      <Composer
        chat={chat}
        staged={staged}
        shareFiles={shareFiles}
        replyTo={replyTo}
        onCancelReply={() => setReplyTo(null)}
        onEditLast={editLast}
        inputRef={composerInput}
      />
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          {shareFiles === false ? SIGN_IN_TO_SHARE_FILES : 'Drop files to attach them'}
        </div>
      )}
    </section>
  );
}
