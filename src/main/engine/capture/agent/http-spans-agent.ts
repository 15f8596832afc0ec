// The `agent` signal: installs the HTTP spans agent in a target that has no OpenTelemetry,
// receives its batches through a CDP binding, stores them as spans, and removes it all at stop.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { messageOf } from '../../../../shared/errors';
import type { InspectorSession } from '../../inspector/connection';
import type { NewSpan } from '../../store/spans';
import { MAIN_THREAD_ID } from '../../store/threads';
import type { Capture, RecordingContext } from '../capture';
import {
  type AgentConfig,
  SPANS_BINDING,
  agentInstallExpression,
  agentReleaseExpression,
  agentRenewExpression,
} from './agent-source';
import { decodeAgentBatch } from './agent-wire';

export const AGENT_BATCH_INTERVAL_MS = 100;
export const AGENT_BATCH_MAX_SPANS = 100;
const AGENT_MAX_QUEUED_SPANS = 10_000;
/** The agent removes itself when nobody renewed it for this long (Parallax gone without a stop). */
const AGENT_LEASE_MS = 30_000;
const RENEW_EVERY_MS = 5000;
const installResultSchema = z.object({
  state: z.enum(['installed', 'present']),
  resource: z.record(z.string(), z.union([z.string().max(300), z.number()])),
});

const statsSchema = z.object({ sent: z.number(), dropped: z.number() }).nullable();

/** What was refused, for the session's notes. */
export interface AgentIntake {
  spans: number;
  badPayloads: number;
  badSpans: number;
  /** Spans the agent itself could not deliver (queue full, binding gone), as it last reported. */
  droppedInTarget: number;
}

/** Starts the agent capture; null (with a warning) when the agent cannot be installed in this target. */
export async function startHttpSpansAgent(context: RecordingContext, main: InspectorSession): Promise<Capture | null> {
  const capture = new HttpSpansAgentCapture(context, main);
  try {
    await capture.start();
    return capture;
  } catch (error) {
    await capture.stop().catch(() => undefined);
    context.warn(`The HTTP spans agent could not be installed: ${messageOf(error)}`);
    return null;
  }
}

export class HttpSpansAgentCapture implements Capture {
  readonly intake: AgentIntake = { spans: 0, badPayloads: 0, badSpans: 0, droppedInTarget: 0 };
  private readonly config: AgentConfig;
  private resource: Record<string, string | number> = {};
  private offBinding: (() => void) | null = null;
  private renewTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly context: RecordingContext,
    private readonly main: InspectorSession,
  ) {
    this.config = {
      holderId: randomBytes(8).toString('hex'),
      bindingName: SPANS_BINDING,
      batchIntervalMs: AGENT_BATCH_INTERVAL_MS,
      batchMaxSpans: AGENT_BATCH_MAX_SPANS,
      maxQueuedSpans: AGENT_MAX_QUEUED_SPANS,
      leaseMs: AGENT_LEASE_MS,
    };
  }

  async start(): Promise<void> {
    // The binding is heard without Runtime.enable (research/inspector.md §9.2).
    this.offBinding = this.main.on('Runtime.bindingCalled', (event) => {
      if (event.name === SPANS_BINDING) this.receive(event.payload);
    });
    await this.main.send('Runtime.addBinding', { name: SPANS_BINDING });
    await this.install();
    this.renewTimer = setInterval(() => void this.renew(), RENEW_EVERY_MS);
  }

  /** Flushes the agent, uninstalls it (unless another recording still holds it) and removes the binding. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.renewTimer) clearInterval(this.renewTimer);
    try {
      if (!this.main.isClosed) {
        // The flush's binding calls reach this session before the evaluation's reply does.
        this.noteStats(await this.main.evaluate<unknown>(agentReleaseExpression(this.config.holderId)));
        await this.main.send('Runtime.removeBinding', { name: SPANS_BINDING });
      }
    } finally {
      this.offBinding?.();
      this.offBinding = null;
      const { spans, badPayloads, badSpans, droppedInTarget } = this.intake;
      this.context.note('agent.spans', `${spans} spans; ${badPayloads} bad payloads and ${badSpans} bad spans skipped; ${droppedInTarget} dropped in the target`);
    }
  }

  /** Takes one binding payload from the target: untrusted, so every field is checked. */
  receive(payload: string): void {
    const batch = decodeAgentBatch(payload);
    if (!batch) {
      this.intake.badPayloads++;
      return;
    }
    this.intake.badSpans += batch.badSpans;
    this.intake.droppedInTarget = Math.max(this.intake.droppedInTarget, batch.droppedInTarget);
    if (batch.spans.length === 0) return;
    const resource = this.resource;
    const spans: NewSpan[] = batch.spans.map((span) => ({ ...span, thread: MAIN_THREAD_ID, source: 'agent', resource }));
    this.intake.spans += spans.length;
    const { store, sessionId } = this.context;
    this.context.writer.enqueue(() => {
      for (const span of spans) store.spans.insert(sessionId, span);
    }, { kind: 'spans', n: spans.length });
  }

  private async install(): Promise<void> {
    // includeCommandLineAPI gives `require` on Node versions without process.getBuiltinModule.
    const reply = await this.main.evaluate<unknown>(agentInstallExpression(this.config), { includeCommandLineAPI: true });
    const result = installResultSchema.parse(reply);
    this.resource = result.resource;
    this.context.note('agent', result.state === 'installed' ? 'installed' : 'already installed by another recording; shared');
  }

  private async renew(): Promise<void> {
    if (this.stopped || this.main.isClosed) return;
    try {
      const stats = await this.main.evaluate<unknown>(agentRenewExpression(this.config.holderId));
      // The agent removed itself (its lease ran out while the target was stuck): put it back.
      if (stats === null && !this.stopped) await this.install();
      else this.noteStats(stats);
    } catch (error) {
      if (!this.main.isClosed && !this.stopped) this.context.warn(`The HTTP spans agent did not answer: ${messageOf(error)}`);
    }
  }

  private noteStats(reply: unknown): void {
    const stats = statsSchema.safeParse(reply);
    if (stats.success && stats.data) this.intake.droppedInTarget = Math.max(this.intake.droppedInTarget, stats.data.dropped);
  }
}
