// The function chosen in a CPU view: where it is (original and generated), its time in the
// selection, and the spans in which it spent the most time; choosing a span selects it.
import { useMemo, useRef } from 'react';
import type { FunctionKey, FunctionSpan, FlameTree } from '../../../shared/domain';
import { frameLabel } from '../../canvas/flame-draw';
import { formatCount, formatDurationMs, formatPercent } from '../../format/units';
import { api } from '../../state/api';
import { useFlameView } from '../../state/flame-view';
import { valueOf } from '../../state/loadable';
import { useSelection } from '../../state/selection';
import { useSessionData } from '../../state/session-data';
import { fetchKey, useFetched } from '../../state/use-fetched';
import { PanelError } from '../common/PanelState';
import { bottomUpRows, functionIndexOf } from './call-views';
import { sourceLocation } from './FlameTooltip';

type TreeFunction = FlameTree['functions'][number];

function apiKeyOf(fn: TreeFunction): FunctionKey {
  const at = fn.generated ?? fn;
  return { name: fn.name, url: at.url, line: at.line, column: at.column };
}

function SpanList({ spans, onChoose, chosen }: { spans: FunctionSpan[]; onChoose(span: FunctionSpan): void; chosen: string | null }) {
  const most = spans.reduce((max, one) => Math.max(max, one.samples), 0) || 1;
  return (
    <ol className="function-spans" data-testid="function-spans">
      {spans.map((one) => (
        <li key={one.span.spanId}>
          <button
            type="button"
            className={`function-span${one.span.spanId === chosen ? ' is-selected' : ''}`}
            data-testid="function-span"
            data-span-id={one.span.spanId}
            title={`${one.span.name}\n${formatCount(one.samples)} of the span's ${formatCount(one.span.cpuSampleCount)} samples (${formatPercent(one.share)})`}
            onClick={() => onChoose(one)}
          >
            <span className="top-fn-bar" style={{ width: `${(one.samples / most) * 100}%` }} aria-hidden="true" />
            <span className="top-fn-name mono">{one.span.name}</span>
            <span className="top-fn-time mono">≈{formatDurationMs(one.estimatedMs)}</span>
            <span className="function-span-share mono muted">{formatPercent(one.share)}</span>
          </button>
        </li>
      ))}
    </ol>
  );
}

export function FunctionDetail({ focus }: { focus: string }) {
  const setFocus = useFlameView((state) => state.setFocus);
  const setMode = useFlameView((state) => state.setMode);
  const { sessionId, range, spanId } = useSelection();
  const selectSpan = useSelection((state) => state.selectSpan);
  const tree = valueOf(useSessionData((state) => state.flame));
  // The function stays described when a narrower selection has no samples of it.
  const last = useRef<{ focus: string; fn: TreeFunction } | null>(null);
  const at = tree ? functionIndexOf(tree, focus) : -1;
  if (tree && at >= 0) last.current = { focus, fn: tree.functions[at]! };
  const fn = last.current?.focus === focus ? last.current.fn : null;
  const rows = useMemo(() => (tree ? bottomUpRows({ ...tree, self: tree.selfUs, total: tree.totalUs, unit: 'time-us' }) : []), [tree]);
  const timing = at >= 0 ? rows.find((row) => row.fn === at) : undefined;
  // Spans are ranked over the chosen time range, or the whole session while a span is the selection.
  const spanRange = spanId ? null : range;
  const key = sessionId && fn ? fetchKey([sessionId, apiKeyOf(fn), spanRange], 0) : null;
  const fetched = useFetched<FunctionSpan[]>(key, () => api.getFunctionSpans(sessionId!, apiKeyOf(fn!), spanRange ?? undefined), true);
  const spans = valueOf(fetched.value);

  if (!fn) return null;
  return (
    <section className="function-detail" data-testid="function-detail" data-function={fn.name} aria-label="Chosen function">
      <div className="function-detail-head">
        <strong className="mono ellipsis" title={fn.name}>{frameLabel(fn.name)}</strong>
        <button type="button" className="btn btn-quiet btn-small" onClick={() => setFocus(null)} aria-label="Clear the chosen function">
          ✕
        </button>
      </div>
      <dl className="function-facts">
        <div>
          <dt>Source</dt>
          <dd className="mono ellipsis" title={sourceLocation(fn.url, fn.line)}>{sourceLocation(fn.url, fn.line)}</dd>
        </div>
        {fn.generated && (
          <div>
            <dt>Generated</dt>
            <dd className="mono ellipsis muted" title={sourceLocation(fn.generated.url, fn.generated.line)} data-testid="function-generated">
              {sourceLocation(fn.generated.url, fn.generated.line)}
            </dd>
          </div>
        )}
        <div>
          <dt>Here</dt>
          <dd className="mono">{timing ? `self ${formatDurationMs(timing.self / 1000)} · total ${formatDurationMs(timing.total / 1000)}` : 'no samples in this selection'}</dd>
        </div>
      </dl>
      <button type="button" className="btn btn-small" onClick={() => setMode('sandwich')} data-testid="function-sandwich">
        Callers and callees
      </button>
      <h3 className="function-detail-title">Spans where it spent the most time</h3>
      {fetched.value.state === 'error' ? (
        <PanelError message={fetched.value.message} onRetry={fetched.reload} />
      ) : !spans ? (
        <p className="muted">Looking for spans…</p>
      ) : spans.length === 0 ? (
        <p className="muted" data-testid="function-spans-empty">No span has samples of this function{spanRange ? ' in this time range' : ''}.</p>
      ) : (
        <SpanList spans={spans} chosen={spanId} onChoose={(one) => selectSpan({ spanId: one.span.spanId, range: { fromUs: one.span.startUs, toUs: one.span.endUs } })} />
      )}
    </section>
  );
}
