// Names of files and folders (docs/protocol.md, "File manager"): what a browser may write into a
// `file-meta` path, and what it puts into a zip. Paths come from other members' browsers, so a
// zip never trusts them: every segment is cleaned again when the archive is built.

export const MAX_NAME_LENGTH = 255;

// eslint-disable-next-line no-control-regex -- control characters are exactly what is looked for
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex -- and removed
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;

/** Why `name` cannot be a file or folder name, in words; null when it can. */
export function nameProblem(name: string): string | null {
  if (name.length === 0) return 'A name cannot be empty.';
  if (name.length > MAX_NAME_LENGTH) return `A name has at most ${MAX_NAME_LENGTH} characters.`;
  if (name === '.' || name === '..') return 'A name cannot be "." or "..".';
  if (/[/\\]/.test(name)) return 'A name cannot contain / or \\.';
  if (CONTROL.test(name)) return 'A name cannot contain control characters.';
  return null;
}

/** `docs/img/`: how a folder path reads in lists and messages. */
export const folderLabel = (path: readonly string[]) => (path.length === 0 ? 'the top folder' : `${path.join('/')}/`);
export const pathLabel = (path: readonly string[]) => path.join('/');

/**
 * The pieces of one path segment that are safe to write into a zip. A segment may hold what a
 * careless or hostile writer put there (`../../evil.txt`, `C:\x`, `/abs`), so it is split on both
 * slashes, and what cannot be an ordinary name (empty, `.`, `..`, a drive letter) is dropped.
 */
function safePieces(segment: string): string[] {
  return segment
    .replace(CONTROLS, '')
    .split(/[/\\]+/)
    .map((piece) => piece.trim())
    .filter((piece) => piece !== '' && piece !== '.' && piece !== '..' && !/^[A-Za-z]:$/.test(piece))
    // A colon left inside a name would read as a drive or a stream name on Windows.
    .map((piece) => [...piece.replace(/:/g, '_')].slice(0, MAX_NAME_LENGTH).join(''))
    .filter((piece) => !/^\.+$/.test(piece));
}

/**
 * A relative zip path for an entry path: never absolute, no `..`, no backslashes, no control
 * characters, no drive letters. `fallback` is used when nothing of the name survives.
 */
export function zipPath(path: readonly string[], fallback = 'file'): string {
  const pieces = safePath(path);
  return pieces.length === 0 ? fallback : pieces.join('/');
}

/** A path another member wrote, cut down to ordinary names (`../../evil.txt` reads as `evil.txt`); possibly empty. */
export const safePath = (path: readonly string[]): string[] => path.flatMap(safePieces);

/** `report (2).pdf` for the second `report.pdf`: the extension stays last. */
export function numberedName(name: string, n: number): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
}

/**
 * Hands out names that are not taken yet, case-insensitively (most file systems a zip lands on
 * ignore case): the first `a.txt` keeps its name, the next becomes `a (2).txt`.
 */
export class UniqueNames {
  private readonly taken = new Set<string>();

  constructor(taken: Iterable<string> = []) {
    for (const name of taken) this.taken.add(name.toLowerCase());
  }

  claim(name: string): string {
    let candidate = name;
    for (let n = 2; this.taken.has(candidate.toLowerCase()); n++) candidate = numberedName(name, n);
    this.taken.add(candidate.toLowerCase());
    return candidate;
  }
}

/** A path as a map key: segments cannot hold `/`, but names from others are not trusted to obey. */
export const pathKey = (path: readonly string[]) => JSON.stringify(path);

/** Whether `path` is `folder` itself or lies inside it. */
export const isWithin = (path: readonly string[], folder: readonly string[]) =>
  path.length >= folder.length && folder.every((s, i) => s === path[i]);
