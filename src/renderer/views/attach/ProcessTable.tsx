// Local Node.js processes from listProcesses(); choosing a row fills the PID to attach to.
import { valueOf } from '../../state/loadable';
import { useAttach } from '../../state/attach';
import { PanelEmpty, PanelError, PanelLoading } from '../common/PanelState';

export function ProcessTable({ selectedPid, onChoose }: { selectedPid: number | null; onChoose(pid: number): void }) {
  const processes = useAttach((state) => state.processes);
  const refresh = useAttach((state) => state.refreshProcesses);
  const rows = valueOf(processes);

  let body;
  if (processes.state === 'error') body = <PanelError message={processes.message} onRetry={() => void refresh()} />;
  else if (!rows) body = <PanelLoading label="Looking for Node.js processes" rows={4} />;
  else if (rows.length === 0)
    body = (
      <PanelEmpty title="No Node.js processes found on this machine">
        Start one (for example <code>node server.js</code>) and press Refresh, or attach by address below.
      </PanelEmpty>
    );
  else
    body = (
      <div className="table-scroll">
        <table className="data-table process-table" data-testid="process-table">
          <thead>
            <tr>
              <th scope="col" className="num">PID</th>
              <th scope="col">Command</th>
              <th scope="col">Node</th>
              <th scope="col">Inspector</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((proc) => {
              const selected = proc.pid === selectedPid;
              return (
                <tr
                  key={proc.pid}
                  className={selected ? 'is-selected' : undefined}
                  aria-selected={selected}
                  data-testid="process-row"
                  data-pid={proc.pid}
                  tabIndex={0}
                  onClick={() => onChoose(proc.pid)}
                  onKeyDown={(event) => {
                    if (event.key === 'Enter' || event.key === ' ') {
                      event.preventDefault();
                      onChoose(proc.pid);
                    }
                  }}
                >
                  <td className="num mono">{proc.pid}</td>
                  <td className="mono ellipsis" title={proc.command}>
                    {proc.command}
                  </td>
                  <td className="mono">{proc.nodeVersion ?? '—'}</td>
                  <td>{proc.inspectorPort !== null ? <span className="pill pill-ok">open :{proc.inspectorPort}</span> : <span className="muted">closed</span>}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    );

  return (
    <div className="card">
      <div className="card-head">
        <h3>Node.js processes</h3>
        <button
          type="button"
          className="btn btn-small"
          data-testid="refresh-processes"
          onClick={() => void refresh()}
          disabled={processes.state === 'loading'}
        >
          {processes.state === 'loading' ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      {body}
    </div>
  );
}
