import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import {
  loadAllYaml,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { repoRoot } from '../repoRoot';

/** The folder of shared/ (upstream CRDs), beside the repository unless DBAAS_SHARED_DIR says. */
export function sharedDir(): string {
  return process.env.DBAAS_SHARED_DIR ?? path.resolve(repoRoot, '../shared');
}

/**
 * CRDs the renders need that shared/crds lacks, which the service scripts take from
 * their release's Go module (scripts/services/cnpg.sh, cnpg_fetch_crds).
 */
function fetchedCrdsDir(): string {
  const cache =
    process.env.DBAAS_CACHE_DIR ??
    path.join(
      process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'),
      'dbaas-portal',
    );
  return path.join(cache, 'services', 'crds');
}

/** The fetched CRDs a render needs; missing ones are a setup error, said plainly. */
const FETCHED_CRDS = ['barmancloud.cnpg.io_objectstores.yaml'];

function yamlFilesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter(file => /\.ya?ml$/.test(file))
    .map(file => path.join(dir, file))
    .sort();
}

/** A CRD as the file has it (for reading its schema) and as the client sends it. */
export type CrdFile = {
  file: string;
  /** The YAML as written: schema keywords keep their names (x-kubernetes-...). */
  raw: any;
  /** The client's model of it; sending `raw` would drop the x-kubernetes-* keywords. */
  crd: V1CustomResourceDefinition;
};

/**
 * Every CRD the project must install: the engine and platform operators' upstream CRDs
 * in shared/crds and those the service scripts fetched (the Barman Cloud plugin's
 * ObjectStore), and the project's own under charts/{chart}/files/crds (which the
 * chart renders from templates/, so that `helm upgrade` updates them).
 */
export function loadCrds(): CrdFile[] {
  const chartsDir = path.join(repoRoot, 'charts');
  const own = fs.existsSync(chartsDir)
    ? fs
        .readdirSync(chartsDir)
        .flatMap(chart =>
          yamlFilesUnder(path.join(chartsDir, chart, 'files', 'crds')),
        )
    : [];
  const upstream = path.join(sharedDir(), 'crds');
  if (!fs.existsSync(upstream)) {
    throw new Error(
      `The upstream CRDs are not at ${upstream}: put shared/ beside the repository or set DBAAS_SHARED_DIR`,
    );
  }
  const fetched = yamlFilesUnder(fetchedCrdsDir());
  for (const name of FETCHED_CRDS) {
    if (!fetched.some(file => path.basename(file) === name)) {
      throw new Error(
        `The CRD ${name} is not under ${fetchedCrdsDir()}: scripts/services.sh install kube fetches it`,
      );
    }
  }
  return [...yamlFilesUnder(upstream), ...fetched, ...own].flatMap(file => {
    const text = fs.readFileSync(file, 'utf8');
    const typed = loadAllYaml(text);
    return yaml
      .loadAll(text)
      .map((raw: any, index) => ({ raw, crd: typed[index] }))
      .filter(({ raw }) => raw?.kind === 'CustomResourceDefinition')
      .map(({ raw, crd }) => ({
        file: path.relative(repoRoot, file),
        raw,
        crd: crd as V1CustomResourceDefinition,
      }));
  });
}
