import type { FabricSpec } from './catalog-types.js';

/**
 * The link catalog. Bandwidth is per GPU (or per NIC serving one GPU), one direction, in GB/s
 * (1e9 bytes/s): vendors print NVLink as the bidirectional total (halved here) and network ports in
 * Gb/s (divided by 8 here).
 *
 * `latencyUs` is the per-hop latency a collective model charges for each step over this link, taken
 * from NCCL's own tuning model (NVIDIA/nccl src/graph/tuning.cc, table `hwLat`, microseconds per
 * step, Ring algorithm, LL128 protocol): NVLink 1.9, PCI 2.5, network 4.0. Software overhead of a whole
 * collective (NCCL's `baseLat`, 6.6 us for a ring, and kernel launch) is the collective model's to add.
 * For scale, end-to-end NCCL send/recv of 2 KiB measured by Vidur (shared/data/profiling/vidur/network,
 * median) takes 5 us inside an H100 node over NVLink, 8 us inside an A100 node, 17 us between H100
 * nodes and 24 us between A100 nodes over InfiniBand.
 *
 * `allReduceBandwidthEfficiency` (where present) is the fraction of the link's bandwidth NCCL's
 * all-reduce reaches in the flow model's terms (engine/fabric/collective-flows.ts), fitted on real
 * nccl-tests logs by analyzers/calibration/collective-fit.ts. No inter-node entry has one: in the
 * two-node logs NVLink, not the NIC, bounds the time, and the one log a NIC bounds (2 x 8 A100 over
 * AWS EFA, a fabric not catalogued here) fits line rate (1.000), which is what an absent value means.
 * `nvls` marks a switch that reduces (NVLink SHARP): all-reduce then runs NCCL's NVLS algorithm, at
 * its own efficiency and per-call latency (engine/fabric/collective-flows.ts).
 */
