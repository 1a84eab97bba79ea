import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the stand-in answers one request; see the `answer*` functions. */
export type ScriptedAnswer = (res: http.ServerResponse) => void;

/** The kind a {@link ScriptedApiServer} serves. */
export type ScriptedKind = {
  /** `group/version`; only API groups (`/apis/...`), not the core group. */
  apiVersion: string;
  kind: string;
  plural: string;
};

/** A list or watch request the stand-in received. */
export type ScriptedRequest = {
  kind: 'list' | 'watch';
  /** The resourceVersion asked for. */
  rv?: string;
  /** The continue token of a paged list. */
  continue?: string;
};

/**
 * A stand-in apiserver for what a real one does rarely: expire a
 * resourceVersion (410 Gone), fail, or close a watch at once. It serves one
 * namespaced kind across all namespaces: discovery of its group version is
 * answered, and each list and each watch of its collection takes the next
 * scripted answer (500 when none is left). Anything else is 404, as for a
 * kind nobody serves.
 */
export class ScriptedApiServer {
  /** The lists and watches received, in order. */
  readonly requests: ScriptedRequest[] = [];
  /** When each of {@link ScriptedApiServer.requests} came (ms since the epoch). */
  readonly times: number[] = [];
  /** The watches whose responses are still open. */
  readonly openWatches = new Set<http.ServerResponse>();
  private readonly server: http.Server;

  constructor(
    served: ScriptedKind,
    lists: ScriptedAnswer[],
    watches: ScriptedAnswer[],
  ) {
    const discovery = `/apis/${served.apiVersion}`;
    const collection = `${discovery}/${served.plural}`;
    this.server = http.createServer((req, res) => {
      const url = new URL(req.url!, 'http://localhost');
      if (url.pathname === discovery) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            kind: 'APIResourceList',
            groupVersion: served.apiVersion,
            resources: [
              {
                name: served.plural,
                namespaced: true,
                kind: served.kind,
                verbs: ['list', 'watch'],
              },
            ],
          }),
        );
        return;
      }
      if (url.pathname !== collection) {
        res.writeHead(404).end();
        return;
      }
      const kind = url.searchParams.get('watch') === 'true' ? 'watch' : 'list';
      this.requests.push({
        kind,
        rv: url.searchParams.get('resourceVersion') ?? undefined,
        continue: url.searchParams.get('continue') ?? undefined,
      });
      this.times.push(Date.now());
      const answer = kind === 'watch' ? watches.shift() : lists.shift();
      if (!answer) {
        res.writeHead(500).end();
        return;
      }
      if (kind === 'watch') {
        this.openWatches.add(res);
        res.on('close', () => this.openWatches.delete(res));
      }
      answer(res);
    });
  }

  /** Listens on a free loopback port; resolves to the server's URL. */
  async start(): Promise<string> {
    await new Promise<void>(resolve =>
      this.server.listen(0, '127.0.0.1', resolve),
    );
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise(resolve => this.server.close(resolve));
  }
}

/** A list (one page, with `continueToken` when more follow). */
export function answerList(
  resourceVersion: string,
  items: unknown[],
  continueToken?: string,
): ScriptedAnswer {
  return res =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        kind: 'List',
        metadata: {
          resourceVersion,
          ...(continueToken ? { continue: continueToken } : {}),
        },
        items,
      }),
    );
}

/** A watch that sends `events` (`{ type, object }`) and stays open. */
export function answerWatch(...events: unknown[]): ScriptedAnswer {
  return res => {
    res.writeHead(200, { 'content-type': 'application/json' });
    for (const event of events) res.write(`${JSON.stringify(event)}\n`);
  };
}

/** A watch the apiserver ends at once, without an event. */
export const answerClosedWatch: ScriptedAnswer = res =>
  res.writeHead(200, { 'content-type': 'application/json' }).end();

/** An HTTP error status, without a body. */
export function answerStatus(status: number): ScriptedAnswer {
  return res => res.writeHead(status).end();
}
