// The timeline's header: what window is shown, buttons for the keys, and what the colours mean.
import type { FrameKind, TimeRange } from '../../../shared/domain';
import type { TimelineAnswer } from '../../../shared/timeline';
import { FRAME_KIND_LABEL, kindSwatch } from '../../canvas/flame-colors';
import { formatDurationMs } from '../../format/units';
import { useUi } from '../../state/ui';
import type { TimelineAction } from './timeline-keys';

const KINDS: FrameKind[] = ['app', 'library', 'node', 'runtime'];

export function TimelineToolbar({ view, extent, answer, error, canZoomToSelection, onAction }: {
  view: TimeRange;
  extent: TimeRange;
  answer: TimelineAnswer | null;
  error: string | null;
  canZoomToSelection: boolean;
  onAction(action: TimelineAction): void;
}) {
  const open = useUi((state) => state.timelineOpen);
  const toggle = useUi((state) => state.toggleTimeline);
  const shown = formatDurationMs((view.toUs - view.fromUs) / 1000);
  const total = formatDurationMs((extent.toUs - extent.fromUs) / 1000);
  const from = `${((view.fromUs - extent.fromUs) / 1e6).toFixed(3)} s`;
  return (
    <div className="timeline-toolbar">
      <button
        type="button"
        className="btn btn-small btn-quiet timeline-toggle"
        aria-expanded={open}
        title={open ? 'Fold the timeline to give the panels below more room' : 'Show the timeline'}
        data-testid="timeline-toggle"
        onClick={toggle}
      >
        {open ? '▾' : '▸'}
      </button>
      <h2 className="timeline-title">Timeline</h2>
      <span className="timeline-window" data-testid="timeline-window">
        {shown} from {from} <span className="muted">of {total}</span>
      </span>
      <div className="timeline-buttons">
        <button type="button" className="btn btn-small btn-quiet" title="Zoom in (W)" aria-label="Zoom in" onClick={() => onAction({ type: 'zoom', factor: 0.5 })}>
          +
        </button>
        <button type="button" className="btn btn-small btn-quiet" title="Zoom out (S)" aria-label="Zoom out" onClick={() => onAction({ type: 'zoom', factor: 2 })}>
          −
        </button>
        <button type="button" className="btn btn-small btn-quiet" title="Show the whole session (0)" onClick={() => onAction({ type: 'showAll' })}>
          All
        </button>
        <button type="button" className="btn btn-small btn-quiet" title="Zoom to the selection (Z or double-click)" disabled={!canZoomToSelection} onClick={() => onAction({ type: 'zoomToSelection' })}>
          Fit selection
        </button>
      </div>
      {error ? (
        <span className="timeline-error" role="alert">
          {error}
        </span>
      ) : (
        answer === null && <span className="muted">Loading…</span>
      )}
      <span className="timeline-hint muted">W/S zoom · A/D pan · drag selects · Esc clears · / search</span>
      <ul className="kind-legend" aria-label="Frame colours">
        {KINDS.map((kind) => (
          <li key={kind}>
            <i className="swatch" style={{ background: kindSwatch(kind) }} />
            {FRAME_KIND_LABEL[kind]}
          </li>
        ))}
      </ul>
    </div>
  );
}
