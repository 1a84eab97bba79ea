import {
  CDC_TABLES_PER_PIPELINE,
  cdcPipelineSchema,
  cdcTableFormIssue,
  cdcTableSchema,
  type CdcPipelineView,
  type CdcTableForm,
} from '@internal/backstage-plugin-dbaas-common';

/** What the dialog's tables field holds: one table a line, blank lines aside. */
export function tablesOf(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map(line => line.trim())
    .filter(line => line !== '');
}

/**
 * What is wrong with a new pipeline, by the rules the API applies: the
 * claim's schema (a DNS label of at most 40 characters; letters, digits and
 * underscores), the engine's table form, and the claim's rules among the
 * database's pipelines (a name once, a table captured by one pipeline). A
 * table captured by another database is the API's to find.
 */
export function newCdcPipelineIssues(options: {
  name: string;
  tables: string[];
  tableForm: CdcTableForm;
  existing: readonly CdcPipelineView[];
}): { name?: string; tables: string[] } {
  const { name, tables, tableForm, existing } = options;
  return {
    name: nameIssue(name, existing),
    tables: tablesIssues(tables, tableForm, existing),
  };
}

function nameIssue(
  name: string,
  existing: readonly CdcPipelineView[],
): string | undefined {
  if (!name) return 'Give the pipeline a name';
  const parsed = cdcPipelineSchema.shape.name.safeParse(name);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return issue.code === 'too_big'
      ? `The name must be at most ${issue.maximum} characters`
      : `The name ${issue.message}`;
  }
  if (existing.some(p => p.name === name)) {
    return `There is already a pipeline named ${name}`;
  }
  return undefined;
}

function tablesIssues(
  tables: string[],
  tableForm: CdcTableForm,
  existing: readonly CdcPipelineView[],
): string[] {
  if (tables.length === 0) {
    return [`Name at least one table, such as ${tableForm.example}`];
  }
  const issues: string[] = [];
  if (tables.length > CDC_TABLES_PER_PIPELINE) {
    issues.push(
      `A pipeline captures at most ${CDC_TABLES_PER_PIPELINE} tables; this one lists ${tables.length}`,
    );
  }
  const seen = new Set<string>();
  for (const table of tables) {
    const parsed = cdcTableSchema.safeParse(table);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      issues.push(
        issue.code === 'too_big'
          ? `${table} is longer than ${issue.maximum} characters`
          : `${table} ${issue.message}`,
      );
    } else {
      const formIssue = cdcTableFormIssue(table, tableForm);
      if (formIssue) issues.push(formIssue);
    }
    if (seen.has(table)) {
      issues.push(`${table} is listed twice`);
    }
    seen.add(table);
    const other = existing.find(p => p.tables.includes(table));
    if (other) {
      issues.push(`${table} is already captured by pipeline ${other.name}`);
    }
  }
  // A table listed three times is one problem.
  return [...new Set(issues)];
}
