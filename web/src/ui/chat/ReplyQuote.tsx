import type { Quote } from '../../chat/chatTimeline';

/**
 * The start of the message a reply answers, above the reply. Clicking it shows that message; one
 * not loaded (further back than the pages read so far) or deleted says so instead.
 */
export function ReplyQuote({ quote, name, onShow }: { quote: Quote; name: string; onShow: (key: string) => void }) {
  if (quote.state !== 'loaded') {
    return (
      <p className="reply-quote unavailable">
        <span className="quote-author">{name}</span>{' '}
        <span className="quote-text">{quote.state === 'deleted' ? 'Original message deleted' : 'Original message not loaded'}</span>
      </p>
    );
  }
  return (
    <button type="button" className="reply-quote" onClick={() => onShow(quote.key)} aria-label={`In reply to ${name}: ${quote.firstLine}`} title="Show the original message">
      <span className="quote-author">{name}</span> <span className="quote-text">{quote.firstLine}</span>
    </button>
  );
}
