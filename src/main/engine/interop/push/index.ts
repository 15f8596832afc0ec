export { type PushedSignal, pushOtlp, spansWithSamples } from './otlp-push';
export { type PushedProfile, pushPyroscope } from './pyroscope-push';
