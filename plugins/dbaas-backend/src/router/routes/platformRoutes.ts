import { NotAllowedError } from '@backstage/errors';
import type { Router } from 'express';
import { platformOverview } from '../../operations/platformOverview';
import { callerFrom, type RouteContext } from './RouteContext';

/** `/v1/platform`: the whole platform at a glance, for platform admins. */
export function addPlatformRoutes(router: Router, ctx: RouteContext) {
  router.get('/v1/platform/overview', async (req, res) => {
    const caller = callerFrom(req, res);
    if (!(await ctx.access.canReadPlatform(caller.credentials))) {
      throw new NotAllowedError(
        `${caller.actor} may not see the platform overview: it is for platform admins`,
      );
    }
    res.json(await platformOverview(ctx, new Date()));
  });
}
