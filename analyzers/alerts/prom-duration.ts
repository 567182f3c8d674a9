/**
 * Durations as Prometheus writes them (model.ParseDuration): one or more `<integer><unit>` parts in
 * falling order, units y w d h m s ms ("1h30m", "5m", "30s", "250ms"), or "0". A year is 365 days,
 * as in Prometheus. Returns milliseconds, or null when the text is not such a duration.
 */
const PATTERN = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNIT_MS = [365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1] as const;

/** Longest duration accepted (ten years): beyond it a rule means something no simulation runs. */
export const MAX_DURATION_MS = 10 * 365 * 86_400_000;

export function parsePromDuration(text: string): number | null {
  if (text === '0') return 0;
  if (text === '') return null;
  const match = PATTERN.exec(text);
  if (match === null) return null;
  let ms = 0;
  for (let i = 0; i < UNIT_MS.length; i++) {
    const part = match[i + 1];
    if (part !== undefined) ms += Number(part) * UNIT_MS[i]!;
  }
  return ms <= MAX_DURATION_MS ? ms : null;
}

/** 300000 -> "5m", 90000 -> "1m30s", 250 -> "250ms": the shortest Prometheus spelling. */
export function formatPromDuration(ms: number): string {
  if (ms === 0) return '0s';
  const units = ['y', 'w', 'd', 'h', 'm', 's', 'ms'];
  let rest = ms;
  let out = '';
  for (let i = 0; i < UNIT_MS.length; i++) {
    const n = Math.floor(rest / UNIT_MS[i]!);
    if (n > 0) {
      out += `${n}${units[i]}`;
      rest -= n * UNIT_MS[i]!;
    }
  }
  return out;
}
