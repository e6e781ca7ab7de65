import { isProfile } from '../rooms/identity';

// y-monaco marks each remote selection with `yRemoteSelection-{clientID}` and its caret with
// `yRemoteSelectionHead-{clientID}`; these rules give each person their colour and name tag.
// Names and colours come from other members, so nothing reaches the style sheet unescaped.

const MAX_NAME = 32;

/** A CSS string literal that cannot break out of its quotes, whatever the input. */
export function cssString(text: string): string {
  let out = '"';
  for (const ch of [...text].slice(0, MAX_NAME)) {
    out += /^[A-Za-z0-9 ]$/.test(ch) ? ch : `\\${ch.codePointAt(0)!.toString(16)} `;
  }
  return `${out}"`;
}

/**
 * `shownName` gives the name the member list shows for a Yjs client ("Ann (2)" beside another Ann);
 * without one, the name in its awareness state.
 */
/** Near-black or white, whichever reads better on a member's colour (WCAG's relative luminance). */
export function textOn(color: string): string {
  const channel = (i: number) => {
    const c = parseInt(color.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) ? '#111' : '#fff';
}

export function remoteCursorCss(
  states: Map<number, Record<string, unknown>>,
  selfClientId: number,
  shownName: (clientId: number) => string | undefined = () => undefined,
  /** Whether the person moved or typed a moment ago: only then their name tag shows over the code. */
  active: (clientId: number) => boolean = () => true,
): string {
  const rules: string[] = [];
  states.forEach((state, clientId) => {
    if (clientId === selfClientId || !Number.isSafeInteger(clientId) || clientId < 0) return;
    const user = state.user;
    if (!isProfile(user)) return;
    const color = user.color; // isProfile admits only #rrggbb
    rules.push(
      `.yRemoteSelection-${clientId}{background-color:${color}40}`,
      `.yRemoteSelectionHead-${clientId}{border-color:${color}}`,
      `.yRemoteSelectionHead-${clientId}::after{content:${cssString(shownName(clientId) ?? user.name)};background-color:${color};color:${textOn(color)};opacity:${active(clientId) ? 1 : 0}}`,
    );
  });
  return rules.join('\n');
}
