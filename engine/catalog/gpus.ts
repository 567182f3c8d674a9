import type { GpuSpec } from './catalog-types.js';

/**
 * The accelerator catalog. Every figure is the vendor's peak, read from the datasheet named in
 * `source`, with these conventions (each entry says how it applied them):
 *
 * - Throughput is dense. Where a datasheet prints only the 2:4-sparsity figure (marked `*`), the dense
 *   figure is that number / 2.
 * - `hbmGiB` is the memory the driver reports as the device total (nvidia-smi `memory.total` in MiB,
 *   or ROCm's VRAM total in bytes), converted to GiB (2^30 bytes). Vendors print "80GB", "141GB" and
 *   so on; for HBM those are binary-sized stacks minus what the firmware withholds, so the driver's
 *   total is what a serving engine's `gpuMemoryUtilization` actually multiplies.
 * - `hbmTBps` is 1e12 bytes/s, as datasheets print it.
 * - `intraNodeGBps` is one direction: NVIDIA prints NVLink as the bidirectional total, so it is halved.
 */
/** Where the catalog's rental prices come from (read 2026-05; cloud prices move: state your own). */
const MERCATUS_MAY_2026 =
  'Mercatus, "Cloud GPU pricing" (https://www.mercatus-ai.com/blog/cloud-gpu-pricing), on-demand $/GPU-hour in May 2026, specialty-cloud tier (between hyperscalers and the long tail); usdPerGpuHour is the middle of that range.';

