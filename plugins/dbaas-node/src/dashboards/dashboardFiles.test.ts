import fs from 'node:fs';
import path from 'node:path';
import {
  ENGINE_IDS,
  GRAFANA_DASHBOARD_UIDS,
  METRIC_PANELS,
  embeddedEnginePanels,
} from '@internal/backstage-plugin-dbaas-common';
import { dashboardFiles } from './dashboardFiles';

const repoRoot = path.resolve(__dirname, '../../../..');
const files = dashboardFiles();

function panelsOf(uid: string) {
  const file = files.find(f => f.dashboard.uid === uid);
  if (!file) throw new Error(`No dashboard ${uid}`);
  return (file.dashboard.panels ?? []) as { id: number; title: string }[];
}

describe('dashboardFiles', () => {
  it.each(files.map(file => [file.path, file.content]))(
    '%s is up to date',
    (file, content) => {
      const committed = fs.existsSync(path.join(repoRoot, file))
        ? fs.readFileSync(path.join(repoRoot, file), 'utf8')
        : '';
      // A message that says what to do, rather than a diff of a long file.
      expect(
        committed === content
          ? 'up to date'
          : `${file} is stale: run \`yarn generate\` and commit the result`,
      ).toBe('up to date');
    },
  );

  it('leaves no dashboard in a chart that the generator does not write', () => {
    const written = files.map(f => f.path).sort();
    const committed = ['serviceclaim-operator', 'dbaas-portal']
      .flatMap(chart =>
        fs
          .readdirSync(path.join(repoRoot, 'charts', chart, 'dashboards'))
          .map(name => `charts/${chart}/dashboards/${name}`),
      )
      .sort();
    expect(committed).toEqual(written);
  });

  it('gives each dashboard its uid and each panel an id of its own', () => {
    expect(files.map(f => f.dashboard.uid)).toEqual([
      ...ENGINE_IDS.map(engine => GRAFANA_DASHBOARD_UIDS.engine[engine]),
      GRAFANA_DASHBOARD_UIDS.tenant,
      GRAFANA_DASHBOARD_UIDS.portal,
    ]);
    for (const file of files) {
      const ids = panelsOf(file.dashboard.uid!).map(p => p.id);
      expect({ uid: file.dashboard.uid, ids }).toEqual({
        uid: file.dashboard.uid,
        ids: [...new Set(ids)],
      });
    }
  });

  it.each(ENGINE_IDS.map(engine => [engine]))(
    'has on the %s dashboard every panel the Metrics tab links or embeds',
    engine => {
      const panels = panelsOf(GRAFANA_DASHBOARD_UIDS.engine[engine]);
      for (const wanted of [
        ...Object.values(METRIC_PANELS),
        ...embeddedEnginePanels(engine),
      ]) {
        expect(panels).toContainEqual(expect.objectContaining(wanted));
      }
    },
  );
});
