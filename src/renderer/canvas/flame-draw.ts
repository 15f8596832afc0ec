// Draws a laid-out flame graph onto a 2D context in CSS pixels; returns how many frames it drew.
import { frameFill } from './flame-colors';
import type { FlameIndex, FlameLayout } from './flame-layout';
import { fitText } from './fit-text';

export interface FlameTheme {
  background: string;
  text: string;
  dimFill: string;
  dimText: string;
  hoverStroke: string;
  matchStroke: string;
  font: string;
}

export interface FlameDrawInput {
  index: FlameIndex;
  layout: FlameLayout;
  widthPx: number;
  heightPx: number;
  scrollTop: number;
  rowHeight: number;
  /** Per function: 1 when it matches the search; null when there is no search. */
  matches: Uint8Array | null;
  hoverNode: number;
  theme: FlameTheme;
  /** Receives each label text drawn, for tests and accessibility. */
  labelsOut?: string[];
}

export function frameLabel(name: string): string {
  return name || '(anonymous)';
}

/** The label of a call-tree node: the root stands for the whole profile, unless it is a function's (a sandwich half). */
export function nodeLabel(tree: { functions: { name: string }[]; functionId: number[] }, node: number): string {
  if (node === 0 && (tree.functionId[0] ?? -1) < 0) return 'all';
  return frameLabel(tree.functions[tree.functionId[node] ?? -1]?.name ?? '');
}

export function drawFlame(context: CanvasRenderingContext2D, input: FlameDrawInput): number {
  const { index, layout, widthPx, heightPx, scrollTop, rowHeight, matches, hoverNode, theme, labelsOut } = input;
  const { tree } = index;
  context.fillStyle = theme.background;
  context.fillRect(0, 0, widthPx, heightPx);
  context.font = theme.font;
  context.textBaseline = 'middle';
  const zoomRow = index.depth[layout.zoomNode] ?? 0;
  let drawn = 0;
  let hoverRect: [number, number, number, number] | null = null;

  for (let i = 0; i < layout.count; i++) {
    const y = layout.row[i]! * rowHeight - scrollTop;
    if (y + rowHeight <= 0 || y >= heightPx) continue;
    const node = layout.node[i]!;
    const fn = tree.functions[tree.functionId[node] ?? -1];
    const name = nodeLabel(tree, node);
    const x = layout.x[i]!;
    const w = layout.width[i]!;
    const isMatch = matches ? matches[tree.functionId[node] ?? -1] === 1 : true;
    const isAncestor = layout.row[i]! < zoomRow;
    const innerWidth = w > 3 ? w - 1 : w;

    context.globalAlpha = isAncestor ? 0.55 : 1;
    context.fillStyle = isMatch ? frameFill(fn?.kind ?? 'runtime', name) : theme.dimFill;
    context.fillRect(x, y, innerWidth, rowHeight - 1);
    if (matches && isMatch && w > 2) {
      context.strokeStyle = theme.matchStroke;
      context.lineWidth = 1;
      context.strokeRect(x + 0.5, y + 0.5, innerWidth - 1, rowHeight - 2);
    }
    if (w > 28) {
      const label = fitText(context, name, innerWidth - 8);
      if (label) {
        context.fillStyle = isMatch ? theme.text : theme.dimText;
        context.fillText(label, x + 4, y + rowHeight / 2);
        labelsOut?.push(label);
      }
    }
    if (node === hoverNode) hoverRect = [x, y, innerWidth, rowHeight - 1];
    drawn++;
  }
  context.globalAlpha = 1;
  if (hoverRect) {
    context.strokeStyle = theme.hoverStroke;
    context.lineWidth = 2;
    context.strokeRect(hoverRect[0] + 1, hoverRect[1] + 1, Math.max(0, hoverRect[2] - 2), Math.max(0, hoverRect[3] - 2));
  }
  return drawn;
}
