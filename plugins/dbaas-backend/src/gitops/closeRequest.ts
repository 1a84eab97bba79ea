import { PullRequestError } from './PullRequestError';

/**
 * Closes a pull or merge request the way both code hosts' REST APIs want it:
 * read it, leave it alone unless it is still open, comment why, close it.
 * Resolves to false when it was not open (merged, or closed by people).
 */
export async function closeRequest(
  hostName: string,
  /** The request, as the host calls it: `pull request 3`, `merge request !3`. */
  what: string,
  steps: {
    read(): Promise<Response>;
    isOpen(request: { state?: string }): boolean;
    comment(): Promise<Response>;
    close(): Promise<Response>;
  },
): Promise<boolean> {
  const expect = async (response: Response, status: number, doing: string) => {
    if (response.status !== status) {
      throw await PullRequestError.fromResponse(
        hostName,
        `${what} (${doing})`,
        response,
      );
    }
    return response;
  };
  const current = await expect(await steps.read(), 200, 'reading it');
  if (!steps.isOpen((await current.json()) as { state?: string })) {
    return false;
  }
  await expect(await steps.comment(), 201, 'commenting');
  await expect(await steps.close(), 200, 'closing');
  return true;
}
