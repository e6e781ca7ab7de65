// Edits, deletes and reactions are envelopes like any message (docs/protocol.md, "Chat": "Replies,
// edits, deletes and reactions"): the server cannot tell them apart. Here they are folded into the
// messages they refer to. The fold runs over the whole list each time, so one that arrived before
// its message (history loads newest first) takes effect as soon as that message is loaded.
import { itemKey, type ChatItem, type Quote, type ReactionCount } from './chatTimeline';
import type { MessageBody } from './messageBody';

const QUOTE_CHARS = 120;

interface Reaction {
  emoji: string;
  on: boolean;
  mine: boolean;
}

/** What the actions in a list say about each message, by item key. */
interface Effects {
  edits: Map<string, string>;
  deleted: Set<string>;
  /** By message key, then by `{sender} {emoji}`: the newest of each, in the order first seen. */
  reactions: Map<string, Map<string, Reaction>>;
}

const isAction = (item: ChatItem) => !!item.body?.action;

/**
 * Walks the actions in list order (stored ones by seq, then this browser's unsent ones), so the
 * newest edit and the newest reaction of each member win. An edit or delete names only an id: the
 * message it changes is its own sender's, so another member's can at most name a message that does
 * not exist. A failed unsent action changes nothing.
 */
function effectsOf(items: readonly ChatItem[]): Effects {
  const effects: Effects = { edits: new Map(), deleted: new Set(), reactions: new Map() };
  for (const item of items) {
    const action = item.body?.action;
    if (!action || item.status === 'failed') continue;
    if (action.type === 'edit') effects.edits.set(itemKey(item.sender, action.id), item.body!.text);
    else if (action.type === 'delete') effects.deleted.add(itemKey(item.sender, action.id));
    else {
      const target = itemKey(action.to.sender, action.to.id);
      const byMember = effects.reactions.get(target) ?? new Map<string, Reaction>();
      byMember.set(`${item.sender} ${action.emoji}`, { emoji: action.emoji, on: action.on, mine: item.mine });
      effects.reactions.set(target, byMember);
    }
  }
  return effects;
}

function countReactions(byMember: Map<string, Reaction> | undefined): ReactionCount[] | undefined {
  const counts = new Map<string, ReactionCount>();
  for (const { emoji, on, mine } of byMember?.values() ?? []) {
    if (!on) continue;
    const count = counts.get(emoji) ?? { emoji, count: 0, mine: false };
    counts.set(emoji, { emoji, count: count.count + 1, mine: count.mine || mine });
  }
  return counts.size > 0 ? [...counts.values()] : undefined;
}

function firstLine(body: MessageBody, text: string): string {
  const line = text.split('\n').find((l) => l.trim())?.trim() ?? body.attachments[0]?.name ?? '';
  return [...line].length > QUOTE_CHARS ? `${[...line].slice(0, QUOTE_CHARS).join('')}…` : line;
}

/** Folds actions into messages; unchanged messages keep their object, so only changed ones re-render. */
export class ActionFold {
  private readonly cache = new WeakMap<ChatItem, { signature: string; shown: ChatItem }>();

  readonly apply = (items: readonly ChatItem[]): readonly ChatItem[] => {
    if (!items.some(isAction) && !items.some((i) => i.body?.replyTo)) return items;
    const effects = effectsOf(items);
    const messages = new Map(items.filter((i) => i.body && !isAction(i)).map((i) => [i.key, i]));
    const shown: ChatItem[] = [];
    for (const item of items) {
      // An action is not a message: it stays in the list only to carry a gap mark or its own failure.
      if (isAction(item)) {
        if (item.missingBefore || item.status === 'failed') shown.push(item);
        continue;
      }
      shown.push(this.decorate(item, effects, messages));
    }
    return shown;
  };

  private decorate(item: ChatItem, effects: Effects, messages: Map<string, ChatItem>): ChatItem {
    if (!item.body) return item;
    const changes: Partial<ChatItem> = {};
    if (effects.deleted.has(item.key)) {
      changes.deleted = true;
      changes.body = { author: item.body.author, text: '', attachments: [] };
    } else {
      const edit = effects.edits.get(item.key);
      if (edit !== undefined && edit !== item.body.text) changes.body = { ...item.body, text: edit };
      if (edit !== undefined) changes.edited = true;
      changes.reactions = countReactions(effects.reactions.get(item.key));
      if (item.body.replyTo) changes.quote = this.quote(item.body.replyTo, effects, messages);
    }
    const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
    if (Object.keys(defined).length === 0) return item;
    const signature = JSON.stringify(defined);
    const cached = this.cache.get(item);
    if (cached?.signature === signature) return cached.shown;
    const shown = { ...item, ...defined };
    this.cache.set(item, { signature, shown });
    return shown;
  }

  private quote(ref: { sender: string; id: string }, effects: Effects, messages: Map<string, ChatItem>): Quote {
    const key = itemKey(ref.sender, ref.id);
    const original = messages.get(key);
    if (effects.deleted.has(key)) return { key, sender: ref.sender, state: 'deleted', author: original?.body?.author };
    if (!original?.body) return { key, sender: ref.sender, state: 'missing' };
    const text = effects.edits.get(key) ?? original.body.text;
    return { key, sender: ref.sender, state: 'loaded', author: original.body.author, firstLine: firstLine(original.body, text) };
  }
}
