// The session header's thread selector: all threads, the main thread, or one worker by name.
import type { ThreadInfo, ThreadSummary } from '../../../shared/domain';
import { formatCount } from '../../format/units';
import { useSelection } from '../../state/selection';

export function ThreadPicker({ threads, summaries }: { threads: ThreadInfo[]; summaries: ThreadSummary[] | null }) {
  const threadId = useSelection((state) => state.threadId);
  const setThread = useSelection((state) => state.setThread);
  const samples = new Map((summaries ?? []).map((one) => [one.id, one.cpuSamples]));
  const sorted = [...threads].sort((a, b) => a.id - b.id);
  // A chosen thread stays listed while the list reloads.
  if (threadId !== null && !sorted.some((one) => one.id === threadId)) sorted.push({ id: threadId, name: `thread ${threadId}` });
  return (
    <div className="thread-picker" role="region" aria-label="Threads">
      <label htmlFor="thread-select">Thread</label>
      <select
        id="thread-select"
        className="input input-small"
        data-testid="thread-select"
        value={threadId === null ? 'all' : String(threadId)}
        onChange={(event) => setThread(event.target.value === 'all' ? null : Number(event.target.value))}
      >
        <option value="all">All threads ({sorted.length})</option>
        {sorted.map((thread) => (
          <option key={thread.id} value={String(thread.id)}>
            {thread.id === 0 ? `main${thread.name && thread.name !== 'main' ? ` (${thread.name})` : ''}` : thread.name || `worker ${thread.id}`}
            {samples.has(thread.id) ? ` · ${formatCount(samples.get(thread.id)!)} samples` : ''}
          </option>
        ))}
      </select>
    </div>
  );
}
