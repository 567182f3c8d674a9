import { createHash } from 'node:crypto';
import { bufferLines } from '../../engine/workload/trace-file.js';
import { CalibrateInputError, readTelemetryBytes } from './calibrate-prometheus.js';

/**
 * nccl-tests logs (`all_reduce_perf`, `all_gather_perf`, `alltoall_perf`, ...): the result table
 * (size, count, type, redop, [root,] time, algbw, busbw, ... out of place, then in place) and the
 * ranks the run spanned. Gives a link's alpha (the latency floor: the median out-of-place time of
 * messages up to 64 KiB) and beta (the bus bandwidth plateau: the best busbw of the largest sizes).
 */
export interface NcclRow {
  bytes: number;
  seconds: number;
  busGBps: number;
}

export interface NcclMeasurement {
  file: string;
  sha256: string;
  /** all_reduce, all_gather, alltoall, ... (from the binary's name in the log, else the redop column). */
  operation: string;
  ranks: number;
  /** Hosts the ranks ran on (1: inside a node). */
  nodes: number;
  rows: NcclRow[];
  /** Median out-of-place time of the messages up to 64 KiB; null when the log starts above that. */
  alphaSeconds: number | null;
  /** Best out-of-place bus bandwidth among the largest fifth of the sizes. */
  busBandwidthGBps: number;
}

const SMALL_BYTES = 64 * 1024;

export function readNcclTests(file: string): NcclMeasurement {
  const bytes = readTelemetryBytes(file, 'an nccl-tests log', 64 * 2 ** 20);
  const rows: NcclRow[] = [];
  let timeColumn: number | null = null;
  let ranks = 0;
  let nGpus: number | null = null;
  const hosts = new Set<string>();
  let operation: string | null = null;
  let problem: string | null = null;
  bufferLines(bytes)((raw, lineNo) => {
    const line = raw.trim();
    const binary = /\b(all_reduce|all_gather|alltoall|reduce_scatter|broadcast|reduce|sendrecv)_perf\b/.exec(line);
    if (binary !== null && operation === null) operation = binary[1]!;
    const gpus = /nGpus (\d+)/.exec(line);
    if (gpus !== null) nGpus = Number(gpus[1]);
    const rank = /^#\s+Rank\s+\d+ .* on\s+(\S+)\s+device/.exec(line);
    if (rank !== null) {
      ranks++;
      hosts.add(rank[1]!);
    }
    if (line.startsWith('#') && /\bsize\b/.test(line) && /\bcount\b/.test(line) && /\bredop\b/.test(line)) {
      timeColumn = /\broot\b/.test(line) ? 5 : 4;
      return true;
    }
    if (timeColumn === null || line.startsWith('#') || !/^\d/.test(line)) return true;
    const f = line.split(/\s+/);
    // alltoall and all_gather print no redop: the columns after the type move one to the left.
    const column = /^[a-z]/i.test(f[3] ?? '') ? timeColumn : timeColumn - 1;
    const size = Number(f[0]);
    const seconds = Number(f[column]) / 1e6;
    const bus = Number(f[column + 2]);
    if (!Number.isFinite(size) || !Number.isFinite(seconds) || !Number.isFinite(bus) || f.length < column + 3) {
      problem = `line ${lineNo}: expected a result row (size, count, type, redop, ${timeColumn === 5 ? 'root, ' : ''}time, algbw, busbw, ...), got ${JSON.stringify(line.slice(0, 40))}`;
      return false;
    }
    if (operation === null) operation = f[3] === 'sum' ? 'all_reduce' : column < timeColumn || f[3] === 'none' ? 'alltoall' : null;
    if (size > 0) rows.push({ bytes: size, seconds, busGBps: bus });
    return true;
  });
  if (problem !== null) throw new CalibrateInputError(`${file}: ${problem}`);
  if (rows.length === 0) throw new CalibrateInputError(`${file}: expected an nccl-tests result table (# size count type redop ... time algbw busbw), got none`);
  const small = rows.filter((r) => r.bytes <= SMALL_BYTES).map((r) => r.seconds).sort((a, b) => a - b);
  const bySize = [...rows].sort((a, b) => a.bytes - b.bytes);
  const largest = bySize.slice(Math.floor(bySize.length * 0.8));
  return {
    file,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    operation: operation ?? 'unknown',
    ranks: ranks > 0 ? ranks : (nGpus ?? 1),
    nodes: Math.max(1, hosts.size),
    rows,
    alphaSeconds: small.length === 0 ? null : small[Math.floor(small.length / 2)]!,
    busBandwidthGBps: Math.max(...largest.map((r) => r.busGBps)),
  };
}
