// The Heap snapshots tab: the session's snapshots, taking one (with a warning), classes and diffs.
import { useEffect, useState } from 'react';
import type { HeapSnapshotInfo, SessionInfo, SnapshotClass, SnapshotClassDiff } from '../../../shared/domain';
import { messageOf } from '../../../shared/errors';
import { formatBytes, formatClock, formatDurationMs } from '../../format/units';
import { api } from '../../state/api';
import { useLiveTick } from '../../state/live-tick';
import { valueOf } from '../../state/loadable';
import { useSelection } from '../../state/selection';
import { useSessions } from '../../state/sessions';
import { fetchKey, useFetched } from '../../state/use-fetched';
import { PanelEmpty, PanelError, PanelLoading } from '../common/PanelState';
import { ClassesTable, DiffTable } from './SnapshotTables';

type TakePhase = { phase: 'idle' } | { phase: 'confirm' } | { phase: 'taking' } | { phase: 'error'; message: string };

function threadName(threads: Map<number, string>, threadId: number): string {
  return threads.get(threadId) ?? (threadId === 0 ? 'main' : `thread ${threadId}`);
}

function TakeSnapshot({ session, threadLabel, onTaken }: { session: SessionInfo; threadLabel: string; onTaken(snapshot: HeapSnapshotInfo): void }) {
  const threadId = useSelection((state) => state.threadId);
  const [take, setTake] = useState<TakePhase>({ phase: 'idle' });
  const run = async () => {
    setTake({ phase: 'taking' });
    try {
      onTaken(await api.takeHeapSnapshot(session.id, threadId ?? undefined));
      setTake({ phase: 'idle' });
    } catch (error) {
      setTake({ phase: 'error', message: messageOf(error) });
    }
  };
  if (take.phase === 'confirm')
    return (
      <div className="snapshot-confirm" role="alertdialog" aria-label="Take a heap snapshot" data-testid="snapshot-confirm">
        <span>
          The target ({threadLabel}) <strong>pauses for several seconds</strong> while V8 writes the snapshot, and needs extra memory meanwhile.
        </span>
        <button type="button" className="btn btn-small btn-danger" data-testid="snapshot-confirm-take" onClick={() => void run()}>
          Pause and take snapshot
        </button>
        <button type="button" className="btn btn-small" onClick={() => setTake({ phase: 'idle' })}>
          Cancel
        </button>
      </div>
    );
  return (
    <div className="snapshot-take">
      {take.phase === 'error' && (
        <span className="inline-error" role="alert" data-testid="snapshot-error">
          {take.message}
        </span>
      )}
      <button type="button" className="btn btn-small" data-testid="take-snapshot" disabled={take.phase === 'taking'} onClick={() => setTake({ phase: 'confirm' })}>
        {take.phase === 'taking' ? 'Taking snapshot…' : 'Take snapshot…'}
      </button>
    </div>
  );
}

/** Keeps up to two chosen snapshots: a third choice replaces the first. */
function toggleChoice(chosen: number[], id: number): number[] {
  if (chosen.includes(id)) return chosen.filter((one) => one !== id);
  return [...chosen, id].slice(-2);
}

