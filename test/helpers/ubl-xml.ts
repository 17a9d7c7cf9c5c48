// Reads a UBL document back for assertions: a small tree of elements (qualified name, text, attributes,
// children in document order), parsed by xmlbuilder2, and lookups by a path of qualified names.
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';

export interface El {
  name: string;
  text: string;
  attrs: Record<string, string>;
  children: El[];
}

interface DomElement {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  attributes: { length: number; item(i: number): { name: string; value: string } | null };
}

function toEl(b: XMLBuilder): El {
  const node = b.node as unknown as DomElement;
  const attrs: Record<string, string> = {};
  for (let i = 0; i < node.attributes.length; i++) {
    const a = node.attributes.item(i)!;
    attrs[a.name] = a.value;
  }
  const children = b.filter((c) => (c.node as unknown as DomElement).nodeType === 1, false, false).map(toEl);
  return { name: node.nodeName, text: children.length === 0 ? (node.textContent ?? '') : '', attrs, children };
}

/** The document element of a UBL string. */
export const parseUbl = (xml: string): El => toEl(create(xml).root());

/** Every element at a path of qualified names below `el` ('cac:LegalMonetaryTotal/cbc:PayableAmount'). */
export function all(el: El, path: string): El[] {
  let level = [el];
  for (const step of path.split('/')) level = level.flatMap((e) => e.children.filter((c) => c.name === step));
  return level;
}

export function one(el: El, path: string): El | undefined {
  return all(el, path)[0];
}

/** The text at a path ('' when absent). */
export const text = (el: El, path: string): string => one(el, path)?.text ?? '';

/** Every element below `el`, itself included. */
export function descendants(el: El): El[] {
  return [el, ...el.children.flatMap(descendants)];
}

export const childNames = (el: El | undefined): string[] => el?.children.map((c) => c.name) ?? [];
