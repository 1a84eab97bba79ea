import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import git from 'isomorphic-git';
import type { ApiHandler } from './gitHttpServer';

/** A pull or merge request the stand-in opened. */
export type StandInPullRequest = {
  api: 'github' | 'gitlab';
  /** owner/repo on GitHub, the full project path on GitLab. */
  project: string;
  number: number;
  title: string;
  /** The proposed branch, and the commit it was at when the request was opened. */
  head: string;
  headSha: string;
  base: string;
  body: string;
  url: string;
  /** GitLab's remove_source_branch. */
  removeSourceBranch?: boolean;
  /** Open until the portal (or a test, playing people) closes or merges it. */
  state: 'open' | 'closed' | 'merged';
  /** Comments (GitHub) or notes (GitLab) posted on it. */
  comments: string[];
};

/** A request the stand-in received, as it arrived. */
export type StandInRequest = {
  method: string;
  /** The path as sent, percent-encoding included. */
  rawPath: string;
  headers: IncomingMessage['headers'];
  body: unknown;
};

type Answer = { status: number; body: unknown };

const GITHUB_DOCS =
  'https://docs.github.com/rest/pulls/pulls#create-a-pull-request';

/**
 * A STAND-IN for the REST APIs of GitHub (`POST /api/v3/repos/{owner}/{repo}/pulls`,
 * as GitHub Enterprise serves it) and GitLab (`POST /api/v4/projects/:id/merge_requests`):
 * neither can run on this machine. It checks what the docs require of a
 * request (method, path, the token in the documented header, the body's
 * required fields, that the proposed branch is really in the repository,
 * which it reads from the real bare repository) and answers in the documented
 * shapes and statuses (201 with `html_url`/`web_url`; 401, 404, 409 for
 * GitLab's duplicate, 422 for GitHub's validation failures). Where the docs
 * name no status (GitLab refusing a source branch that does not exist), the
 * stand-in's is a guess; the portal treats every answer but 201 alike.
 *
 * It also reads, comments on and closes a request it opened (GitHub
 * `pulls/{n}` and `issues/{n}/comments`, GitLab `merge_requests/:iid` and
 * `notes`), for proposals a newer one supersedes.
 *
 * What it does not prove: that GitHub or GitLab accept these requests, their
 * permission checks, rate limits, GitHub App tokens, or review and merge.
 */
export class CodeHostStandIn {
  readonly pullRequests: StandInPullRequest[] = [];
  readonly requests: StandInRequest[] = [];
  private failure?: Answer;

  constructor(
    private readonly options: {
      /** The bare repository of each project, by owner/repo or GitLab path. */
      projects: Record<string, string>;
      /** The token the integration is configured with. */
      token: string;
      /** Where the web UI would be, for the URLs in answers. */
      webBaseUrl: () => string;
    },
  ) {}

  /** Every later request with a valid token gets this answer instead of a request opened. */
  failWith(status: number, body: unknown) {
    this.failure = { status, body };
  }

  /** Answers requests again, after failWith. */
  recover() {
    this.failure = undefined;
  }

