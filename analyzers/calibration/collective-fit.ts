import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findFabric, findGpu } from '../../engine/catalog/lookup.js';
import {
  DEFAULT_COLLECTIVE_COSTS,
  nvlsCapable,
  planCollective,
  type CollectiveCosts,
  type CollectiveKind,
  type CollectivePlan,
  type CollectiveProtocol,
  type CollectiveRequest,
} from '../../engine/fabric/collective-flows.js';
import { buildTopology, type Topology } from '../../engine/fabric/topology.js';
import type { ClusterSpec } from '../../engine/scenario/scenario-types.js';
import { bufferLines } from '../../engine/workload/trace-file.js';
import { CalibrateInputError, readTelemetryBytes } from './calibrate-prometheus.js';
import { formatSummary, relativeErrors, summarizeErrors, type ErrorSummary } from './fit-tools.js';
import { readNcclTests } from './nccl-tests.js';

/**
 * The flow model's collective constants, fitted to real nccl-tests logs (../shared/data, read in
 * place; see fabric/SOURCE.md): for each measured setup, the per-call fixed cost, a scale on NCCL's
 * latency table for each of its LL and Simple protocols (costs.protocols) and the bandwidth
 * efficiency of engine/fabric/collective-flows.ts, fitted on the
 * even-indexed rows in size order and checked on the odd ones (the held-back rows), sizes of
 * 1 MiB and up reported separately as the acceptance figure.
 *
 * The model fitted is the one `headroom collective` and the engine run: NVLS where the NVSwitch
 * reduces (H100, H200: in one node, and across two with the rails beside it), else a ring inside
 * one node and the hierarchical algorithm (overlapped phases, one flow per rail between nodes)
 * across two, each phase with its chunk-pipelining fill. The fit also reports, as evidence for
 * those choices, what the same model without the fill reaches on the same rows and what
 * efficiency the phases run in sequence would need. Beyond the rows of one setup, the catalog's
 * defaults (efficiencies fitted on the nccl-tests logs) are checked on setups no catalog number
 * was fitted on (catalogErrors: the Azure tables).
 *
 * Run it: npx tsx analyzers/calibration/collective-fit.ts [path/to/shared/data]
 */

export interface CollectiveSetup {
  id: string;
  label: string;
  /** Path under the data root. */
  file: string;
  format: 'nccl-tests' | 'azure-busbw';
  kind: Extract<CollectiveKind, 'all-reduce' | 'all-to-all'>;
  gpu: string;
  nodes: number;
  gpusPerNode: number;
  /** The catalog fabric and per-GPU line rate the nodes' NICs are modelled with; null inside one node. */
  interNode: { kind: string; gbpsPerGpu: number } | null;
  /** True when interNode only stands in for a fabric the catalog lacks (AWS EFA): its fit then says nothing about that catalog entry. */
  interNodeStandIn: boolean;
  /** 'fit': fitted and checked; 'check': only predicted (constants from elsewhere). */
  role: 'fit' | 'check';
  note: string;
}

