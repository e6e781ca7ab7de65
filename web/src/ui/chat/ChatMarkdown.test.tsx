// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ChatMarkdown } from './ChatMarkdown';

afterEach(cleanup);

/** Renders a message's text the way the chat shows it; returns what holds it. */
const show = (text: string) => render(<ChatMarkdown text={text} />).container;

/** Every element a hostile message could use to run or load something. */
const ACTIVE = 'script, img, iframe, object, embed, style, link, form, [onerror], [onload], [href], [src]';

describe('chat markdown', () => {
  it('renders inline code and fenced blocks as code', () => {
    show('run `npm test` now');
    expect(screen.getByText('npm test').tagName).toBe('CODE');
    cleanup();
    show('```js\nconst a = 1 < 2;\n```');
    const code = screen.getByText('const a = 1 < 2;');
    expect(code.closest('pre')).not.toBeNull();
    expect(screen.getByRole('button', { name: 'Copy' })).toBeTruthy(); // a block, with its own actions
  });

  it('makes http(s) links, bare URLs and mailto clickable, opening safely in a new tab', () => {
    show('[docs](https://example.com/a?b=1) and see https://example.com/x or [mail](mailto:a@example.com)');
    const docs = screen.getByRole('link', { name: 'docs' });
    expect(docs.getAttribute('href')).toBe('https://example.com/a?b=1');
    const bare = screen.getByRole('link', { name: 'https://example.com/x' });
    for (const link of [docs, bare]) {
      expect(link.getAttribute('target')).toBe('_blank');
      expect(link.getAttribute('rel')).toBe('noopener noreferrer');
    }
    expect(screen.getByRole('link', { name: 'mail' }).getAttribute('href')).toBe('mailto:a@example.com');
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
    const shown = show(text);
    expect(screen.queryByRole('link')).toBeNull();
    expect(shown.querySelector(ACTIVE)).toBeNull();
    expect(shown.textContent).not.toBe(''); // the text stays, as text
  });

  it('shows raw HTML as text, never as elements', () => {
    const shown = show('<script>alert(1)</script> <img src=x onerror=alert(1)> <a href="javascript:x">y</a>');
    expect(shown.querySelector(ACTIVE)).toBeNull();
    expect(screen.queryByRole('link')).toBeNull();
    expect(screen.queryByRole('img')).toBeNull();
    expect(shown.textContent).toContain('<script>alert(1)</script>');
  });

  it('turns images into links instead of loading them', () => {
    const shown = show('![cat](https://tracker.example/c.png)');
    expect(screen.queryByRole('img')).toBeNull();
    const link = screen.getByRole('link', { name: 'cat' });
    expect(link.getAttribute('href')).toBe('https://tracker.example/c.png');
    expect(link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(shown.querySelectorAll('[src]')).toHaveLength(0);
  });

  it('keeps single line breaks', () => {
    const shown = show('one\ntwo');
    const paragraph = shown.querySelector('p')!;
    expect(paragraph.querySelectorAll('br')).toHaveLength(1);
    expect(paragraph.textContent).toBe('one\ntwo');
  });
});
