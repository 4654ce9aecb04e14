// One purchase-history row (an invoice line) in the layouts the import reads, classified:
//   online-retail     InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
//   online-retail-ii  Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country
//   generic           user,item,timestamp,quantity,price,basket[,title][,category][,country]
// The Online Retail layouts keep local shop time without an offset (`YYYY-MM-DD HH:MM:SS`, read
// in the import's time zone, Europe/London by default); the generic layout's timestamp is ISO 8601
// with an offset, or the same local form.
import { parseIsoTime } from '../../common/isoTime';
import { unusableIdReason } from '../../events/eventSchema';

export type HistoryLayout = 'online-retail' | 'online-retail-ii' | 'generic';

interface ColumnMap {
  basket: number;
  item: number;
  title: number;
  quantity: number;
  time: number;
  price: number;
  user: number;
  country: number;
  category: number;
}

export interface HistoryHeader {
  layout: HistoryLayout;
  columns: ColumnMap;
  names: string[];
}

const LAYOUTS: Record<HistoryLayout, Record<keyof ColumnMap, string | undefined>> = {
  'online-retail': { basket: 'invoiceno', item: 'stockcode', title: 'description', quantity: 'quantity', time: 'invoicedate', price: 'unitprice', user: 'customerid', country: 'country', category: undefined },
  'online-retail-ii': { basket: 'invoice', item: 'stockcode', title: 'description', quantity: 'quantity', time: 'invoicedate', price: 'price', user: 'customer id', country: 'country', category: undefined },
  generic: { basket: 'basket', item: 'item', title: 'title', quantity: 'quantity', time: 'timestamp', price: 'price', user: 'user', country: 'country', category: 'category' },
};
const OPTIONAL: ReadonlySet<string> = new Set(['title', 'country', 'category']);

/** The layout a header row names, or an error listing what is missing. */
export function readHeader(fields: readonly string[]): HistoryHeader | { error: string } {
  const names = fields.map((f) => f.trim().toLowerCase());
  const errors: string[] = [];
  for (const layout of Object.keys(LAYOUTS) as HistoryLayout[]) {
    const spec = LAYOUTS[layout];
    const columns = {} as ColumnMap;
    const missing: string[] = [];
    for (const key of Object.keys(spec) as (keyof ColumnMap)[]) {
      const name = spec[key];
      const index = name === undefined ? -1 : names.indexOf(name);
      if (index < 0 && name !== undefined && !OPTIONAL.has(key)) missing.push(name);
      columns[key] = index;
    }
    if (missing.length === 0) return { layout, columns, names };
    errors.push(`${layout} misses ${missing.join(', ')}`);
  }
  return { error: `the header row is not a known layout (${errors.join('; ')}); got: ${fields.join(',')}` };
}

/** Stock codes of the Online Retail data that are not products (postage, fees, manual lines, vouchers). */
const NON_PRODUCT_CODES: ReadonlySet<string> = new Set([
  'POST', 'DOT', 'M', 'C2', 'C3', 'D', 'S', 'B', 'BANK CHARGES', 'AMAZONFEE', 'CRUK', 'PADS', 'ADJUST', 'ADJUST2', 'TEST001', 'TEST002',
]);

/** Whether a code is a sellable product rather than postage, a fee, a manual line or a gift voucher. */
export function isProductCode(code: string): boolean {
  const upper = code.toUpperCase();
  if (NON_PRODUCT_CODES.has(upper)) return false;
  return !upper.startsWith('GIFT_');
}

export type RowKind = 'purchase' | 'cancellation' | 'non-product' | 'not-positive' | 'too-large' | 'invalid';

/** The event schema's largest quantity: a line above it (a wholesale outlier) is counted, not imported. */
export const MAX_QUANTITY = 10_000;

export interface HistoryLine {
  basket: string;
  item: string;
  title?: string;
  category?: string;
  quantity: number;
  unitPrice: number;
  timeMs: number;
  /** Undefined for a guest checkout. */
  user?: string;
  country?: string;
  line: number;
}

export type ClassifiedRow =
  | { kind: 'purchase'; value: HistoryLine }
  | { kind: 'cancellation' | 'non-product' | 'not-positive' | 'too-large'; item: string; line: number }
  | { kind: 'invalid'; line: number; field: string; message: string };

const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;
const US_TIME = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))?$/;

/** Converts wall-clock times of one time zone to epoch ms (offsets cached per hour). */
export class LocalTimeReader {
  private readonly offsets = new Map<number, number>();
  private readonly format: Intl.DateTimeFormat;

  constructor(readonly timeZone: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
  }

