/**
 * The values `charts/dbaas-portal` requires, and nothing more: what a platform
 * team must give it (the Secrets named here hold every credential).
 */
export const portalRequiredValues = {
  baseUrl: 'https://portal.example.com',
  postgresql: {
    host: 'postgres.db',
    user: 'backstage',
    existingSecret: 'portal-postgres',
  },
  auth: {
    session: { existingSecret: 'portal-session' },
    keycloak: {
      metadataUrl:
        'https://keycloak.example.com/realms/dbaas/.well-known/openid-configuration',
      clientId: 'dbaas-portal',
      existingSecret: 'portal-keycloak',
    },
  },
  gitops: {
    remote: {
      url: 'https://git.example.com/platform/gitops.git',
      token: { existingSecret: 'portal-gitops', key: 'push-token' },
    },
  },
};