/** Every measured setup in ../shared/data/fabric and telemetry/nccl. */
export const COLLECTIVE_SETUPS: readonly CollectiveSetup[] = [
  {
    id: 'h100-efa-2x8',
    label: '2x8 H100 EFA (AWS p5)',
    file: 'fabric/nccl-tests_all_reduce_2x-p5-H100_EFA.log',
    format: 'nccl-tests',
    kind: 'all-reduce',
    gpu: 'h100-sxm',
    nodes: 2,
    gpusPerNode: 8,
    interNode: { kind: 'roce-400g', gbpsPerGpu: 400 },
    interNodeStandIn: true,
    role: 'fit',
    note: 'p5.48xlarge: 32 x 100 Gb/s EFAv2 per node = 400 Gb/s per GPU; EFA is modelled as a 400 Gb/s RoCE-class NIC',
  },
  {
    id: 'h100-roce-2x8',
    label: '2x8 H100 RoCE (OCI BM.GPU.H100.8)',
    file: 'fabric/nccl-tests_all_reduce_2x-BM.GPU.H100.8_RoCE.log',
    format: 'nccl-tests',
    kind: 'all-reduce',
    gpu: 'h100-sxm',
    nodes: 2,
    gpusPerNode: 8,
    interNode: { kind: 'roce-400g', gbpsPerGpu: 400 },
    interNodeStandIn: false,
    role: 'fit',
    note: 'BM.GPU.H100.8: 16 x 200 Gb/s RoCEv2 ports per node = 400 Gb/s per GPU; the log covers 1-16 GiB only',
  },
  {
    id: 'a100-efa-2x8',
    label: '2x8 A100 EFA (AWS p4de)',
    file: 'fabric/nccl-tests_all_reduce_2x-p4de-A100_EFA.log',
    format: 'nccl-tests',
    kind: 'all-reduce',
    gpu: 'a100-80gb',
    nodes: 2,
    gpusPerNode: 8,
    interNode: { kind: 'roce-400g', gbpsPerGpu: 50 },
    interNodeStandIn: true,
    role: 'fit',
    note: 'p4de.24xlarge: 4 x 100 Gb/s EFAv1 per node = 50 Gb/s per GPU (two GPUs share a NIC; modelled as a 50 Gb/s NIC each)',
  },
  {
    id: 'h200-roce-2x8',
    label: '2x8 H200 RoCE (OCI, Argonne)',
    file: 'telemetry/nccl/argonne_oci_2node_16xH200_all_reduce_perf.log',
    format: 'nccl-tests',
    kind: 'all-reduce',
    gpu: 'h200',
    nodes: 2,
    gpusPerNode: 8,
    interNode: { kind: 'roce-400g', gbpsPerGpu: 400 },
    interNodeStandIn: false,
    role: 'fit',
    note: 'OCI H200 bare metal, 8 x 400 Gb/s RoCE per node (both nodes under one switch); the log covers 1-16 GiB only',
  },
  {
    id: 'h200-ib-2x8',
    label: '2x8 H200 InfiniBand (Nebius)',
    file: 'telemetry/nccl/nebius_runai_2node_16xH200_all_reduce_perf.log',
    format: 'nccl-tests',
    kind: 'all-reduce',
    gpu: 'h200',
    nodes: 2,
    gpusPerNode: 8,
    interNode: { kind: 'infiniband-ndr', gbpsPerGpu: 400 },
    interNodeStandIn: false,
    role: 'fit',
    note: 'Nebius H200 nodes, 8 x 400 Gb/s NDR InfiniBand per node; the log covers 1-16 GiB only',
  },
  {
    id: 'a100-1x8',
    label: '8x A100 one node (SuperBench)',
    file: 'telemetry/nccl/superbench_8xA100-SXM4-40GB_nccl_allreduce.log',
    format: 'nccl-tests',
    kind: 'all-reduce',
    gpu: 'a100-80gb',
    nodes: 1,
    gpusPerNode: 8,
    interNode: null,
    interNodeStandIn: false,
    role: 'fit',
    note: 'A100-SXM4-40GB, NVSwitch (NVLink 3, the same fabric as the 80 GB part)',
  },
  {
    id: 'h100-1x8-azure',
    label: '8x H100 one node (Azure ND H100 v5, NVLS)',
    file: 'fabric/azure-ai-benchmarking-guide_ND_H100_v5_results.md',
    format: 'azure-busbw',
    kind: 'all-reduce',
    gpu: 'h100-sxm',
    nodes: 1,
    gpusPerNode: 8,
    interNode: null,
    interNodeStandIn: false,
    role: 'fit',
    note: 'bus bandwidth table (NCCL 2.18.5, NVLS, in place), 1 KiB-8 GiB; times derived as size / algbw',
  },
  {
    id: 'a100-1x8-azure',
    label: '8x A100 one node (Azure ND A100 v4)',
    file: 'fabric/azure-ai-benchmarking-guide_ND_A100_v4_results.md',
    format: 'azure-busbw',
    kind: 'all-reduce',
    gpu: 'a100-80gb',
    nodes: 1,
    gpusPerNode: 8,
    interNode: null,
    interNodeStandIn: false,
    role: 'fit',
    note: 'bus bandwidth table (NCCL 2.18.5, in place), 1 KiB-8 GiB; times derived as size / algbw',
  },
  {
    id: 'h200-1x8-azure',
    label: '8x H200 one node (Azure ND H200 v5, NVLS)',
    file: 'fabric/azure-ai-benchmarking-guide_ND_H200_v5_results.md',
    format: 'azure-busbw',
    kind: 'all-reduce',
    gpu: 'h200',
    nodes: 1,
    gpusPerNode: 8,
    interNode: null,
    interNodeStandIn: false,
    role: 'fit',
    note: 'bus bandwidth table (NVLS, in place), 1 KiB-8 GiB; times derived as size / algbw',
  },
  {
    id: 'a100-1x8-alltoall',
    label: '8x A100 one node all-to-all (SuperBench)',
    file: 'telemetry/nccl/superbench_8xA100-SXM4-40GB_nccl_alltoall.log',
    format: 'nccl-tests',
    kind: 'all-to-all',
    gpu: 'a100-80gb',
    nodes: 1,
    gpusPerNode: 8,
    interNode: null,
    interNodeStandIn: false,
    role: 'fit',
    note: 'fitted like the all-reduce logs, and set beside the catalog constants (whose efficiency comes from all-reduce)',
  },
];

