export interface Config {
  /** Configuration of the DBaaS portal's frontend plugin. */
  dbaas?: {
    /**
     * Grafana, whose dashboards the Metrics tab of a database links and whose
     * panels it embeds: those of the engine's dashboard that the serviceclaim-operator
     * chart ships (`dashboards.enabled`) beyond the tab's own five charts. Without it
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
       * The uid of the dashboard to use for an engine, by engine id (`postgresql`,
       * `mongodb`, ...), instead of the one the chart ships (`dbaas-<engine>`). It
       * selects the database's series with a `service_id` variable, which the portal
       * sets, and must keep the shipped dashboard's panel ids, which the tab embeds.
       * @deepVisibility frontend
       */
      dashboards?: { [engine: string]: string };
    };
  };
}
