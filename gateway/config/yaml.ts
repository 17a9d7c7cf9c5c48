// YAML text to a plain value, with syntax errors reported as `file: line:col: message`.
import { parseDocument } from 'yaml';
import type { ConfigIssue } from '../../protocol/issues.js';

export type YamlResult = { ok: true; value: unknown } | { ok: false; issues: ConfigIssue[] };

export function parseYamlFile(text: string, file: string): YamlResult {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((e) => ({
        file,
        path: e.linePos ? `line ${e.linePos[0].line}:${e.linePos[0].col}` : '(yaml)',
        message: e.message.split('\n')[0] ?? e.message,
      })),
    };
  }
  return { ok: true, value: doc.toJS() ?? {} };
}
