// The metrics region: runtime charts by unit, then one chart per OTLP/Prometheus metric name.
import { useMemo, useRef, useState } from 'react';
import type { TimeRange } from '../../../shared/domain';
import { valueOf } from '../../state/loadable';
import { useSelection } from '../../state/selection';
import { useSessionData } from '../../state/session-data';
import { PanelEmpty, PanelError, PanelLoading } from '../common/PanelState';
import { useElementSize } from '../common/use-element-size';
import { useThemeVersion } from '../flame/use-theme-version';
import { MetricChart } from './MetricChart';
import { filterGroups, groupMetrics } from './metric-groups';

// The group title and uPlot's legend sit outside the plot height; the time axis only on the last.
const CHROME_HEIGHT = 46;
const TIME_AXIS_HEIGHT = 18;
const MIN_CHART_HEIGHT = 70;
/** Past this many charts a filter box appears. */
const FILTER_FROM = 4;

export function MetricsPanel() {
  const metrics = useSessionData((state) => state.metrics);
  const summary = valueOf(useSessionData((state) => state.summary));
  const load = useSessionData((state) => state.load);
  const { sessionId, range, threadId, spanId, setRange } = useSelection();
  const bodyRef = useRef<HTMLDivElement>(null);
  const size = useElementSize(bodyRef);
  const themeVersion = useThemeVersion();
  const [filter, setFilter] = useState('');
  const series = valueOf(metrics);
  const threadNames = useMemo(() => new Map((summary?.threads ?? []).map((thread) => [thread.id, thread.name])), [summary?.threads]);
  const allGroups = useMemo(() => (series ? groupMetrics(series, threadNames) : []), [series, threadNames]);
  const groups = useMemo(() => filterGroups(allGroups, filter), [allGroups, filter]);
  const chartHeight = groups.length > 0 ? Math.max(MIN_CHART_HEIGHT, Math.floor((size.height - TIME_AXIS_HEIGHT) / groups.length) - CHROME_HEIGHT) : 0;
  const onSelectRange = (selected: TimeRange) => setRange(selected);

  let body;
  if (metrics.state === 'error')
    body = <PanelError message={metrics.message} onRetry={sessionId ? () => load({ sessionId, range, threadId, spanId }, true) : undefined} />;
  else if (!series) body = <PanelLoading label="Loading metrics" rows={5} />;
  else if (allGroups.length === 0) body = <PanelEmpty title="No metrics in this session">Runtime metrics are sampled while a recording runs; OTLP and Prometheus metrics appear here too.</PanelEmpty>;
  else if (groups.length === 0) body = <PanelEmpty title={`No metric matches “${filter}”`} />;
  else
    body = groups.map((group, i) => (
      <div key={group.key} className="metric-group" data-testid="metric-group" data-hidden-series={group.hidden}>
        <div className="metric-group-head">
          <div className="metric-group-title" title={group.title}>
            {group.title}
          </div>
          {group.hidden > 0 && (
            <span className="metric-group-note" data-testid="metric-hidden-series">
              {group.series.length} of {group.series.length + group.hidden} series, most varying
            </span>
          )}
        </div>
        {size.width > 0 && (
          <MetricChart
            unit={group.unit}
            series={group.series}
            labels={group.labels}
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
        {allGroups.length > FILTER_FROM && (
          <input
            type="search"
            className="input input-small metric-filter"
            placeholder={`Filter ${allGroups.length} charts`}
            aria-label="Filter metrics"
            data-testid="metric-filter"
            value={filter}
            onChange={(event) => setFilter(event.target.value)}
          />
        )}
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