export interface MeasuredRow {
  bytes: number;
  seconds: number;
}

/** Decimal size labels of the Azure tables ("1K", "65K", "132K", "1G") for the powers of two 1 KiB .. 8 GiB. */
const AZURE_UNITS: Record<string, number> = { K: 1e3, M: 1e6, G: 1e9 };

/**
 * readAzureAllReduceTable(file, ranks) -> the rows of an Azure AI-benchmarking-guide results page's
 * NCCL table (| Message Size (Bytes) | ... (GB/s) |, in-place bus bandwidth): sizes are the powers
 * of two from 1 KiB that its decimal labels round (65K = 65,536), times size / algbw with
 * algbw = busbw x n / (2(n-1)) (nccl-tests' all-reduce convention).
 */
export function readAzureAllReduceTable(file: string, ranks: number): MeasuredRow[] {
  const bytes = readTelemetryBytes(file, 'an Azure benchmark results page', 1 << 20);
  const rows: MeasuredRow[] = [];
  let inTable = false;
  let problem: string | null = null;
  bufferLines(bytes)((raw, lineNo) => {
    const line = raw.trim();
    if (/^\|\s*Message Size \(Bytes\)/.test(line)) {
      inTable = true;
      return true;
    }
    if (!inTable) return true;
    if (!line.startsWith('|')) {
      if (rows.length > 0) inTable = false;
      return true;
    }
    const m = /^\|\s*(\d+(?:\.\d+)?)([KMG])\s*\|\s*(\d+(?:\.\d+)?)\s*\|/.exec(line);
    if (m === null) return true;
    const size = 1024 * 2 ** rows.length;
    const labelled = Number(m[1]) * AZURE_UNITS[m[2]!]!;
    if (Math.abs(labelled / size - 1) > 0.1) {
      problem = `line ${lineNo}: expected the next power of two (${size} bytes) in the size column, got ${m[1]}${m[2]}`;
      return false;
    }
    const busGBps = Number(m[3]);
    const algGBps = (busGBps * ranks) / (2 * (ranks - 1));
    if (!(algGBps > 0)) {
      problem = `line ${lineNo}: expected a bus bandwidth above 0, got ${m[3]}`;
      return false;
    }
    rows.push({ bytes: size, seconds: size / (algGBps * 1e9) });
    return true;
  });
  if (problem !== null) throw new CalibrateInputError(`${file}: ${problem}`);
  if (rows.length === 0) throw new CalibrateInputError(`${file}: expected an NCCL bus bandwidth table (| Message Size (Bytes) | ... |), got none`);
  return rows;
}

