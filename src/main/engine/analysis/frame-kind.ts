// Tells runtime, Node core, library and application frames apart, for colour and filtering.
import type { FrameKind } from '../../../shared/domain';

export function frameKind(url: string): FrameKind {
  if (url.startsWith('node:') || url.startsWith('internal/')) return 'node';
  // Frames without a script are V8's own: (program), (garbage collector), natives.
  if (url === '') return 'runtime';
  if (/[\\/]node_modules[\\/]/.test(url)) return 'library';
  return 'app';
}
