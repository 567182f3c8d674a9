import { BoundedFileError, readBoundedText } from '../../../engine/input/bounded-file.js';
import { safeLine } from '../../../engine/input/terminal-text.js';
import { basename } from 'node:path';
import secureJsonParse from 'secure-json-parse';
import type { ReportEntry } from '../../../web/src/payload.js';
import { writeFileAtomically } from '../../write-file-atomically.js';
import { htmlReport, ReportAppMissing, validateReportInput } from '../../writers/html.js';
import { EXIT, ExitError } from '../exit-codes.js';
import { checkDistinctPaths, checkOutputPath } from '../output.js';

export interface ReportCommandOptions {
  output: string;
  /** "headroom 0.1.0", written into the page. */
  generator: string;
}

/** Result files bigger than this are not results (the engine's are tens of kilobytes). */
const MAX_INPUT_BYTES = 64 * 2 ** 20;

/** Reads, parses (no prototype poisoning) and checks one result file; problems as message lines. */
function readEntries(file: string): { entries: ReportEntry[] } | { issues: string[] } {
  let text: string;
  try {
    text = readBoundedText(file, { what: 'a result file', maxBytes: MAX_INPUT_BYTES });
  } catch (error) {
    if (error instanceof BoundedFileError) return { issues: [`${file}: ${error.message}`] };
    throw error;
  }
  let value: unknown;
  try {
    value = secureJsonParse.parse(text, null, { protoAction: 'error', constructorAction: 'error' });
  } catch (error) {
    return { issues: [`${file}: not valid JSON (${(error as Error).message})`] };
  }
  // A `check --json` report carries the results it gated (a fabric or survivability analysis when a threshold read one): report each of them.
  if (isCheckReport(value)) {
    const entries: ReportEntry[] = [];
    const issues: string[] = [];
    value.scenarios.forEach((scenario, i) => {
      for (const [what, result] of [['simulation', scenario.simulation], ['saturation', scenario.saturation], ['fabric', scenario.fabric], ['survival', scenario.survival]] as const) {
        if (result === null || result === undefined) continue;
        const read = validateReportInput(result, `${file}: scenarios[${i}].${what}`);
        if ('entry' in read) entries.push(read.entry);
        else issues.push(...read.issues);
      }
    });
    return issues.length > 0 ? { issues } : { entries };
  }
  const read = validateReportInput(value, file);
  return 'entry' in read ? { entries: [read.entry] } : read;
}

function isCheckReport(value: unknown): value is { scenarios: { simulation?: unknown; saturation?: unknown; fabric?: unknown; survival?: unknown }[] } {
  const v = value as { kind?: unknown; scenarios?: unknown } | null;
  return typeof v === 'object' && v !== null && v.kind === 'check' && Array.isArray(v.scenarios) && v.scenarios.length <= 64;
}

/**
 * `headroom report <result.json...> -o report.html`: one self-contained HTML page drawing every
 * result given (several of one kind are compared, the first as the baseline). Every file is
 * checked before anything is written; any problem ends with exit 2 and no output file.
 */
export function reportCommand(files: string[], options: ReportCommandOptions): void {
  checkOutputPath(options.output);
  checkDistinctPaths([{ flag: '-o', path: options.output }], files);
  const entries: ReportEntry[] = [];
  const issues: string[] = [];
  for (const file of files) {
    const read = readEntries(file);
    if ('entries' in read) entries.push(...read.entries.map((entry) => ({ ...entry, file: basename(file) })));
    else issues.push(...read.issues);
  }
  if (issues.length > 0) throw new ExitError(EXIT.INVALID_INPUT, `cannot write a report\n${issues.join('\n')}`);
  let html: string;
  try {
    html = htmlReport(entries, options.generator);
  } catch (error) {
    if (error instanceof ReportAppMissing) throw new ExitError(EXIT.INTERNAL, error.message);
    throw error;
  }
  try {
    writeFileAtomically(options.output, html);
  } catch (error) {
    throw new ExitError(EXIT.INVALID_INPUT, `-o ${options.output}: cannot write (${(error as Error).message})`);
  }
  const kinds = entries.map((e) => (e.result.kind === 'fabric' && 'configurations' in e.result ? 'fabric --vary comparison' : `${e.result.kind} result`));
  const what = entries.length === 1 ? `a ${kinds[0]}` : `${entries.length} results`;
  process.stdout.write(`wrote ${safeLine(options.output)} (${what}, ${(Buffer.byteLength(html) / 1024).toFixed(0)} KiB); open it in a browser\n`);
}
