import { parser } from '@prometheus-io/lezer-promql';
import { METRIC_NAME } from './labels.js';
import { parsePromDuration } from './prom-duration.js';
import { FUNCTIONS, isSupportedFunction } from './promql-functions.js';
import {
  AGGREGATE_OPS,
  COMPARISON_OPS,
  SET_OPS,
  type AggregateOp,
  type BinaryOp,
  type Expr,
  type LabelMatcher,
  type MatchOp,
  type ValueType,
  type VectorMatching,
  type VectorSelector,
} from './promql-ast.js';
import { matches } from './sample-store.js';

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

export type ParsedPromql = { ok: true; expr: Expr; type: ValueType } | { ok: false; message: string; position: number | null };

/** Longest expression accepted: a real alert expression is a few hundred characters. */
export const MAX_EXPR_LENGTH = 10_000;
/** Deepest nesting accepted (the converter recurses): real expressions nest a handful of levels. */
const MAX_DEPTH = 64;

/** The grammar's operator node names, as PromQL writes them. */
const BINARY_OPS: Record<string, BinaryOp> = {
  Pow: '^',
  Mul: '*',
  Div: '/',
  Mod: '%',
  Atan2: 'atan2',
  Add: '+',
  Sub: '-',
  Eql: '==',
  Neq: '!=',
  Gtr: '>',
  Lss: '<',
  Gte: '>=',
  Lte: '<=',
  And: 'and',
  Or: 'or',
  Unless: 'unless',
};

/** Constructs of the grammar outside the subset, named as a user would look them up. */
const REFUSED: Record<string, string> = {
  SubqueryExpr: 'subqueries (expr[range:step])',
  StepInvariantExpr: 'the @ modifier',
  AnchoredExpr: 'the anchored range modifier',
  SmoothedExpr: 'the smoothed range modifier',
  TrimUpper: 'the >/ trim operator',
  TrimLower: 'the </ trim operator',
  FillModifier: 'fill modifiers',
};

/** Each type with its article, as messages say it. */
const TYPE_WORDS: Record<ValueType, string> = { scalar: 'a scalar', vector: 'an instant vector', matrix: 'a range vector', string: 'a string' };

class PromqlSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number | null,
  ) {
    super(message);
  }
}

/**
 * parsePromql(text) -> the expression and its type, or why not (with the character position where
 * known). Parsed with the official Prometheus grammar; then type-checked as Prometheus's parser
 * does (a range vector where rate() wants one, `bool` between scalars, ...) and narrowed to the
 * evaluated subset, so every refusal comes before anything is simulated. Never throws.
 */
export function parsePromql(text: string): ParsedPromql {
  if (text.length > MAX_EXPR_LENGTH) return { ok: false, message: `expected an expression of at most ${MAX_EXPR_LENGTH} characters, got ${text.length}`, position: null };
  if (text.trim() === '') return { ok: false, message: 'expected a PromQL expression, got an empty one', position: null };
  const tree = parser.parse(text);
  let error: { from: number; to: number } | null = null;
  tree.iterate({
    enter(node) {
      if (error !== null) return false;
      if (node.type.isError) {
        error = { from: node.from, to: node.to };
        return false;
      }
      return true;
    },
  });
  if (error !== null) {
    const { from, to } = error as { from: number; to: number };
    const near = text.slice(from, Math.max(to, from + 1)).slice(0, 30);
    const message =
      from >= text.length ? `cannot parse PromQL: the expression ends too early (at character ${from + 1})` : `cannot parse PromQL: unexpected ${JSON.stringify(near)} at character ${from + 1}`;
    return { ok: false, message, position: from };
  }
  try {
    const { expr, type } = convert(tree.topNode, text, 0);
    return { ok: true, expr, type };
  } catch (e) {
    if (e instanceof PromqlSyntaxError) return { ok: false, message: e.message, position: e.position };
    throw e;
  }
}

interface Typed {
  expr: Expr;
  type: ValueType;
}

function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c !== null; c = c.nextSibling) if (c.type.name !== 'LineComment') out.push(c);
  return out;
}

function fail(node: SyntaxNode, message: string): never {
  throw new PromqlSyntaxError(message, node.from);
}

function unsupported(node: SyntaxNode, what: string): never {
  fail(node, `unsupported in headroom alerts: ${what}`);
}

