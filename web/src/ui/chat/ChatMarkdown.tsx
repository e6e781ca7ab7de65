import { memo, type ComponentProps } from 'react';
import Markdown, { type Components, type ExtraProps } from 'react-markdown';
import { CodeBlock } from './CodeBlock';
import remarkBreaks from 'remark-breaks';
import remarkGfm from 'remark-gfm';

// Chat text is written by other members, so rendering is locked down: raw HTML shows as text
// (react-markdown never renders it without a raw-HTML plugin, which we do not load), only the
// elements below survive, links keep only http(s) and mailto targets, and images never load on
// their own (a remote image would tell its server who is reading), they become plain links.

const ALLOWED = [
  'p', 'br', 'a', 'img', 'code', 'pre', 'em', 'strong', 'del', 'blockquote', 'hr',
  'ul', 'ol', 'li', 'input', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'table', 'thead', 'tbody', 'tr', 'th', 'td',
];

/** Keeps only absolute http(s) and mailto URLs; anything else (javascript:, data:, relative) is dropped. */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return ['http:', 'https:', 'mailto:'].includes(parsed.protocol) ? parsed.href : '';
  } catch {
    return '';
  }
}

function Link({ href, children }: ComponentProps<'a'>) {
  if (!href) return <span className="dead-link">{children}</span>;
  return (
    <a href={href} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  );
}

function Image({ src, alt }: ComponentProps<'img'>) {
  const href = typeof src === 'string' ? src : '';
  return <Link href={href}>{alt || href || 'image'}</Link>;
}

type HastNode = NonNullable<ExtraProps['node']>['children'][number];

const textOf = (node: HastNode): string =>
  node.type === 'text' ? node.value : 'children' in node ? node.children.map((c) => textOf(c as HastNode)).join('') : '';

/** A fenced block: its text and the language named after the fence (```ts), for CodeBlock. */
function Pre({ node, children }: ComponentProps<'pre'> & ExtraProps) {
  const code = node?.children[0];
  if (!code || code.type !== 'element' || code.tagName !== 'code') return <pre>{children}</pre>;
  const classes = code.properties.className;
  const tag = (Array.isArray(classes) ? classes : []).map(String).find((c) => c.startsWith('language-'));
  return (
    <CodeBlock code={textOf(code).replace(/\n$/, '')} language={tag ? tag.slice('language-'.length) : null}>
      {children}
    </CodeBlock>
  );
}

const components: Components = {
  pre: Pre,
  a: ({ href, children }) => <Link href={href}>{children}</Link>,
  img: ({ src, alt }) => <Image src={src} alt={alt} />,
  input: ({ type, checked }) => (type === 'checkbox' ? <input type="checkbox" checked={checked} disabled readOnly /> : null),
};

/** A chat message's text as safe Markdown: code spans and fences, links, lists, emphasis. */
export const ChatMarkdown = memo(function ChatMarkdown({ text }: { text: string }) {
  return (
    <Markdown
      remarkPlugins={[remarkGfm, remarkBreaks]}
      allowedElements={ALLOWED}
      unwrapDisallowed
      urlTransform={safeUrl}
      components={components}
    >
      {text}
    </Markdown>
  );
});
