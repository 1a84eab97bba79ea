import {
  getGitLabIntegrationRelativePath,
  getGitLabRequestOptions,
  type GitLabIntegration,
  type GitlabCredentialsProvider,
} from '@backstage/integration';
import { closeRequest } from './closeRequest';
import { PullRequestError } from './PullRequestError';
import {
  CODE_HOST_TIMEOUT_MS,
  type OpenedPullRequest,
  type PullRequestOpener,
  type PullRequestProposal,
} from './PullRequestOpener';

/**
 * Merge requests on GitLab through the REST API
 * (`POST /projects/:id/merge_requests`), with the token of the Backstage GitLab
 * integration for the repository's host. The project is named by its path,
 * URL-encoded as the API wants (`acme%2Finfra%2Fgitops`), so no project id
 * needs configuring. The source branch goes when the request is merged.
 */
export class GitlabMergeRequests implements PullRequestOpener {
  readonly hostName = 'GitLab';
  /** The project's full path, e.g. acme/infra/gitops. */
  readonly projectPath: string;

  constructor(
    private readonly options: {
      integration: GitLabIntegration;
      /** The project's clone URL, {baseUrl}/{group}/.../{project}(.git). */
      repositoryUrl: string;
      credentials: GitlabCredentialsProvider;
    },
  ) {
    // GitLab served below a path (https://example.com/gitlab) has it in every
    // project URL, but not in the project's path.
    const relative = getGitLabIntegrationRelativePath(
      options.integration.config,
    );
    let pathname = new URL(options.repositoryUrl).pathname;
    if (relative && pathname.startsWith(`${relative}/`)) {
      pathname = pathname.slice(relative.length);
    }
    this.projectPath = pathname
      .replace(/\.git$/, '')
      .split('/')
      .filter(Boolean)
      .join('/');
    if (!this.projectPath.includes('/')) {
      throw new Error(
        `${options.repositoryUrl} is not a GitLab project URL (https://{host}/{group}/{project})`,
      );
    }
  }

  numberOf(url: string): number | undefined {
    const match = url.match(/^(.*)\/-\/merge_requests\/(\d+)$/);
    return match &&
      new URL(match[1]).pathname.replace(/^\/+/, '').endsWith(this.projectPath)
      ? Number(match[2])
      : undefined;
  }

  async close(number: number, comment: string): Promise<boolean> {
    const request = `merge_requests/${number}`;
    return closeRequest(this.hostName, `merge request !${number}`, {
      read: () => this.call('GET', request),
      isOpen: merge => merge.state === 'opened',
      comment: () => this.call('POST', `${request}/notes`, { body: comment }),
      close: () => this.call('PUT', request, { state_event: 'close' }),
    });
  }

  /** A request to the project's REST API, below `/projects/:id/`. */
  private async call(
    method: string,
    path: string,
    body?: object,
    /** The request, as an error names it. */
    what = `${method} ${path}`,
  ): Promise<Response> {
    const { integration, repositoryUrl } = this.options;
    const { token } = await this.options.credentials.getCredentials({
      url: repositoryUrl,
    });
    if (!token) {
      throw new PullRequestError(
        this.hostName,
        `The GitLab integration for ${integration.config.host} has no token to open merge requests with`,
      );
    }
    try {
      // The integration's fetch applies its configured retries and rate limit.
      return await integration.fetch(
        `${integration.config.apiBaseUrl}/projects/${encodeURIComponent(
          this.projectPath,
        )}/${path}`,
        {
          method,
          headers: {
            ...getGitLabRequestOptions(integration.config, token).headers,
            ...(body ? { 'Content-Type': 'application/json' } : {}),
          },
          ...(body ? { body: JSON.stringify(body) } : {}),
          signal: AbortSignal.timeout(CODE_HOST_TIMEOUT_MS),
        },
      );
    } catch (error) {
      throw new PullRequestError(
        this.hostName,
        `GitLab did not answer ${what}: ${(error as Error).message}`,
      );
    }
  }

  async open(proposal: PullRequestProposal): Promise<OpenedPullRequest> {
    const response = await this.call(
      'POST',
      'merge_requests',
      {
        source_branch: proposal.branch,
        target_branch: proposal.base,
        title: proposal.title,
        description: proposal.body,
        remove_source_branch: true,
      },
      'the request for a merge request',
    );
    if (response.status !== 201) {
      throw await PullRequestError.fromResponse(
        this.hostName,
        'merge request',
        response,
      );
    }
    const created = (await response.json()) as { web_url: string; iid: number };
    return { url: created.web_url, number: created.iid };
  }
}
