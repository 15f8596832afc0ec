// The hover card of a flame frame: name, self and total (time or bytes), share of the whole, source location.
import { FRAME_KIND_LABEL, kindSwatch } from '../../canvas/flame-colors';
import { nodeLabel } from '../../canvas/flame-draw';
import { formatWeight, type WeightTree } from '../../canvas/flame-weights';
import { formatPercent } from '../../format/units';

export function sourceLocation(url: string, line: number): string {
  if (!url) return '(no source location)';
  return line > 0 ? `${url}:${line}` : url;
}

export function FlameTooltip({ tree, node, x, y, bounds }: { tree: WeightTree; node: number; x: number; y: number; bounds: { width: number; height: number } }) {
  const fn = tree.functions[tree.functionId[node] ?? -1];
  if (!fn) return null;
  const rootTotal = tree.total[0] || 1;
  const self = tree.self[node] ?? 0;
  const total = tree.total[node] ?? 0;
  const width = 340;
  const left = x + 16 + width > bounds.width ? Math.max(4, x - width - 12) : x + 16;
  const top = Math.min(y + 16, Math.max(4, bounds.height - 110));
  return (
    <div className="flame-tooltip" style={{ left, top, maxWidth: width }} data-testid="flame-tooltip" role="tooltip">
      <div className="flame-tooltip-name">{nodeLabel(tree, node)}</div>
      <div className="flame-tooltip-grid">
        <span>{tree.unit === 'bytes' ? 'Total allocated' : 'Total'}</span>
        <span data-testid="flame-tooltip-total">
          {formatWeight(total, tree.unit)} <span className="muted">({formatPercent(total / rootTotal)})</span>
        </span>
        <span>{tree.unit === 'bytes' ? 'Self allocated' : 'Self'}</span>
        <span data-testid="flame-tooltip-self">
          {formatWeight(self, tree.unit)} <span className="muted">({formatPercent(self / rootTotal)})</span>
        </span>
        <span>Kind</span>
        <span>
          <i className="swatch" style={{ background: kindSwatch(fn.kind) }} /> {FRAME_KIND_LABEL[fn.kind] ?? fn.kind}
        </span>
      </div>
      {node !== 0 && <div className="flame-tooltip-source mono">{sourceLocation(fn.url, fn.line)}</div>}
      {node !== 0 && fn.generated && <div className="flame-tooltip-source mono">compiled: {sourceLocation(fn.generated.url, fn.generated.line)}</div>}
      {node !== 0 && tree.unit === 'time-us' && <div className="flame-tooltip-hint muted">Click: zoom, and list the spans it spent most time in</div>}
    </div>
  );
}
