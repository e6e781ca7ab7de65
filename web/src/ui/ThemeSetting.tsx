import { useId } from 'react';
import { useValue } from '../state/value';
import { chooseTheme, themeChoice, type ThemeChoice } from './theme';

const CHOICES: [ThemeChoice, string][] = [
  ['system', 'Same as the system'],
  ['light', 'Light'],
  ['dark', 'Dark'],
];

/** Light, dark or the system's: shows the choice in force, and this browser remembers it. */
export function ThemeSetting() {
  const id = useId();
  const choice = useValue(themeChoice);
  return (
    <div className="theme-setting">
      <label htmlFor={id}>Theme</label>
      <select id={id} value={choice} onChange={(e) => chooseTheme(e.target.value as ThemeChoice)}>
        {CHOICES.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    </div>
  );
}
