/** Human formatting for the terminal. */

export function formatSeconds(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '-';
  const abs = Math.abs(seconds);
  if (abs === 0) return '0';
  if (abs < 1e-3) return `${(seconds * 1e6).toFixed(0)} us`;
  if (abs < 1) return `${(seconds * 1e3).toPrecision(3)} ms`;
  if (abs < 120) return `${seconds.toPrecision(3)} s`;
  if (abs < 7200) return `${(seconds / 60).toPrecision(3)} min`;
  return `${(seconds / 3600).toPrecision(3)} h`;
}

/**
 * `text` (a number written out, e.g. "1234567.89") with thousands separated by commas, as
 * toLocaleString('en-US') writes it; without ICU, whose locale data costs ~10 ms to load on the
 * first call of a process.
 */
function groupThousands(text: string): string {
  const negative = text.startsWith('-');
  const body = negative ? text.slice(1) : text;
  const dot = body.indexOf('.');
  const whole = dot < 0 ? body : body.slice(0, dot);
  if (!/^\d+$/.test(whole)) return text;
  let grouped = '';
  for (let i = whole.length; i > 0; i -= 3) grouped = (i > 3 ? ',' : '') + whole.slice(Math.max(0, i - 3), i) + grouped;
  return `${negative ? '-' : ''}${grouped}${dot < 0 ? '' : body.slice(dot)}`;
}

export function formatCount(n: number): string {
  const r = Math.round(n);
  return Number.isFinite(r) ? groupThousands(String(r === 0 ? 0 : r)) : r.toLocaleString('en-US');
}

export function formatRate(n: number, unit: string): string {
  const digits = n >= 100 ? 0 : n >= 10 ? 1 : 2;
  // toFixed rounds the exact value half up, as ICU's default does for the non-negative rates shown here.
  const text = Number.isFinite(n) && Math.abs(n) < 1e21 && n >= 0 ? groupThousands(n.toFixed(digits)) : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  return `${text} ${unit}`;
}

/**
 * A share that must not be rounded up to a better figure than was measured (SLO attainment:
 * 99.95% is "99.9%", never "100.0%"): truncated to one decimal.
 */
export function formatPercentDown(fraction: number | null): string {
  return fraction === null ? '-' : `${(Math.floor(fraction * 1000 + 1e-9) / 10).toFixed(1)}%`;
}

export function formatPercent(fraction: number | null): string {
  return fraction === null ? '-' : `${(fraction * 100).toFixed(1)}%`;
}
