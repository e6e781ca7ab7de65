import type { Quote } from '../../chat/chatTimeline';

/**
 * The start of the message a reply answers, above the reply. Clicking it shows that message; one
 * not loaded (further back than the pages read so far) says so, and a click loads earlier pages to
 * find it; a deleted one only says so.
 */
export function ReplyQuote({ quote, name, onShow }: { quote: Quote; name: string; onShow: (key: string) => void }) {
  if (quote.state === 'deleted') {
    return (
      <p className="reply-quote unavailable">
        <span className="quote-author">{name}</span> <span className="quote-text">Original message deleted</span>
      </p>
    );
  }
  const loaded = quote.state === 'loaded';
  const text = loaded ? quote.firstLine : 'Original message not loaded';
  return (
    <button
      type="button"
      className={loaded ? 'reply-quote' : 'reply-quote unavailable'}
      onClick={() => onShow(quote.key)}
      aria-label={`In reply to ${name}: ${text}`}
      title={loaded ? 'Show the original message' : 'Load earlier messages to find the original'}
    >
      <span className="quote-author">{name}</span> <span className="quote-text">{text}</span>
    </button>
  );
}
