// The captures that run once per target process, chosen by signal. Each signal's module adds
// itself here; pre-launch captures start before a launched target runs, to hand it their address.
import { startHttpSpansAgent } from './agent';
import type { Capture, PreLaunchCapture, ProcessCaptureInput, RecordingContext } from './capture';
import { MetricsCapture } from './metrics';
import { startOtlpCapture } from './otlp';
import { startPrometheusCapture } from './prometheus';
import { startStdoutCapture } from './stdout';
import { checkTraceRequest, startPerfObserverCapture, startTraceCapture } from './trace';
import { startWorkersCapture } from './workers';

type ProcessCaptureStarter = (input: ProcessCaptureInput) => Promise<Capture | null>;
type PreLaunchCaptureStarter = (context: RecordingContext) => Promise<PreLaunchCapture | null>;

/** Started before the target is reached (before a launched target runs). */
export const preLaunchCaptures: PreLaunchCaptureStarter[] = [checkTraceRequest, startStdoutCapture, startOtlpCapture];

/** Started once the main thread's captures run, before a launched target runs: no evaluations. */
export const processCaptures: ProcessCaptureStarter[] = [startWorkersCapture, startTraceCapture];

/** Started once the target runs: these may evaluate code in it. */
export const runningProcessCaptures: ProcessCaptureStarter[] = [
  async ({ context, main }) => (context.signals.has('agent') ? startHttpSpansAgent(context, main) : null),
  async ({ context, main }) => {
    if (!context.signals.has('metrics')) return null;
    const metrics = new MetricsCapture(main, context.writer, (e) => context.fail(e));
    await metrics.start();
    return metrics;
  },
  startPrometheusCapture,
  startPerfObserverCapture,
];