function convert(node: SyntaxNode, text: string, depth: number): Typed {
  if (depth > MAX_DEPTH) fail(node, `expected nesting at most ${MAX_DEPTH} levels deep, got deeper`);
  const src = (n: SyntaxNode) => text.slice(n.from, n.to);
  const sub = (n: SyntaxNode) => convert(n, text, depth + 1);
  const name = node.type.name;
  const refused = REFUSED[name];
  if (refused !== undefined) unsupported(node, refused);
  const kids = children(node);
  switch (name) {
    case 'PromQL':
    case 'ParenExpr': {
      if (kids.length !== 1) fail(node, 'expected one expression');
      return sub(kids[0]!);
    }
    case 'NumberDurationLiteral':
      return { expr: { kind: 'number', value: parseNumber(node, src(node)) }, type: 'scalar' };
    case 'StringLiteral':
      return { expr: { kind: 'string', value: unquote(node, src(node)) }, type: 'string' };
    case 'VectorSelector':
      return { expr: vectorSelector(node, kids, text), type: 'vector' };
    case 'MatrixSelector': {
      const [inner, range] = kids;
      if (inner?.type.name !== 'VectorSelector' || range === undefined) fail(node, 'expected a range only after a metric selector, e.g. x[5m]');
      const rangeMs = durationOf(range, text);
      if (rangeMs <= 0) fail(range, 'expected a positive range, e.g. [5m]');
      return { expr: { kind: 'matrix-selector', selector: vectorSelector(inner, children(inner), text), rangeMs }, type: 'matrix' };
    }
    case 'OffsetExpr': {
      const target = kids[0];
      const duration = kids.find((k) => k.type.name === 'OffsetDurationExpr');
      if (target === undefined || duration === undefined) fail(node, 'expected expr offset <duration>');
      const inner = sub(target);
      const offsetMs = offsetOf(duration, text);
      if (inner.expr.kind === 'vector-selector') return { expr: { ...inner.expr, offsetMs: inner.expr.offsetMs + offsetMs }, type: 'vector' };
      if (inner.expr.kind === 'matrix-selector') {
        const selector = { ...inner.expr.selector, offsetMs: inner.expr.selector.offsetMs + offsetMs };
        return { expr: { ...inner.expr, selector }, type: 'matrix' };
      }
      return fail(node, 'expected offset after a selector (x offset 5m, x[5m] offset 5m)');
    }
    case 'UnaryExpr': {
      const op = kids[0];
      const operand = kids[1];
      if (op === undefined || operand === undefined) fail(node, 'expected - or + before an expression');
      const inner = sub(operand);
      if (inner.type !== 'scalar' && inner.type !== 'vector') fail(node, `unary expression only allowed on a scalar or an instant vector, got ${TYPE_WORDS[inner.type]}`);
      if (src(op) === '+') return inner;
      if (inner.expr.kind === 'number') return { expr: { kind: 'number', value: -inner.expr.value }, type: 'scalar' };
      return { expr: { kind: 'negate', arg: inner.expr }, type: inner.type };
    }
    case 'FunctionCall':
      return functionCall(node, kids, text, sub);
    case 'AggregateExpr':
      return aggregate(node, kids, text, sub);
    case 'BinaryExpr':
      return binary(node, kids, text, sub);
    default:
      return unsupported(node, `the PromQL construct ${name} ("${src(node).slice(0, 40)}")`);
  }
}

function functionCall(node: SyntaxNode, kids: SyntaxNode[], text: string, sub: (n: SyntaxNode) => Typed): Typed {
  const id = kids.find((k) => k.type.name === 'FunctionIdentifier');
  const body = kids.find((k) => k.type.name === 'FunctionCallBody');
  if (id === undefined || body === undefined) fail(node, 'expected name(arguments)');
  const name = text.slice(id.from, id.to);
  if (!isSupportedFunction(name)) {
    unsupported(id, `the function ${name}() (supported: ${Object.keys(FUNCTIONS).join(', ')})`);
  }
  const fn = FUNCTIONS[name]!;
  const argNodes = children(body);
  if (argNodes.length !== fn.args.length) {
    fail(body, `expected ${fn.args.length} argument${fn.args.length === 1 ? '' : 's'} in a call to ${name}(), got ${argNodes.length}`);
  }
  const args = argNodes.map((a, i) => {
    const arg = sub(a);
    const want = fn.args[i]!;
    if (arg.type !== want) fail(a, `expected ${TYPE_WORDS[want]} as argument ${i + 1} of ${name}(), got ${TYPE_WORDS[arg.type]}`);
    return arg.expr;
  });
  return { expr: { kind: 'call', name, args }, type: fn.returns };
}

