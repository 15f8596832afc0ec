// Cost of the HTTP spans agent to the service it watches: requests per second (and the server's
// CPU µs per request) of a small HTTP server under sequential keep-alive load, with no client
// attached vs with a recording that has only the agent. One target, windows interleaved, medians.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine } from '../../src/main/engine/engine';
import { median } from './statistics';
import { startBenchTarget } from './target-process';

const SERVER = fileURLToPath(new URL('../fixtures/agent-http-server.cjs', import.meta.url));

// The load runs in its own process so the engine (validating and storing spans) never delays it.
// It reads the server's CPU time before and after through /cpu, and prints one result line.
const LOAD_GENERATOR = `
const http = require('node:http');
const [port, count] = process.argv.slice(1).map(Number);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const get = (path) => new Promise((done, fail) => {
  const req = http.request({ host: '127.0.0.1', port, path, agent }, (res) => {
    let body = '';
    res.on('data', (chunk) => (body += chunk));
    res.on('end', () => done(body));
  });
  req.on('error', fail);
  req.end();
});
const cpuUs = async () => { const u = JSON.parse(await get('/cpu')); return u.user + u.system; };
(async () => {
  const cpuBefore = await cpuUs();
  const started = performance.now();
  for (let i = 0; i < count; i++) await get('/hello');
  const wallMs = performance.now() - started;
  const cpuAfter = await cpuUs();
  process.stdout.write(JSON.stringify({ perSec: (count / wallMs) * 1000, cpuUsPerRequest: (cpuAfter - cpuBefore) / count }));
  agent.destroy();
})();
`;

export interface AgentOverheadOptions {
  /** Windows per configuration; the configurations alternate, starting with a different one each round. */
  rounds: number;
  requestsPerWindow: number;
  warmupRequests: number;
}

const DEFAULTS: AgentOverheadOptions = { rounds: 5, requestsPerWindow: 3000, warmupRequests: 2000 };

interface Window {
  perSec: number;
  cpuUsPerRequest: number;
}

function load(port: number, count: number): Promise<Window> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['-e', LOAD_GENERATOR, String(port), String(count)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', fail);
    child.on('exit', (code) => {
      if (code === 0) done(JSON.parse(out) as Window);
      else fail(new Error(`load generator exited with ${code}: ${err.slice(-500)}`));
    });
  });
}

/**
 * Medians of requests/s and of server CPU µs per request with no client and with the agent
 * recording, their ratios (agent / none), and spans stored per request (1 when none were lost).
 */
export async function benchAgentOverhead(options: Partial<AgentOverheadOptions> = {}): Promise<Record<string, number>> {
  const { rounds, requestsPerWindow, warmupRequests } = { ...DEFAULTS, ...options };
  const dir = mkdtempSync(join(tmpdir(), 'parallax-agent-bench-'));
  const engine = Engine.open({ storePath: join(dir, 'store.sqlite') });
  // The inspector is open in both configurations, so only the attached recording differs.
  const target = await startBenchTarget(SERVER, ['--inspect=127.0.0.1:0']);
  const none: Window[] = [];
  const withAgent: Window[] = [];
  let spans = 0;
  try {
    const port = Number(/^port (\d+)$/.exec(await target.nextLine(/^port \d+$/, 5000))?.[1]);
    await load(port, warmupRequests);
    for (let round = 0; round < rounds; round++) {
      for (const config of round % 2 ? (['agent', 'none'] as const) : (['none', 'agent'] as const)) {
        if (config === 'none') {
          none.push(await load(port, requestsPerWindow));
          continue;
        }
        const { sessionId } = await engine.startRecording({ target: { kind: 'ws', url: target.wsUrl! }, signals: ['agent'] });
        try {
          withAgent.push(await load(port, requestsPerWindow));
        } finally {
          await engine.stopRecording(sessionId);
        }
        spans += (await engine.getSummary(sessionId)).counts.spans;
      }
    }
  } finally {
    await target.stop();
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const perSec = { none: median(none.map((w) => w.perSec)), agent: median(withAgent.map((w) => w.perSec)) };
  const cpuUs = { none: median(none.map((w) => w.cpuUsPerRequest)), agent: median(withAgent.map((w) => w.cpuUsPerRequest)) };
  return {
    'agent.none.requestsPerSec': perSec.none,
    'agent.installed.requestsPerSec': perSec.agent,
    'agent.throughputRatio': perSec.agent / perSec.none,
    'agent.none.serverCpuUsPerRequest': cpuUs.none,
    'agent.installed.serverCpuUsPerRequest': cpuUs.agent,
    'agent.serverCpuRatio': cpuUs.agent / cpuUs.none,
    // Each window's /cpu reads are requests too: 2 extra spans per window.
    'agent.spansPerRequest': spans / (rounds * (requestsPerWindow + 2)),
  };
}
