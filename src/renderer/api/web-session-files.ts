// Session files through the web host: export is a token-checked download, import a streamed
// upload of the picked file; the host answers errors as one plain-text line.
import { type ExportRequest, type PickedFile, type SessionFiles, WINDOW_EXPORT_FORMATS } from '../../shared/api';
import { ParallaxError } from '../../shared/errors';

/** The host's file routes, with the page's token. */
export function fileRouteUrl(loc: Pick<Location, 'origin' | 'search'>, route: 'export' | 'import', params: Record<string, string> = {}): string {
  const token = new URLSearchParams(loc.search).get('token') ?? '';
  return `${loc.origin}/files/${route}?${new URLSearchParams({ token, ...params }).toString()}`;
}

async function refusal(response: Response): Promise<ParallaxError> {
  const text = (await response.text()).trim() || `The host answered ${response.status}`;
  return new ParallaxError(response.status === 404 ? 'not-found' : 'bad-request', text);
}

/** "attachment; filename=x.parallax" → x.parallax (the host sends plain ASCII names). */
function fileNameOf(response: Response, fallback: string): string {
  const match = /filename="?([^";]+)"?/.exec(response.headers.get('Content-Disposition') ?? '');
  return match?.[1] ?? fallback;
}

export function createWebSessionFiles(loc: Pick<Location, 'origin' | 'search'>): SessionFiles {
  return {
    async exportSession(sessionId: string, request: ExportRequest): Promise<boolean> {
      const response = await fetch(fileRouteUrl(loc, 'export', { session: sessionId, format: request.format, redact: request.redact ? '1' : '0' }));
      if (!response.ok) throw await refusal(response);
      const blob = await response.blob();
      const url = URL.createObjectURL(blob);
      try {
        const link = document.createElement('a');
        link.href = url;
        link.download = fileNameOf(response, `${sessionId.slice(0, 8)}${WINDOW_EXPORT_FORMATS[request.format].extension}`);
        document.body.append(link);
        link.click();
        link.remove();
      } finally {
        // The browser has the blob once the click is handled; free it on the next turn.
        setTimeout(() => URL.revokeObjectURL(url), 0);
      }
      return true;
    },
    async importSessionFile(file: PickedFile): Promise<{ sessionId: string }> {
      const response = await fetch(fileRouteUrl(loc, 'import', { name: file.name }), {
        method: 'POST',
        headers: { 'Content-Type': 'application/octet-stream' },
        body: file,
      });
      if (!response.ok) throw await refusal(response);
      const body = (await response.json()) as { sessionId?: unknown };
      if (typeof body.sessionId !== 'string') throw new ParallaxError('internal', 'The host did not say which session it imported');
      return { sessionId: body.sessionId };
    },
  };
}
