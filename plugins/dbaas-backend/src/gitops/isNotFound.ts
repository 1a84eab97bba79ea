import { Errors } from 'isomorphic-git';

/** Whether isomorphic-git failed because an object, ref or path is not there. */
export function isNotFound(error: unknown): boolean {
  return (error as { code?: string })?.code === Errors.NotFoundError.code;
}
