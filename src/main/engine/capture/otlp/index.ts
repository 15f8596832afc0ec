// The otlp signal: a loopback OTLP/HTTP receiver for spans, logs and metrics.
export { startOtlpCapture } from './otlp-capture';
export { MAX_BODY_BYTES, OtlpReceiver, type OtlpReceiverOptions } from './receiver';
