import fs from 'node:fs';
import path from 'node:path';

/**
 * What a chart leaves undocumented, as key paths: leaf values of values.yaml with no
 * `# --` comment (helm-docs style) on them or on a key above them, and documented
 * keys without a row of their own (| `key.path` |) in the chart's README table.
 */
export function valuesDocumentation(chartDir: string): {
  undocumented: string[];
  missingFromReadme: string[];
} {
  const lines = fs
    .readFileSync(path.join(chartDir, 'values.yaml'), 'utf8')
    .split('\n');
  const readme = fs.readFileSync(path.join(chartDir, 'README.md'), 'utf8');
  const undocumented: string[] = [];
  const missingFromReadme: string[] = [];
  // The key path at each indentation, and whether a key on it has a `# --`.
  const stack: { indent: number; key: string; documented: boolean }[] = [];
  lines.forEach((line, index) => {
    const match = /^( *)([A-Za-z][\w-]*):(.*)$/.exec(line);
    if (!match) return;
    const [, spaces, key, rest] = match;
    while (stack.length && stack[stack.length - 1].indent >= spaces.length) {
      stack.pop();
    }
    let above = index - 1;
    while (above >= 0 && /^\s*# (?!--)/.test(lines[above])) above--;
    const documented = /^\s*# -- /.test(lines[above] ?? '');
    stack.push({ indent: spaces.length, key, documented });
    const keyPath = stack.map(entry => entry.key).join('.');
    // A row of the values table: | `key.path` | (padded by prettier).
    const row = new RegExp(
      `^\\| \`${keyPath.replace(/\./g, '\\.')}\` +\\|`,
      'm',
    );
    if (documented && !row.test(readme)) {
      missingFromReadme.push(keyPath);
    }
    const isLeaf = rest.trim() !== '';
    if (isLeaf && !stack.some(entry => entry.documented)) {
      undocumented.push(keyPath);
    }
  });
  return { undocumented, missingFromReadme };
}
