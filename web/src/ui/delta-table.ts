import { deltaRows, type DeltaRow, type Measure } from '../shape/deltas.js';
import { h } from './dom.js';

/**
 * deltaPanel(entries, measures, caption, ...extra) -> the "Differences from the baseline" panel of a
 * comparison: the delta table of `measures` over the entries' results (the first is the baseline),
 * followed by any extra content.
 */
export function deltaPanel<R>(
  entries: readonly { result: R; label: string }[],
  measures: readonly Measure<R>[],
  caption: string,
  ...extra: HTMLElement[]
): HTMLElement {
  return h(
    'section',
    { class: 'panel' },
    h('h3', {}, 'Differences from the baseline'),
    deltaTable(
      deltaRows(
        entries.map((e) => e.result),
        measures,
      ),
      entries.map((e) => e.label),
      caption,
    ),
    ...extra,
  );
}

/**
 * deltaTable(rows, labels) -> a table with a column per result: its value and, after the first
 * (the baseline), the change from the baseline, marked better or worse in words and colour.
 */
export function deltaTable(rows: readonly DeltaRow[], labels: readonly string[], caption: string): HTMLElement {
  const head = h('tr', {}, h('th', { attrs: { scope: 'col' } }, 'Measure'));
  labels.forEach((label, i) => head.appendChild(h('th', { attrs: { scope: 'col' } }, i === 0 ? `${label} (baseline)` : label)));
  const body = h('tbody', {});
  for (const row of rows) {
    const tr = h('tr', {}, h('th', { attrs: { scope: 'row' } }, row.label));
    row.texts.forEach((text, i) => {
      const verdict = row.verdicts[i] ?? 'none';
      const delta = row.deltas[i];
      tr.appendChild(
        h(
          'td',
          { class: `delta-${verdict}` },
          h('span', { class: 'delta-value' }, text),
          delta ? h('span', { class: 'delta-change' }, delta, verdict === 'better' || verdict === 'worse' ? h('span', { class: 'delta-verdict' }, ` ${verdict}`) : null) : null,
        ),
      );
    });
    body.appendChild(tr);
  }
  return h('div', { class: 'table-scroll' }, h('table', { class: 'delta-table' }, h('caption', {}, caption), h('thead', {}, head), body));
}
