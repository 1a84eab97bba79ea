export interface Config {
  /** Configuration of the DBaaS portal's frontend plugin. */
  dbaas?: {
    /**
     * Grafana, whose dashboards the Metrics tab of a database embeds. Without it
     * the tab shows the portal's own charts only. Grafana has to allow embedding
     * (`security.allow_embedding`), the portal's users have to be able to see the
     * dashboards (anonymous access or the same single sign-on), and the backend's
     * CSP has to list Grafana under `backend.csp.frame-src`.
     */
    grafana?: {
      /**
       * Grafana's address as the browser reaches it, e.g. https://grafana.example.com.
       * @visibility frontend
       */
      baseUrl: string;
      /**
       * The uid of the dashboard to embed for each engine, by engine id
       * (`postgresql`, `mongodb`, ...). The dashboard selects the database's series
       * with a `service_id` variable, which the portal sets.
       * @deepVisibility frontend
       */
      dashboards?: { [engine: string]: string };
    };
  };
}
