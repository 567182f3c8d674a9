import type { Verdict } from '../shape/verdict.js';
import { h } from './dom.js';

/** The verdict line of a view (text only; status drives the colour, data-verdict is for tests). */
export function verdictLine(verdict: Verdict): HTMLElement {
  return h('p', { class: `verdict verdict-${verdict.status}`, attrs: { 'data-verdict': verdict.status, role: 'status' } }, verdict.text);
}

/** In a comparison, one verdict line per result, named (the first is the baseline). */
export function verdictList(items: readonly { label: string; verdict: Verdict }[]): HTMLElement {
  return h(
    'ul',
    { class: 'verdicts' },
    ...items.map(({ label, verdict }) => h('li', { class: `verdict verdict-${verdict.status}`, attrs: { 'data-verdict': verdict.status } }, h('span', { class: 'verdict-label' }, `${label}: `), verdict.text)),
  );
}
