import { h } from './dom.js';
import type { SeriesVisibility } from './series-visibility.js';

export interface LegendItem {
  key: string;
  label: string;
  color: string;
  dash?: string;
  width?: number;
  /** 'line' (default) or 'band' (a filled swatch). */
  shape?: 'line' | 'band';
}

const SVG = 'http://www.w3.org/2000/svg';

function swatch(item: LegendItem): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('width', '28');
  svg.setAttribute('height', '12');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'swatch');
  if (item.shape === 'band') {
    const rect = document.createElementNS(SVG, 'rect');
    for (const [k, v] of Object.entries({ x: '2', y: '2', width: '24', height: '8', fill: item.color, 'fill-opacity': '0.35' })) rect.setAttribute(k, v);
    svg.appendChild(rect);
  } else {
    const line = document.createElementNS(SVG, 'line');
    for (const [k, v] of Object.entries({ x1: '1', x2: '27', y1: '6', y2: '6', stroke: item.color, 'stroke-width': String(item.width ?? 2.5), 'stroke-dasharray': item.dash ?? '' })) line.setAttribute(k, v);
    svg.appendChild(line);
  }
  return svg;
}

/**
 * legend(items, visibility) -> a list of toggle buttons (aria-pressed), one per series: click or
 * Enter/Space hides or shows that series in every chart of the view.
 */
export function legend(items: readonly LegendItem[], visibility: SeriesVisibility, caption = 'Show or hide a series'): HTMLElement {
  const list = h('ul', { class: 'legend', attrs: { 'aria-label': caption } });
  for (const item of items) {
    const button = h('button', {
      class: 'legend-item',
      attrs: { type: 'button', 'aria-pressed': String(!visibility.isHidden(item.key)), 'data-series-toggle': item.key, title: `Show or hide ${item.label}` },
    });
    button.append(swatch(item), document.createTextNode(item.label));
    button.addEventListener('click', () => visibility.toggle(item.key));
    list.appendChild(h('li', {}, button));
  }
  return list;
}
