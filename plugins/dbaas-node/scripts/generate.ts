/**
 * Writes the Grafana dashboards the charts ship (`src/dashboards/`). Run as
 * `yarn generate` at the repository's root.
 */
import fs from 'node:fs';
import path from 'node:path';
import { dashboardFiles } from '../src/dashboards/dashboardFiles';

const repoRoot = path.resolve(__dirname, '../../..');

for (const file of dashboardFiles()) {
  const target = path.join(repoRoot, file.path);
  const before = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
  if (before === file.content) continue;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, file.content);
  process.stdout.write(`wrote ${file.path}\n`);
}
