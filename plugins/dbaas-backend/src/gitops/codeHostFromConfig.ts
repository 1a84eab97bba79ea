import type { RootConfigService } from '@backstage/backend-plugin-api';
import {
  DefaultGithubCredentialsProvider,
  DefaultGitlabCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import { GithubPullRequests } from './GithubPullRequests';
import { GitlabMergeRequests } from './GitlabMergeRequests';
import type { PullRequestOpener } from './PullRequestOpener';
import type { GitAuth } from './Transport';

/** The code host of the GitOps repository, as Backstage's integrations configure it. */
export type CodeHost = {
  kind: 'github' | 'gitlab';
  /** The host the integration is configured for, e.g. github.com. */
  host: string;
  /** Whether the integration has credentials: a token, or for GitHub an app. */
  hasCredentials: boolean;
  /** The integration's credentials as git over http wants them. */
  gitAuth: GitAuth;
  /** Opens pull or merge requests; a sentence saying why not when it cannot. */
  pullRequests: PullRequestOpener | string;
};

/**
 * The GitHub or GitLab integration (`integrations.github`, `integrations.gitlab`)
 * for the GitOps repository's host, or undefined when the repository is on
 * neither. Tokens come from the integration's credentials provider at each
 * use, so GitHub App installation tokens are renewed as they expire.
 */
export function codeHostFromConfig(
  config: RootConfigService,
  repositoryUrl: string,
): CodeHost | undefined {
  const integrations = ScmIntegrations.fromConfig(config);
  const github = integrations.github.byUrl(repositoryUrl);
  if (github) {
    const credentials =
      DefaultGithubCredentialsProvider.fromIntegrations(integrations);
    const { apiBaseUrl, host, token, apps } = github.config;
    return {
      kind: 'github',
      host,
      hasCredentials: Boolean(token || apps?.length),
      gitAuth: async () => {
        const found = await credentials.getCredentials({ url: repositoryUrl });
        // GitHub takes a token as the password of any user; this is the one it documents for apps.
        return found.token
          ? { username: 'x-access-token', password: found.token }
          : undefined;
      },
      pullRequests: apiBaseUrl
        ? orWhyNot(
            () =>
              new GithubPullRequests({
                apiBaseUrl,
                repositoryUrl,
                credentials,
              }),
          )
        : `The GitHub integration for ${host} has no apiBaseUrl to open pull requests through`,
    };
  }
  const gitlab = integrations.gitlab.byUrl(repositoryUrl);
  if (gitlab) {
    const credentials =
      DefaultGitlabCredentialsProvider.fromIntegrations(integrations);
    return {
      kind: 'gitlab',
      host: gitlab.config.host,
      hasCredentials: Boolean(gitlab.config.token),
      gitAuth: async () => {
        const { token } = await credentials.getCredentials({
          url: repositoryUrl,
        });
        // GitLab takes an access token as the password of user oauth2.
        return token ? { username: 'oauth2', password: token } : undefined;
      },
      pullRequests: orWhyNot(
        () =>
          new GitlabMergeRequests({
            integration: gitlab,
            repositoryUrl,
            credentials,
          }),
      ),
    };
  }
  return undefined;
}

/** The opener, or why there is none: only pull request mode needs one. */
function orWhyNot(make: () => PullRequestOpener): PullRequestOpener | string {
  try {
    return make();
  } catch (error) {
    return (error as Error).message;
  }
}
