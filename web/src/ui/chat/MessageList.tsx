import { Fragment, useEffect, useLayoutEffect, useRef } from 'react';
import type { ChatItem, ChatSync } from '../../chat/chatSync';
import type { Presence } from '../../chat/presence';
import { interleave, systemText, type SystemLine } from '../../chat/systemLines';
import type { FileTransfers } from '../../files/fileTransfers';
import { useValue, type Value } from '../../state/value';
import { focusMessage, MessageItem, MessageStatus, messageElementId, type MessageActions, type ReplyTarget } from './MessageItem';
import { dayKey, dayLabel, formatFullTime, formatTime } from './format';

const NEAR_BOTTOM_PX = 48;
const NEAR_TOP_PX = 120;
const GROUP_WITHIN_MS = 5 * 60_000;
/** Pages loaded at most to find a quoted original; one that does not exist must not load the whole history. */
const MAX_PAGES_TO_ORIGINAL = 10;

const followsUp = (item: ChatItem, before: ChatItem | undefined) =>
  !!before &&
  before.sender === item.sender &&
  before.body?.author.name === item.body?.author.name &&
  item.sentAt - before.sentAt < GROUP_WITHIN_MS &&
  dayKey(item.sentAt) === dayKey(before.sentAt);

/**
 * The scrolling message log. It stays pinned to the newest message while the reader is at the
 * bottom (and always for the reader's own new message), keeps the reader's place when earlier
 * pages load above, and loads them when scrolled near the top or on the button.
 */
const ACTION_WORDS = { edit: 'Your edit', delete: 'Your delete', react: 'Your reaction' } as const;

/** Actions are not messages: one shows only while it failed, as a line to retry or discard it. */
function FailedAction({ item, actions }: { item: ChatItem; actions: MessageActions }) {
  if (item.status !== 'failed' || !item.body?.action) return null;
  return (
    <div className="message failed mine">
      <MessageStatus item={item} actions={actions} label={ACTION_WORDS[item.body.action.type]} />
    </div>
  );
}

/** "Ann joined": muted, with its local time. Names are looked up as they show now: a joiner's may come after the join. */
function SystemLineView({ line, presence }: { line: SystemLine; presence: Presence }) {
  return (
    <p className="system-line">
      <span>{systemText(line, (id) => presence.nameOf(id))}</span>{' '}
      <time dateTime={new Date(line.at).toISOString()} title={formatFullTime(line.at)}>
        {formatTime(line.at)}
      </time>
    </p>
  );
}

/** The quoted original: scrolled to and focused; if it is further back, earlier pages load first (a few at most). */
async function showMessage(chat: ChatSync, key: string): Promise<void> {
  const find = () => document.getElementById(messageElementId(key));
  for (let page = 0; !find() && chat.hasEarlier.get() && page < MAX_PAGES_TO_ORIGINAL; page++) await chat.loadEarlier();
  const element = find();
  element?.scrollIntoView?.({ block: 'center' });
  focusMessage(element);
}

interface Props {
  chat: ChatSync;
  files: FileTransfers;
  presence: Presence;
  systemLines: Value<readonly SystemLine[]>;
  /** Reply starts a reply in the composer. */
  onReply: (target: ReplyTarget) => void;
  /** The key of the message open in the editor, if any. */
  editing: string | null;
  onEdit: (key: string | null) => boolean;
}

