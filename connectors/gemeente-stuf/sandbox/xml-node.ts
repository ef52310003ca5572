import { escapeXml } from '../../../src/xml/xml-document.js';

/**
 * The sandbox builds StUF objects as small element trees and renders them at the last moment, so
 * one object can be served in full, with a listed scope (spec §8), or in another namespace style
 * (edge case G15) without building it twice.
 */
export type NodeNs = 'PW' | 'StUF';

export interface XNode {
  readonly ns: NodeNs;
  readonly name: string;
  /** Attributes as [namespace, local name, value]; namespace '' for none. */
  readonly attrs?: ReadonlyArray<readonly ['StUF' | 'xsi' | '', string, string]>;
  readonly text?: string;
  /** Render `text` as a CDATA section (edge case G12). */
  readonly cdata?: boolean;
  readonly children?: readonly XNode[];
}

export type NoValue = 'geenWaarde' | 'waardeOnbekend' | 'nietGeautoriseerd' | 'nietOndersteund';

export function pw(name: string, content?: string | readonly XNode[], attrs?: XNode['attrs']): XNode {
  return { ns: 'PW', name, ...(typeof content === 'string' ? { text: content } : content ? { children: content } : {}), ...(attrs ? { attrs } : {}) };
}

export function stuf(name: string, content?: string | readonly XNode[], attrs?: XNode['attrs']): XNode {
  return { ns: 'StUF', name, ...(typeof content === 'string' ? { text: content } : content ? { children: content } : {}), ...(attrs ? { attrs } : {}) };
}

/** `<PW:name xsi:nil="true" StUF:noValue="…"/>`: StUF's empty value (spec §3.2). */
export function nil(name: string, noValue: NoValue = 'geenWaarde'): XNode {
  return pw(name, undefined, [['xsi', 'nil', 'true'], ['StUF', 'noValue', noValue]]);
}

/** A value or, when absent, the nil element. */
export function valueOr(name: string, value: string | undefined, noValue: NoValue = 'geenWaarde'): XNode {
  return value === undefined ? nil(name, noValue) : pw(name, value);
}

/** `2025-02-03` → `20250203` (StUF Datum). */
export function stufDate(iso: string): string {
  return iso.replace(/-/g, '');
}

export function dateOr(name: string, iso: string | undefined): XNode {
  return iso === undefined ? nil(name) : pw(name, stufDate(iso));
}

/** Replaces (or, with `undefined`, removes) the direct child called `name`. */
export function withChild(node: XNode, name: string, replacement: XNode | undefined): XNode {
  const children = node.children ?? [];
  const index = children.findIndex((child) => child.name === name);
  if (index < 0) return replacement ? { ...node, children: [...children, replacement] } : node;
  const next = [...children];
  if (replacement) next[index] = replacement;
  else next.splice(index, 1);
  return { ...node, children: next };
}

export function childNode(node: XNode, name: string): XNode | undefined {
  return node.children?.find((child) => child.name === name);
}

/** How prefixes are written: the spec's `PW:`/`StUF:`, or G15's default namespace for PW and `ns1` for StUF. */
export interface RenderStyle {
  readonly pw: string;
  readonly stuf: string;
}

export const standardStyle: RenderStyle = { pw: 'PW', stuf: 'StUF' };
export const defaultNamespaceStyle: RenderStyle = { pw: '', stuf: 'ns1' };

function qname(prefix: string, local: string): string {
  return prefix === '' ? local : `${prefix}:${local}`;
}

// CDATA cannot hold `]]>`; split it across two sections.
function cdata(text: string): string {
  return `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

export function renderNode(node: XNode, style: RenderStyle, out: string[] = []): string[] {
  const name = qname(node.ns === 'PW' ? style.pw : style.stuf, node.name);
  out.push(`<${name}`);
  for (const [ns, local, value] of node.attrs ?? []) {
    const prefix = ns === 'StUF' ? style.stuf : ns === 'xsi' ? 'xsi' : '';
    out.push(` ${qname(prefix, local)}="${escapeXml(value)}"`);
  }
  const children = node.children ?? [];
  if (children.length === 0 && (node.text === undefined || node.text === '')) {
    out.push('/>');
    return out;
  }
  out.push('>');
  if (node.text !== undefined) out.push(node.cdata ? cdata(node.text) : escapeXml(node.text));
  for (const child of children) renderNode(child, style, out);
  out.push(`</${name}>`);
  return out;
}
