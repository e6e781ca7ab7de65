// The client's folders are layers: a folder imports only from folders below it, so nothing loops
// and a lower layer never learns of a higher one. Tests may reach anywhere; every other file,
// `testing/` helpers included, must run downward.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** Bottom first. */
const LAYERS = ['storage', 'crypto', 'state', 'wire', 'accounts', 'rooms', 'keys', 'sync', 'files', 'chat', 'ui'];

const SRC = dirname(fileURLToPath(import.meta.url));
const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s*['"](\.[^'"]+)['"]|\bimport\(\s*['"](\.[^'"]+)['"]\s*\)|^\s*import\s+['"](\.[^'"]+)['"]/gm;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [relative(SRC, join(dir, e.name))] : [],
  );
}

const isTest = (file: string) => /\.test\.tsx?$/.test(file);
const files = sources(SRC);
const known = new Set(files);

function resolve(from: string, spec: string): string | null {
  const base = normalize(join(dirname(from), spec));
  return [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find((f) => known.has(f)) ?? null;
}

/** Every relative import of a source file, resolved to the file it names (stylesheets and the like left out). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(SRC, file), 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => resolve(file, m[1] ?? m[2] ?? m[3])).filter((f): f is string => f !== null);
}

const folderOf = (file: string) => (file.includes('/') ? file.split('/')[0] : null);
const checked = files.filter((f) => !isTest(f));

describe('the layout of web/src', () => {
  it('names every folder in the layer list', () => {
    const folders = new Set(files.map(folderOf).filter((f) => f !== null));
    expect([...folders].filter((f) => !LAYERS.includes(f)).sort()).toEqual([]);
  });

  it('imports only downward or within a folder', () => {
    const upward: string[] = [];
    for (const file of checked) {
      const from = folderOf(file);
      if (from === null) continue; // the entry point sits above every layer
      for (const target of importsOf(file)) {
        const to = folderOf(target);
        if (to !== null && to !== from && LAYERS.indexOf(to) > LAYERS.indexOf(from)) upward.push(`${file} -> ${target}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('has no import loop between files, test helpers included', () => {
    const graph = new Map(checked.map((f) => [f, importsOf(f).filter((t) => !isTest(t))]));
    const state = new Map<string, 'open' | 'done'>();
    const loops: string[] = [];
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') return void loops.push([...path.slice(path.indexOf(file)), file].join(' -> '));
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(loops).toEqual([]);
  });
});