export function MessageList({ chat, files, presence, systemLines, onReply, editing, onEdit }: Props) {
  const items = useValue(chat.messages);
  const lines = useValue(systemLines);
  // Messages show who wrote them as the member list does (their name now, "Ann (2)" beside another
  // Ann); the name in the message itself is for members no longer listed.
  const members = useValue(presence.members);
  const listed = new Map(members.map((m) => [m.memberId, m]));
  const hasEarlier = useValue(chat.hasEarlier);
  const loadingEarlier = useValue(chat.loadingEarlier);
  const loaded = useValue(chat.loaded);
  const scroller = useRef<HTMLDivElement>(null);
  const content = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  const previous = useRef<{ first?: string; last?: string; height: number }>({ height: 0 });
  const actions = useRef<MessageActions>({
    retry: (id) => chat.retry(id),
    discard: (id) => chat.discard(id),
    reply: onReply,
    edit: (item, text) => chat.act({ type: 'edit', id: item.clientMessageId }, text),
    remove: (item) => chat.act({ type: 'delete', id: item.clientMessageId }),
    react: (item, emoji, on) => chat.act({ type: 'react', to: { sender: item.sender, id: item.clientMessageId }, emoji, on }),
    show: (key) => void showMessage(chat, key),
    startEdit: (key) => onEdit(key),
    endEdit: () => onEdit(null),
  }).current;

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const first = items[0]?.key;
    const last = items[items.length - 1];
    const before = previous.current;
    if (before.first && first !== before.first && before.last === last?.key) {
      el.scrollTop += el.scrollHeight - before.height; // earlier page above: keep the reader's place
    } else if (pinned.current || (last?.mine && last.key !== before.last)) {
      el.scrollTop = el.scrollHeight;
      pinned.current = true;
    }
    previous.current = { first, last: last?.key, height: el.scrollHeight };
  }, [items]);

  // Previews grow once decrypted and the pane resizes; a reader at the bottom should stay there.
  useEffect(() => {
    const el = scroller.current;
    if (!el || !content.current || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (pinned.current) el.scrollTop = el.scrollHeight;
      previous.current.height = el.scrollHeight;
    });
    observer.observe(content.current);
    observer.observe(el); // the pane itself shrinks too, e.g. when the member list opens
    return () => observer.disconnect();
  }, []);

  // Messages and the local lines ("Ann joined") between them, under a separator for each day.
  const rows = interleave(items, lines);
  let lastDay: string | undefined;
  const startsDay = (at: number) => {
    const day = dayKey(at);
    const starts = day !== lastDay;
    lastDay = day;
    return starts;
  };

  function onScroll() {
    const el = scroller.current!;
    pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
    if (el.scrollTop < NEAR_TOP_PX && hasEarlier && !loadingEarlier) void chat.loadEarlier();
  }

  return (
    <div className="messages" ref={scroller} onScroll={onScroll} role="log" aria-label="Messages" tabIndex={0}>
      <div ref={content} className="messages-content">
        {hasEarlier && (
          <button type="button" className="load-earlier small" onClick={() => void chat.loadEarlier()} disabled={loadingEarlier} aria-busy={loadingEarlier}>
            {loadingEarlier ? 'Loading earlier messages…' : 'Load earlier messages'}
          </button>
        )}
        {loaded && items.length === 0 && <p className="empty">No messages yet. Say hello!</p>}
        {!loaded && <p className="empty">Loading messages…</p>}
        {rows.map((row, i) => {
          if (!('key' in row))
            return (
              <Fragment key={`line-${row.id}`}>
                {startsDay(row.at) && <h3 className="day">{dayLabel(row.at)}</h3>}
                <SystemLineView line={row} presence={presence} />
              </Fragment>
            );
          const item = row;
          const previous = rows[i - 1];
          const before = previous && 'key' in previous ? previous : undefined; // after a line, the name shows again
          const newDay = startsDay(item.sentAt);
          return (
            <Fragment key={item.key}>
              {newDay && <h3 className="day">{dayLabel(item.sentAt)}</h3>}
              {!!item.missingBefore && (
                <p className="chat-gap unreadable" role="note">
                  Some messages from {(listed.get(item.sender) ?? item.body?.author)?.name ?? 'this member'} may be missing.
                </p>
              )}
              {item.body?.action ? (
                <FailedAction item={item} actions={actions} />
              ) : (
                <MessageItem
                  item={item}
                  author={listed.get(item.sender) ?? item.body?.author}
                  quoteName={item.quote && (listed.get(item.quote.sender) ?? item.quote.author)?.name}
                  showHeader={newDay || !followsUp(item, before)}
                  editing={item.key === editing}
                  files={files}
                  actions={actions}
                />
              )}
            </Fragment>
          );
        })}
      </div>
    </div>
  );
}
