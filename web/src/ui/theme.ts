import { Value } from '../state/value';

// Light or dark: the system's preference unless the person chose one in the room menu, which this
// browser remembers. The stylesheet reads `data-theme` on <html>; Monaco follows `shownTheme`.

export type ThemeChoice = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';

const KEY = 'parley.theme';

function readChoice(): ThemeChoice {
  try {
    const stored = globalThis.localStorage?.getItem(KEY);
    return stored === 'light' || stored === 'dark' ? stored : 'system';
  } catch {
    return 'system';
  }
}

const systemQuery = () => (typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: light)') : null);

export const themeChoice = new Value<ThemeChoice>(readChoice());
export const shownTheme = new Value<Theme>('dark');

function apply(): void {
  const choice = themeChoice.get();
  const theme: Theme = choice === 'system' ? (systemQuery()?.matches ? 'light' : 'dark') : choice;
  if (typeof document !== 'undefined') document.documentElement.dataset.theme = theme;
  shownTheme.set(theme);
}

export function chooseTheme(choice: ThemeChoice): void {
  try {
    if (choice === 'system') globalThis.localStorage?.removeItem(KEY);
    else globalThis.localStorage?.setItem(KEY, choice);
  } catch {
    // storage blocked: the choice holds until the page closes
  }
  themeChoice.set(choice);
  apply();
}

/** Sets the theme before the first render and follows the system's preference from then on. */
export function startTheme(): void {
  apply();
  systemQuery()?.addEventListener('change', apply);
}