  /** Epoch ms of a local wall-clock time, or NaN. */
  parse(text: string): number {
    let m = LOCAL_TIME.exec(text);
    let parts: number[];
    if (m) parts = [+m[1], +m[2], +m[3], +m[4], +m[5], +(m[6] ?? 0)];
    else if ((m = US_TIME.exec(text))) parts = [+m[3], +m[1], +m[2], +m[4], +m[5], +(m[6] ?? 0)];
    else return NaN;
    const [y, mo, d, h, mi, s] = parts;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return NaN;
    const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
    if (new Date(asUtc).getUTCDate() !== d) return NaN; // 2011-02-30
    // The offset at the guessed instant, then once more at the corrected one (DST edges).
    const first = asUtc - this.offsetAt(asUtc);
    return asUtc - this.offsetAt(first);
  }

  private offsetAt(ms: number): number {
    const hour = Math.floor(ms / 3_600_000);
    let offset = this.offsets.get(hour);
    if (offset === undefined) {
      const p: Record<string, number> = {};
      for (const part of this.format.formatToParts(new Date(hour * 3_600_000))) if (part.type !== 'literal') p[part.type] = Number(part.value);
      offset = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - hour * 3_600_000;
      this.offsets.set(hour, offset);
    }
    return offset;
  }
}

const field = (fields: readonly string[], index: number): string => (index < 0 ? '' : (fields[index] ?? '').trim());

function idProblem(value: string): string | undefined {
  if (value.length === 0) return 'is empty';
  if (value.length > 100) return 'is longer than 100 characters';
  return unusableIdReason(value);
}

/** Classifies one data row. `line` is its line in the file. */
export function classifyRow(header: HistoryHeader, fields: readonly string[], line: number, times: LocalTimeReader): ClassifiedRow {
  const c = header.columns;
  const name = (key: keyof ColumnMap) => header.names[c[key]];
  if (fields.length < header.names.length) {
    return { kind: 'invalid', line, field: name(fields.length <= c.item ? 'item' : 'basket'), message: `the row has ${fields.length} fields, the header ${header.names.length}` };
  }
  const basket = field(fields, c.basket);
  const item = field(fields, c.item);
  const quantityText = field(fields, c.quantity);
  const quantity = Number(quantityText);
  if (quantityText === '' || !Number.isFinite(quantity)) return { kind: 'invalid', line, field: name('quantity'), message: `is not a number: "${quantityText}"` };
  const onlineRetail = header.layout !== 'generic';
  // A cancellation invoice (C…) reverses an earlier line; it is counted, not imported.
  if (onlineRetail && /^c/i.test(basket)) return { kind: 'cancellation', item, line };
  const itemProblem = idProblem(item);
  if (itemProblem) return { kind: 'invalid', line, field: name('item'), message: itemProblem };
  const basketProblem = idProblem(basket);
  if (basketProblem) return { kind: 'invalid', line, field: name('basket'), message: basketProblem };
  if (onlineRetail && !isProductCode(item)) return { kind: 'non-product', item, line };
  const priceText = field(fields, c.price);
  const unitPrice = Number(priceText);
  if (priceText === '' || !Number.isFinite(unitPrice)) return { kind: 'invalid', line, field: name('price'), message: `is not a number: "${priceText}"` };
  const timeText = field(fields, c.time);
  const timeMs = /[zZ]$|[+-]\d{2}:\d{2}$/.test(timeText) ? parseIsoTime(timeText.replace(' ', 'T')) : times.parse(timeText);
  if (!Number.isFinite(timeMs)) return { kind: 'invalid', line, field: name('time'), message: `is not a date-time (YYYY-MM-DD HH:MM:SS or ISO 8601 with offset): "${timeText}"` };
  // Negative quantities outside cancellations are stock adjustments; zero prices are free samples or corrections.
  if (quantity <= 0 || unitPrice <= 0) return { kind: 'not-positive', item, line };
  if (!Number.isInteger(quantity)) return { kind: 'invalid', line, field: name('quantity'), message: `is not a whole number: "${quantityText}"` };
  if (quantity > MAX_QUANTITY) return { kind: 'too-large', item, line };
  let user: string | undefined = field(fields, c.user);
  if (user === '' || user.toLowerCase() === 'na') user = undefined;
  else {
    if (/^\d+\.0+$/.test(user)) user = user.slice(0, user.indexOf('.')); // 17850.0 in some exports
    const userProblem = idProblem(user);
    if (userProblem) return { kind: 'invalid', line, field: name('user'), message: userProblem };
  }
  const title = field(fields, c.title);
  const country = field(fields, c.country);
  const category = field(fields, c.category);
  return {
    kind: 'purchase',
    value: {
      basket, item, quantity, unitPrice, timeMs, line,
      ...(user !== undefined ? { user } : {}),
      ...(title ? { title } : {}),
      ...(country ? { country } : {}),
      ...(category ? { category } : {}),
    },
  };
}
