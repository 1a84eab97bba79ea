import { ConfigReader } from '@backstage/config';
import {
  TechdocsGenerator,
  type GeneratorBase,
} from '@backstage/plugin-techdocs-node';
import {
  engineRunbook,
  offerings,
  type EngineId,
} from '@internal/backstage-plugin-dbaas-common';
import yaml from 'js-yaml';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { repoRoot } from '../repoRoot';
import { describeWithMkdocs } from '../techdocs/describeWithMkdocs';

// Every engine's runbook (docs/runbooks/<engine>/) and the portal's own docs, built by
// the generator the TechDocs backend runs (app-config.yaml: techdocs.generator.runIn
// local) with the real mkdocs and mkdocs-techdocs-core of scripts/lib/techdocs.sh, which
// the generator finds on PATH as the backend does.
jest.setTimeout(120_000);

type RunOptions = Parameters<GeneratorBase['run']>[0];

/** What each runbook covers, page by page: its mkdocs.yml's nav, in this order. */
const PAGES = [
  ['Overview', 'index.md'],
  ['Connect from an app', 'connect.md'],
  ['Scale', 'scale.md'],
  ['Resize storage', 'storage.md'],
  ['Back up', 'backup.md'],
  ['Restore and point in time', 'restore.md'],
  ['Regions and failover', 'regions.md'],
  ['CDC', 'cdc.md'],
  ['Alerts', 'alerts.md'],
  ['Upgrade', 'upgrade.md'],
] as const;

/** The alerts of the operator chart's PrometheusRule, each a section of every runbook. */
const ALERTS = [
  ...fs
    .readFileSync(
      path.join(
        repoRoot,
        'charts/serviceclaim-operator/templates/prometheusrule.yaml',
      ),
      'utf8',
    )
    .matchAll(/^\s+- alert: (\w+)$/gm),
].map(match => match[1]);

/** A logger for the generator that keeps what it warns of. */
function recordingLogger() {
  const warnings: string[] = [];
  const logger = {
    warn: (message: string) => warnings.push(message),
    error: (message: string) => warnings.push(message),
    info: () => undefined,
    debug: () => undefined,
    child: () => logger,
  };
  return { logger, warnings };
}

