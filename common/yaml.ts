// Config and profile files: YAML text to a plain value, with syntax errors as `file: line N:col: message`,
// and a locator that finds the line of any path in the document so later problems can name it too.
// Aliases that expand too far (a "billion laughs" file) are refused by the yaml library while it builds the
// value; that refusal is a configuration problem like any other, at the alias where the limit was passed.
import { type Document, LineCounter, type Node, isAlias, isCollection, isNode, isPair, isScalar, isSeq, parseDocument, visit } from 'yaml';
import { formatPath, type ConfigIssue } from './issues.js';

/** The 1-based line of a path, or of its nearest ancestor that exists; undefined for an empty document. */
export type LineOf = (path: readonly PropertyKey[]) => number | undefined;

export type YamlDoc = { ok: true; value: unknown; lineOf: LineOf } | { ok: false; issues: ConfigIssue[] };

/** The yaml library's own bound on alias expansion (its default), named here so the message can say it. */
export const MAX_ALIAS_COUNT = 100;

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
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    const at = aliasOverLimit(doc);
    const where = at?.node.range ? ` (line ${lines.linePos(at.node.range[0]).line})` : '';
    const message = at
      ? `alias *${at.node.source} expands past the limit of ${MAX_ALIAS_COUNT} aliased nodes ("${why}"): use fewer aliases${where}`
      : why;
    return { ok: false, issues: [{ file, path: formatPath(at?.path ?? []), message }] };
  }
  const lineOf: LineOf = (path) => {
    for (let n = path.length; n >= 0; n--) {
      const node: unknown = n === 0 ? doc.contents : doc.getIn(path.slice(0, n) as unknown[], true);
      if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
    }
    return undefined;
  };
  return { ok: true, value: value ?? {}, lineOf };
}

type AliasNode = Node & { source: string };

/**
 * The alias at which the yaml library's count passes the limit, found by keeping its count the same way
 * (each use of an anchor, times the deepest expansion inside the anchored node), in document order.
 * Only to say where: the refusal itself is the library's.
 */
function aliasOverLimit(doc: Document): { node: AliasNode; path: PropertyKey[] } | undefined {
  const anchors = new Map<unknown, { count: number; aliasCount: number }>();
  const byName = new Map<string, unknown>();
  const expansion = (node: unknown): number => {
    if (isAlias(node)) {
      const a = anchors.get(byName.get(node.source));
      return a ? a.count * a.aliasCount : 0;
    }
    if (isCollection(node)) return Math.max(0, ...node.items.map(expansion));
    if (isPair(node)) return Math.max(expansion(node.key), expansion(node.value));
    return 1;
  };
  let found: { node: AliasNode; path: PropertyKey[] } | undefined;
  visit(doc, (_key, node, ancestors) => {
    if (isNode(node) && !isAlias(node) && node.anchor) {
      anchors.set(node, { count: 1, aliasCount: 0 });
      byName.set(node.anchor, node);
    }
    if (!isAlias(node)) return undefined;
    const a = anchors.get(byName.get(node.source));
    if (!a) return undefined;
    a.count++;
    if (a.aliasCount === 0) a.aliasCount = expansion(byName.get(node.source));
    if (a.count * a.aliasCount <= MAX_ALIAS_COUNT) return undefined;
    found = { node: node as AliasNode, path: keyPath([...ancestors, node]) };
    return visit.BREAK;
  });
  return found;
}

/** `lol[3].b` from the chain of nodes down to a node. */
function keyPath(chain: readonly unknown[]): PropertyKey[] {
  const path: PropertyKey[] = [];
  chain.forEach((n, i) => {
    if (isPair(n)) path.push(isScalar(n.key) ? String(n.key.value) : String(n.key));
    else if (isSeq(n)) path.push(n.items.indexOf(chain[i + 1] as never));
  });
  return path;
}
