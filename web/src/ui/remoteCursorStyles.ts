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
      `.yRemoteSelectionHead-${clientId}::after{content:${cssString(shownName(clientId) ?? user.name)};background-color:${color};opacity:${active(clientId) ? 1 : 0}}`,
    );
  });
  return rules.join('\n');
}