function aggregate(node: SyntaxNode, kids: SyntaxNode[], text: string, sub: (n: SyntaxNode) => Typed): Typed {
  const opNode = kids.find((k) => k.type.name === 'AggregateOp');
  const body = kids.find((k) => k.type.name === 'FunctionCallBody');
  const modifier = kids.find((k) => k.type.name === 'AggregateModifier');
  if (opNode === undefined || body === undefined) fail(node, 'expected an aggregation, e.g. sum by (le) (x)');
  const op = text.slice(opNode.from, opNode.to);
  if (!(AGGREGATE_OPS as readonly string[]).includes(op)) {
    unsupported(opNode, `the ${op} aggregation (supported: ${AGGREGATE_OPS.join(', ')})`);
  }
  const argNodes = children(body);
  if (argNodes.length !== 1) fail(body, `expected one argument to ${op}(), got ${argNodes.length}`);
  const arg = sub(argNodes[0]!);
  if (arg.type !== 'vector') fail(argNodes[0]!, `expected an instant vector to aggregate with ${op}, got ${TYPE_WORDS[arg.type]}`);
  let grouping = { without: false, labels: [] as string[] };
  if (modifier !== undefined) {
    const parts = children(modifier);
    const without = parts.some((p) => p.type.name === 'Without');
    const labelsNode = parts.find((p) => p.type.name === 'GroupingLabels');
    grouping = { without, labels: labelsNode === undefined ? [] : groupingLabels(labelsNode, text) };
  }
  return { expr: { kind: 'aggregate', op: op as AggregateOp, grouping, arg: arg.expr }, type: 'vector' };
}

function binary(node: SyntaxNode, kids: SyntaxNode[], text: string, sub: (n: SyntaxNode) => Typed): Typed {
  const lhsNode = kids[0];
  const rhsNode = kids.at(-1);
  const opNode = kids[1];
  if (lhsNode === undefined || rhsNode === undefined || opNode === undefined || kids.length < 3) fail(node, 'expected lhs <operator> rhs');
  const refused = REFUSED[opNode.type.name];
  if (refused !== undefined) unsupported(opNode, refused);
  const op = BINARY_OPS[opNode.type.name];
  if (op === undefined) unsupported(opNode, `the operator ${text.slice(opNode.from, opNode.to)}`);
  const modifiers = kids.slice(2, -1);
  const bool = modifiers.some((m) => m.type.name === 'BoolModifier');
  let matching: VectorMatching | null = null;
  for (const m of modifiers) {
    if (m.type.name === 'BoolModifier') continue;
    if (m.type.name !== 'MatchingModifierClause') unsupported(m, `the modifier ${text.slice(m.from, m.to)}`);
    const parts = children(m);
    for (const p of parts) {
      if (p.type.name === 'GroupLeft' || p.type.name === 'GroupRight') unsupported(p, 'group_left/group_right (many-to-one matching)');
      const refusedPart = REFUSED[p.type.name];
      if (refusedPart !== undefined) unsupported(p, refusedPart);
    }
    const labelsNode = parts.find((p) => p.type.name === 'GroupingLabels');
    matching = { on: parts.some((p) => p.type.name === 'On'), labels: labelsNode === undefined ? [] : groupingLabels(labelsNode, text) };
  }
  const lhs = sub(lhsNode);
  const rhs = sub(rhsNode);
  const comparison = (COMPARISON_OPS as readonly string[]).includes(op);
  const setOp = (SET_OPS as readonly string[]).includes(op);
  for (const side of [lhs, rhs]) {
    if (side.type !== 'scalar' && side.type !== 'vector') fail(node, `expected scalars and instant vectors on both sides of ${op}, got ${TYPE_WORDS[side.type]}`);
  }
  if (bool && !comparison) fail(node, `the bool modifier is only allowed on comparisons, got ${op}`);
  if (setOp && (lhs.type !== 'vector' || rhs.type !== 'vector')) fail(node, `expected instant vectors on both sides of ${op}, got a scalar`);
  if (comparison && !bool && lhs.type === 'scalar' && rhs.type === 'scalar') fail(node, `comparisons between scalars must use the bool modifier (${op} bool)`);
  if (matching !== null && (lhs.type !== 'vector' || rhs.type !== 'vector')) fail(node, 'on()/ignoring() only between two instant vectors');
  const type: ValueType = lhs.type === 'scalar' && rhs.type === 'scalar' ? 'scalar' : 'vector';
  return { expr: { kind: 'binary', op, bool, matching, lhs: lhs.expr, rhs: rhs.expr }, type };
}