/** A setup's measured rows (sizes above 0, ascending). */
export function readSetupRows(dataRoot: string, setup: CollectiveSetup): MeasuredRow[] {
  const path = join(dataRoot, setup.file);
  const rows =
    setup.format === 'azure-busbw'
      ? readAzureAllReduceTable(path, setup.nodes * setup.gpusPerNode)
      : readNcclTests(path).rows.map((r) => ({ bytes: r.bytes, seconds: r.seconds }));
  return [...rows].sort((a, b) => a.bytes - b.bytes);
}

/** The cluster a setup ran on, from the catalog (as a scenario would resolve it). */
export function setupCluster(setup: CollectiveSetup): ClusterSpec {
  const gpu = findGpu(setup.gpu);
  const intra = gpu === undefined ? undefined : findFabric(gpu.intraNodeFabric);
  if (gpu === undefined || intra === undefined) throw new Error(`collective-fit: setup ${setup.id}: GPU ${setup.gpu} or its fabric is not in the catalog`);
  let interNode: ClusterSpec['fabric']['interNode'] = null;
  if (setup.interNode !== null) {
    const fabric = findFabric(setup.interNode.kind);
    if (fabric === undefined) throw new Error(`collective-fit: setup ${setup.id}: fabric ${setup.interNode.kind} is not in the catalog`);
    interNode = { fabric, gbpsPerGpu: setup.interNode.gbpsPerGpu, oversubscription: 1 };
  }
  return { gpu, nodes: setup.nodes, gpusPerNode: setup.gpusPerNode, fabric: { intraNode: { ...intra, GBpsPerGpu: gpu.intraNodeGBps }, interNode }, topology: null };
}

export interface SetupModel {
  setup: CollectiveSetup;
  topology: Topology;
  /** The setup's GPUs, all of them, in rank order. */
  gpus: number[];
  /**
   * The algorithm the fitted efficiency belongs to: nvls where the NVSwitch reduces, else what
   * 'auto' runs at 1 GiB (ring in a node, hierarchical across). The rows themselves are priced
   * with 'auto' (setupRequest), which may run the ring family on small messages of an NVLS setup.
   */
  algorithm: CollectivePlan['algorithm'];
}

export function setupModel(setup: CollectiveSetup): SetupModel {
  const topology = buildTopology(setupCluster(setup));
  const gpus = Array.from({ length: topology.gpus }, (_, g) => g);
  // NCCL runs NVLS wherever the switch reduces (the Azure tables say so); else ring in a node, hierarchical across.
  const algorithm = setup.kind === 'all-reduce' && nvlsCapable(topology, gpus) ? 'nvls' : planCollective(topology, { kind: setup.kind, gpus, bytes: 2 ** 30, costs: DEFAULT_COLLECTIVE_COSTS }).algorithm;
  return { setup, topology, gpus, algorithm };
}

/** The request the setup's rows measure, with these costs: 'auto' picks algorithm and protocol as NCCL does, the fastest. */
function setupRequest(model: SetupModel, costs: CollectiveCosts, bytes: number, phases: 'overlapped' | 'sequential' = 'overlapped'): CollectiveRequest {
  return { kind: model.setup.kind, gpus: model.gpus, bytes, costs, phases };
}

/** What the model predicts for `bytes` on the setup with these costs: the collective's time on an idle fabric. */
export function predictSeconds(model: SetupModel, costs: CollectiveCosts, bytes: number, phases: 'overlapped' | 'sequential' = 'overlapped'): number {
  return planCollective(model.topology, setupRequest(model, costs, bytes, phases)).isolatedSeconds;
}

/**
 * Fitted constants: NCCL's latency table scaled per protocol (LL; Simple and NVLS), the fabric's
 * bandwidth efficiency, a fixed cost per call.
 */
export interface FittedCosts {
  fixedSeconds: number;
  lowLatencyScale: number;
  simpleLatencyScale: number;
  bandwidthEfficiency: number;
}

