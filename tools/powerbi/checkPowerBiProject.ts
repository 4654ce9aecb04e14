// Offline check of the Power BI project in powerbi/ (PBIP: TMDL semantic model, PBIR reports)
// against what the app writes: every table's partition reads one Cosmos DB container and one
// document kind, and every column it selects must be a field those documents have; every DAX
// reference and every field a report visual uses must exist in the model. The fields written
// are given by the caller (test/tools/powerbi derives them from documents the real writers
// wrote), so a renamed document field breaks this check, not a report in production.
import fs from 'node:fs';
import path from 'node:path';

/** container → document kind → the fields its documents have. */
export type WrittenFields = Map<string, Map<string, Set<string>>>;

export interface ModelTable {
  name: string;
  file: string;
  columns: { name: string; sourceColumn: string }[];
  measures: { name: string; expression: string }[];
  partition?: { kind: 'm' | 'calculated'; source: string };
}

export interface SemanticModel {
  tables: ModelTable[];
  /** Shared expressions: parameters (with their meta) and container queries. */
  expressions: Map<string, string>;
  relationships: { from: string; to: string }[];
}

export interface ProjectCheck {
  problems: string[];
  /** The containers the model reads, sorted (for the role assignments). */
  containers: string[];
  tables: number;
  measures: number;
  visuals: number;
}

const unquote = (name: string) => (name.startsWith("'") && name.endsWith("'") ? name.slice(1, -1).replace(/''/g, "'") : name);
const indentOf = (line: string) => line.length - line.replace(/^\t+/, '').length;

/** Reads the TMDL objects this project uses (tables, columns, measures, partitions, expressions, relationships). */
export function readSemanticModel(definitionDir: string): SemanticModel {
  const model: SemanticModel = { tables: [], expressions: new Map(), relationships: [] };
  const tablesDir = path.join(definitionDir, 'tables');
  for (const file of fs.readdirSync(tablesDir).filter((f) => f.endsWith('.tmdl')).sort()) {
    const lines = fs.readFileSync(path.join(tablesDir, file), 'utf8').split(/\r?\n/);
    let table: ModelTable | undefined;
    let current: { kind: 'column'; value: { name: string; sourceColumn: string } } | { kind: 'measure' | 'partition' | 'other' } | undefined;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      const text = line.trim();
      if (text === '' || text.startsWith('///')) continue;
      const depth = indentOf(line);
      if (depth === 0) {
        const m = /^table\s+('(?:[^']|'')+'|\S+)/.exec(text);
        if (m) {
          table = { name: unquote(m[1]), file: `tables/${file}`, columns: [], measures: [] };
          model.tables.push(table);
        }
        continue;
      }
      if (!table) continue;
      if (depth === 1) {
        let m = /^column\s+('(?:[^']|'')+'|\S+)/.exec(text);
        if (m) {
          const column = { name: unquote(m[1]), sourceColumn: '' };
          table.columns.push(column);
          current = { kind: 'column', value: column };
          continue;
        }
        m = /^measure\s+('(?:[^']|'')+'|[^=\s]+)\s*=\s*(.*)$/.exec(text);
        if (m) {
          // The expression is the rest of the line, or the more deeply indented lines below.
          let expression = m[2];
          while (i + 1 < lines.length && (lines[i + 1].trim() === '' || indentOf(lines[i + 1]) >= 3)) expression += `\n${lines[++i]}`;
          table.measures.push({ name: unquote(m[1]), expression: expression.trim() });
          current = { kind: 'measure' };
          continue;
        }
        m = /^partition\s+('(?:[^']|'')+'|\S+)\s*=\s*(m|calculated)\b/.exec(text);
        if (m) {
          table.partition = { kind: m[2] as 'm' | 'calculated', source: '' };
          current = { kind: 'partition' };
          continue;
        }
        current = { kind: 'other' };
        continue;
      }
      if (depth === 2 && current?.kind === 'column') {
        const m = /^sourceColumn:\s*(.+)$/.exec(text);
        if (m) current.value.sourceColumn = m[1].trim().replace(/^"(.*)"$/, '$1');
      }
      if (depth === 2 && current?.kind === 'partition' && table.partition) {
        const m = /^source\s*=\s*(.*)$/.exec(text);
        if (m) {
          let source = m[1];
          while (i + 1 < lines.length && (lines[i + 1].trim() === '' || indentOf(lines[i + 1]) >= 3)) source += `\n${lines[++i]}`;
          table.partition.source = source.trim();
        }
      }
    }
  }
  const expressionsFile = path.join(definitionDir, 'expressions.tmdl');
  if (fs.existsSync(expressionsFile)) {
    const lines = fs.readFileSync(expressionsFile, 'utf8').split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const m = /^expression\s+('(?:[^']|'')+'|[^=\s]+)\s*=\s*(.*)$/.exec(lines[i]);
      if (!m) continue;
      let body = m[2];
      while (i + 1 < lines.length && (lines[i + 1].trim() === '' || indentOf(lines[i + 1]) >= 2)) body += `\n${lines[++i]}`;
      model.expressions.set(unquote(m[1]), body.trim());
    }
  }
  const relationshipsFile = path.join(definitionDir, 'relationships.tmdl');
  if (fs.existsSync(relationshipsFile)) {
    let from = '';
    for (const line of fs.readFileSync(relationshipsFile, 'utf8').split(/\r?\n/)) {
      const f = /^\s+fromColumn:\s*(.+)$/.exec(line);
      if (f) from = f[1].trim();
      const t = /^\s+toColumn:\s*(.+)$/.exec(line);
      if (t) model.relationships.push({ from, to: t[1].trim() });
    }
  }
  return model;
}

