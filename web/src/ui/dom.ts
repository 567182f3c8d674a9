/**
 * Builds DOM nodes. Every string becomes a text node: no label (scenario names, descriptions, file
 * names, evidence sentences) ever passes through an HTML parser, so `<img src=x onerror=...>` shows
 * as those characters and runs nothing. There is deliberately no way to set innerHTML here.
 */
export type Child = Node | string | null | undefined | false;

export interface Props {
  class?: string;
  id?: string;
  /** Attribute values are set with setAttribute (never parsed as HTML). */
  attrs?: Record<string, string>;
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.class) node.className = props.class;
  if (props.id) node.id = props.id;
  for (const [name, value] of Object.entries(props.attrs ?? {})) node.setAttribute(name, value);
  append(node, ...children);
  return node;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

let ids = 0;
/** A fresh id for an element the page refers to (clip paths, aria links); never derived from data. */
export function uniqueId(prefix: string): string {
  ids += 1;
  return `${prefix}-${ids}`;
}
