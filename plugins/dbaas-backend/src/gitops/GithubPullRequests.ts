import type { GithubCredentialsProvider } from '@backstage/integration';
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

  async open(proposal: PullRequestProposal): Promise<OpenedPullRequest> {
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
    const url = `${this.options.apiBaseUrl}/repos/${encodeURIComponent(
      this.owner,
    )}/${encodeURIComponent(this.repo)}/pulls`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          ...headers,
          Accept: 'application/vnd.github+json',
          'X-GitHub-Api-Version': '2022-11-28',
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({
          title: proposal.title,
          head: proposal.branch,
          base: proposal.base,
          body: proposal.body,
        }),
        signal: AbortSignal.timeout(CODE_HOST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new PullRequestError(
        this.hostName,
        `GitHub did not answer the request for a pull request: ${
          (error as Error).message
        }`,
      );
    }
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
