/**
 * Durations as a scenario writes them: "250ms", "2s", "10m", "1h", or a plain number of seconds.
 * Results and the normalized Scenario always hold seconds.
 */

/** What a duration must look like; used verbatim in error messages. */
export const DURATION_EXPECTATION = 'a duration like "250ms", "2s", "10m", "1h" or a number of seconds';

/** Longest duration accepted, in seconds (about 31.7 years): anything longer is a typo. */
export const MAX_DURATION_SECONDS = 1e9;

const SECONDS_PER_UNIT = { ms: 1e-3, s: 1, m: 60, h: 3600 } as const;

// A decimal number (no sign, optional fraction and exponent), optional blanks, then a unit.
const DURATION_PATTERN = /^((?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)[ \t]*(ms|s|m|h)$/;

export type DurationResult = { ok: true; seconds: number } | { ok: false; expected: string };

/**
 * parseDuration(value) -> seconds, or what was expected. Never throws.
 * Rejects negative values, NaN, Infinity, values above MAX_DURATION_SECONDS, strings without a
 * unit and anything that is neither a number nor a string.
 */
export function parseDuration(value: unknown): DurationResult {
  let seconds: number;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { ok: false, expected: `${DURATION_EXPECTATION} (finite)` };
    seconds = value;
  } else if (typeof value === 'string') {
    const text = value.trim();
    if (text.startsWith('-')) return { ok: false, expected: `a non-negative duration` };
    const match = DURATION_PATTERN.exec(text);
    if (match === null) return { ok: false, expected: DURATION_EXPECTATION };
    const unit = match[2] as keyof typeof SECONDS_PER_UNIT;
    seconds = Number(match[1]) * SECONDS_PER_UNIT[unit];
    if (!Number.isFinite(seconds)) return { ok: false, expected: `${DURATION_EXPECTATION} (finite)` };
  } else {
    return { ok: false, expected: DURATION_EXPECTATION };
  }
  if (seconds < 0) return { ok: false, expected: 'a non-negative duration' };
  if (seconds > MAX_DURATION_SECONDS) {
    return { ok: false, expected: `a duration of at most ${MAX_DURATION_SECONDS} seconds` };
  }
  return { ok: true, seconds };
}

/** durationSeconds(value) -> seconds; throws a RangeError naming the expectation (for trusted input). */
export function durationSeconds(value: string | number): number {
  const result = parseDuration(value);
  if (!result.ok) throw new RangeError(`expected ${result.expected}, got ${JSON.stringify(value)}`);
  return result.seconds;
}