  readonly handler: ApiHandler = (req, res) => {
    const rawPath = req.url ?? '';
    const github = rawPath.match(/^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/pulls$/);
    const gitlab = rawPath.match(
      /^\/api\/v4\/projects\/([^/?]+)\/merge_requests$/,
    );
    // An existing request: read, commented on, closed.
    const githubOne = rawPath.match(
      /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/(pulls|issues)\/(\d+)(\/comments)?$/,
    );
    const gitlabOne = rawPath.match(
      /^\/api\/v4\/projects\/([^/?]+)\/merge_requests\/(\d+)(\/notes)?$/,
    );
    if (!rawPath.startsWith('/api/')) return false;
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      this.requests.push({
        method: req.method ?? '',
        rawPath,
        headers: req.headers,
        body,
      });
      let answer: Promise<Answer>;
      if (github) {
        answer = this.github(
          req,
          decodeURIComponent(github[1]),
          decodeURIComponent(github[2]),
          body,
        );
      } else if (gitlab) {
        answer = this.gitlab(req, gitlab[1], body);
      } else if (githubOne) {
        answer = Promise.resolve(
          this.existing(
            req,
            'github',
            `${decodeURIComponent(githubOne[1])}/${decodeURIComponent(
              githubOne[2],
            )}`,
            Number(githubOne[4]),
            githubWhat(githubOne[3], githubOne[5]),
            body,
          ),
        );
      } else if (gitlabOne) {
        answer = Promise.resolve(
          this.existing(
            req,
            'gitlab',
            decodeURIComponent(gitlabOne[1]),
            Number(gitlabOne[2]),
            gitlabOne[3] ? 'comment' : 'request',
            body,
          ),
        );
      } else {
        // GitLab's answer to a route it does not have (an unencoded project path, say).
        answer = Promise.resolve({
          status: 404,
          body: { error: '404 Not Found' },
        });
      }
      answer.then(
        a => send(res, a),
        error => send(res, { status: 500, body: { message: String(error) } }),
      );
    });
    return true;
  };

  private async github(
    req: IncomingMessage,
    owner: string,
    repo: string,
    body: unknown,
  ): Promise<Answer> {
    const notFound = {
      status: 404,
      body: { message: 'Not Found', documentation_url: GITHUB_DOCS },
    };
    if (req.method !== 'POST') return notFound;
    const auth = req.headers.authorization ?? '';
    if (
      auth !== `Bearer ${this.options.token}` &&
      auth !== `token ${this.options.token}`
    ) {
      return {
        status: 401,
        body: {
          message: 'Bad credentials',
          documentation_url: 'https://docs.github.com/rest',
        },
      };
    }
    const version = req.headers['x-github-api-version'];
    if (version !== undefined && version !== '2022-11-28') {
      return {
        status: 400,
        body: {
          message: `API version ${version} is not supported.`,
          documentation_url: GITHUB_DOCS,
        },
      };
    }
    const project = `${owner}/${repo}`;
    const gitdir = this.options.projects[project];
    if (!gitdir) return notFound;
    if (this.failure) return this.failure;
    const fields = (body ?? {}) as Record<string, unknown>;
    const invalid = (errors: object[]) => ({
      status: 422,
      body: {
        message: 'Validation Failed',
        errors,
        documentation_url: GITHUB_DOCS,
      },
    });
    const missing = ['title', 'head', 'base'].filter(
      f => typeof fields[f] !== 'string',
    );
    if (missing.length > 0) {
      return invalid(
        missing.map(field => ({
          resource: 'PullRequest',
          code: 'missing_field',
          field,
        })),
      );
    }
    const head = fields.head as string;
    const base = fields.base as string;
    const [headSha, baseSha] = await Promise.all([
      branchAt(gitdir, head),
      branchAt(gitdir, base),
    ]);
    if (!headSha)
      return invalid([
        { resource: 'PullRequest', field: 'head', code: 'invalid' },
      ]);
    if (!baseSha)
      return invalid([
        { resource: 'PullRequest', field: 'base', code: 'invalid' },
      ]);
    if (headSha === baseSha) {
      return invalid([
        {
          resource: 'PullRequest',
          code: 'custom',
          message: `No commits between ${base} and ${head}`,
        },
      ]);
    }
    if (this.pullRequests.some(p => p.project === project && p.head === head)) {
      return invalid([
        {
          resource: 'PullRequest',
          code: 'custom',
          message: `A pull request already exists for ${owner}:${head}.`,
        },
      ]);
    }
    const number = this.pullRequests.length + 1;
    const url = `${this.options.webBaseUrl()}/${project}/pull/${number}`;
    this.pullRequests.push({
      api: 'github',
      project,
      number,
      title: fields.title as string,
      head,
      headSha,
      base,
      body: typeof fields.body === 'string' ? fields.body : '',
      url,
      state: 'open',
      comments: [],
    });
    return {
      status: 201,
      body: {
        url: `${this.options.webBaseUrl()}/api/v3/repos/${project}/pulls/${number}`,
        id: 1000 + number,
        html_url: url,
        number,
        state: 'open',
        title: fields.title,
        body: fields.body ?? null,
        head: { ref: head, sha: headSha },
        base: { ref: base, sha: baseSha },
      },
    };
  }

  /**
   * GitHub's `GET`/`PATCH /repos/{owner}/{repo}/pulls/{n}` and `POST
   * /repos/{owner}/{repo}/issues/{n}/comments`; GitLab's `GET`/`PUT
   * /projects/:id/merge_requests/:iid` and `POST .../notes`, each answered in
   * its documented shape (state `open`/`closed` on GitHub, `opened`/`closed`/
   * `merged` on GitLab; 201 for a comment, 200 for a read or an update).
   */
  private existing(
    req: IncomingMessage,
    api: 'github' | 'gitlab',
    project: string,
    number: number,
    what: 'request' | 'comment' | 'none',
    body: unknown,
  ): Answer {
    const token =
      req.headers.authorization === `Bearer ${this.options.token}` ||
      req.headers.authorization === `token ${this.options.token}` ||
      req.headers['private-token'] === this.options.token;
    if (!token) return { status: 401, body: { message: 'Bad credentials' } };
    const pull = this.pullRequests.find(
      p => p.api === api && p.project === project && p.number === number,
    );
    if (!pull || what === 'none') {
      return { status: 404, body: { message: 'Not Found' } };
    }
    if (this.failure) return this.failure;
    const fields = (body ?? {}) as Record<string, unknown>;
    // GitHub says closed for a merged request; GitLab names all three.
    let state: string = pull.state;
    if (api === 'github' && pull.state === 'merged') state = 'closed';
    if (api === 'gitlab' && pull.state === 'open') state = 'opened';
    if (what === 'comment') {
      if (req.method !== 'POST' || typeof fields.body !== 'string') {
        return { status: 422, body: { message: 'Validation Failed' } };
      }
      pull.comments.push(fields.body);
      return {
        status: 201,
        body: { id: pull.comments.length, body: fields.body },
      };
    }
    if (req.method === 'GET') {
      return {
        status: 200,
        body: { number, iid: number, state, merged: pull.state === 'merged' },
      };
    }
    const closing =
      (api === 'github' &&
        req.method === 'PATCH' &&
        fields.state === 'closed') ||
      (api === 'gitlab' &&
        req.method === 'PUT' &&
        fields.state_event === 'close');
    if (!closing)
      return { status: 422, body: { message: 'Validation Failed' } };
    if (pull.state === 'merged') {
      return { status: 422, body: { message: 'Pull request is merged' } };
    }
    pull.state = 'closed';
    return { status: 200, body: { number, iid: number, state: 'closed' } };
  }

  private async gitlab(
    req: IncomingMessage,
    encodedId: string,
    body: unknown,
  ): Promise<Answer> {
    if (req.method !== 'POST')
      return { status: 405, body: { error: '405 Not Allowed' } };
    const bearer = req.headers.authorization === `Bearer ${this.options.token}`;
    const privateToken = req.headers['private-token'] === this.options.token;
    if (!bearer && !privateToken)
      return { status: 401, body: { message: '401 Unauthorized' } };
    const project = decodeURIComponent(encodedId);
    const gitdir = this.options.projects[project];
    if (!gitdir)
      return { status: 404, body: { message: '404 Project Not Found' } };
    if (this.failure) return this.failure;
    const fields = (body ?? {}) as Record<string, unknown>;
    const missing = ['source_branch', 'target_branch', 'title'].filter(
      f => typeof fields[f] !== 'string',
    );
    if (missing.length > 0) {
      return {
        status: 400,
        body: { error: missing.map(f => `${f} is missing`).join(', ') },
      };
    }
    const head = fields.source_branch as string;
    const base = fields.target_branch as string;
    const headSha = await branchAt(gitdir, head);
    if (!headSha) {
      return {
        status: 422,
        body: { message: [`Source branch "${head}" does not exist`] },
      };
    }
    const open = this.pullRequests.find(
      p => p.project === project && p.head === head,
    );
    if (open) {
      return {
        status: 409,
        body: {
          message: [
            `Another open merge request already exists for this source branch: !${open.number}`,
          ],
        },
      };
    }
    const number = this.pullRequests.length + 1;
    const url = `${this.options.webBaseUrl()}/${project}/-/merge_requests/${number}`;
    this.pullRequests.push({
      api: 'gitlab',
      project,
      number,
      title: fields.title as string,
      head,
      headSha,
      base,
      body: typeof fields.description === 'string' ? fields.description : '',
      url,
      removeSourceBranch: fields.remove_source_branch === true,
      state: 'open',
      comments: [],
    });
    return {
      status: 201,
      body: {
        id: 2000 + number,
        iid: number,
        title: fields.title,
        description: fields.description ?? null,
        state: 'opened',
        source_branch: head,
        target_branch: base,
        sha: headSha,
        web_url: url,
      },
    };
  }
}

/** What a GitHub path below a request is about: the request, its comments, or neither. */
function githubWhat(
  collection: string,
  comments: string | undefined,
): 'request' | 'comment' | 'none' {
  if (collection === 'issues' && comments !== undefined) return 'comment';
  if (collection === 'pulls' && comments === undefined) return 'request';
  return 'none';
}

async function branchAt(
  gitdir: string,
  branch: string,
): Promise<string | undefined> {
  return git
    .resolveRef({ fs, gitdir, ref: `refs/heads/${branch}` })
    .catch(() => undefined);
}

function send(res: ServerResponse, answer: Answer) {
  res.writeHead(answer.status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(answer.body));
}
