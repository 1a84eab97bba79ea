import { mockServices } from '@backstage/backend-test-utils';
import {
  DefaultGitlabCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import { GitlabMergeRequests } from './GitlabMergeRequests';

/** The merge requests of a repository, with a GitLab integration configured as given. */
function mergeRequestsOf(
  repositoryUrl: string,
  gitlab: { host: string; apiBaseUrl: string; baseUrl?: string },
) {
  const integrations = ScmIntegrations.fromConfig(
    mockServices.rootConfig({
      data: { integrations: { gitlab: [{ ...gitlab, token: 'glpat-x' }] } },
    }),
  );
  return new GitlabMergeRequests({
    integration: integrations.gitlab.byUrl(repositoryUrl)!,
    repositoryUrl,
    credentials:
      DefaultGitlabCredentialsProvider.fromIntegrations(integrations),
  });
}

describe('GitlabMergeRequests', () => {
  it('names the project by its full path, subgroups included', () => {
    expect(
      mergeRequestsOf('https://gitlab.example.com/acme/infra/gitops.git', {
        host: 'gitlab.example.com',
        apiBaseUrl: 'https://gitlab.example.com/api/v4',
      }).projectPath,
    ).toBe('acme/infra/gitops');
  });

  it('leaves out the path GitLab is served below, which is no part of the project', () => {
    expect(
      mergeRequestsOf('https://example.com/gitlab/acme/gitops.git', {
        host: 'example.com',
        apiBaseUrl: 'https://example.com/gitlab/api/v4',
        baseUrl: 'https://example.com/gitlab',
      }).projectPath,
    ).toBe('acme/gitops');
  });

  it('refuses a URL that names no project', () => {
    expect(() =>
      mergeRequestsOf('https://gitlab.example.com/gitops.git', {
        host: 'gitlab.example.com',
        apiBaseUrl: 'https://gitlab.example.com/api/v4',
      }),
    ).toThrow(
      'https://gitlab.example.com/gitops.git is not a GitLab project URL (https://{host}/{group}/{project})',
    );
  });
});
