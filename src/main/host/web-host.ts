// `parallax serve`: the built renderer and the Api over a WebSocket, on loopback, behind a token.
//
// Access design. The printed URL carries a random per-run token. index.html is served only
// with `?token=` equal to it; the page reads the token from its own URL and opens
// `ws://HOST/api?token=...`, where the token, Host and Origin are all checked. Along with
// index.html the host sets an HttpOnly, SameSite=Strict cookie holding a *different* random
// key that unlocks only the static assets (the page's scripts and styles fetch them without the
// query). Cookies are not isolated by port, so another service on 127.0.0.1 may see that cookie;
// it therefore grants nothing but public renderer files, never the Api.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ParallaxError, messageOf } from '../../shared/errors';
import type { ApiWithEvents } from '../api-dispatch';
import { createApiSocketServer } from './api-socket';
import { CONTENT_SECURITY_POLICY } from './content-security-policy';
import { type HostSessionFiles, handleFileRoute } from './file-routes';
import {
  cookieValue,
  isAllowedHost,
  isAllowedOrigin,
  refuseUpgrade,
  secretMatches,
  sendPlain,
  splitTarget,
} from './request-guard';
import { lookupStaticFile, sendFile } from './static-files';

/** Sent with every HTTP response. Deliberately no Access-Control-* header of any kind. */
const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

export interface WebHostOptions {
  /** TCP port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** The built renderer (out/renderer): index.html and assets/. */
  rendererDir: string;
  /** Export and import of session files (/files/*); absent, those routes answer 404. */
  files?: HostSessionFiles;
}

export interface WebHost {
  /** `http://127.0.0.1:PORT/?token=TOKEN`, the address to open. */
  url: string;
  token: string;
  /** Closes every socket and the server; the Api (Engine) stays open, it belongs to the caller. */
  close(): Promise<void>;
}

/** Starts the web host. Rejects with a ParallaxError when the renderer is missing or the port is taken. */
export async function startWebHost(api: ApiWithEvents, options: WebHostOptions): Promise<WebHost> {
  const rootReal = await rendererRoot(options.rendererDir);
  const token = randomBytes(32).toString('base64url');
  const assetKey = randomBytes(32).toString('base64url');
  const sockets = createApiSocketServer(api);

  let port = 0;
  const cookieName = (): string => `parallax_assets_${port}`;

  const server = createServer((req, res) => {
    handleHttp(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendPlain(res, 500, `Internal error: ${messageOf(error)}`, SECURITY_HEADERS);
      else res.destroy();
    });
  });

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isAllowedHost(req.headers.host, port)) {
      sendPlain(res, 403, 'Forbidden: unexpected Host header.', SECURITY_HEADERS);
      return;
    }
    const target = splitTarget(req.url);
    if (await handleFileRoute(req, res, { ...target, port, token, files: options.files, headers: SECURITY_HEADERS })) return;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendPlain(res, 405, 'Method not allowed.', { ...SECURITY_HEADERS, Allow: 'GET, HEAD' });
      return;
    }
    const headOnly = req.method === 'HEAD';
    const { rawPath, query } = splitTarget(req.url);

    if (rawPath === '/' || rawPath === '/index.html') {
      if (!secretMatches(query.get('token'), token)) {
        sendPlain(res, 403, 'Forbidden: open the address printed by `parallax serve` (it carries the token).', SECURITY_HEADERS);
        return;
      }
      const cookie = `${cookieName()}=${assetKey}; Path=/; HttpOnly; SameSite=Strict`;
      await sendFile(res, join(rootReal, 'index.html'), headOnly, { ...SECURITY_HEADERS, 'Set-Cookie': cookie });
      return;
    }
    if (rawPath === '/api') {
      sendPlain(res, 426, 'The Api is served over WebSocket only.', { ...SECURITY_HEADERS, Upgrade: 'websocket' });
      return;
    }
    const allowed =
      secretMatches(cookieValue(req.headers.cookie, cookieName()), assetKey) || secretMatches(query.get('token'), token);
    if (!allowed) {
      sendPlain(res, 403, 'Forbidden: open the address printed by `parallax serve` first.', SECURITY_HEADERS);
      return;
    }
    const found = await lookupStaticFile(rootReal, rawPath);
    if (found.kind === 'forbidden') sendPlain(res, 403, 'Forbidden path.', SECURITY_HEADERS);
    else if (found.kind === 'missing') sendPlain(res, 404, 'Not found.', SECURITY_HEADERS);
    else await sendFile(res, found.path, headOnly, SECURITY_HEADERS);
  }

  server.on('upgrade', (req, socket, head) => {
    const { rawPath, query } = splitTarget(req.url);
    if (rawPath !== '/api') return refuseUpgrade(socket, 404, 'Not found.');
    if (!isAllowedHost(req.headers.host, port)) return refuseUpgrade(socket, 403, 'Forbidden: unexpected Host header.');
    if (!isAllowedOrigin(req.headers.origin, port)) return refuseUpgrade(socket, 403, 'Forbidden: unexpected Origin.');
    if (!secretMatches(query.get('token'), token)) return refuseUpgrade(socket, 403, 'Forbidden: missing or wrong token.');
    sockets.accept(req, socket, head);
  });

  try {
    port = await listenOnLoopback(server, options.port ?? 0);
  } catch (error) {
    await sockets.close();
    throw error;
  }

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    token,
    async close() {
      await sockets.close();
      await new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      });
    },
  };
}

async function rendererRoot(dir: string): Promise<string> {
  try {
    const root = await realpath(dir);
    if ((await stat(join(root, 'index.html'))).isFile()) return root;
  } catch {
    // Reported below with what to do about it.
  }
  throw new ParallaxError('not-found', `No built renderer in ${dir} (index.html is missing); run \`npm run build\` first.`);
}

function listenOnLoopback(server: Server, port: number): Promise<number> {
  return new Promise((resolveListen, rejectListen) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      rejectListen(
        error.code === 'EADDRINUSE'
          ? new ParallaxError('bad-request', `Port ${port} on 127.0.0.1 is already in use; choose another one.`)
          : new ParallaxError('internal', `Could not listen on 127.0.0.1:${port}: ${error.message}`),
      );
    };
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolveListen((server.address() as AddressInfo).port);
    });
  });
}
