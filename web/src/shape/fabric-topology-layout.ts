import type { LinkCell, TopologyModel } from './fabric-topology.js';
import { estimateTextWidth } from './label-layout.js';

/**
 * Where everything of the topology picture goes at a given width (pixels), so the chart only
 * draws rectangles: a spine bar on top with each rack's uplink and downlink, then the racks
 * (leaves) flowing left to right and wrapping, each holding its nodes in a grid. Per GPU a node
 * shows its NIC out/in cells above each GPU and its scale-up out/in cells below; a node at a time,
 * one cell per link kind. Pure arithmetic, unit-tested (nothing overlaps, everything fits).
 */

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}
export interface PlacedCell extends Rect {
  cell: LinkCell;
}
export interface Label {
  x: number;
  y: number;
  text: string;
}

export interface TopologyGeometry {
  width: number;
  height: number;
  spine: Rect | null;
  /** True when every rack sits in one row under the spine, its links drawn straight up to it. */
  portsAbove: boolean;
  /** Each rack's spine links; `value` is where their figures are written (racks in one row only). */
  ports: { rack: number; label: Label | null; value: { x: number; y: number } | null; cells: PlacedCell[] }[];
  racks: { rack: number; box: Rect; label: Label }[];
  nodes: { node: number; box: Rect; label: Label; gpus: (Rect & { gpu: number })[] }[];
  cells: PlacedCell[];
}

/** Sizes in pixels (11px text). */
const G = {
  column: 18,
  pad: 5,
  label: 14,
  cell: 10,
  gpu: 12,
  aggregateWidth: 56,
  aggregateCell: 9,
  rackPad: 6,
  rackHeader: 18,
  nodeGap: 6,
  rackGap: 12,
  spine: 16,
  port: 26,
  portWidth: 9,
  portGroup: 52,
} as const;

/** A node's size and its cells' places relative to its corner. */
function nodeShape(model: TopologyModel, column: number = G.column): { w: number; h: number; place: (cell: LinkCell, index: number) => Rect; gpus: Rect[] } {
  const nic = model.hasNic;
  if (model.detail === 'gpu') {
    const gpus = model.gpusPerNode;
    // Wider columns (a small cluster on a wide page) get taller cells too.
    const grow = Math.round((column - G.column) / 4);
    const cellH = G.cell + grow;
    const gpuH = G.gpu + grow;
    const gpuY = G.label + (nic ? cellH + 2 : 0);
    const upY = gpuY + gpuH + 2;
    const half = (column - 3) / 2;
    const kinds = nic ? 4 : 2;
    return {
      w: 2 * G.pad + gpus * column - 3,
      h: upY + cellH + G.pad,
      gpus: Array.from({ length: gpus }, (_, g) => ({ x: G.pad + g * column, y: gpuY, w: column - 3, h: gpuH })),
      place: (cell, i) => {
        const g = cell.gpu ?? Math.floor(i / kinds);
        const k = cell.kind;
        const x = G.pad + g * column + (k === 'nic-in' || k === 'scale-up-in' ? half + 0.5 : 0);
        return { x, y: k === 'nic-out' || k === 'nic-in' ? G.label : upY, w: half - 0.5, h: cellH };
      },
    };
  }
  const w = G.aggregateWidth;
  const half = (w - 2 * G.pad - 2) / 2;
  const upY = G.label - 1 + (nic ? G.aggregateCell + 2 : 0);
  return {
    w,
    h: upY + G.aggregateCell + 4,
    gpus: [],
    place: (cell) => {
      const k = cell.kind;
      const x = G.pad + (k === 'nic-in' || k === 'scale-up-in' ? half + 2 : 0);
      return { x, y: k === 'nic-out' || k === 'nic-in' ? G.label - 1 : upY, w: half, h: G.aggregateCell };
    },
  };
}

