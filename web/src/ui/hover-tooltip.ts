import { pointer, type BaseType, type Selection } from 'd3';
import type { Tooltip, TooltipRow } from './tooltip.js';

/** What a mark's tooltip says: a title (a link id, an engine) and label/value rows, all text. */
export interface HoverContent {
  title: string;
  rows: readonly TooltipRow[];
}

/**
 * hoverTooltip(marks, tooltip, host, content) -> marks that show `tooltip` (positioned in `host`,
 * the figure) while the pointer is over one, or while one has keyboard focus, and hide it after.
 * `index` (data-index on the tooltip) tells tests which mark it describes.
 */
export function hoverTooltip<E extends SVGElement, D>(
  marks: Selection<E, D, BaseType, unknown>,
  tooltip: Tooltip,
  host: HTMLElement,
  content: (d: D) => HoverContent,
  index: (d: D) => number,
): void {
  const show = (d: D, at: [number, number]) => {
    const c = content(d);
    tooltip.show(at[0], at[1], c.title, c.rows, index(d));
  };
  marks
    .on('pointerenter pointermove', (event: Event, d: D) => show(d, pointer(event, host)))
    .on('pointerleave', () => tooltip.hide())
    .on('focus', (event: Event, d: D) => {
      const box = (event.currentTarget as Element).getBoundingClientRect();
      const hostBox = host.getBoundingClientRect();
      show(d, [box.right - hostBox.left, box.top - hostBox.top]);
    })
    .on('blur', () => tooltip.hide());
}