function vectorSelector(node: SyntaxNode, kids: SyntaxNode[], text: string): VectorSelector {
  const matchers: LabelMatcher[] = [];
  const id = kids.find((k) => k.type.name === 'Identifier');
  if (id !== undefined) matchers.push({ name: METRIC_NAME, op: '=', value: text.slice(id.from, id.to), regex: null });
  const list = kids.find((k) => k.type.name === 'LabelMatchers');
  for (const m of list === undefined ? [] : children(list)) {
    if (m.type.name === 'QuotedLabelName') {
      // {"metric.name"}: a quoted metric name.
      const str = children(m)[0];
      if (str === undefined) fail(m, 'expected a quoted metric name');
      matchers.push({ name: METRIC_NAME, op: '=', value: unquote(str, text.slice(str.from, str.to)), regex: null });
      continue;
    }
    const parts = children(m);
    const nameNode = parts[0];
    const opNode = parts.find((p) => p.type.name === 'MatchOp');
    const valueNode = parts.at(-1);
    if (nameNode === undefined || opNode === undefined || valueNode?.type.name !== 'StringLiteral') fail(m, 'expected label="value"');
    const labelName =
      nameNode.type.name === 'QuotedLabelName'
        ? unquote(nameNode, text.slice(children(nameNode)[0]?.from ?? nameNode.from, children(nameNode)[0]?.to ?? nameNode.to))
        : text.slice(nameNode.from, nameNode.to);
    const op = text.slice(opNode.from, opNode.to) as MatchOp;
    const value = unquote(valueNode, text.slice(valueNode.from, valueNode.to));
    matchers.push({ name: labelName, op, value, regex: op === '=~' || op === '!~' ? labelRegex(valueNode, value) : null });
  }
  if (matchers.every((m) => matches(m, ''))) {
    fail(node, 'a vector selector must contain at least one matcher that does not match the empty string (e.g. a metric name)');
  }
  return { kind: 'vector-selector', matchers, offsetMs: 0 };
}

/**
 * A label regex as Prometheus compiles it: fully anchored, `.` matching newlines too. RE2 syntax
 * is mostly JavaScript's; a leading (?i) becomes the i flag, other inline flags are refused.
 */
