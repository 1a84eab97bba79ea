import { render } from '@testing-library/react';
import App from '../App';

/**
 * Renders the whole app with the given `app` config. The app reads its config
 * once per module registry, so use it once per test file.
 */
export function renderAppWithConfig(app: Record<string, unknown>) {
  process.env = {
    NODE_ENV: 'test',
    APP_CONFIG: [
      {
        data: {
          app: { title: 'Test', ...app },
          backend: { baseUrl: 'http://localhost:7007' },
          techdocs: {
            storageUrl: 'http://localhost:7007/api/techdocs/static/docs',
          },
        },
        context: 'test',
      },
    ] as any,
  };
  return render(App.createRoot());
}
