import { h } from './dom.js';

export interface TooltipRow {
  label: string;
  value: string;
  color?: string;
}

/**
 * A tooltip box inside a positioned figure. Every line is text (textContent), so a series label
 * taken from a scenario name shows literally. `data-index` tells tests which point it describes.
 */
export class Tooltip {
  readonly element: HTMLDivElement;

  constructor(host: HTMLElement) {
    this.element = h('div', { class: 'tooltip', attrs: { role: 'status', 'aria-live': 'polite', hidden: '' } });
    host.appendChild(this.element);
  }

  show(x: number, y: number, title: string, rows: readonly TooltipRow[], index: number): void {
    const box = this.element;
    box.replaceChildren(h('div', { class: 'tooltip-title' }, title));
    for (const row of rows) {
      const key = h('span', { class: 'tooltip-key' });
      if (row.color) {
        const dot = h('span', { class: 'tooltip-dot' });
        dot.style.background = row.color;
        key.appendChild(dot);
      }
      key.appendChild(document.createTextNode(row.label));
      box.appendChild(h('div', { class: 'tooltip-row' }, key, h('span', { class: 'tooltip-value' }, row.value)));
    }
    box.dataset.index = String(index);
    box.hidden = false;
    const host = box.parentElement;
    const hostWidth = host?.clientWidth ?? 0;
    const width = box.offsetWidth;
    const left = x + 14 + width > hostWidth ? Math.max(0, x - 14 - width) : x + 14;
    box.style.left = `${left}px`;
    box.style.top = `${Math.max(0, y)}px`;
  }

  hide(): void {
    this.element.hidden = true;
  }
}