export function asCosts(fit: FittedCosts, pipelineFill = true): CollectiveCosts {
  return {
    fixedSeconds: fit.fixedSeconds,
    protocols: { lowLatencyScale: fit.lowLatencyScale, simpleLatencyScale: fit.simpleLatencyScale },
    bandwidthEfficiency: fit.bandwidthEfficiency,
    pipelineFill,
  };
}

/**
 * The model's shape for one setup, read off planCollective at latency scales 1 and efficiency 1:
 * one candidate per algorithm and protocol it may run (ring or hierarchical with LL and Simple;
 * NVLS with Simple), each phase's transfer seconds per byte, step latency and per-call latency.
 * Time = fixed + min over candidates of the sum over phases of
 * (s call + s steps + perByte x bytes / e [+ 2 sqrt(s steps x perByte x bytes / e)]), s the
 * candidate's protocol scale: what planCollective computes, in closed form for the grid search.
 */
interface Candidate {
  protocol: CollectiveProtocol;
  phases: { perByte: number; steps: number; call: number }[];
}

function candidates(model: SetupModel, phases: 'overlapped' | 'sequential'): Candidate[] {
  const probe = 2 ** 30;
  const costs: CollectiveCosts = { fixedSeconds: 0, protocols: { lowLatencyScale: 1, simpleLatencyScale: 1 }, bandwidthEfficiency: 1 };
  // The ring family (hierarchical across nodes, ring in one; all-to-all runs pairwise), and NVLS where the switch reduces.
  const ringFamily: 'auto' | 'ring' | 'hierarchical' = model.setup.kind === 'all-to-all' ? 'auto' : model.setup.nodes > 1 ? 'hierarchical' : 'ring';
  const families = model.setup.kind === 'all-reduce' && nvlsCapable(model.topology, model.gpus) ? [ringFamily, 'nvls' as const] : [ringFamily];
  const out: Candidate[] = [];
  for (const family of families) {
    for (const protocol of ['LL', 'Simple'] as const) {
      if (protocol === 'LL' && (family === 'nvls' || family === 'auto')) continue;
      const plan = planCollective(model.topology, { ...setupRequest(model, costs, probe, phases), algorithm: family, protocol });
      out.push({
        protocol,
        phases: plan.phases.map((p) => ({ perByte: p.transferSeconds / probe, steps: p.stepLatencySeconds, call: p.latencySeconds - p.stepLatencySeconds })),
      });
    }
  }
  return out;
}

function candidateSeconds(candidate: Candidate, fit: FittedCosts, bytes: number, pipelineFill: boolean): number {
  const scale = candidate.protocol === 'LL' ? fit.lowLatencyScale : fit.simpleLatencyScale;
  let t = 0;
  for (const p of candidate.phases) {
    const latency = scale * p.steps;
    const transfer = (p.perByte * bytes) / fit.bandwidthEfficiency;
    t += scale * p.call + latency + transfer + (pipelineFill ? 2 * Math.sqrt(latency * transfer) : 0);
  }
  return t;
}

function shapeSeconds(shapes: readonly Candidate[], fit: FittedCosts, bytes: number, pipelineFill: boolean): number {
  let best = Infinity;
  for (const c of shapes) best = Math.min(best, candidateSeconds(c, fit, bytes, pipelineFill));
  return fit.fixedSeconds + best;
}

/**
 * Least squares of relative error over `rows`: a grid over (LL scale, Simple scale, efficiency),
 * the fixed cost solved exactly at each point (clamped at 0), then a finer grid around the best
 * point. Deterministic. Efficiency is searched in [0.2, maxEfficiency]: 1, line rate, for the fit
 * itself (no link moves more than its line rate; NVLS's smaller traffic is in the model); the
 * counterfactual of sequential phases asks what it would need, up to 1.8.
 */
