import { useEffect, useRef } from 'react';
import { MonacoBinding } from 'y-monaco';
import type { RoomSync } from '../sync/roomSync';
import { DEFAULT_LANGUAGE, useSharedLanguage } from './hooks';
import { indentationFor, monaco } from './monaco';
import { registerEditor } from './editorBridge';
import { shownTheme } from './theme';

const monacoTheme = () => (shownTheme.get() === 'light' ? 'vs' : 'vs-dark');

/** Monaco bound to the room's Y.Text; cursors and selections travel through awareness. */
export function CodeEditor({ sync }: { sync: RoomSync }) {
  const host = useRef<HTMLDivElement>(null);
  const model = useRef<monaco.editor.ITextModel | null>(null);
  const language = useSharedLanguage(sync.meta);

  useEffect(() => {
    const textModel = monaco.editor.createModel('', DEFAULT_LANGUAGE);
    const editor = monaco.editor.create(host.current!, {
      model: textModel,
      theme: monacoTheme(),
      automaticLayout: true,
      ariaLabel: 'Code editor',
      // The classic hidden textarea rather than the experimental EditContext: mature with screen
      // readers and IMEs, and a plain textbox that end-to-end tests can focus and type into.
      editContext: false,
      fontSize: 14,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      renderLineHighlight: 'all',
      padding: { top: 18 }, // room for a cursor's name tag above line 1
    });
    // The binding also disposes itself when the model is disposed.
    new MonacoBinding(sync.text, textModel, new Set([editor]), sync.awareness);
    model.current = textModel;
    registerEditor({
      insert(text) {
        const at = editor.getSelection() ?? textModel.getFullModelRange().collapseToEnd();
        editor.executeEdits('chat', [{ range: at, text, forceMoveMarkers: true }]);
        editor.pushUndoStop();
        editor.focus();
      },
    });
    // Monaco's theme is global to the page: one call repaints every editor.
    const offTheme = shownTheme.subscribe(() => monaco.editor.setTheme(monacoTheme()));
    return () => {
      registerEditor(null);
      offTheme();
      model.current = null;
      editor.dispose();
      textModel.dispose();
    };
  }, [sync]);

  useEffect(() => {
    const textModel = model.current;
    if (!textModel) return;
    monaco.editor.setModelLanguage(textModel, language);
    textModel.updateOptions(indentationFor(language));
  }, [language, sync]);

  return <div ref={host} className="editor-host" />;
}
