// The `agent` signal: HTTP spans from an injected diagnostics_channel agent.
export { AGENT_GLOBAL, SPANS_BINDING } from './agent-source';
export { HttpSpansAgentCapture, startHttpSpansAgent } from './http-spans-agent';
export { formatTraceparent, parseTraceparent } from './traceparent';
