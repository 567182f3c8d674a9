/**
 * Units and number formatting shared by every chart, card and table of the report. Pure and
 * DOM-free (unit-tested in test/web/format.test.ts). A missing value (null, undefined, NaN,
 * Infinity) formats as an en dash "–".
 */

export const MISSING = '–';

function isNumber(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Drops trailing zeros of a fixed-point string: "2.50" -> "2.5", "3.00" -> "3". */
function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** formatSeconds(0.0431) -> "43.1 ms": three significant digits in µs, ms, s, min or h. */
export function formatSeconds(seconds: number | null | undefined): string {
  if (!isNumber(seconds)) return MISSING;
  const abs = Math.abs(seconds);
  if (abs === 0) return '0 s';
  if (abs < 1e-3) return `${(seconds * 1e6).toPrecision(3)} µs`;
  if (abs < 1) return `${(seconds * 1e3).toPrecision(3)} ms`;
  if (abs < 120) return `${seconds.toPrecision(3)} s`;
  if (abs < 7200) return `${(seconds / 60).toPrecision(3)} min`;
  return `${(seconds / 3600).toPrecision(3)} h`;
}

/**
 * formatSecondsTick(0.1) -> "100 ms": like formatSeconds without trailing zeros, for axis ticks;
 * seconds up to 1,000 s, so a 1-2-5 tick such as 200 s does not read "3.33 min".
 */
export function formatSecondsTick(seconds: number): string {
  if (!isNumber(seconds)) return MISSING;
  const abs = Math.abs(seconds);
  if (abs === 0) return '0';
  if (abs < 1e-3) return `${trimZeros((seconds * 1e6).toPrecision(3))} µs`;
  if (abs < 1) return `${trimZeros((seconds * 1e3).toPrecision(3))} ms`;
  if (abs < 1000) return `${trimZeros(seconds.toPrecision(3))} s`;
  if (abs < 10000) return `${trimZeros((seconds / 60).toPrecision(3))} min`;
  return `${trimZeros((seconds / 3600).toPrecision(3))} h`;
}

/** The unit a time axis spanning `maxSeconds` reads best in: seconds, minutes or hours. */
export interface TimeUnit {
  name: 's' | 'min' | 'h';
  seconds: number;
}
export function timeUnitFor(maxSeconds: number): TimeUnit {
  if (!isNumber(maxSeconds) || maxSeconds < 300) return { name: 's', seconds: 1 };
  if (maxSeconds < 3 * 3600) return { name: 'min', seconds: 60 };
  return { name: 'h', seconds: 3600 };
}

/** formatCount(12345.4) -> "12,345". */
export function formatCount(n: number | null | undefined): string {
  return isNumber(n) ? Math.round(n).toLocaleString('en-US') : MISSING;
}

/** formatNumber(1234.5) -> "1,235", formatNumber(3.14159) -> "3.14": about three significant digits, grouped. */
export function formatNumber(n: number | null | undefined): string {
  if (!isNumber(n)) return MISSING;
  const abs = Math.abs(n);
  const digits = abs >= 100 || abs === 0 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** formatRate(11.936, 'req/s') -> "11.9 req/s"; the same digits as the terminal table. */
export function formatRate(n: number | null | undefined, unit: string): string {
  if (!isNumber(n)) return MISSING;
  const abs = Math.abs(n);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return `${n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${unit}`;
}

/** formatPercent(0.9999) -> "100.0%"; formatPercent(0.108, 0) -> "11%". */
export function formatPercent(fraction: number | null | undefined, digits = 1): string {
  return isNumber(fraction) ? `${(fraction * 100).toFixed(digits)}%` : MISSING;
}

/** formatGiB(14.957) -> "15.0 GiB". */
export function formatGiB(gib: number | null | undefined): string {
  return isNumber(gib) ? `${gib.toFixed(1)} GiB` : MISSING;
}

/** formatRatio(1.234) -> "1.23×". */
export function formatRatio(ratio: number | null | undefined): string {
  return isNumber(ratio) ? `${ratio.toFixed(2)}×` : MISSING;
}

/** formatSignedPercent(0.051) -> "+5.1%", (-0.2) -> "−20.0%" (a real minus sign). */
export function formatSignedPercent(fraction: number | null | undefined): string {
  if (!isNumber(fraction)) return MISSING;
  const text = `${Math.abs(fraction * 100).toFixed(1)}%`;
  return fraction > 0 ? `+${text}` : fraction < 0 ? `−${text}` : `±${text}`;
}

/** Prefixes a formatted magnitude with its sign: signed(-0.012, formatSeconds) -> "−12.0 ms". */
export function formatSigned(value: number | null | undefined, format: (n: number) => string): string {
  if (!isNumber(value)) return MISSING;
  if (value === 0) return `±${format(0)}`;
  return `${value > 0 ? '+' : '−'}${format(Math.abs(value))}`;
}

/**
 * formatUsd(2.5) -> "$2.50", formatUsd(0.0421) -> "$0.0421", formatUsd(1234.5) -> "$1,235": cents
 * from $1 up (no cents from $1,000), three significant digits below $1 so small unit costs keep
 * their digits.
 */
export function formatUsd(usd: number | null | undefined): string {
  if (!isNumber(usd)) return MISSING;
  const abs = Math.abs(usd);
  const sign = usd < 0 ? '−' : '';
  if (abs === 0) return '$0';
  if (abs >= 1000) return `${sign}$${Math.round(abs).toLocaleString('en-US')}`;
  if (abs >= 1) return `${sign}$${abs.toFixed(2)}`;
  return `${sign}$${trimZeros(abs.toPrecision(3))}`;
}
