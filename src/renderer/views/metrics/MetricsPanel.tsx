// The metrics region: one chart per unit (memory, CPU and loop utilisation, loop delay).
import { useMemo, useRef } from 'react';
import type { TimeRange } from '../../../shared/domain';
import { valueOf } from '../../state/loadable';
import { useSelection } from '../../state/selection';
import { useSessionData } from '../../state/session-data';
import { PanelEmpty, PanelError, PanelLoading } from '../common/PanelState';
import { useElementSize } from '../common/use-element-size';
import { useThemeVersion } from '../flame/use-theme-version';
import { groupByUnit } from './align-series';
import { MetricChart } from './MetricChart';

// The group title and uPlot's legend sit outside the plot height; the time axis only on the last.
const CHROME_HEIGHT = 46;
const TIME_AXIS_HEIGHT = 18;

export function MetricsPanel() {
  const metrics = useSessionData((state) => state.metrics);
  const load = useSessionData((state) => state.load);
  const sessionId = useSelection((state) => state.sessionId);
  const range = useSelection((state) => state.range);
  const setRange = useSelection((state) => state.setRange);
  const bodyRef = useRef<HTMLDivElement>(null);
  const size = useElementSize(bodyRef);
  const themeVersion = useThemeVersion();
  const series = valueOf(metrics);
  const groups = useMemo(() => (series ? groupByUnit(series) : []), [series]);
  const chartHeight = groups.length > 0 ? Math.max(70, Math.floor((size.height - TIME_AXIS_HEIGHT) / groups.length) - CHROME_HEIGHT) : 0;
  const onSelectRange = (selected: TimeRange) => setRange(selected);

  let body;
  if (metrics.state === 'error') body = <PanelError message={metrics.message} onRetry={sessionId ? () => load(sessionId, range, true) : undefined} />;
  else if (!series) body = <PanelLoading label="Loading metrics" rows={5} />;
  else if (groups.length === 0) body = <PanelEmpty title="No runtime metrics in this session">Metrics are sampled while a recording runs.</PanelEmpty>;
  else
    body = groups.map((group, i) => (
      <div key={group.unit} className="metric-group">
        <div className="metric-group-title">{group.title}</div>
        {size.width > 0 && (
          <MetricChart
            unit={group.unit}
            series={group.series}
            width={size.width - 8}
            height={chartHeight + (i === groups.length - 1 ? TIME_AXIS_HEIGHT : 0)}
            showTimeAxis={i === groups.length - 1}
            range={range}
            themeVersion={themeVersion}
            onSelectRange={onSelectRange}
          />
        )}
      </div>
    ));

  return (
    <section className="panel metrics-panel" aria-label="Metrics" data-testid="metrics" data-state={metrics.state}>
      <div className="panel-head">
        <h2 className="panel-title">
          Metrics
          <span className="panel-sub">drag across a chart to select a time range</span>
        </h2>
        {range && (
          <button type="button" className="btn btn-small" data-testid="clear-range" onClick={() => setRange(null)}>
            Clear range
          </button>
        )}
      </div>
      <div className="panel-body metrics-body" ref={bodyRef}>
        {body}
      </div>
    </section>
  );
}
