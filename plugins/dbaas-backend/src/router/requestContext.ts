import type {
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';

/** Who is asking, and the id that ties their request to its audit events and logs. */
export type Caller = {
  credentials: BackstageCredentials;
  /** The user's entity ref, or the calling plugin's subject. */
  actor: string;
  requestId: string;
};

const requestIdPattern = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * Authenticates the request (user or plugin) and picks its request id: the
 * caller's X-Request-Id when it is sane, else a new one, echoed in the answer.
 */
export async function callerOf(
  httpAuth: HttpAuthService,
  req: Request,
  res: Response,
): Promise<Caller> {
  const credentials = await httpAuth.credentials(req, {
    allow: ['user', 'service'],
  });
  const given = req.header('x-request-id');
  const requestId =
    given && requestIdPattern.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', requestId);
  return { credentials, actor: actorOf(credentials), requestId };
}

/** Who the credentials are, as audit events name them: the user, or the calling plugin's subject. */
export function actorOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  const actor =
    principal.type === 'user' ? principal.userEntityRef! : principal.subject!;
  return actor.toLowerCase();
}
