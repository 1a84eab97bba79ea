import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';

/** git's smart-http server, when the machine has git: undefined otherwise. */
export function gitHttpBackend(): string | undefined {
  try {
    const execPath = execFileSync('git', ['--exec-path'], {
      encoding: 'utf8',
    }).trim();
    const backend = path.join(execPath, 'git-http-backend');
    return fs.existsSync(backend) ? backend : undefined;
  } catch {
    return undefined;
  }
}

/** Answers a request that is not git's, or returns false to leave it to git. */
export type ApiHandler = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
) => boolean;

/**
 * Serves the bare repositories under `root` over http with git's own
 * smart-http server (`git http-backend` as a CGI), wanting `token` as the
 * basic-auth password as GitHub and GitLab do. An `api` handler may answer
 * other requests first, as GitHub Enterprise and self-managed GitLab serve
 * their REST APIs (`/api/v3`, `/api/v4`) from the host that serves git.
 */
export async function startGitHttpServer(options: {
  root: string;
  token: string;
  api?: ApiHandler;
}): Promise<{ baseUrl: string; host: string; close(): Promise<void> }> {
  const backend = gitHttpBackend();
  if (!backend) throw new Error('git http-backend is not installed');
  const server = http.createServer((req, res) => {
    if (options.api?.(req, res)) return;
    const [user, password] = Buffer.from(
      (req.headers.authorization ?? '').replace(/^Basic /, ''),
      'base64',
    )
      .toString()
      .split(':');
    if (password !== options.token) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' });
      res.end();
      return;
    }
    const requestUrl = new URL(req.url!, 'http://localhost');
    const cgi = spawn(backend, [], {
      env: {
        PATH: process.env.PATH,
        GIT_PROJECT_ROOT: options.root,
        GIT_HTTP_EXPORT_ALL: '1',
        REMOTE_USER: user,
        REQUEST_METHOD: req.method,
        PATH_INFO: requestUrl.pathname,
        QUERY_STRING: requestUrl.search.slice(1),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        ...(req.headers['content-length']
          ? { CONTENT_LENGTH: req.headers['content-length'] }
          : {}),
      },
    });
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let inBody = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (inBody) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      inBody = true;
      const headers: Record<string, string> = {};
      let status = 200;
      for (const line of head.subarray(0, end).toString().split('\r\n')) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = parseInt(value, 10);
        else headers[name] = value;
      }
      res.writeHead(status, headers);
      res.write(head.subarray(end + 4));
    });
    cgi.stdout.on('end', () => res.end());
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl: `http://${host}`,
    host,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
