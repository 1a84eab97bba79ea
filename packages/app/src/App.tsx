import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { authModule } from './modules/auth';
import { homeModule } from './modules/home';
import { navModule } from './modules/nav';
import { observabilityModule } from './modules/observability';

export default createApp({
  features: [
    catalogPlugin,
    navModule,
    homeModule,
    authModule,
    observabilityModule,
  ],
});