/** A copy of what the TechDocs backend builds from, as its preparer would read it. */
function copyOf(files: { from: string; name: string }[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-src-'));
  for (const { from, name } of files) {
    fs.cpSync(from, path.join(dir, name), { recursive: true });
  }
  return dir;
}

describeWithMkdocs('the runbooks, built as TechDocs builds them', () => {
  let tmp: string;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'runbooks-'));
  });

  afterAll(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** Builds one site; answers its output folder and what mkdocs and the generator said. */
  async function build(inputDir: string) {
    const outputDir = fs.mkdtempSync(path.join(tmp, 'site-'));
    const { logger, warnings } = recordingLogger();
    const generator = TechdocsGenerator.fromConfig(
      new ConfigReader({ techdocs: { generator: { runIn: 'local' } } }),
      { logger: logger as any },
    );
    let output = '';
    const logStream = new Writable({
      write(chunk, _encoding, done) {
        output += chunk.toString();
        done();
      },
    });
    await generator.run({
      inputDir,
      outputDir,
      logger: logger as unknown as RunOptions['logger'],
      logStream,
    });
    const mkdocsWarnings = output
      .split('\n')
      .filter(line => /^(WARNING|ERROR)\s+-/.test(line));
    return { outputDir, warnings: [...warnings, ...mkdocsWarnings] };
  }

  /**
   * Stylesheets and scripts a page loads from another host. The TechDocs reader
   * shows a page once its stylesheets have loaded: one that cannot (Google
   * Fonts, from a portal that reaches no such host) leaves it blank for good.
   */
  const externalAssets = (page: string) =>
    [
      ...page.matchAll(
        /<(?:link|script)\b[^>]*\b(?:href|src)="(https?:[^"]*)"/g,
      ),
    ].map(match => match[1]);

  /** A page's HTML: `connect.md` is `connect/index.html` (use_directory_urls). */
  const html = (site: string, page: string) =>
    fs.readFileSync(
      path.join(site, page.replace(/(^|\/)?(index)?\.md$/, ''), 'index.html'),
      'utf8',
    );

  it('has one runbook per engine, each listed in the root catalog-info.yaml', () => {
    const folders = fs
      .readdirSync(path.join(repoRoot, 'docs/runbooks'), {
        withFileTypes: true,
      })
      .filter(entry => entry.isDirectory())
      .map(entry => entry.name)
      .sort();
    expect(folders).toEqual(offerings.engines.map(e => e.id).sort());

    const root = yaml.loadAll(
      fs.readFileSync(path.join(repoRoot, 'catalog-info.yaml'), 'utf8'),
    ) as any[];
    const location = root.find(entity => entity.kind === 'Location');
    expect([...location.spec.targets].sort()).toEqual(
      offerings.engines
        .map(e => `./${engineRunbook.directory(e.id)}/catalog-info.yaml`)
        .sort(),
    );
    expect(
      root.find(entity => entity.metadata.name === 'dbaas-portal').metadata
        .annotations['backstage.io/techdocs-ref'],
    ).toBe('dir:.');
  });

  describe.each(offerings.engines.map(e => [e.displayName, e.id] as const))(
    'the %s runbook',
    (displayName, engine: EngineId) => {
      const dir = path.join(repoRoot, engineRunbook.directory(engine));
      let site: string;
      let warnings: string[];
      let mkdocsYml: string;

      beforeAll(async () => {
        // The generator rewrites mkdocs.yml in place (its sanitizer), and for a
        // `dir:` of a file location the backend builds in the repository: so a
        // copy here, and a check below that it left the file as it was.
        const input = copyOf([{ from: dir, name: '.' }]);
        ({ outputDir: site, warnings } = await build(input));
        mkdocsYml = fs.readFileSync(path.join(input, 'mkdocs.yml'), 'utf8');
        fs.rmSync(input, { recursive: true, force: true });
      });

      it('is the catalog entity every such database points at', () => {
        const entity = yaml.load(
          fs.readFileSync(path.join(dir, 'catalog-info.yaml'), 'utf8'),
        ) as any;
        expect(entity).toMatchObject({
          kind: 'Component',
          metadata: {
            name: engineRunbook.entityName(engine),
            annotations: {
              'backstage.io/techdocs-ref': 'dir:.',
              'dbaas.io/engine': engine,
            },
          },
          spec: { type: 'documentation', system: 'dbaas' },
        });
        expect(engineRunbook.entityRef(engine)).toBe(
          `component:default/${entity.metadata.name}`,
        );
      });

      it('builds without a warning, leaving its mkdocs.yml as it is', () => {
        expect(warnings).toEqual([]);
        expect(externalAssets(html(site, 'index.md'))).toEqual([]);
        expect(mkdocsYml).toBe(
          fs.readFileSync(path.join(dir, 'mkdocs.yml'), 'utf8'),
        );
        expect(
          JSON.parse(
            fs.readFileSync(path.join(site, 'techdocs_metadata.json'), 'utf8'),
          ).site_name,
        ).toBe(`${displayName} runbook`);
      });

      it('has every page a runbook has, in order, each under its title', () => {
        const config = yaml.load(
          fs.readFileSync(path.join(dir, 'mkdocs.yml'), 'utf8'),
        ) as { nav: Record<string, string>[] };
        expect(config.nav.map(entry => Object.entries(entry)[0])).toEqual(
          PAGES.map(([title, page]) => [title, page]),
        );
        for (const [title, page] of PAGES) {
          const source = fs.readFileSync(path.join(dir, 'docs', page), 'utf8');
          expect({ page, heading: source.split('\n')[0] }).toEqual({
            page,
            heading: `# ${
              page === 'index.md' ? `${displayName} runbook` : title
            }`,
          });
          expect(html(site, page)).toContain('</h1>');
        }
      });

      it('has a section for each alert, where the alerts link to', () => {
        // The operator chart's default runbookUrl:
        // {base}/runbooks/{engine}/docs/alerts.md#{alert in lower case}.
        const alerts = html(site, 'alerts.md');
        expect(ALERTS.length).toBeGreaterThan(0);
        for (const alert of ALERTS) {
          expect({
            alert,
            found: alerts.includes(`id="${alert.toLowerCase()}"`),
          }).toEqual({
            alert,
            found: true,
          });
        }
      });

      it('names every SKU and version of the engine the portal offers', () => {
        const overview = fs.readFileSync(
          path.join(dir, 'docs/index.md'),
          'utf8',
        );
        const upgrade = fs.readFileSync(
          path.join(dir, 'docs/upgrade.md'),
          'utf8',
        );
        for (const sku of offerings.skus.filter(s => s.engine === engine)) {
          expect({
            sku: sku.id,
            named: overview.includes(`\`${sku.id}\``),
          }).toEqual({
            sku: sku.id,
            named: true,
          });
        }
        const { versions } = offerings.engines.find(e => e.id === engine)!;
        for (const version of versions) {
          expect({
            version,
            named: upgrade.includes(`\`${version}\``),
          }).toEqual({
            version,
            named: true,
          });
        }
      });
    },
  );

  it("builds the portal's own docs, without the runbooks in them", async () => {
    const input = copyOf([
      { from: path.join(repoRoot, 'mkdocs.yml'), name: 'mkdocs.yml' },
      { from: path.join(repoRoot, 'docs'), name: 'docs' },
    ]);
    const { outputDir, warnings } = await build(input);
    const mkdocsYml = fs.readFileSync(path.join(input, 'mkdocs.yml'), 'utf8');
    fs.rmSync(input, { recursive: true, force: true });

    expect(mkdocsYml).toBe(
      fs.readFileSync(path.join(repoRoot, 'mkdocs.yml'), 'utf8'),
    );
    // Links to the repository outside docs/ (charts, images) are for readers of the
    // repository, which MkDocs notes; anything else it warns of is a broken page.
    expect(
      warnings.filter(warning => !/contains a link '\.\.\//.test(warning)),
    ).toEqual([]);
    expect(html(outputDir, 'runbooks.md')).toContain('</h1>');
    expect(externalAssets(html(outputDir, 'index.md'))).toEqual([]);
    // Each runbook is a site of its own: `exclude_docs` keeps them out of this one.
    expect(
      fs.existsSync(path.join(outputDir, 'runbooks/postgresql/docs')),
    ).toBe(false);
  });
});