function labelRegex(node: SyntaxNode, pattern: string): RegExp {
  let body = pattern;
  let flags = 's';
  if (body.startsWith('(?i)')) {
    body = body.slice(4);
    flags += 'i';
  }
  if (/\(\?[a-zA-Z]/.test(body)) unsupported(node, `inline regex flags other than a leading (?i) in ${JSON.stringify(pattern)}`);
  if (nestedQuantifier(body)) {
    unsupported(node, `a repeated group that itself repeats in ${JSON.stringify(pattern)} (such as (a+)+: it can take exponential time here, where Prometheus's RE2 cannot)`);
  }
  try {
    return new RegExp(`^(?:${body})$`, flags);
  } catch (error) {
    return fail(node, `invalid regular expression ${JSON.stringify(pattern)}: ${(error as Error).message}`);
  }
}

/**
 * Whether a pattern repeats a group that holds a repetition ((a+)+, (x*)*, (a{2,})+): the shape that
 * makes a backtracking engine take exponential time on a near-miss. JavaScript's engine backtracks;
 * RE2, Prometheus's, does not, so a rule that is safe there must not hang here.
 */
function nestedQuantifier(pattern: string): boolean {
  const open: boolean[] = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') open.push(false);
    else if (c === ')') {
      const repeatsInside = open.pop() ?? false;
      const next = pattern[i + 1];
      const repeated = next === '*' || next === '+' || (next === '{' && /^\{\d*,/.test(pattern.slice(i + 1)));
      if (repeatsInside && repeated) return true;
      if (open.length > 0 && (repeatsInside || repeated)) open[open.length - 1] = true;
    } else if ((c === '*' || c === '+' || c === '{') && open.length > 0) open[open.length - 1] = true;
  }
  return false;
}

function groupingLabels(node: SyntaxNode, text: string): string[] {
  return children(node).map((l) => {
    if (l.type.name === 'QuotedLabelName') {
      const str = children(l)[0];
      return str === undefined ? '' : unquote(str, text.slice(str.from, str.to));
    }
    return text.slice(l.from, l.to);
  });
}

/** A range or subquery duration: one literal (5m, 1h30m, or a number of seconds); duration arithmetic is refused. */
function durationOf(node: SyntaxNode, text: string): number {
  const kids = children(node);
  const literal = kids[0];
  if (kids.length !== 1 || literal?.type.name !== 'NumberDurationLiteralInDurationContext') unsupported(node, `duration expressions (${text.slice(node.from, node.to)})`);
  return durationLiteral(literal, text.slice(literal.from, literal.to));
}

function offsetOf(node: SyntaxNode, text: string): number {
  const kids = children(node);
  if (kids.length === 2 && kids[0]!.type.name === 'UnaryOp') {
    const sign = text.slice(kids[0]!.from, kids[0]!.to) === '-' ? -1 : 1;
    return sign * offsetOf(kids[1]!, text);
  }
  const literal = kids[0];
  if (kids.length !== 1 || literal?.type.name !== 'NumberDurationLiteralInDurationContext') unsupported(node, `duration expressions (${text.slice(node.from, node.to)})`);
  return durationLiteral(literal, text.slice(literal.from, literal.to));
}

function durationLiteral(node: SyntaxNode, literal: string): number {
  const ms = parsePromDuration(literal);
  if (ms !== null) return ms;
  const seconds = Number(literal);
  if (/^\d+(\.\d+)?$/.test(literal) && Number.isFinite(seconds)) return Math.round(seconds * 1000);
  return fail(node, `expected a duration like 30s, 5m or 1h, got ${JSON.stringify(literal)}`);
}

/** A number literal: decimal, hex, Inf, NaN, or a duration read as seconds (PromQL 3). */
function parseNumber(node: SyntaxNode, literal: string): number {
  const trimmed = literal.trim();
  // The grammar lexes a sign into the literal (-2.5).
  if (/^[+-]/.test(trimmed)) return (trimmed.startsWith('-') ? -1 : 1) * parseNumber(node, trimmed.slice(1));
  const t = trimmed;
  if (/^inf$/i.test(t)) return Infinity;
  if (/^nan$/i.test(t)) return NaN;
  if (/^0x[0-9a-f]+$/i.test(t)) return Number.parseInt(t.slice(2), 16);
  if (/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return Number(t);
  const ms = parsePromDuration(t);
  if (ms !== null) return ms / 1000;
  return fail(node, `expected a number, got ${JSON.stringify(t)}`);
}

/** A PromQL string literal: "..." and '...' with Go escapes, `...` raw. */
function unquote(node: SyntaxNode, literal: string): string {
  const quote = literal[0];
  if (literal.length < 2 || literal.at(-1) !== quote) fail(node, `expected a quoted string, got ${literal.slice(0, 40)}`);
  const body = literal.slice(1, -1);
  if (quote === '`') return body;
  const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'" };
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    if (e === undefined) fail(node, 'expected an escape after \\');
    if (simple[e] !== undefined) {
      out += simple[e];
      continue;
    }
    const hex = (len: number) => {
      const digits = body.slice(i + 1, i + 1 + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(digits)) fail(node, `expected ${len} hex digits after \\${e}`);
      i += len;
      const code = Number.parseInt(digits, 16);
      if (code > 0x10ffff) fail(node, `expected a code point up to 10FFFF, got ${digits}`);
      return String.fromCodePoint(code);
    };
    if (e === 'x') out += hex(2);
    else if (e === 'u') out += hex(4);
    else if (e === 'U') out += hex(8);
    else if (/[0-7]/.test(e)) {
      const digits = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(digits)) fail(node, 'expected three octal digits after \\');
      i += 2;
      out += String.fromCharCode(Number.parseInt(digits, 8));
    } else fail(node, `unknown escape \\${e}`);
  }
  return out;
}
