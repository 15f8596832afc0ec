// Public face of the inspector layer: discover Node processes, attach to or launch a target, talk to it.
export { InspectorConnection, type NodeCommands, type NodeEvents } from './connection';
export { listNodeProcesses, findListeningPorts, isNodeProcess, describeProcess, type ListeningPort, type ProcessDescription } from './processes';
export { listInspectorTargets, inspectorVersion, type InspectorTarget } from './http-endpoints';
export { resolveTarget, detachTarget, type ResolvedTarget, type ResolveOptions } from './attach';
export { launchTarget, type LaunchedTarget, type LaunchOptions } from './launch';
