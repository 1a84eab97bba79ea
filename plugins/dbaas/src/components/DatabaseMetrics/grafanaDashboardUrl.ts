/**
 * The address of a database's Grafana dashboard over a relative range
 * (`now-6h` to `now`), so the embedded dashboard keeps moving with time. The
 * dashboard is expected to have a `service_id` variable selecting the
 * database's series. `kiosk` hides Grafana's own navigation inside the frame.
 */
export function grafanaDashboardUrl(options: {
  baseUrl: string;
  dashboardUid: string;
  serviceId: string;
  range: string;
  kiosk: boolean;
}): string {
  const base = options.baseUrl.replace(/\/+$/, '');
  const query = new URLSearchParams({
    'var-service_id': options.serviceId,
    from: `now-${options.range}`,
    to: 'now',
  });
  // Grafana reads a bare `kiosk`; `kiosk=` is not the same switch everywhere.
  return `${base}/d/${encodeURIComponent(options.dashboardUid)}?${query}${
    options.kiosk ? '&kiosk' : ''
  }`;
}
