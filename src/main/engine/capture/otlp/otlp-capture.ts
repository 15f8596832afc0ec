// The otlp signal: starts the receiver before the target runs and hands a launched target its
// address in OTEL_EXPORTER_OTLP_ENDPOINT (no protocol is forced: the SDK's choice of JSON or
// protobuf is taken as it comes). Refusals are kept on the session as 'otlp.rejected'.
import type { PreLaunchCapture, RecordingContext } from '../capture';
import { OtlpReceiver } from './receiver';

/** Refusal counts are written to the session at most this often (a flood must not flood the store). */
const NOTE_EVERY_MS = 500;

export async function startOtlpCapture(context: RecordingContext): Promise<PreLaunchCapture | null> {
  if (!context.signals.has('otlp')) return null;
  let noteTimer: NodeJS.Timeout | null = null;
  let latest: Readonly<Record<string, number>> | null = null;
  const writeNote = (): void => {
    noteTimer = null;
    if (latest) context.note('otlp.rejected', JSON.stringify(latest));
  };
  const receiver = await OtlpReceiver.start({
    store: context.store,
    writer: context.writer,
    port: context.request.otlpPort,
    onTally: (counts) => {
      latest = counts;
      noteTimer ??= setTimeout(writeNote, NOTE_EVERY_MS);
    },
  });
  context.note('otlp.endpoint', receiver.endpoint);
  return {
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint },
    stop: async () => {
      await receiver.close();
      if (noteTimer) clearTimeout(noteTimer);
      writeNote();
    },
  };
}
