// The two tables under the snapshot list: one snapshot's classes, or the diff of two, sortable.
import { useMemo, useState } from 'react';
import type { SnapshotClass, SnapshotClassDiff } from '../../../shared/domain';
import { formatBytes, formatCount, formatPercent } from '../../format/units';
import type { Loadable } from '../../state/loadable';
import { valueOf } from '../../state/loadable';
import { PanelEmpty, PanelError, PanelLoading } from '../common/PanelState';
import { DEFAULT_DIFF_SORT, classRows, diffRows, filterByName, nextDiffSort, sortDiffRows, type DiffSort, type DiffSortKey } from './snapshot-tables';

/** Tables this long are cut; the filter box reaches the rest. */
const MAX_ROWS = 500;

function signed(value: number, format: (v: number) => string): string {
  if (value === 0) return '0';
  return `${value > 0 ? '+' : '−'}${format(Math.abs(value))}`;
}

function deltaClass(value: number): string {
  return value > 0 ? 'num delta-up' : value < 0 ? 'num delta-down' : 'num muted';
}

function Filter({ value, onChange, shown, total }: { value: string; onChange(v: string): void; shown: number; total: number }) {
  return (
    <div className="table-tools">
      <input type="search" className="input input-small" placeholder="Filter constructors" aria-label="Filter constructors" data-testid="snapshot-filter" value={value} onChange={(e) => onChange(e.target.value)} />
      <span className="muted">{shown < total ? `${formatCount(shown)} of ${formatCount(total)} constructors` : `${formatCount(total)} constructors`}</span>
    </div>
  );
}

export function ClassesTable({ classes }: { classes: Loadable<SnapshotClass[]> }) {
  const [filter, setFilter] = useState('');
  const value = valueOf(classes);
  const rows = useMemo(() => (value ? classRows(value) : []), [value]);
  const shown = useMemo(() => filterByName(rows, filter), [rows, filter]);
  if (classes.state === 'error') return <PanelError message={classes.message} />;
  if (!value) return <PanelLoading label="Loading snapshot classes" rows={5} />;
  if (rows.length === 0) return <PanelEmpty title="This snapshot has no class summary">It may still be writing, or it failed.</PanelEmpty>;
  return (
    <div className="snapshot-table-wrap">
      <Filter value={filter} onChange={setFilter} shown={Math.min(shown.length, MAX_ROWS)} total={rows.length} />
      <div className="table-scroll">
        <table className="data-table snapshot-classes" data-testid="snapshot-classes">
          <thead>
            <tr>
              <th>Constructor</th>
              <th className="num">Count</th>
              <th className="num">Self size</th>
              <th className="num">% of total</th>
            </tr>
          </thead>
          <tbody>
            {shown.slice(0, MAX_ROWS).map((row) => (
              <tr key={row.name} data-testid="snapshot-class-row">
                <td className="mono ellipsis" title={row.name}>{row.name}</td>
                <td className="num mono">{formatCount(row.count)}</td>
                <td className="num mono">{formatBytes(row.selfSizeBytes)}</td>
                <td className="num mono">
                  <span className="share-bar" style={{ width: `${Math.round(row.share * 100)}%` }} aria-hidden="true" />
                  {formatPercent(row.share)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

const DIFF_COLUMNS: { key: DiffSortKey; label: string }[] = [
  { key: 'name', label: 'Constructor' },
  { key: 'countBefore', label: 'Count before' },
  { key: 'countAfter', label: 'Count after' },
  { key: 'countDelta', label: 'Δ count' },
  { key: 'selfSizeBytesBefore', label: 'Size before' },
  { key: 'selfSizeBytesAfter', label: 'Size after' },
  { key: 'sizeDeltaBytes', label: 'Δ size' },
];

export function DiffTable({ diff }: { diff: Loadable<SnapshotClassDiff[]> }) {
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<DiffSort>(DEFAULT_DIFF_SORT);
  const value = valueOf(diff);
  const rows = useMemo(() => (value ? diffRows(value) : []), [value]);
  const shown = useMemo(() => sortDiffRows(filterByName(rows, filter), sort), [rows, filter, sort]);
  if (diff.state === 'error') return <PanelError message={diff.message} />;
  if (!value) return <PanelLoading label="Comparing snapshots" rows={5} />;
  if (rows.length === 0) return <PanelEmpty title="Nothing to compare">Neither snapshot has a class summary yet.</PanelEmpty>;
  return (
    <div className="snapshot-table-wrap">
      <Filter value={filter} onChange={setFilter} shown={Math.min(shown.length, MAX_ROWS)} total={rows.length} />
      <div className="table-scroll">
        <table className="data-table snapshot-diff" data-testid="snapshot-diff" data-sort={`${sort.key}:${sort.descending ? 'desc' : 'asc'}`}>
          <thead>
            <tr>
              {DIFF_COLUMNS.map((column) => (
                <th key={column.key} className={column.key === 'name' ? undefined : 'num'} aria-sort={sort.key === column.key ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
                  <button type="button" className="sort-btn" data-testid={`diff-sort-${column.key}`} onClick={() => setSort(nextDiffSort(sort, column.key))}>
                    {column.label}
                    <span className="sort-arrow" aria-hidden="true">{sort.key === column.key ? (sort.descending ? '▼' : '▲') : ''}</span>
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.slice(0, MAX_ROWS).map((row) => (
              <tr key={row.name} data-testid="snapshot-diff-row">
                <td className="mono ellipsis" title={row.name}>{row.name}</td>
                <td className="num mono">{formatCount(row.countBefore)}</td>
                <td className="num mono">{formatCount(row.countAfter)}</td>
                <td className={`${deltaClass(row.countDelta)} mono`}>{signed(row.countDelta, formatCount)}</td>
                <td className="num mono">{formatBytes(row.selfSizeBytesBefore)}</td>
                <td className="num mono">{formatBytes(row.selfSizeBytesAfter)}</td>
                <td className={`${deltaClass(row.sizeDeltaBytes)} mono`}>{signed(row.sizeDeltaBytes, formatBytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
