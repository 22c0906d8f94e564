import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { EditorView } from '@codemirror/view';
import { tags as t } from '@lezer/highlight';

// Colours come from CSS variables, so one extension serves both themes and follows a switch
// without reconfiguring editors.
export const codeTheme = EditorView.theme({
  '&': { height: '100%', fontSize: '12px', backgroundColor: 'var(--bg)', color: 'var(--text)' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.5' },
  '.cm-content': { caretColor: 'var(--text)' },
  '.cm-gutters': { backgroundColor: 'var(--bg-soft)', color: 'var(--text-faint)', borderRight: '1px solid var(--border)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--bg-hover)' },
  '.cm-activeLine': { backgroundColor: 'transparent' },
  '&.cm-focused .cm-activeLine': { backgroundColor: 'color-mix(in srgb, var(--bg-hover) 60%, transparent)' },
  '&.cm-focused': { outline: 'none' },
  '.cm-selectionBackground, &.cm-focused .cm-selectionBackground, ::selection': { backgroundColor: 'var(--bg-selected-strong) !important' },
  '.cm-cursor': { borderLeftColor: 'var(--text)' },
  '.cm-foldPlaceholder': { backgroundColor: 'var(--bg-sunken)', border: '1px solid var(--border)', color: 'var(--text-muted)' },
  '.cm-panels': { backgroundColor: 'var(--bg-soft)', color: 'var(--text)' },
  '.cm-panels-top': { borderBottom: '1px solid var(--border)' },
  '.cm-panels-bottom': { borderTop: '1px solid var(--border)' },
  '.cm-panel.cm-search': { fontFamily: 'var(--sans)', fontSize: '12px' },
  '.cm-panel.cm-search input, .cm-panel.cm-search button': { fontSize: '12px' },
  '.cm-textfield': { backgroundColor: 'var(--bg)', border: '1px solid var(--border-strong)', borderRadius: '4px', color: 'var(--text)' },
  '.cm-button': { backgroundImage: 'none', backgroundColor: 'var(--bg)', border: '1px solid var(--border-strong)', borderRadius: '4px', color: 'var(--text)' },
  '.cm-searchMatch': { backgroundColor: 'color-mix(in srgb, #f5c542 40%, transparent)' },
  '.cm-searchMatch.cm-searchMatch-selected': { backgroundColor: 'color-mix(in srgb, #f59e0b 65%, transparent)' },
  '.cm-matchingBracket': { backgroundColor: 'var(--bg-selected)', outline: 'none' },
});

const highlight = HighlightStyle.define([
  { tag: [t.propertyName, t.attributeName], color: 'var(--tok-prop, #8b3fc4)' },
  { tag: [t.string, t.special(t.string), t.attributeValue], color: 'var(--tok-string, #1b7f4d)' },
  { tag: [t.number, t.integer, t.float], color: 'var(--tok-number, #b35900)' },
  { tag: [t.bool, t.null, t.atom, t.keyword], color: 'var(--tok-keyword, #1f5fc7)' },
  { tag: [t.tagName, t.typeName], color: 'var(--tok-tag, #c62828)' },
  { tag: [t.comment, t.meta, t.processingInstruction, t.documentMeta], color: 'var(--text-faint)', fontStyle: 'italic' },
  { tag: [t.punctuation, t.bracket, t.separator, t.angleBracket], color: 'var(--text-muted)' },
  { tag: t.invalid, color: 'var(--danger)' },
]);

export const codeHighlighting = syntaxHighlighting(highlight);
