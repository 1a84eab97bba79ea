import {
  getGitLabIntegrationRelativePath,
  getGitLabRequestOptions,
  type GitLabIntegration,
  type GitlabCredentialsProvider,
} from '@backstage/integration';
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

  async open(proposal: PullRequestProposal): Promise<OpenedPullRequest> {
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
    const url = `${integration.config.apiBaseUrl}/projects/${encodeURIComponent(
      this.projectPath,
    )}/merge_requests`;
    let response: Response;
    try {
      // The integration's fetch applies its configured retries and rate limit.
      response = await integration.fetch(url, {
        method: 'POST',
        headers: {
          ...getGitLabRequestOptions(integration.config, token).headers,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({
          source_branch: proposal.branch,
          target_branch: proposal.base,
          title: proposal.title,
          description: proposal.body,
          remove_source_branch: true,
        }),
        signal: AbortSignal.timeout(CODE_HOST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new PullRequestError(
        this.hostName,
        `GitLab did not answer the request for a merge request: ${
          (error as Error).message
        }`,
      );
    }
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
