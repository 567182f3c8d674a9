import { h } from './dom.js';

/** notices(texts, kind) -> warning paragraphs (text only), one per entry; nothing when there are none. */
export function notices(texts: readonly string[], kind: string): HTMLElement[] {
  return texts.map((text) => h('p', { class: 'notice view-notice', attrs: { role: 'note', 'data-notice': kind } }, text));
}
