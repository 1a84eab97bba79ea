export interface Config {
  app?: {
    signIn?: {
      /**
       * Sign-in methods offered on the sign-in page, in order: `guest` for local
       * development, `keycloak` for the backend's `oidc` provider.
       * @visibility frontend
       */
      providers?: Array<'guest' | 'keycloak'>;
    };
    /**
     * Grafana Faro frontend observability (errors, web vitals, sessions). Off
     * unless collectorUrl is set.
     */
    faro?: {
      /**
       * The Faro collector's URL (a Grafana Alloy faro.receiver or Grafana Cloud
       * Frontend Observability endpoint).
       * @visibility frontend
       */
      collectorUrl?: string;
      /**
       * The application name the events carry. Defaults to dbaas-portal.
       * @visibility frontend
       */
      appName?: string;
      /**
       * The environment the events carry, e.g. production.
       * @visibility frontend
       */
      environment?: string;
      /**
       * The version the events carry, e.g. the image tag.
       * @visibility frontend
       */
      version?: string;
    };
  };
}