export const FABRICS: readonly FabricSpec[] = [
  {
    id: 'nvlink3',
    name: 'NVLink 3 (A100, NVSwitch gen 2)',
    kind: 'nvlink',
    scope: 'intra-node',
    GBpsPerGpu: 300,
    latencyUs: 1.9,
    protocolLatencyUs: { ll: 0.6, simple: 3.4 },
    allReduceBandwidthEfficiency: 0.87,
    source:
      'Bandwidth: NVIDIA A100 datasheet "NVIDIA NVLink 600GB/s" per GPU, and the NVLink page https://www.nvidia.com/en-us/data-center/nvlink/ ' +
      '(third generation: 12 links x 50 GB/s bidirectional = 600 GB/s total) / 2 = 300 GB/s per direction. ' +
      'Latency: NVIDIA/nccl src/graph/tuning.cc hwLat[NVLINK][Ring][LL128] = 1.9 us per hop. ' +
      'All-reduce efficiency: fitted by analyzers/calibration/collective-fit.ts (ring, NCCL\'s LL and Simple protocols, chunk-pipelining fill) on the SuperBench ' +
      'all_reduce_perf log of 8 x A100-SXM4 in one node (shared/data/telemetry/nccl/superbench_8xA100-SXM4-40GB_nccl_allreduce.log, even rows): 0.870, ' +
      'held-back rows >= 1 MiB within 12.1%; the Azure ND A100 v4 busbw table (shared/data/fabric) fits 0.842 on its own. ' +
      'Protocol latencies: NVIDIA/nccl src/graph/tuning.cc hwLat[NVLINK][Ring][LL] = 0.6 us and [Simple] = 3.4 us per step (the Ring row).',
  },
  {
    id: 'nvlink4',
    name: 'NVLink 4 (H100/H200, NVSwitch gen 3)',
    kind: 'nvlink',
    scope: 'intra-node',
    GBpsPerGpu: 450,
    latencyUs: 1.9,
    protocolLatencyUs: { ll: 0.6, simple: 3.4 },
    nvls: { bandwidthEfficiency: 0.65, latencyUs: 25 },
    source:
      'Bandwidth: NVIDIA H100 and H200 datasheets "NVIDIA NVLink 900GB/s", NVLink page https://www.nvidia.com/en-us/data-center/nvlink/ ' +
      '(fourth generation: 18 links x 50 GB/s bidirectional = 900 GB/s total) / 2 = 450 GB/s per direction. ' +
      'Latency: NVIDIA/nccl src/graph/tuning.cc hwLat[NVLINK][Ring][LL128] = 1.9 us per hop ' +
      '(Vidur shared/data/profiling/vidur/network/h100_dgx/send_recv.csv: 2 KiB NCCL send/recv inside a node, median 5 us end to end). ' +
      'NVLS (NVLink SHARP: NVSwitch gen 3 reduces in the switch; NCCL 2.17+ runs all-reduce on it): latency NVIDIA/nccl src/graph/tuning.cc ' +
      'hwLat[NVLINK][NVLS][Simple] = 25 us per call (NVLS has no baseLat); efficiency fitted by analyzers/calibration/collective-fit.ts ' +
      '(nvls: S + S/g per port each way, rails beside it across nodes, overlapped, NCCL\'s protocols, chunk-pipelining fill) on the all_reduce_perf logs of ' +
      '2 x 8 H100 over EFA (0.698) and RoCE (0.622) and 2 x 8 H200 over RoCE (0.658) and InfiniBand (0.642) in shared/data/fabric and ' +
      'shared/data/telemetry/nccl, whose time NVLink bounds: median 0.65; checked on the one-node Azure ND H100 v5 and H200 v5 NVLS busbw ' +
      'tables, which fit 0.722 and 0.680 on their own and which these defaults predict within 9.4% and 17.4% from 1 MiB up. ' +
      'Ring all-reduce efficiency: not measured (every H100/H200 log in shared/data ran NVLS), so a ring here runs at line rate. ' +
      'Protocol latencies: NVIDIA/nccl src/graph/tuning.cc hwLat[NVLINK][Ring][LL] = 0.6 us and [Simple] = 3.4 us per step (the Ring row).',
  },
  {
    id: 'nvlink5',
    name: 'NVLink 5 (B200, NVSwitch gen 4)',
    kind: 'nvlink',
    scope: 'intra-node',
    GBpsPerGpu: 900,
    latencyUs: 1.9,
    protocolLatencyUs: { ll: 0.6, simple: 3.4 },
    source:
      'Bandwidth: NVLink page https://www.nvidia.com/en-us/data-center/nvlink/ and DGX B200 datasheet https://www.nvidia.com/en-us/data-center/dgx-b200/ ' +
      '(fifth generation: 18 links x 100 GB/s bidirectional = 1.8 TB/s per GPU; DGX B200 "14.4TB/s aggregate NVLink bandwidth" / 8 GPUs) / 2 = 900 GB/s per direction. ' +
      'Latency: NVIDIA/nccl src/graph/tuning.cc hwLat[NVLINK][Ring][LL128] = 1.9 us per hop (NCCL uses one NVLink row for all generations). ' +
      'NVLS: NVSwitch gen 4 reduces in the switch too, but no B200 all-reduce log is in shared/data, so none is modelled: all-reduce runs ' +
      'as a ring at line rate here (NVLS would move S + S/g per port instead of 2(g-1)/g S). ' +
      'Protocol latencies: NVIDIA/nccl src/graph/tuning.cc hwLat[NVLINK][Ring][LL] = 0.6 us and [Simple] = 3.4 us per step (the Ring row).',
  },
  {
    id: 'infinity-fabric',
    name: 'AMD Infinity Fabric (MI300X xGMI mesh)',
    kind: 'infinity-fabric',
    scope: 'intra-node',
    GBpsPerGpu: 448,
    latencyUs: 1.9,
    protocolLatencyUs: { ll: 0.6, simple: 3.4 },
    source:
      'Bandwidth: AMD Instinct MI300X datasheet https://www.amd.com/content/dam/amd/en/documents/instinct-tech-docs/data-sheets/amd-instinct-mi300x-data-sheet.pdf ' +
      '"AMD Infinity Fabric Links: 7", "Peak Infinity Fabric Link Bandwidth: 128 GB/s" (bidirectional) = 64 GB/s per direction per link; ' +
      'in an 8-GPU fully connected platform a GPU reaches its 7 peers at 7 x 64 = 448 GB/s per direction in total (896 GB/s aggregate bidirectional), ' +
      'but any single peer pair at 64 GB/s per direction. ' +
      'Latency: AMD publishes no per-hop figure that we found; assumed equal to NCCL\'s NVLink-class hop, 1.9 us (NVIDIA/nccl src/graph/tuning.cc hwLat[NVLINK][Ring][LL128]); RCCL is a fork of NCCL with the same tuning model. ' +
      'Protocol latencies: NVIDIA/nccl src/graph/tuning.cc hwLat[NVLINK][Ring][LL] = 0.6 us and [Simple] = 3.4 us per step (RCCL\'s own table not read; NCCL\'s NVLink row stands in).',
  },
  {
    id: 'pcie4',
    name: 'PCIe Gen4 x16',
    kind: 'pcie',
    scope: 'intra-node',
    GBpsPerGpu: 32,
    latencyUs: 2.5,
    protocolLatencyUs: { ll: 1.0, simple: 5.7 },
    source:
      'Bandwidth: PCI Express Base Specification 4.0, 16 GT/s per lane x 16 lanes = 32 GB/s per direction raw (31.5 GB/s after 128b/130b encoding); ' +
      'the NVIDIA L40S datasheet prints "PCIe Gen4 x16: 64GB/s bidirectional". ' +
      'Latency: NVIDIA/nccl src/graph/tuning.cc hwLat[PCI][Ring][LL128] = 2.5 us per hop. ' +
      'Protocol latencies: NVIDIA/nccl src/graph/tuning.cc hwLat[PCI][Ring][LL] = 1.0 us and [Simple] = 5.7 us per step (the Ring row).',
  },
  {
    id: 'pcie5',
    name: 'PCIe Gen5 x16',
    kind: 'pcie',
    scope: 'intra-node',
    GBpsPerGpu: 64,
    latencyUs: 2.5,
    protocolLatencyUs: { ll: 1.0, simple: 5.7 },
    source:
      'Bandwidth: PCI Express Base Specification 5.0, 32 GT/s per lane x 16 lanes = 64 GB/s per direction raw (63.0 GB/s after 128b/130b encoding); ' +
      'the NVIDIA H100 PCIe datasheet prints "PCIe Gen5: 128GB/s" (bidirectional). ' +
      'Latency: NVIDIA/nccl src/graph/tuning.cc hwLat[PCI][Ring][LL128] = 2.5 us per hop. ' +
      'Protocol latencies: NVIDIA/nccl src/graph/tuning.cc hwLat[PCI][Ring][LL] = 1.0 us and [Simple] = 5.7 us per step (the Ring row).',
  },
  {
    id: 'infiniband-ndr',
    name: 'InfiniBand NDR 400 Gb/s (one NIC per GPU)',
    kind: 'infiniband',
    scope: 'inter-node',
    GBpsPerGpu: 50,
    latencyUs: 4,
    protocolLatencyUs: { ll: 2.7, simple: 14 },
    source:
      'Bandwidth: NVIDIA ConnectX-7 adapter / Quantum-2 switch, https://www.nvidia.com/en-us/networking/infiniband-adapters/ , NDR "400Gb/s" per port = 400/8 = 50 GB/s per direction; ' +
      'DGX H100 pairs each GPU with one 400 Gb/s ConnectX-7 port. ' +
      'Latency: NVIDIA/nccl src/graph/tuning.cc hwLat[NET][Ring][LL128] = 4.0 us per hop ' +
      '(Vidur shared/data/profiling/vidur/network/h100_dgx/send_recv.csv: 2 KiB NCCL send/recv between nodes, median 17 us end to end). ' +
      'Protocol latencies: NVIDIA/nccl src/graph/tuning.cc hwLat[NET][Ring][LL] = 2.7 us and [Simple] = 14 us per step (the Ring row).',
  },
  {
    id: 'infiniband-xdr',
    name: 'InfiniBand XDR 800 Gb/s (one NIC per GPU)',
    kind: 'infiniband',
    scope: 'inter-node',
    GBpsPerGpu: 100,
    latencyUs: 4,
    protocolLatencyUs: { ll: 2.7, simple: 14 },
    source:
      'Bandwidth: NVIDIA ConnectX-8 SuperNIC / Quantum-X800 switch, https://www.nvidia.com/en-us/networking/products/infiniband/quantum-x800/ , XDR "800Gb/s" per port = 800/8 = 100 GB/s per direction. ' +
      'Latency: NVIDIA/nccl src/graph/tuning.cc hwLat[NET][Ring][LL128] = 4.0 us per hop (NCCL does not distinguish link generations in its network row). ' +
      'Protocol latencies: NVIDIA/nccl src/graph/tuning.cc hwLat[NET][Ring][LL] = 2.7 us and [Simple] = 14 us per step (the Ring row).',
  },
  {
    id: 'roce-400g',
    name: 'RoCEv2 400 GbE (one NIC per GPU)',
    kind: 'roce',
    scope: 'inter-node',
    GBpsPerGpu: 50,
    latencyUs: 4,
    protocolLatencyUs: { ll: 2.7, simple: 14 },
    source:
      'Bandwidth: 400 Gb/s Ethernet port (IEEE 802.3bs 400GBASE; e.g. NVIDIA ConnectX-7 / Spectrum-X, https://www.nvidia.com/en-us/networking/spectrumx/) = 400/8 = 50 GB/s per direction. ' +
      'Latency: NVIDIA/nccl src/graph/tuning.cc hwLat[NET][Ring][LL128] = 4.0 us per hop; NCCL models RoCE and InfiniBand with the same network row. ' +
      'Protocol latencies: NVIDIA/nccl src/graph/tuning.cc hwLat[NET][Ring][LL] = 2.7 us and [Simple] = 14 us per step (the Ring row).',
  },
];
