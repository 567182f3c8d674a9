import { describe, expect, it } from 'vitest';
import { parsePromql } from '../../../analyzers/alerts/parse-promql.js';

const refusal = (expr: string) => {
  const parsed = parsePromql(expr);
  if (parsed.ok) throw new Error(`${expr} parsed`);
  return parsed.message;
};

describe('parsePromql(text): the official grammar, type-checked and narrowed to the evaluated subset', () => {
  it('parses the shapes vLLM alert rules use and types them', () => {
    for (const [expr, type] of [
      ['vllm:num_requests_waiting > 10', 'vector'],
      ['histogram_quantile(0.99, sum by (le) (rate(vllm:time_to_first_token_seconds_bucket[5m]))) > 2', 'vector'],
      ['max by (model_name) (vllm:kv_cache_usage_perc) > bool 0.9', 'vector'],
      ['sum(rate(vllm:generation_tokens_total[5m])) < 0.5 * sum(rate(vllm:generation_tokens_total[5m] offset 10m))', 'vector'],
      ['vllm:num_requests_running[1h30m]', 'matrix'],
      ['1 + 2 * 3', 'scalar'],
      ['{__name__="up", job!~"x|y"}', 'vector'],
      ['up # a comment', 'vector'],
    ] as const) {
      const parsed = parsePromql(expr);
      expect(parsed.ok ? parsed.type : parsed.message, expr).toBe(type);
    }
  });

  it('folds unary minus on numbers and reads hex, Inf, NaN and durations as numbers', () => {
    const num = (expr: string) => {
      const p = parsePromql(expr);
      return p.ok && p.expr.kind === 'number' ? p.expr.value : undefined;
    };
    expect(num('-2.5')).toBe(-2.5);
    expect(num('0x1f')).toBe(31);
    expect(num('Inf')).toBe(Infinity);
    expect(num('NaN')).toBeNaN();
    expect(num('5m')).toBe(300);
  });

  it('refuses a function outside the subset by name, listing those supported', () => {
    expect(refusal('label_replace(up, "a", "$1", "b", "(.*)")')).toMatch(/^unsupported in headroom alerts: the function label_replace\(\) \(supported: rate, /);
    expect(refusal('predict_linear(x[1h], 3600) < 0')).toMatch(/the function predict_linear\(\)/);
  });

  it('refuses subqueries, @, group_left and aggregations outside the subset by name', () => {
    expect(refusal('max_over_time(rate(x[1m])[5m:1m])')).toMatch(/subqueries/);
    expect(refusal('x @ 100')).toMatch(/the @ modifier/);
    expect(refusal('a / on(b) group_left c')).toMatch(/group_left\/group_right/);
    expect(refusal('topk(3, x)')).toMatch(/the topk aggregation/);
  });

  it('type-checks as Prometheus does: range vectors where wanted, bool between scalars, vectors for set operators', () => {
    expect(refusal('rate(x)')).toBe('expected a range vector as argument 1 of rate(), got an instant vector');
    expect(refusal('sum(x[5m])')).toMatch(/expected an instant vector to aggregate with sum, got a range vector/);
    expect(refusal('1 > 2')).toMatch(/must use the bool modifier/);
    expect(refusal('x and 1')).toMatch(/expected instant vectors on both sides of and/);
    expect(refusal('x + bool y')).toMatch(/bool modifier is only allowed on comparisons/);
    expect(refusal('rate(x[5m], 1)')).toMatch(/expected 1 argument in a call to rate\(\), got 2/);
    expect(refusal('x[0s]')).toMatch(/positive range/);
  });

  it('refuses selectors that match everything and bad regexes', () => {
    expect(refusal('{job=~".*"}')).toMatch(/at least one matcher that does not match the empty string/);
    expect(refusal('x{job=~"("}')).toMatch(/invalid regular expression/);
    // Exponential on a backtracking engine (RE2 has none): refused, where plain alternations pass.
    expect(refusal('x{job=~"(a+)+$"}')).toMatch(/a repeated group that itself repeats/);
    expect(refusal('x{job=~"((ab)*c)*"}')).toMatch(/a repeated group that itself repeats/);
    for (const ok of ['x{job=~"api|web.*"}', 'x{le=~`0\\.1|0\\.5|(1|2)+`}', 'x{job=~"[(a+)]+"}', 'x{job=~"(a+)?b"}']) expect(parsePromql(ok).ok, ok).toBe(true);
  });

  it('reports a syntax error with its character position', () => {
    const bad = parsePromql('rate(x[5m]) >');
    expect(bad.ok).toBe(false);
    expect(bad.ok ? null : bad.message).toBe('cannot parse PromQL: the expression ends too early (at character 14)');
    const junk = parsePromql('foo bar');
    expect(junk.ok ? null : junk.message).toBe('cannot parse PromQL: unexpected "bar" at character 5');
    expect(junk.ok ? null : junk.position).toBe(4);
  });

  it('refuses empty and overlong expressions and deep nesting without overflowing the stack', () => {
    expect(refusal('  ')).toMatch(/empty/);
    expect(refusal('x + '.repeat(3000) + 'x')).toMatch(/at most 10000 characters/);
    expect(refusal('('.repeat(200) + 'x' + ')'.repeat(200))).toMatch(/nesting at most 64 levels/);
  });
});
