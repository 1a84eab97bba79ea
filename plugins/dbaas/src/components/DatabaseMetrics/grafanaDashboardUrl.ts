/**
 * The address of a database's Grafana dashboard (`/d/{uid}`), or of one of its
 * panels alone (`/d-solo/{uid}?panelId=`, for an iframe), over a relative
 * range (`now-6h` to `now`) so that it keeps moving with time. The dashboard
 * selects the database's series with its `service_id` variable.
 */
export function grafanaDashboardUrl(options: {
  baseUrl: string;
  dashboardUid: string;
  serviceId: string;
  range: string;
  panelId?: number;
}): string {
  const base = options.baseUrl.replace(/\/+$/, '');
  const query = new URLSearchParams({
    ...(options.panelId === undefined
      ? {}
      : { panelId: String(options.panelId) }),
    'var-service_id': options.serviceId,
    from: `now-${options.range}`,
    to: 'now',
  });
  const view = options.panelId === undefined ? 'd' : 'd-solo';
  return `${base}/${view}/${encodeURIComponent(options.dashboardUid)}?${query}`;
}
