/** Links into a known code host's web UI for an http(s) remote. */
export function webLinks(
  remote: string,
  branch: string,
): { file(p: string): string; commit(sha: string): string } | undefined {
  let url: URL;
  try {
    url = new URL(remote);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const host = url.hostname.toLowerCase();
  const base = `${url.protocol}//${url.host}${url.pathname
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')}`;
  const encode = (p: string) => p.split('/').map(encodeURIComponent).join('/');
  const ref = encode(branch);
  if (host === 'github.com' || host.startsWith('github.')) {
    return {
      file: p => `${base}/blob/${ref}/${encode(p)}`,
      commit: sha => `${base}/commit/${sha}`,
    };
  }
  if (host === 'gitlab.com' || host.startsWith('gitlab.')) {
    return {
      file: p => `${base}/-/blob/${ref}/${encode(p)}`,
      commit: sha => `${base}/-/commit/${sha}`,
    };
  }
  if (host === 'bitbucket.org') {
    return {
      file: p => `${base}/src/${ref}/${encode(p)}`,
      commit: sha => `${base}/commits/${sha}`,
    };
  }
  return undefined;
}
