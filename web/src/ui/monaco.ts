// Monaco with every worker bundled by Vite: nothing loads from a CDN at run time.
import * as monaco from 'monaco-editor';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import CssWorker from 'monaco-editor/language/css/css.worker?worker';
import HtmlWorker from 'monaco-editor/language/html/html.worker?worker';
import JsonWorker from 'monaco-editor/language/json/json.worker?worker';
import TsWorker from 'monaco-editor/language/typescript/ts.worker?worker';

const languageWorkers: Record<string, new () => Worker> = {
  json: JsonWorker,
  css: CssWorker,
  scss: CssWorker,
  less: CssWorker,
  html: HtmlWorker,
  handlebars: HtmlWorker,
  razor: HtmlWorker,
  typescript: TsWorker,
  javascript: TsWorker,
};

globalThis.MonacoEnvironment = {
  getWorker: (_workerId: string, label: string) => new (languageWorkers[label] ?? EditorWorker)(),
};

export interface LanguageOption {
  id: string;
  label: string;
}

/** Every language Monaco knows, by display name. */
export function languageOptions(): LanguageOption[] {
  return monaco.languages
    .getLanguages()
    .map((l) => ({ id: l.id, label: l.aliases?.[0] ?? l.id }))
    .sort((a, b) => a.label.localeCompare(b.label));
}

/** Indentation as VS Code does it: Python and most languages 4 spaces, Go tabs. */
export function indentationFor(language: string): { tabSize: number; insertSpaces: boolean } {
  return language === 'go' ? { tabSize: 4, insertSpaces: false } : { tabSize: 4, insertSpaces: true };
}

export { monaco };
