import { useEffect, useState, type ReactNode } from 'react';
import { copyText } from '../clipboard';
import { insertIntoEditor } from '../editorBridge';

/** Monaco's own colorizer (no second highlighter): loaded with the editor, which the room page has anyway. */
async function colorize(code: string, tag: string): Promise<string | null> {
  const { monaco } = await import('../monaco');
  const wanted = tag.toLowerCase();
  const language = monaco.languages
    .getLanguages()
    .find((l) => l.id === wanted || l.aliases?.some((a) => a.toLowerCase() === wanted) || l.extensions?.includes(`.${wanted}`));
  if (!language) return null;
  // colorize() escapes the code and returns only spans with Monaco's token classes.
  return monaco.editor.colorize(code, language.id, { tabSize: 4 });
}

/**
 * A fenced code block in a message: highlighted as the editor would (once Monaco is there), with
 * "Copy" and "Insert into editor". The text shows at once; the colours follow.
 */
export function CodeBlock({ code, language, children }: { code: string; language: string | null; children: ReactNode }) {
  const [html, setHtml] = useState<string | null>(null);
  const [said, setSaid] = useState('');
  useEffect(() => {
    let cancelled = false;
    if (language) void colorize(code, language).then((out) => !cancelled && setHtml(out), () => {});
    return () => {
      cancelled = true;
    };
  }, [code, language]);

  return (
    <figure className="code-block">
      {html !== null ? (
        // eslint-disable-next-line react/no-danger -- Monaco's colorize() output: escaped text in token spans.
        <pre className="monaco-colorized" dangerouslySetInnerHTML={{ __html: html }} />
      ) : (
        <pre>{children}</pre>
      )}
      <figcaption>
        <button type="button" className="small" onClick={() => void copyText(code, 'Copied').then(setSaid)}>
          Copy
        </button>
        <button type="button" className="small" onClick={() => setSaid(insertIntoEditor(code) ? 'Inserted' : 'Open the code tab first')}>
          Insert into editor
        </button>
        <span role="status" className="hint">
          {said}
        </span>
      </figcaption>
    </figure>
  );
}