/** topologyLayout(model, width) -> the picture's geometry; it grows wider than `width` only when one node is wider. */
export function topologyLayout(model: TopologyModel, width: number): TopologyGeometry {
  const node = nodeShape(model, columnFor(model, width));
  const available = Math.max(node.w + 2 * G.rackPad, Math.floor(width));
  const maxCols = Math.max(1, Math.floor((available - 2 * G.rackPad + G.nodeGap) / (node.w + G.nodeGap)));
  const rackLabel = (rack: number) => (model.hasNic ? `rack ${rack} leaf` : 'no inter-node fabric');
  const sizes = model.racks.map((r) => {
    const cols = Math.max(1, Math.min(r.nodes.length, maxCols));
    const rows = Math.max(1, Math.ceil(r.nodes.length / cols));
    // At least as wide as its label (11px bold).
    const w = Math.max(2 * G.rackPad + cols * (node.w + G.nodeGap) - G.nodeGap, Math.ceil(estimateTextWidth(rackLabel(r.rack), 11.5)) + 2 * G.rackPad);
    return { cols, w, h: G.rackHeader + G.rackPad + rows * (node.h + G.nodeGap) - G.nodeGap };
  });
  const oneRow = sizes.reduce((sum, s) => sum + s.w, 0) + G.rackGap * Math.max(0, sizes.length - 1) <= available;

  // Racks flow in rows, left to right.
  const rackAt: { x: number; y: number }[] = [];
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  for (const s of sizes) {
    if (x > 0 && x + s.w > available) {
      x = 0;
      y += rowHeight + G.rackGap;
      rowHeight = 0;
    }
    rackAt.push({ x, y });
    x += s.w + G.rackGap;
    rowHeight = Math.max(rowHeight, s.h);
  }
  const racksHeight = y + rowHeight;

  // The spine and the rack links to it: straight above each rack when all racks share one row,
  // else in a grid of their own under the spine bar, each labelled with its rack.
  let top = 0;
  const ports: TopologyGeometry['ports'] = [];
  let spine: Rect | null = null;
  if (model.hasSpine) {
    spine = { x: 0, y: 0, w: available, h: G.spine };
    if (oneRow) {
      model.racks.forEach((r, i) => {
        const cx = rackAt[i]!.x + sizes[i]!.w / 2;
        ports.push({ rack: r.rack, label: null, value: { x: cx + G.portWidth + 6, y: G.spine + G.port / 2 + 4 }, cells: portCells(r, cx, G.spine) });
      });
      top = G.spine + G.port;
    } else {
      const cols = Math.max(1, Math.floor((available + 6) / (G.portGroup + 6)));
      model.racks.forEach((r, i) => {
        const gx = (i % cols) * (G.portGroup + 6);
        const gy = G.spine + 4 + Math.floor(i / cols) * (G.port + 18);
        const cx = gx + G.portGroup / 2;
        ports.push({ rack: r.rack, label: { x: cx, y: gy + G.port + 11, text: `rack ${r.rack}` }, value: null, cells: portCells(r, cx, gy) });
      });
      top = G.spine + 4 + Math.ceil(model.racks.length / cols) * (G.port + 18) + 8;
    }
  }

  const racks: TopologyGeometry['racks'] = [];
  const nodes: TopologyGeometry['nodes'] = [];
  const cells: PlacedCell[] = [];
  model.racks.forEach((r, i) => {
    const at = rackAt[i]!;
    const size = sizes[i]!;
    const box = { x: at.x, y: top + at.y, w: size.w, h: size.h };
    racks.push({ rack: r.rack, box, label: { x: box.x + G.rackPad, y: box.y + 13, text: rackLabel(r.rack) } });
    r.nodes.forEach((n, j) => {
      const nx = box.x + G.rackPad + (j % size.cols) * (node.w + G.nodeGap);
      const ny = box.y + G.rackHeader + Math.floor(j / size.cols) * (node.h + G.nodeGap);
      const text = model.detail === 'gpu' || n.node < 100 ? `node ${n.node}` : `n${n.node}`;
      nodes.push({
        node: n.node,
        box: { x: nx, y: ny, w: node.w, h: node.h },
        label: { x: nx + G.pad, y: ny + 11, text },
        gpus: node.gpus.map((g, gpu) => ({ ...g, x: nx + g.x, y: ny + g.y, gpu })),
      });
      n.cells.forEach((cell, k) => {
        const p = node.place(cell, k);
        cells.push({ cell, x: nx + p.x, y: ny + p.y, w: p.w, h: p.h });
      });
    });
  });
  const width_ = Math.max(available, ...racks.map((r) => r.box.x + r.box.w));
  return { width: width_, height: top + racksHeight, spine, portsAbove: oneRow, ports, racks, nodes, cells };
}

/**
 * The widest GPU column (18 to 34 px) at which every rack, each with its nodes in one row, fits
 * across `width`: a few nodes fill the page instead of sitting small in its corner.
 */
export function columnFor(model: TopologyModel, width: number): number {
  if (model.detail !== 'gpu') return G.column;
  const nodes = model.racks.reduce((n, r) => n + r.nodes.length, 0);
  const fixed = model.racks.length * 2 * G.rackPad + Math.max(0, model.racks.length - 1) * G.rackGap + nodes * (2 * G.pad - 3) + Math.max(0, nodes - model.racks.length) * G.nodeGap;
  const column = Math.floor((Math.floor(width) - fixed) / Math.max(1, nodes * model.gpusPerNode));
  return Math.max(G.column, Math.min(34, column));
}

/** A rack's uplink and downlink as two upright bars side by side, centred on cx. */
function portCells(r: TopologyModel['racks'][number], cx: number, y: number): PlacedCell[] {
  const out: PlacedCell[] = [];
  if (r.up) out.push({ cell: r.up, x: cx - G.portWidth - 1.5, y, w: G.portWidth, h: G.port });
  if (r.down) out.push({ cell: r.down, x: cx + 1.5, y, w: G.portWidth, h: G.port });
  return out;
}