/** The container a shared expression navigates to (`{[Id = "aggregates"]}[Data]`, the last step). */
function containerOf(expression: string): string | undefined {
  const ids = [...expression.matchAll(/\{\s*\[\s*Id\s*=\s*"([^"]+)"\s*\]\s*\}\s*\[Data\]/g)];
  return ids.length > 0 ? ids[ids.length - 1][1] : undefined;
}

/** Every `{ "Column"|"Measure": { Expression: { SourceRef: { Entity } }, Property } }` in a visual. */
function visualFields(node: unknown, out: { type: 'Column' | 'Measure'; entity: string; property: string }[]): void {
  if (Array.isArray(node)) {
    for (const item of node) visualFields(item, out);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  for (const type of ['Column', 'Measure'] as const) {
    const ref = record[type] as { Expression?: { SourceRef?: { Entity?: unknown } }; Property?: unknown } | undefined;
    if (ref && typeof ref.Property === 'string' && typeof ref.Expression?.SourceRef?.Entity === 'string') {
      out.push({ type, entity: ref.Expression.SourceRef.Entity, property: ref.Property });
    }
  }
  for (const value of Object.values(record)) visualFields(value, out);
}

function filesUnder(dir: string, name: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...filesUnder(full, name));
    else if (entry.name === name) found.push(full);
  }
  return found.sort();
}

export function checkPowerBiProject(projectDir: string, written: WrittenFields): ProjectCheck {
  const problems: string[] = [];
  const models = fs.readdirSync(projectDir).filter((d) => d.endsWith('.SemanticModel'));
  if (models.length !== 1) return { problems: [`${projectDir}: expected one *.SemanticModel folder, found ${models.length}`], containers: [], tables: 0, measures: 0, visuals: 0 };
  const modelName = models[0];
  const model = readSemanticModel(path.join(projectDir, modelName, 'definition'));
  const where = (file: string) => `${modelName}/definition/${file}`;

  // Names: columns per table, measures across the model (names are case-insensitive in Power BI).
  const columns = new Map<string, Set<string>>();
  const measures = new Map<string, string>();
  for (const t of model.tables) columns.set(t.name, new Set(t.columns.map((c) => c.name)));
  for (const t of model.tables) {
    const lower = new Set(t.columns.map((c) => c.name.toLowerCase()));
    for (const m of t.measures) {
      const key = m.name.toLowerCase();
      if (measures.has(key)) problems.push(`${where(t.file)}: measure '${m.name}' is defined twice (also in ${measures.get(key)})`);
      if (lower.has(key)) problems.push(`${where(t.file)}: measure '${m.name}' has the name of a column of ${t.name}`);
      measures.set(key, t.name);
    }
  }
  const hasColumn = (table: string, column: string) => columns.get(table)?.has(column) === true;
  const hasMeasure = (table: string | undefined, measure: string) => {
    const owner = measures.get(measure.toLowerCase());
    return owner !== undefined && (table === undefined || owner === table);
  };

  // Parameters and the containers behind the shared source expressions.
  for (const parameter of ['CosmosEndpoint', 'CosmosDatabase']) {
    const body = model.expressions.get(parameter);
    if (!body || !/IsParameterQuery\s*=\s*true/.test(body)) problems.push(`${where('expressions.tmdl')}: parameter ${parameter} is missing`);
  }
  const containerOfExpression = new Map<string, string>();
  for (const [name, body] of model.expressions) {
    const container = containerOf(body);
    if (container === undefined) continue;
    if (!/CosmosDB\.Contents\s*\(\s*CosmosEndpoint\s*\)/.test(body)) problems.push(`${where('expressions.tmdl')}: ${name} must connect with CosmosDB.Contents(CosmosEndpoint)`);
    if (!/\[\s*Id\s*=\s*CosmosDatabase\s*\]/.test(body)) problems.push(`${where('expressions.tmdl')}: ${name} must open the database named by the CosmosDatabase parameter`);
    containerOfExpression.set(name, container);
  }
  const containers = new Set<string>();

  for (const t of model.tables) {
    const file = where(t.file);
    if (!t.partition) {
      problems.push(`${file}: table ${t.name} has no partition`);
      continue;
    }
    if (t.partition.kind === 'm') {
      const source = /Source\s*=\s*([A-Za-z_][\w]*)\s*,/.exec(t.partition.source)?.[1];
      const container = source === undefined ? undefined : containerOfExpression.get(source);
      if (container === undefined) {
        problems.push(`${file}: table ${t.name} must start from a container expression (${[...containerOfExpression.keys()].join(', ')}); starts from ${source ?? 'nothing'}`);
        continue;
      }
      containers.add(container);
      const kind = /\[kind\]\s*=\s*"([^"]+)"/.exec(t.partition.source)?.[1];
      const kinds = written.get(container);
      if (!kinds) {
        problems.push(`${file}: table ${t.name} reads container "${container}", which the app does not write`);
        continue;
      }
      const fields = kind === undefined ? undefined : kinds.get(kind);
      if (!fields) {
        problems.push(`${file}: table ${t.name} filters [kind] = "${kind}", which is not a kind of document the app writes to "${container}" (${[...kinds.keys()].sort().join(', ')})`);
        continue;
      }
      for (const m of t.partition.source.matchAll(/\[(\w+)\]\s*=/g)) {
        if (!fields.has(m[1])) problems.push(`${file}: table ${t.name} filters on [${m[1]}], which "${kind}" documents in "${container}" do not have`);
      }
      const selected = /Table\.SelectColumns\([^{]*\{([^}]*)\}/.exec(t.partition.source)?.[1];
      const selectedNames = selected === undefined ? [] : [...selected.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
      for (const field of selectedNames) {
        if (!fields.has(field)) problems.push(`${file}: table ${t.name} selects "${field}", which "${kind}" documents in "${container}" do not have`);
      }
      for (const c of t.columns) {
        if (!fields.has(c.sourceColumn)) problems.push(`${file}: column ${t.name}[${c.name}] reads "${c.sourceColumn}", which "${kind}" documents in "${container}" do not have`);
        else if (!selectedNames.includes(c.sourceColumn)) problems.push(`${file}: column ${t.name}[${c.name}] reads "${c.sourceColumn}", which the partition does not select`);
      }
    }
    // DAX: 'Table'[Column] / Table[Column] references, and bare [Measure] references.
    for (const m of t.measures) {
      const qualified = /('(?:[^']|'')+'|\b[A-Za-z_]\w*)\[([^\]]+)\]/g;
      for (const r of m.expression.matchAll(qualified)) {
        const table = unquote(r[1]);
        if (!columns.has(table)) problems.push(`${file}: measure '${m.name}' uses table ${table}, which is not in the model`);
        else if (!hasColumn(table, r[2]) && !hasMeasure(table, r[2])) problems.push(`${file}: measure '${m.name}' uses ${table}[${r[2]}], which is not a column or measure of ${table}`);
      }
      const bare = m.expression.replace(qualified, '');
      for (const r of bare.matchAll(/\[([^\]]+)\]/g)) {
        if (!hasMeasure(undefined, r[1])) problems.push(`${file}: measure '${m.name}' uses [${r[1]}], which is not a measure of the model`);
      }
    }
  }
  for (const r of model.relationships) {
    for (const end of [r.from, r.to]) {
      const [table, column] = end.split('.');
      if (!hasColumn(table, column)) problems.push(`${where('relationships.tmdl')}: relationship end ${end} is not a column of the model`);
    }
  }

  // Reports: every field a visual uses, and the report's reference to this model.
  let visuals = 0;
  for (const report of fs.readdirSync(projectDir).filter((d) => d.endsWith('.Report')).sort()) {
    const pbir = JSON.parse(fs.readFileSync(path.join(projectDir, report, 'definition.pbir'), 'utf8')) as { datasetReference?: { byPath?: { path?: string } } };
    if (pbir.datasetReference?.byPath?.path !== `../${modelName}`) problems.push(`${report}/definition.pbir: must reference ../${modelName} by path`);
    const pagesDir = path.join(projectDir, report, 'definition', 'pages');
    const order = (JSON.parse(fs.readFileSync(path.join(pagesDir, 'pages.json'), 'utf8')) as { pageOrder?: string[] }).pageOrder ?? [];
    for (const page of order) if (!fs.existsSync(path.join(pagesDir, page, 'page.json'))) problems.push(`${report}: page ${page} of pages.json has no page.json`);
    for (const file of filesUnder(pagesDir, 'visual.json')) {
      visuals++;
      const rel = path.relative(projectDir, file);
      const fields: { type: 'Column' | 'Measure'; entity: string; property: string }[] = [];
      visualFields(JSON.parse(fs.readFileSync(file, 'utf8')), fields);
      if (fields.length === 0) problems.push(`${rel}: the visual shows no field`);
      for (const f of fields) {
        const ok = f.type === 'Column' ? hasColumn(f.entity, f.property) : hasMeasure(f.entity, f.property);
        if (!ok) problems.push(`${rel}: ${f.type.toLowerCase()} ${f.entity}[${f.property}] is not in the model`);
      }
    }
  }
  return {
    problems,
    containers: [...containers].sort(),
    tables: model.tables.length,
    measures: model.tables.reduce((n, t) => n + t.measures.length, 0),
    visuals,
  };
}
