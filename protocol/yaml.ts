// Config and profile files: YAML text to a plain value, with syntax errors as `file: line N:col: message`,
// and a locator that finds the line of any path in the document so later problems can name it too.
import { LineCounter, isNode, parseDocument } from 'yaml';
import type { ConfigIssue } from './issues.js';

/** The 1-based line of a path, or of its nearest ancestor that exists; undefined for an empty document. */
export type LineOf = (path: readonly PropertyKey[]) => number | undefined;

export type YamlDoc = { ok: true; value: unknown; lineOf: LineOf } | { ok: false; issues: ConfigIssue[] };

export function parseYamlDoc(text: string, file: string): YamlDoc {
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter: lines });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((e) => {
        const at = lines.linePos(e.pos[0]);
        return { file, path: `line ${at.line}:${at.col}`, message: e.message.split('\n')[0] ?? e.message };
      }),
    };
  }
  const lineOf: LineOf = (path) => {
    for (let n = path.length; n >= 0; n--) {
      const node: unknown = n === 0 ? doc.contents : doc.getIn(path.slice(0, n) as unknown[], true);
      if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
    }
    return undefined;
  };
  return { ok: true, value: doc.toJS() ?? {}, lineOf };
}