function fitRows(shapes: readonly Candidate[], rows: readonly MeasuredRow[], pipelineFill: boolean, maxEfficiency = 1): FittedCosts {
  let best = { loss: Infinity, fit: { fixedSeconds: 0, lowLatencyScale: 1, simpleLatencyScale: 1, bandwidthEfficiency: 1 } };
  const tryPoint = (lowLatencyScale: number, simpleLatencyScale: number, bandwidthEfficiency: number) => {
    const trial = { fixedSeconds: 0, lowLatencyScale, simpleLatencyScale, bandwidthEfficiency };
    let num = 0;
    let den = 0;
    const rest = rows.map((r) => shapeSeconds(shapes, trial, r.bytes, pipelineFill));
    rows.forEach((r, i) => {
      num += (1 - rest[i]! / r.seconds) / r.seconds;
      den += 1 / (r.seconds * r.seconds);
    });
    const fixedSeconds = Math.max(0, num / den);
    let loss = 0;
    rows.forEach((r, i) => {
      const e = (fixedSeconds + rest[i]!) / r.seconds - 1;
      loss += e * e;
    });
    if (loss < best.loss) best = { loss, fit: { fixedSeconds, lowLatencyScale, simpleLatencyScale, bandwidthEfficiency } };
  };
  // Scales from 0.01 to 100 of NCCL's table, and 0.
  const scales = [0, ...Array.from({ length: 41 }, (_, i) => 0.01 * 10 ** (i / 10))];
  for (const a of scales) for (const b of scales) for (let e = 0.2; e <= maxEfficiency + 1e-9; e += 0.02) tryPoint(a, b, e);
  const c = best.fit;
  for (let i = -8; i <= 8; i++) {
    for (let j = -8; j <= 8; j++) {
      for (let k = -10; k <= 10; k++) tryPoint(c.lowLatencyScale * 10 ** (i / 80), c.simpleLatencyScale * 10 ** (j / 80), Math.min(maxEfficiency, c.bandwidthEfficiency + k * 0.002));
    }
  }
  return best.fit;
}

/** Rows split as the fit uses them: even-indexed (in size order) to fit, odd-indexed held back. */
export function splitRows(rows: readonly MeasuredRow[]): { fit: MeasuredRow[]; heldBack: MeasuredRow[] } {
  return { fit: rows.filter((_, i) => i % 2 === 0), heldBack: rows.filter((_, i) => i % 2 === 1) };
}

/** Messages from this size up are where the acceptance figure is read (below it latency rules). */
export const CHECK_FROM_BYTES = 2 ** 20;

export interface SetupFit {
  setup: CollectiveSetup;
  fitted: FittedCosts;
  rows: { fit: number; heldBack: number; heldBackFrom1MiB: number };
  /** Errors of the fitted constants, through the flow model itself. */
  fitErrors: ErrorSummary;
  heldBackErrors: ErrorSummary;
  /** The acceptance figure: held-back rows of 1 MiB and up. */
  heldBackErrorsFrom1MiB: ErrorSummary | null;
  /** Signed error of each held-back row from 1 MiB up: predicted / measured - 1. */
  heldBackBySize: { bytes: number; error: number }[];
  /** The same model without the pipeline fill (protocols, one latency scale each), fitted the same way. */
  withoutFill: { fitted: FittedCosts; heldBackErrorsFrom1MiB: ErrorSummary | null };
  /** The algorithm the fitted efficiency belongs to (SetupModel.algorithm). */
  algorithm: CollectivePlan['algorithm'];
  /** Across nodes: the efficiency the same algorithm's phases run in sequence would need; null inside a node. */
  sequentialEfficiency: number | null;
  /** The catalog fabric whose links bound the collective's transfer time (efficiency 1). */
  bottleneckFabric: string;
}

function errorsOf(model: SetupModel, costs: CollectiveCosts, rows: readonly MeasuredRow[], phases: 'overlapped' | 'sequential' = 'overlapped'): number[] {
  return relativeErrors(
    rows.map((r) => predictSeconds(model, costs, r.bytes, phases)),
    rows.map((r) => r.seconds),
  );
}

