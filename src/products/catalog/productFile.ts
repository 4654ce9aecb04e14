// A catalog file for `npm run products:import`: CSV with the header
//   id,title,category,price,available[,imageUrl][,feature.<name>…]
// (available: true/false/1/0/yes/no; feature.* cells become the product's free features:
// numbers when they parse as numbers, true/false as booleans, else text; empty cells are left
// out), or a JSON array of product objects. Every row is checked; the result lists every
// problem by row and column, so an import writes all products or none.
import fs from 'node:fs';
import type { FieldError } from '../../common/fieldPath';
import { parseCsvText } from '../history/csvParser';
import { validateProduct, type Product } from './productSchema';

export interface ProductFileIssue {
  /** 1-based line of the CSV file, or the array index + 1 of a JSON file. */
  row: number;
  field: string;
  message: string;
}

export class ProductFileError extends Error {
  constructor(readonly issues: readonly ProductFileIssue[]) {
    super(`${issues.length} problem(s), nothing imported:\n${issues.slice(0, 50).map((i) => `  row ${i.row}, ${i.field}: ${i.message}`).join('\n')}${issues.length > 50 ? `\n  … and ${issues.length - 50} more` : ''}`);
    this.name = 'ProductFileError';
  }
}

const BOOL: Readonly<Record<string, boolean>> = { true: true, false: false, '1': true, '0': false, yes: true, no: false };

function cell(value: string): string | number | boolean {
  const t = value.trim();
  if (t === 'true' || t === 'false') return t === 'true';
  if (/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(t)) return Number(t);
  return t;
}

function fromCsv(text: string): { products: Product[]; issues: ProductFileIssue[] } {
  const records = parseCsvText(text);
  const issues: ProductFileIssue[] = [];
  const products: Product[] = [];
  if (records.length === 0) return { products, issues: [{ row: 1, field: 'header', message: 'the file is empty' }] };
  const header = records[0].fields.map((f) => f.trim());
  for (const required of ['id', 'title', 'category', 'price', 'available']) {
    if (!header.includes(required)) issues.push({ row: records[0].line, field: required, message: 'column is missing from the header' });
  }
  const unknown = header.filter((h) => !['id', 'title', 'category', 'price', 'available', 'imageUrl'].includes(h) && !h.startsWith('feature.'));
  for (const h of unknown) issues.push({ row: records[0].line, field: h, message: 'is not a known column (id, title, category, price, available, imageUrl, feature.<name>)' });
  if (issues.length > 0) return { products, issues };
  for (const record of records.slice(1)) {
    if (record.fields.length === 1 && record.fields[0].trim() === '') continue;
    if (record.fields.length !== header.length) {
      issues.push({ row: record.line, field: '(row)', message: `has ${record.fields.length} cells, the header ${header.length}` });
      continue;
    }
    const input: Record<string, unknown> = { features: {} };
    const features = input.features as Record<string, unknown>;
    header.forEach((h, k) => {
      const v = record.fields[k];
      if (h === 'price') input.price = v.trim() === '' ? undefined : Number(v);
      else if (h === 'available') input.available = BOOL[v.trim().toLowerCase()] ?? v;
      else if (h.startsWith('feature.')) {
        if (v.trim() !== '') features[h.slice('feature.'.length)] = cell(v);
      } else if (v.trim() !== '' || h === 'id' || h === 'title' || h === 'category') input[h] = v.trim();
    });
    const checked = validateProduct(input);
    if (checked.ok) products.push(checked.product);
    else for (const e of checked.errors) issues.push({ row: record.line, field: csvField(e), message: e.message });
  }
  return { products, issues };
}

const csvField = (e: FieldError) => (e.field.startsWith('features.') ? `feature.${e.field.slice('features.'.length)}` : e.field);

function fromJson(text: string): { products: Product[]; issues: ProductFileIssue[] } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { products: [], issues: [{ row: 1, field: '(file)', message: `is not JSON: ${(error as Error).message}` }] };
  }
  if (!Array.isArray(value)) return { products: [], issues: [{ row: 1, field: '(file)', message: 'must be a JSON array of products' }] };
  const products: Product[] = [];
  const issues: ProductFileIssue[] = [];
  value.forEach((item, k) => {
    const checked = validateProduct(item);
    if (checked.ok) products.push(checked.product);
    else for (const e of checked.errors) issues.push({ row: k + 1, field: e.field, message: e.message });
  });
  return { products, issues };
}

/** Reads and checks a whole catalog file; throws ProductFileError listing every problem (duplicate ids too). */
export function readProductFile(file: string): Product[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new ProductFileError([{ row: 0, field: '--from', message: `cannot read ${file}` }]);
  }
  const { products, issues } = /\.json$/i.test(file) ? fromJson(text) : fromCsv(text.replace(/^\uFEFF/, ''));
  const seen = new Set<string>();
  for (const p of products) {
    if (seen.has(p.id)) issues.push({ row: 0, field: 'id', message: `"${p.id}" appears more than once` });
    seen.add(p.id);
  }
  if (issues.length > 0) throw new ProductFileError(issues);
  return products;
}
