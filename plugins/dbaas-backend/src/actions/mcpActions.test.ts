import { mockCredentials } from '@backstage/backend-test-utils';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import {
  CHECKOUT,
  PAYMENTS,
  startDbaasBackend,
} from '../__testUtils__/dbaasTestBackend';

jest.setTimeout(60_000);

const ADA = 'user:default/ada';
const KWAME = 'user:default/kwame';

type ToolResult = {
  isError?: boolean;
  content: { type: string; text: string }[];
  structuredContent?: Record<string, any>;
};

// An agent's whole way in: a real MCP client over the MCP actions backend's
// streamable HTTP endpoint, which lists the actions of the plugin sources and
// invokes them through the actions service, as the user the client signed in as.
describe('the DBaaS tools of the MCP actions backend', () => {
  let backend: Awaited<ReturnType<typeof startDbaasBackend>>;
  const clients: Client[] = [];

  beforeEach(async () => {
    backend = await startDbaasBackend({
      rootConfig: { backend: { actions: { pluginSources: ['dbaas'] } } },
      features: [mcpActionsPlugin],
    });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map(client => client.close()));
    await backend.stop();
  });

  /** An MCP client connected with the given Authorization header. */
  async function agent(authorization: string): Promise<Client> {
    const { port } = backend.server.address() as AddressInfo;
    const client = new Client({ name: 'dbaas-test-agent', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(
        new URL(`http://localhost:${port}/api/mcp-actions/v1`),
        { requestInit: { headers: { Authorization: authorization } } },
      ),
    );
    clients.push(client);
    return client;
  }

  const call = async (
    client: Client,
    name: string,
    args: Record<string, unknown> = {},
  ) => (await client.callTool({ name, arguments: args })) as ToolResult;

  async function order(user: string, body: object) {
    const response = await request(backend.server)
      .post('/api/dbaas/v1/services')
      .set('Authorization', backend.as(user))
      .send({ engine: 'postgresql', plan: 'shared', region: 'lagos', ...body });
    expect(response.status).toBe(201);
    return response.body as { id: string };
  }

  it('lists the user\u2019s databases to an agent signed in as them, and not another tenant\u2019s', async () => {
    await order(ADA, { name: 'orders', tenant: PAYMENTS });
    const carts = await order(KWAME, { name: 'carts', tenant: CHECKOUT });
    const ada = await agent(backend.as(ADA));

    const { tools } = await ada.listTools();
    const byName = new Map(tools.map(tool => [tool.name, tool]));
    expect([...byName.keys()].sort()).toEqual([
      'dbaas.back-up-database',
      'dbaas.get-database',
      'dbaas.get-quota',
      'dbaas.list-databases',
      'dbaas.order-database',
    ]);
    expect(byName.get('dbaas.list-databases')?.annotations).toMatchObject({
      readOnlyHint: true,
      destructiveHint: false,
    });
    expect(byName.get('dbaas.order-database')).toMatchObject({
      annotations: { readOnlyHint: false, destructiveHint: false },
      description: expect.stringContaining('with dryRun: true first'),
      inputSchema: {
        properties: { dryRun: { type: 'boolean', default: true } },
      },
    });

    const listed = await call(ada, 'dbaas.list-databases');
    expect(listed.isError).toBeFalsy();
    expect(
      listed.structuredContent!.databases.map((d: { name: string }) => d.name),
    ).toEqual(['orders']);
    expect(listed.content[0].text).not.toContain('carts');

    // Kwame's database, named outright, is as absent to ada's agent as to her.
    const theirs = await call(ada, 'dbaas.get-database', { id: carts.id });
    expect(theirs).toMatchObject({
      isError: true,
      content: [{ text: expect.stringMatching(/^NotFoundError: /) }],
    });

    // An order through the agent is a dry run unless it says otherwise.
    const preview = await call(ada, 'dbaas.order-database', {
      name: 'reports',
      engine: 'postgresql',
      plan: 'shared',
      region: 'lagos',
    });
    expect(preview.structuredContent).toMatchObject({
      dryRun: true,
      preview: { tenant: PAYMENTS, quotaLeftAfter: { instances: 8 } },
    });
    const after = await call(ada, 'dbaas.list-databases');
    expect(after.structuredContent!.pagination.total).toBe(1);
  });

  it('answers an agent connected with a service token that the tools are for users', async () => {
    await order(ADA, { name: 'orders', tenant: PAYMENTS });
    const service = await agent(mockCredentials.service.header());

    const listed = await call(service, 'dbaas.list-databases');
    expect(listed).toMatchObject({
      isError: true,
      content: [
        { text: expect.stringMatching(/^NotAllowedError: .*signed-in user/) },
      ],
    });
  });
});
