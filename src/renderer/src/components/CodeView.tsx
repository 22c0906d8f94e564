import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { html } from '@codemirror/lang-html';
import { json } from '@codemirror/lang-json';
import { xml } from '@codemirror/lang-xml';
import { bracketMatching, codeFolding, foldGutter, foldKeymap, indentOnInput } from '@codemirror/language';
import { highlightSelectionMatches, search, searchKeymap } from '@codemirror/search';
import { Compartment, EditorState, type Extension } from '@codemirror/state';
import {
  EditorView,
  drawSelection,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
  placeholder as placeholderExt,
} from '@codemirror/view';
import { useEffect, useRef } from 'react';
import { codeHighlighting, codeTheme } from './codeTheme';

export type CodeLanguage = 'json' | 'xml' | 'html' | 'text';

function languageExtension(lang: CodeLanguage): Extension {
  if (lang === 'json') return json();
  if (lang === 'xml') return xml();
  if (lang === 'html') return html();
  return [];
}

/**
 * CodeMirror 6 viewer/editor: highlighting (JSON/XML/HTML), folding, search (Ctrl/Cmd+F),
 * line numbers, wrap toggle, read-only mode. The document is replaced only when `value`
 * really differs from what the editor holds, so typing never loses the cursor.
 */
export function CodeView({
  value,
  language = 'text',
  readOnly = true,
  wrap = false,
  onChange,
  placeholder,
  ariaLabel,
  className,
}: {
  value: string;
  language?: CodeLanguage;
  readOnly?: boolean;
  wrap?: boolean;
  onChange?: (value: string) => void;
  placeholder?: string;
  ariaLabel?: string;
  className?: string;
}) {
  const hostRef = useRef<HTMLDivElement>(null);
  const viewRef = useRef<EditorView | null>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const compartments = useRef({ lang: new Compartment(), wrap: new Compartment(), ro: new Compartment() });

  useEffect(() => {
    const c = compartments.current;
    const view = new EditorView({
      parent: hostRef.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          highlightActiveLine(),
          foldGutter(),
          codeFolding(),
          drawSelection(),
          history(),
          indentOnInput(),
          bracketMatching(),
          highlightSelectionMatches(),
          search({ top: true }),
          keymap.of([...searchKeymap, ...foldKeymap, ...historyKeymap, ...defaultKeymap, indentWithTab]),
          codeTheme,
          codeHighlighting,
          placeholder ? placeholderExt(placeholder) : [],
          EditorView.contentAttributes.of(ariaLabel ? { 'aria-label': ariaLabel } : {}),
          c.lang.of(languageExtension(language)),
          c.wrap.of(wrap ? EditorView.lineWrapping : []),
          // Read-only stays focusable (editable), so keyboard search, selection and copy work.
          c.ro.of(EditorState.readOnly.of(readOnly)),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) onChangeRef.current?.(u.state.doc.toString());
          }),
        ],
      }),
    });
    viewRef.current = view;
    return () => {
      view.destroy();
      viewRef.current = null;
    };
    // The editor is created once; props below are applied by reconfiguration.
  }, []);

  useEffect(() => {
    const view = viewRef.current;
    if (!view) return;
    const current = view.state.doc.toString();
    if (current !== value) view.dispatch({ changes: { from: 0, to: current.length, insert: value } });
  }, [value]);

  useEffect(() => {
    viewRef.current?.dispatch({ effects: compartments.current.lang.reconfigure(languageExtension(language)) });
  }, [language]);
  useEffect(() => {
    viewRef.current?.dispatch({ effects: compartments.current.wrap.reconfigure(wrap ? EditorView.lineWrapping : []) });
  }, [wrap]);
  useEffect(() => {
    viewRef.current?.dispatch({
      effects: compartments.current.ro.reconfigure(EditorState.readOnly.of(readOnly)),
    });
  }, [readOnly]);

  return <div ref={hostRef} className={`code-view ${className ?? ''}`} data-testid="code-view" />;
}
