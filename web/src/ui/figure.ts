import { h } from './dom.js';

/** A chart's frame in the page: title, an optional note, a legend slot and the plot. */
export interface Figure {
  figure: HTMLElement;
  plot: HTMLDivElement;
  legendSlot: HTMLDivElement;
}

/**
 * figure(parent, chart, title, note) -> a <figure data-chart="..."> with a caption. `chart` names
 * the chart for tests and print; title and note are text.
 */
export function figure(parent: HTMLElement, chart: string, title: string, note?: string): Figure {
  const legendSlot = h('div', { class: 'legend-slot' });
  const plot = h('div', { class: 'plot' });
  const caption = h('figcaption', {}, h('span', { class: 'figure-title' }, title), note ? h('span', { class: 'figure-note' }, note) : null);
  const node = h('figure', { class: 'chart', attrs: { 'data-chart': chart } }, caption, legendSlot, plot);
  parent.appendChild(node);
  return { figure: node, plot, legendSlot };
}

/**
 * Redraws a chart when its container's width changes (window resize, phone rotation, print
 * layout). The first draw happens at once, so the report renders without waiting for an observer.
 */
export function drawOnResize(host: HTMLElement, draw: (width: number) => void): () => void {
  let width = host.clientWidth;
  draw(width);
  let pending = 0;
  const observer = new ResizeObserver(() => {
    const now = host.clientWidth;
    if (now === width || now === 0) return;
    width = now;
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(() => draw(width));
  });
  observer.observe(host);
  return () => draw(host.clientWidth);
}