/** The fabric of the link that bounds the slowest flow (in isolation, efficiency 1). */
function bottleneckFabric(model: SetupModel): string {
  const plan = planCollective(model.topology, setupRequest(model, { fixedSeconds: 0, hopLatencySeconds: 0, bandwidthEfficiency: 1 }, 2 ** 30));
  const flows = plan.phases.flatMap((p) => p.flows);
  // The slowest flow alone: its path's smallest capacity per byte carried.
  let worst = { seconds: -1, fabric: '' };
  for (const f of flows) {
    for (const l of f.path) {
      const link = model.topology.links[l]!;
      const sharing = flows.filter((o) => o.path.includes(l)).reduce((sum, o) => sum + o.bytes, 0);
      const seconds = sharing / link.capacity;
      if (seconds > worst.seconds) worst = { seconds, fabric: link.fabric.id };
    }
  }
  return worst.fabric;
}

export function fitSetup(setup: CollectiveSetup, rows: readonly MeasuredRow[]): SetupFit {
  const model = setupModel(setup);
  const { fit, heldBack } = splitRows(rows);
  const large = heldBack.filter((r) => r.bytes >= CHECK_FROM_BYTES);
  const shapes = candidates(model, 'overlapped');
  const fitted = fitRows(shapes, fit, true);
  const costs = asCosts(fitted);
  const plain = fitRows(shapes, fit, false);
  const sequential = setup.nodes > 1 ? fitRows(candidates(model, 'sequential'), fit, true, 1.8).bandwidthEfficiency : null;
  const summary = (errors: number[]) => (errors.length === 0 ? null : summarizeErrors(errors));
  return {
    setup,
    fitted,
    rows: { fit: fit.length, heldBack: heldBack.length, heldBackFrom1MiB: large.length },
    fitErrors: summarizeErrors(errorsOf(model, costs, fit)),
    heldBackErrors: summarizeErrors(errorsOf(model, costs, heldBack)),
    heldBackErrorsFrom1MiB: summary(errorsOf(model, costs, large)),
    heldBackBySize: large.map((r) => ({ bytes: r.bytes, error: predictSeconds(model, costs, r.bytes) / r.seconds - 1 })),
    withoutFill: { fitted: plain, heldBackErrorsFrom1MiB: summary(errorsOf(model, asCosts(plain, false), large)) },
    algorithm: model.algorithm,
    sequentialEfficiency: sequential,
    bottleneckFabric: bottleneckFabric(model),
  };
}

/** fitCollectiveSetups(dataRoot) -> one fit per setup of role 'fit', in COLLECTIVE_SETUPS order. */
export function fitCollectiveSetups(dataRoot: string): SetupFit[] {
  return COLLECTIVE_SETUPS.filter((s) => s.role === 'fit').map((setup) => fitSetup(setup, readSetupRows(dataRoot, setup)));
}

/**
 * The catalog's efficiencies per fabric and algorithm (ring: allReduceBandwidthEfficiency; nvls:
 * nvls.bandwidthEfficiency): the median fitted efficiency of the nccl-tests all-reduce logs (not the
 * Azure tables, which check it) whose time that fabric bounds, rounded to 0.01. A stand-in NIC (EFA
 * modelled as RoCE) tells nothing about the catalog's RoCE entry.
 */
