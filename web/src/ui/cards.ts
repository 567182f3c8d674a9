import type { HeadlineCard } from '../shape/headline.js';
import { h } from './dom.js';

/** A card is what the shaping layer computes for it. */
export type Card = HeadlineCard;

const STATUS_TEXT = { met: '✓ SLO met', missed: '✗ SLO missed', none: '' } as const;

/** cards(list) -> a grid of headline cards; SLO status is said in words as well as colour. */
export function cards(list: readonly Card[], label: string): HTMLElement {
  const grid = h('div', { class: 'cards', attrs: { role: 'list', 'aria-label': label } });
  for (const card of list) {
    const words = card.statusText ? `${card.status === 'met' ? '✓' : '✗'} ${card.statusText}` : STATUS_TEXT[card.status];
    const status = card.status === 'none' ? null : h('span', { class: `card-status status-${card.status}` }, words);
    grid.appendChild(
      h(
        'div',
        { class: `card card-${card.status}`, attrs: { role: 'listitem', 'data-card': card.key } },
        h('div', { class: 'card-label' }, card.label),
        h('div', { class: 'card-value' }, card.value),
        h('div', { class: 'card-detail' }, card.detail),
        status,
      ),
    );
  }
  return grid;
}