export function SnapshotsPanel({ session, threadNames }: { session: SessionInfo; threadNames: Map<number, string> }) {
  const tick = useLiveTick((state) => state.tick);
  const status = useSessions((state) => state.progress[session.id]?.status) ?? session.status;
  const threadId = useSelection((state) => state.threadId);
  const live = status === 'recording';
  const [localTick, setLocalTick] = useState(0);
  const list = useFetched<HeapSnapshotInfo[]>(fetchKey([session.id], tick + localTick), () => api.listHeapSnapshots(session.id));
  const [chosen, setChosen] = useState<number[]>([]);
  useEffect(() => setChosen([]), [session.id]);

  const snapshots = [...(valueOf(list.value) ?? [])].sort((a, b) => a.startedUs - b.startedUs);
  const picked = snapshots.filter((one) => chosen.includes(one.id));
  const [before, after] = picked;
  const classesKey = picked.length === 1 ? fetchKey(['classes', before!.id, before!.status], 0) : null;
  const diffKey = picked.length === 2 ? fetchKey(['diff', before!.id, after!.id, before!.status, after!.status], 0) : null;
  const classes = useFetched<SnapshotClass[]>(classesKey, () => api.getSnapshotClasses(before!.id));
  const diff = useFetched<SnapshotClassDiff[]>(diffKey, () => api.diffSnapshots(before!.id, after!.id));

  let table;
  if (picked.length === 1) table = <ClassesTable classes={classes.value} />;
  else if (picked.length === 2) table = <DiffTable diff={diff.value} />;
  else if (snapshots.length > 0)
    table = <PanelEmpty title="Choose a snapshot to see its classes">Choose two to see what grew between them.</PanelEmpty>;

  let listBody;
  if (list.value.state === 'error') listBody = <PanelError message={list.value.message} onRetry={list.reload} />;
  else if (!valueOf(list.value)) listBody = <PanelLoading label="Loading heap snapshots" rows={3} />;
  else if (snapshots.length === 0)
    listBody = (
      <PanelEmpty title="No heap snapshots in this session">
        {live
          ? 'Take one to see which constructors hold memory; take a second later to see what grew.'
          : 'Snapshots are taken on demand while a session records.'}
      </PanelEmpty>
    );
  else
    listBody = (
      <div className="table-scroll snapshot-list-scroll">
        <table className="data-table snapshot-list" data-testid="snapshot-list">
          <thead>
            <tr>
              <th className="col-check" aria-label="Chosen" />
              <th>Taken</th>
              <th>Thread</th>
              <th className="num">Size</th>
              <th className="num">Took</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {snapshots.map((one) => {
              const isChosen = chosen.includes(one.id);
              const order = picked.findIndex((p) => p.id === one.id);
              return (
                <tr
                  key={one.id}
                  className={isChosen ? 'is-selected' : undefined}
                  data-testid="snapshot-row"
                  data-snapshot-id={one.id}
                  data-status={one.status}
                  aria-selected={isChosen}
                  onClick={() => setChosen(toggleChoice(chosen, one.id))}
                >
                  <td className="col-check">
                    <input type="checkbox" checked={isChosen} readOnly tabIndex={-1} aria-label={`Choose snapshot ${one.id}`} />
                    {picked.length === 2 && order >= 0 && <span className="diff-tag">{order === 0 ? 'before' : 'after'}</span>}
                  </td>
                  <td className="mono">{formatClock(one.startedUs)}</td>
                  <td>{threadName(threadNames, one.threadId)}</td>
                  <td className="num mono">{one.sizeBytes > 0 ? formatBytes(one.sizeBytes) : '—'}</td>
                  <td className="num mono">{one.endedUs !== null ? formatDurationMs((one.endedUs - one.startedUs) / 1000) : '…'}</td>
                  <td title={one.detail ?? undefined}>
                    <span className={`snapshot-status status-${one.status}`}>{one.status}</span>
                    {one.detail && <span className="muted"> {one.detail}</span>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    );

  return (
    <section className="panel snapshots-panel" aria-label="Heap snapshots" data-testid="heap-snapshots" data-count={snapshots.length}>
      <div className="panel-head">
        <h2 className="panel-title">
          Heap snapshots
          {snapshots.length > 0 && <span className="panel-sub">{picked.length === 2 ? 'comparing two' : `${snapshots.length} taken · choose one, or two to compare`}</span>}
        </h2>
        {live && (
          <TakeSnapshot
            session={session}
            threadLabel={threadName(threadNames, threadId ?? 0)}
            onTaken={(snapshot) => {
              setLocalTick((n) => n + 1);
              setChosen((current) => toggleChoice(current.filter((id) => id !== snapshot.id), snapshot.id));
            }}
          />
        )}
      </div>
      <div className="panel-body snapshots-body">
        <div className="snapshot-list-pane">{listBody}</div>
        {table && <div className="snapshot-table-pane">{table}</div>}
      </div>
    </section>
  );
}
