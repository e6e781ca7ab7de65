import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ChatMarkdown } from './ChatMarkdown';

const html = (text: string) => renderToStaticMarkup(<ChatMarkdown text={text} />);

describe('chat markdown', () => {
  it('renders inline code and fenced blocks as code', () => {
    expect(html('run `npm test` now')).toContain('<code>npm test</code>');
    const fenced = html('```js\nconst a = 1 < 2;\n```');
    expect(fenced).toContain('<pre><code class="language-js">const a = 1 &lt; 2;\n</code></pre>');
  });

  it('makes http(s) links, bare URLs and mailto clickable, opening safely in a new tab', () => {
    expect(html('[docs](https://example.com/a?b=1)')).toBe(
      '<p><a href="https://example.com/a?b=1" target="_blank" rel="noopener noreferrer">docs</a></p>',
    );
    expect(html('see https://example.com/x')).toContain('<a href="https://example.com/x" target="_blank" rel="noopener noreferrer">');
    expect(html('[mail](mailto:a@example.com)')).toContain('href="mailto:a@example.com"');
  });

  it.each([
    '[x](javascript:alert(1))',
    '[x](JAVASCRIPT:alert(1))',
    '[x](java\tscript:alert(1))',
    '[x](&#106;avascript:alert(1))',
    '[x](data:text/html;base64,PHNjcmlwdD4=)',
    '[x](vbscript:msgbox)',
    '[x](/relative/path)',
    '<javascript:alert(1)>',
  ])('renders %s without a live link', (text) => {
    const out = html(text);
    expect(out).not.toMatch(/href=|<a /); // the text stays, as text
  });

  it('shows raw HTML as text, never as elements', () => {
    const out = html('<script>alert(1)</script> <img src=x onerror=alert(1)> <a href="javascript:x">y</a>');
    expect(out).not.toMatch(/<script|<img|<a /);
    expect(out).toContain('&lt;script&gt;');
  });

  it('turns images into links instead of loading them', () => {
    expect(html('![cat](https://tracker.example/c.png)')).toBe(
      '<p><a href="https://tracker.example/c.png" target="_blank" rel="noopener noreferrer">cat</a></p>',
    );
  });

  it('keeps single line breaks', () => {
    expect(html('one\ntwo')).toBe('<p>one<br/>\ntwo</p>');
  });
});