export function fabricEfficiencies(fits: readonly SetupFit[]): { fabric: string; algorithm: 'ring' | 'nvls'; efficiency: number; from: string[] }[] {
  const groups = new Map<string, { fabric: string; algorithm: 'ring' | 'nvls'; fits: SetupFit[] }>();
  for (const fit of fits) {
    if (fit.setup.format !== 'nccl-tests' || fit.setup.kind !== 'all-reduce') continue;
    const fabric = fit.bottleneckFabric;
    const standIn = fit.setup.interNode !== null && fit.setup.interNodeStandIn && fabric === fit.setup.interNode.kind;
    if (standIn) continue;
    const algorithm = fit.algorithm === 'nvls' ? 'nvls' : 'ring';
    const key = `${fabric} ${algorithm}`;
    const group = groups.get(key) ?? { fabric, algorithm, fits: [] };
    group.fits.push(fit);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ fabric, algorithm, fits: group }) => {
    const values = group.map((f) => f.fitted.bandwidthEfficiency).sort((a, b) => a - b);
    const mid = values.length / 2;
    const median = values.length % 2 === 1 ? values[Math.floor(mid)]! : (values[mid - 1]! + values[mid]!) / 2;
    return { fabric, algorithm, efficiency: Math.round(median * 100) / 100, from: group.map((f) => f.setup.id) };
  });
}

/** Errors of `headroom collective`'s own defaults (catalog latencies and efficiencies) on a setup's rows of 1 MiB and up. */
export function catalogErrors(setup: CollectiveSetup, rows: readonly MeasuredRow[]): { summary: ErrorSummary; bySize: { bytes: number; error: number }[] } {
  const model = setupModel(setup);
  const large = rows.filter((r) => r.bytes >= CHECK_FROM_BYTES);
  const bySize = large.map((r) => ({ bytes: r.bytes, error: predictSeconds(model, DEFAULT_COLLECTIVE_COSTS, r.bytes) / r.seconds - 1 }));
  return { summary: summarizeErrors(bySize.map((b) => Math.abs(b.error))), bySize };
}

function describeFit(fit: SetupFit): string[] {
  const f = fit.fitted;
  const us = (s: number) => `${(s * 1e6).toFixed(2)} us`;
  const lines = [
    `${fit.setup.label} [${fit.setup.id}]: fixed ${us(f.fixedSeconds)}, NCCL latencies x ${f.lowLatencyScale.toFixed(3)} (LL) and x ${f.simpleLatencyScale.toFixed(3)} (Simple), efficiency ${f.bandwidthEfficiency.toFixed(3)} (${fit.algorithm}, bound by ${fit.bottleneckFabric})`,
    `  ${formatSummary(`fit rows`, fit.fitErrors)}`,
    `  ${formatSummary(`held-back rows`, fit.heldBackErrors)}`,
  ];
  if (fit.heldBackErrorsFrom1MiB !== null) {
    lines.push(`  ${formatSummary('held-back rows >= 1 MiB', fit.heldBackErrorsFrom1MiB)}`);
    lines.push(`  by size: ${fit.heldBackBySize.map((b) => `${b.bytes >= 2 ** 30 ? `${b.bytes / 2 ** 30}G` : `${b.bytes / 2 ** 20}M`} ${(100 * b.error).toFixed(1)}%`).join(', ')}`);
  }
  const plain = fit.withoutFill.heldBackErrorsFrom1MiB;
  if (plain !== null) lines.push(`  without the pipeline fill: ${formatSummary('held-back rows >= 1 MiB', plain)}`);
  if (fit.sequentialEfficiency !== null) lines.push(`  its phases in sequence would need efficiency ${fit.sequentialEfficiency.toFixed(3)}`);
  return lines;
}

function main(): void {
  const dataRoot = process.argv[2] ?? join(process.cwd(), '..', 'shared', 'data');
  const fits = fitCollectiveSetups(dataRoot);
  for (const fit of fits) for (const line of describeFit(fit)) console.log(line);
  console.log('\ncatalog efficiencies from these fits (ring: allReduceBandwidthEfficiency, nvls: nvls.bandwidthEfficiency):');
  for (const e of fabricEfficiencies(fits)) console.log(`  ${e.fabric} ${e.algorithm}: ${e.efficiency.toFixed(2)} (from ${e.from.join(', ')})`);
  console.log('\nheadroom collective defaults (catalog latencies and efficiencies) on rows >= 1 MiB:');
  for (const setup of COLLECTIVE_SETUPS) {
    const { summary } = catalogErrors(setup, readSetupRows(dataRoot, setup));
    console.log(`  ${formatSummary(setup.label, summary)}`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
