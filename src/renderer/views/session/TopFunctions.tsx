// Beside the CPU views: the chosen function's detail (and its spans), or the functions with the
// most self time; choosing one focuses it in every CPU view.
import { frameLabel } from '../../canvas/flame-draw';
import { formatDurationMs } from '../../format/units';
import { useFlameView } from '../../state/flame-view';
import { valueOf } from '../../state/loadable';
import { useSessionData } from '../../state/session-data';
import { PanelEmpty, PanelError, PanelLoading } from '../common/PanelState';
import { functionKeyOf } from '../flame/call-views';
import { FunctionDetail } from '../flame/FunctionDetail';
import { sourceLocation } from '../flame/FlameTooltip';

export function TopFunctions() {
  const summaryState = useSessionData((state) => state.summary);
  const summary = valueOf(summaryState);
  const focus = useFlameView((state) => state.focus);
  const setFocus = useFlameView((state) => state.setFocus);
  const functions = summary?.topFunctions ?? [];
  const maxSelf = functions.reduce((max, fn) => Math.max(max, fn.selfMs), 0) || 1;

  let body;
  if (summaryState.state === 'error') body = <PanelError message={summaryState.message} />;
  else if (!summary) body = <PanelLoading label="Loading top functions" rows={6} />;
  else if (functions.length === 0) body = <PanelEmpty title="No functions sampled" />;
  else
    body = (
      <ol className="top-functions" data-testid="top-functions">
        {functions.map((fn, i) => (
          <li key={`${fn.name}-${fn.url}-${fn.line}-${i}`}>
            <button type="button" className="top-fn" title={`${frameLabel(fn.name)}\n${sourceLocation(fn.url, fn.line)}\nself ${formatDurationMs(fn.selfMs)}, total ${formatDurationMs(fn.totalMs)}`} onClick={() => setFocus(functionKeyOf(fn))}>
              <span className="top-fn-bar" style={{ width: `${(fn.selfMs / maxSelf) * 100}%` }} aria-hidden="true" />
              <span className="top-fn-name mono">{frameLabel(fn.name)}</span>
              <span className="top-fn-time mono">{formatDurationMs(fn.selfMs)}</span>
            </button>
          </li>
        ))}
      </ol>
    );

  return (
    <aside className="panel top-panel" aria-label="Top functions">
      {focus && <FunctionDetail focus={focus} />}
      <div className="panel-head">
        <h2 className="panel-title">
          Top functions <span className="panel-sub">self time</span>
        </h2>
      </div>
      <div className="panel-body top-body">{body}</div>
    </aside>
  );
}
