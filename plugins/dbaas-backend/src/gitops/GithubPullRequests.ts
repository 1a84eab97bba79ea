import type { GithubCredentialsProvider } from '@backstage/integration';
import { closeRequest } from './closeRequest';
import { PullRequestError } from './PullRequestError';
import {
  CODE_HOST_TIMEOUT_MS,
  type OpenedPullRequest,
  type PullRequestOpener,
  type PullRequestProposal,
} from './PullRequestOpener';

/**
 * Pull requests on GitHub or GitHub Enterprise through the REST API
 * (`POST /repos/{owner}/{repo}/pulls`), with the credentials of the Backstage
 * GitHub integration for the repository's host: its token, or an installation
 * token of its GitHub App, asked for at every request as those expire.
 */
export class GithubPullRequests implements PullRequestOpener {
  readonly hostName = 'GitHub';
  private readonly owner: string;
  private readonly repo: string;

  constructor(
    private readonly options: {
      /** The integration's API address, e.g. https://api.github.com. */
      apiBaseUrl: string;
      /** The repository's clone URL, https://{host}/{owner}/{repo}(.git). */
      repositoryUrl: string;
      credentials: GithubCredentialsProvider;
    },
  ) {
    const segments = new URL(options.repositoryUrl).pathname
      .replace(/\.git$/, '')
      .split('/')
      .filter(Boolean);
    if (segments.length !== 2) {
      throw new Error(
        `${options.repositoryUrl} is not a GitHub repository URL (https://{host}/{owner}/{repo})`,
      );
    }
    [this.owner, this.repo] = segments;
  }

  numberOf(url: string): number | undefined {
    const match = url.match(/\/([^/]+)\/([^/]+)\/pull\/(\d+)$/);
    return match && match[1] === this.owner && match[2] === this.repo
      ? Number(match[3])
      : undefined;
  }

  async close(number: number, comment: string): Promise<boolean> {
    return closeRequest(this.hostName, `pull request ${number}`, {
      read: () => this.call('GET', `pulls/${number}`),
      isOpen: pull => pull.state === 'open',
      comment: () =>
        this.call('POST', `issues/${number}/comments`, { body: comment }),
      close: () => this.call('PATCH', `pulls/${number}`, { state: 'closed' }),
    });
  }

  /** A request to the repository's REST API, below `/repos/{owner}/{repo}/`. */
  private async call(
    method: string,
    path: string,
    body?: object,
    /** The request, as an error names it. */
    what = `${method} ${path}`,
  ): Promise<Response> {
    const headers = await this.authorization();
    try {
      return await fetch(
        `${this.options.apiBaseUrl}/repos/${encodeURIComponent(
          this.owner,
        )}/${encodeURIComponent(this.repo)}/${path}`,
        {
          method,
          headers: {
            ...headers,
            Accept: 'application/vnd.github+json',
            'X-GitHub-Api-Version': '2022-11-28',
            ...(body ? { 'Content-Type': 'application/json' } : {}),
          },
          ...(body ? { body: JSON.stringify(body) } : {}),
          signal: AbortSignal.timeout(CODE_HOST_TIMEOUT_MS),
        },
      );
    } catch (error) {
      throw new PullRequestError(
        this.hostName,
        `GitHub did not answer ${what}: ${(error as Error).message}`,
      );
    }
  }

  private async authorization() {
    const { headers } = await this.options.credentials.getCredentials({
      url: this.options.repositoryUrl,
    });
    if (!headers?.Authorization) {
      throw new PullRequestError(
        this.hostName,
        `The GitHub integration for ${
          new URL(this.options.repositoryUrl).host
        } has no token or app to open pull requests with`,
      );
    }
    return headers;
  }

  async open(proposal: PullRequestProposal): Promise<OpenedPullRequest> {
    const response = await this.call(
      'POST',
      'pulls',
      {
        title: proposal.title,
        head: proposal.branch,
        base: proposal.base,
        body: proposal.body,
      },
      'the request for a pull request',
    );
    if (response.status !== 201) {
      throw await PullRequestError.fromResponse(
        this.hostName,
        'pull request',
        response,
      );
    }
    const created = (await response.json()) as {
      html_url: string;
      number: number;
    };
    return { url: created.html_url, number: created.number };
  }
}
