// YAML text to a plain value with syntax errors as `file: line L:C: message`. central/ may not import
// gateway/, so the credentials file has its own small reader (same output shape as the gateway's).
import { LineCounter, parseDocument } from 'yaml';
import type { ConfigIssue } from '../../protocol/issues.js';

export function parseYaml(text: string, file: string): { ok: true; value: unknown } | { ok: false; issues: ConfigIssue[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter: lines });
  if (doc.errors.length === 0) return { ok: true, value: doc.toJS() ?? {} };
  return {
    ok: false,
    issues: doc.errors.map((e) => {
      const at = lines.linePos(e.pos[0]);
      return { file, path: `line ${at.line}:${at.col}`, message: e.message.split('\n')[0] ?? e.message };
    }),
  };
}