export const GPUS: readonly GpuSpec[] = [
  {
    id: 'a100-80gb',
    name: 'NVIDIA A100 80GB SXM4',
    vendor: 'nvidia',
    hbmGiB: 81920 / 1024,
    hbmTBps: 2.039,
    bf16Tflops: 312,
    fp8Tflops: 0,
    intraNodeFabric: 'nvlink3',
    intraNodeGBps: 300,
    source:
      'NVIDIA A100 Tensor Core GPU datasheet, https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/a100/pdf/nvidia-a100-datasheet-us-nvidia-1758950-r4-web.pdf (A100 80GB SXM column). ' +
      'hbmGiB: datasheet "80GB HBM2e"; nvidia-smi reports 81920MiB for NVIDIA A100-SXM4-80GB, 81920/1024 = 80 GiB (here the vendor GB is binary). ' +
      'hbmTBps: "GPU Memory Bandwidth 2,039GB/s". ' +
      'bf16Tflops: "BFLOAT16 Tensor Core 312 TFLOPS | 624 TFLOPS*" (* = with sparsity), dense 312. ' +
      'fp8Tflops: 0, Ampere tensor cores have no FP8. ' +
      'intraNodeGBps: "NVIDIA NVLink 600GB/s" (third-generation NVLink, 12 links, bidirectional total) / 2 = 300 GB/s per direction.',
    rentalPrice: { usdPerGpuHour: 1.30, rangeUsd: [1.10, 1.50], asOf: '2026-05', source: MERCATUS_MAY_2026 },
  },
  {
    id: 'h100-sxm',
    name: 'NVIDIA H100 80GB SXM5',
    vendor: 'nvidia',
    hbmGiB: 81559 / 1024,
    hbmTBps: 3.35,
    bf16Tflops: 989.5,
    fp8Tflops: 1979,
    intraNodeFabric: 'nvlink4',
    intraNodeGBps: 450,
    source:
      'NVIDIA H100 Tensor Core GPU datasheet, https://resources.nvidia.com/en-us-tensor-core/nvidia-tensor-core-gpu-datasheet (H100 SXM column). ' +
      'hbmGiB: datasheet "80GB" HBM3; nvidia-smi reports 81559MiB for NVIDIA H100 80GB HBM3, 81559/1024 = 79.65 GiB. ' +
      'hbmTBps: "GPU Memory Bandwidth 3.35TB/s". ' +
      'bf16Tflops: "BFLOAT16 Tensor Core 1,979 teraFLOPS*" (* = with sparsity) / 2 = 989.5 dense (the Hopper architecture whitepaper lists 989.4 dense). ' +
      'fp8Tflops: "FP8 Tensor Core 3,958 teraFLOPS*" / 2 = 1979 dense. ' +
      'intraNodeGBps: "NVIDIA NVLink 900GB/s" (fourth-generation NVLink, 18 links, bidirectional total) / 2 = 450 GB/s per direction.',
    rentalPrice: { usdPerGpuHour: 3.00, rangeUsd: [2.50, 3.50], asOf: '2026-05', source: MERCATUS_MAY_2026 },
  },
  {
    id: 'h200',
    name: 'NVIDIA H200 141GB SXM',
    vendor: 'nvidia',
    hbmGiB: 143771 / 1024,
    hbmTBps: 4.8,
    bf16Tflops: 989.5,
    fp8Tflops: 1979,
    intraNodeFabric: 'nvlink4',
    intraNodeGBps: 450,
    source:
      'NVIDIA H200 Tensor Core GPU datasheet / product page, https://www.nvidia.com/en-us/data-center/h200/ (H200 SXM column). ' +
      'hbmGiB: datasheet "141GB" HBM3e; nvidia-smi reports 143771MiB for NVIDIA H200 (700 W SXM), 143771/1024 = 140.40 GiB. ' +
      'hbmTBps: "GPU Memory Bandwidth 4.8TB/s". ' +
      'bf16Tflops: "BFLOAT16 Tensor Core 1,979 TFLOPS*" (* = with sparsity) / 2 = 989.5 dense (same Hopper die and clocks as H100 SXM). ' +
      'fp8Tflops: "FP8 Tensor Core 3,958 TFLOPS*" / 2 = 1979 dense. ' +
      'intraNodeGBps: "NVIDIA NVLink 900GB/s" (fourth-generation NVLink, bidirectional total) / 2 = 450 GB/s per direction.',
    rentalPrice: { usdPerGpuHour: 4.00, rangeUsd: [3.50, 4.50], asOf: '2026-05', source: MERCATUS_MAY_2026 },
  },
  {
    id: 'b200',
    name: 'NVIDIA B200 (HGX/DGX B200)',
    vendor: 'nvidia',
    hbmGiB: 183359 / 1024,
    hbmTBps: 8,
    bf16Tflops: 2250,
    fp8Tflops: 4500,
    intraNodeFabric: 'nvlink5',
    intraNodeGBps: 900,
    source:
      'NVIDIA DGX B200 datasheet, https://www.nvidia.com/en-us/data-center/dgx-b200/, and NVIDIA HGX B200 specifications, https://www.nvidia.com/en-us/data-center/hgx/ (8-GPU system totals, divided by 8). ' +
      'hbmGiB: DGX B200 "1,440GB total GPU memory" = 180 GB per GPU HBM3e; nvidia-smi reports 183359MiB for NVIDIA B200, 183359/1024 = 179.06 GiB. ' +
      'hbmTBps: DGX B200 "64TB/s HBM3e bandwidth" / 8 = 8 TB/s per GPU. ' +
      'bf16Tflops: HGX B200 "FP16/BF16 Tensor Core 36 PFLOPS*" (* = with sparsity) / 8 GPUs / 2 = 2250 dense. ' +
      'fp8Tflops: DGX/HGX B200 "FP8 Tensor Core 72 PFLOPS*" / 8 / 2 = 4500 dense. ' +
      'intraNodeGBps: fifth-generation NVLink "1.8TB/s" per GPU (bidirectional; DGX B200 "14.4TB/s aggregate" / 8) / 2 = 900 GB/s per direction.',
    // No cited rental price: a scenario states its own cost.gpuHourUsd.
    rentalPrice: null,
  },
  {
    id: 'l40s',
    name: 'NVIDIA L40S 48GB PCIe',
    vendor: 'nvidia',
    hbmGiB: 46068 / 1024,
    hbmTBps: 0.864,
    bf16Tflops: 362.05,
    fp8Tflops: 733,
    intraNodeFabric: 'pcie4',
    intraNodeGBps: 32,
    source:
      'NVIDIA L40S datasheet (linked from https://www.nvidia.com/en-us/data-center/l40s/). ' +
      'hbmGiB (GDDR6, not HBM): datasheet "48GB GDDR6 with ECC"; nvidia-smi reports 46068MiB for NVIDIA L40S with ECC on (the default), 46068/1024 = 44.99 GiB. ' +
      'hbmTBps: "Memory Bandwidth 864GB/s". ' +
      'bf16Tflops: "BF16 Tensor Core TFLOPS 362.05 | 733*" (* = with sparsity), dense 362.05 as printed. ' +
      'fp8Tflops: "FP8 Tensor Core TFLOPS 733 | 1,466*", dense 733. ' +
      'intraNodeGBps: no NVLink; datasheet "Interconnect Interface PCIe Gen4 x16: 64GB/s bidirectional" / 2 = 32 GB/s per direction, so the fabric is pcie4 (not pcie5: the L40S is a Gen4 card).',
    // No cited rental price: a scenario states its own cost.gpuHourUsd.
    rentalPrice: null,
  },
  {
    id: 'mi300x',
    name: 'AMD Instinct MI300X',
    vendor: 'amd',
    hbmGiB: 205822885888 / 2 ** 30,
    hbmTBps: 5.3,
    bf16Tflops: 1307.4,
    fp8Tflops: 2614.9,
    intraNodeFabric: 'infinity-fabric',
    intraNodeGBps: 448,
    source:
      'AMD Instinct MI300X accelerator datasheet, https://www.amd.com/content/dam/amd/en/documents/instinct-tech-docs/data-sheets/amd-instinct-mi300x-data-sheet.pdf , and the ROCm GPU hardware specifications table, https://rocm.docs.amd.com/en/latest/reference/gpu-arch-specs.html . ' +
      'hbmGiB: datasheet "192 GB HBM3"; rocm-smi reports "VRAM Total Memory (B): 205822885888" (torch.cuda.mem_get_info agrees), / 2^30 = 191.69 GiB. ' +
      'hbmTBps: "Peak Theoretical Memory Bandwidth 5.3 TB/s". ' +
      'bf16Tflops: "Peak bfloat16 1307.4 TFLOPs" dense (2614.9 with structured sparsity). ' +
      'fp8Tflops: "Peak FP8 2614.9 TFLOPs" dense (5229.8 with structured sparsity). ' +
      'intraNodeGBps: 7 AMD Infinity Fabric links per GPU, "128 GB/s" peak per link bidirectional = 64 GB/s per direction; 7 x 64 = 448 GB/s per direction summed over the 7 peers of an 8-GPU fully connected mesh (896 GB/s aggregate bidirectional). One GPU pair gets only 64 GB/s per direction.',
    // No cited rental price: a scenario states its own cost.gpuHourUsd.
    rentalPrice: null,
  },
];
