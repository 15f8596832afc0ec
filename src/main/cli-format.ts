// Plain-text tables for the command line.
import type { NodeProcessInfo, SessionInfo, SessionSummary } from '../shared/domain';

export function formatSessions(sessions: SessionInfo[]): string {
  if (sessions.length === 0) return 'No sessions yet. Record one with: parallax record --pid PID\n';
  return table(
    ['ID', 'NAME', 'STARTED', 'DURATION', 'STATUS'],
    sessions.map((s) => [s.id.slice(0, 8), s.name, new Date(s.startedAt / 1000).toISOString(), duration(s), s.status]),
  );
}

export function formatProcesses(processes: NodeProcessInfo[]): string {
  if (processes.length === 0) return 'No Node.js processes found.\n';
  return table(
    ['PID', 'NODE', 'INSPECTOR', 'COMMAND'],
    processes.map((p) => [String(p.pid), p.nodeVersion ?? '?', p.inspectorPort ? `:${p.inspectorPort}` : '-', p.command]),
  );
}

export function formatSummary(s: SessionSummary): string {
  const lines = [
    `${s.name}  (${s.id})`,
    `status     ${s.status}${s.statusDetail ? `: ${s.statusDetail}` : ''}`,
    `target     pid ${s.target.pid ?? '?'}, Node ${s.target.nodeVersion ?? '?'}, via ${s.target.attachedVia}`,
    `started    ${new Date(s.startedAt / 1000).toISOString()}, lasted ${duration(s)}`,
    `recorded   ${s.counts.cpuSamples} CPU samples, ${s.counts.logs} logs, ${s.counts.metricPoints} metric points`,
    '',
  ];
  if (s.topFunctions.length === 0) return `${lines.join('\n')}No CPU samples.\n`;
  return (
    lines.join('\n') +
    table(
      ['SELF ms', 'TOTAL ms', 'FUNCTION', 'LOCATION'],
      s.topFunctions.map((f) => [f.selfMs.toFixed(1), f.totalMs.toFixed(1), f.name, f.url ? `${f.url}:${f.line}` : '']),
    )
  );
}

export function formatSpans(spans: { spanId: string; name: string; startUs: number; endUs: number; logCount: number; cpuSampleCount: number }[]): string {
  if (spans.length === 0) return 'No spans in this session.\n';
  return table(
    ['SPAN', 'DURATION ms', 'LOGS', 'SAMPLES', 'NAME'],
    spans.map((s) => [s.spanId, ((s.endUs - s.startUs) / 1000).toFixed(1), String(s.logCount), String(s.cpuSampleCount), s.name]),
  );
}

function duration(s: SessionInfo): string {
  if (s.endedAt === null) return 'recording';
  return `${((s.endedAt - s.startedAt) / 1e6).toFixed(1)} s`;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}
