import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';
import { MarkdownContent } from '@backstage/core-components';

const content = `
## Databases, self-served

Order a database from the [service catalog](/databases): pick an engine
(YugabyteDB, Vitess, ScyllaDB, DragonflyDB, Aerospike, MongoDB, PostgreSQL), a
plan (shared, dedicated, clustered, global) and a region.

- **Databases** lists every SKU with its plan's SLA and the regions it is stocked in.
- **Catalog** shows your team and, as they are provisioned, its databases.
- **Create** holds the templates that order and change databases.
`;

const gettingStartedWidget = HomePageWidgetBlueprint.make({
  name: 'getting-started',
  params: {
    name: 'GettingStarted',
    title: 'Getting Started',
    description: 'Where to start in the DBaaS portal',
    components: async () => ({
      Content: () => <MarkdownContent content={content} />,
    }),
  },
});

export const homeModule = createFrontendModule({
  pluginId: 'home',
  extensions: [gettingStartedWidget],
});
