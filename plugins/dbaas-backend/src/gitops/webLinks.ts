/** Which code host's web UI a remote has. */
export type CodeHostKind = 'github' | 'gitlab' | 'bitbucket';

/**
 * Links into a code host's web UI for an http(s) remote: the given kind (from
 * the integration configured for the remote's host), else the kind its host
 * name says (github.com, gitlab.example.com, bitbucket.org).
 */
export function webLinks(
  remote: string,
  branch: string,
  kind?: CodeHostKind,
): { file(p: string): string; commit(sha: string): string } | undefined {
  let url: URL;
  try {
    url = new URL(remote);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const base = `${url.protocol}//${url.host}${url.pathname
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')}`;
  const encode = (p: string) => p.split('/').map(encodeURIComponent).join('/');
  const ref = encode(branch);
  const hostKind = kind ?? kindOfHost(url.hostname.toLowerCase());
  switch (hostKind) {
    case 'github':
      return {
        file: p => `${base}/blob/${ref}/${encode(p)}`,
        commit: sha => `${base}/commit/${sha}`,
      };
    case 'gitlab':
      return {
        file: p => `${base}/-/blob/${ref}/${encode(p)}`,
        commit: sha => `${base}/-/commit/${sha}`,
      };
    case 'bitbucket':
      return {
        file: p => `${base}/src/${ref}/${encode(p)}`,
        commit: sha => `${base}/commits/${sha}`,
      };
    default:
      return undefined;
  }
}

/** The code host a host name says, as the public hosts and common installs name theirs. */
function kindOfHost(host: string): CodeHostKind | undefined {
  if (host === 'github.com' || host.startsWith('github.')) return 'github';
  if (host === 'gitlab.com' || host.startsWith('gitlab.')) return 'gitlab';
  if (host === 'bitbucket.org') return 'bitbucket';
  return undefined;
}
