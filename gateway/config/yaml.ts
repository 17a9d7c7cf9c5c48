// YAML text to a plain value, with syntax errors reported as `file: line:col: message`.
import { LineCounter, parseDocument } from 'yaml';
import type { ConfigIssue } from '../../protocol/issues.js';

export type YamlResult = { ok: true; value: unknown } | { ok: false; issues: ConfigIssue[] };

export function parseYamlFile(text: string, file: string): YamlResult {
  // With prettyErrors off, yaml does not fill in `linePos`; a LineCounter gives the position instead.
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter: lines });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((e) => {
        const at = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
        return { file, path: `line ${at.line}:${at.col}`, message: e.message.split('\n')[0] ?? e.message };
      }),
    };
  }
  return { ok: true, value: doc.toJS() ?? {} };
}
