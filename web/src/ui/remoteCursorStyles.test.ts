import { describe, expect, it } from 'vitest';
import { MEMBER_COLORS } from '../rooms/identity';
import { cssString, remoteCursorCss, textOn } from './remoteCursorStyles';

describe('remote cursor styles', () => {
  it('escapes names so they cannot leave the CSS string', () => {
    const hostile = 'x"}body{display:none}\\ \n</style>';
    const css = cssString(hostile);
    expect(css.slice(1, -1)).not.toMatch(/["{}<>\n]/);
    expect(css).toMatch(/^"x\\22 \\7d body/);
  });

  it('writes one rule set per remote person with a valid profile, none for self', () => {
    const states = new Map<number, Record<string, unknown>>([
      [1, { user: { name: 'Me', color: '#ffffff' } }],
      [2, { user: { name: 'Guest Otter', color: '#34d399' } }],
      [3, { user: { name: 'Bad', color: 'red;background:url(x)' } }],
      [4, {}],
    ]);
    const css = remoteCursorCss(states, 1);
    expect(css).toContain('.yRemoteSelection-2{background-color:#34d39940}');
    expect(css).toContain('.yRemoteSelectionHead-2::after{content:"Guest Otter";background-color:#34d399;color:#111;opacity:1}');
    expect(css).not.toMatch(/-1\b|-3\b|-4\b/);
  });

  it('hides the name tag of someone who has not moved for a while, keeping the caret', () => {
    const states = new Map<number, Record<string, unknown>>([
      [2, { user: { name: 'Ann', color: '#34d399' } }],
      [3, { user: { name: 'Bob', color: '#f87171' } }],
    ]);
    const css = remoteCursorCss(states, 1, () => undefined, (id) => id === 2);
    expect(css).toContain('.yRemoteSelectionHead-2::after{content:"Ann";background-color:#34d399;color:#111;opacity:1}');
    expect(css).toContain('.yRemoteSelectionHead-3::after{content:"Bob";background-color:#f87171;color:#111;opacity:0}');
    expect(css).toContain('.yRemoteSelectionHead-3{border-color:#f87171}');
  });

  it('writes every member colour\'s tag in a text colour that passes WCAG AA on it', () => {
    const lum = (hex: string) => {
      const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
      return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    };
    const ratio = (a: string, b: string) => (Math.max(lum(a), lum(b)) + 0.05) / (Math.min(lum(a), lum(b)) + 0.05);
    for (const color of MEMBER_COLORS) {
      const text = textOn(color) === '#fff' ? '#ffffff' : '#111111';
      expect(ratio(text, color), color).toBeGreaterThanOrEqual(4.5);
    }
  });
});
