import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readHistory } from '../../../src/products/history/readHistory';
import { LocalTimeReader, isProductCode, readHeader } from '../../../src/products/history/historyRows';
import { HistoryFileError } from '../../../src/products/history/readCsvFile';
import { HistoryDataError, importHistory } from '../../../src/products/history/importHistory';

const SAMPLE = path.join(__dirname, '..', 'fixtures', 'online-retail-sample.csv');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'history-read-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text);
  return file;
}

describe('reading a purchase history', () => {
  it('counts cancellations, non-product codes, adjustments and guest checkouts of the Online Retail sample', async () => {
    const read = await readHistory(SAMPLE);
    expect(read.layout).toBe('online-retail');
    // Counted independently with Python's csv module (test/products/fixtures/README.md).
    expect(read.counts).toMatchObject({ rows: 2029, cancellations: 34, nonProduct: 13, notPositive: 8, tooLarge: 0, customerLines: 1778, guestLines: 196, invalid: 0 });
    expect(read.counts.purchases).toBe(1778 + 196);
    expect(read.counts.nonProductCodes.POST).toBeGreaterThan(0);
    expect(read.lines.every((l, i) => i === 0 || read.lines[i - 1].timeMs <= l.timeMs)).toBe(true);
    const quoted = read.lines.find((l) => l.title === 'RECORD FRAME 7" SINGLE SIZE');
    expect(quoted).toBeDefined();
  });

  it('reads the gzip-compressed file the same as the plain one', async () => {
    const gz = path.join(tmp, 'sample.csv.gz');
    fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(SAMPLE)));
    const [plain, packed] = await Promise.all([readHistory(SAMPLE), readHistory(gz)]);
    expect(packed.counts).toEqual(plain.counts);
    expect(packed.lines).toEqual(plain.lines);
  });

  it('reads shop time in the shop time zone: GMT in winter, BST in summer', async () => {
    const times = new LocalTimeReader('Europe/London');
    expect(new Date(times.parse('2010-12-01 08:26:00')).toISOString()).toBe('2010-12-01T08:26:00.000Z');
    expect(new Date(times.parse('2011-06-01 10:00:00')).toISOString()).toBe('2011-06-01T09:00:00.000Z');
    expect(new Date(times.parse('6/1/2011 10:00')).toISOString()).toBe('2011-06-01T09:00:00.000Z');
    expect(times.parse('2011-02-30 10:00:00')).toBeNaN();
    expect(times.parse('yesterday')).toBeNaN();
  });

  it('tells products from postage, fees, manual lines and vouchers', () => {
    for (const code of ['85123A', '22041', 'DCGSSGIRL', 'DCGS0003']) expect(isProductCode(code)).toBe(true);
    for (const code of ['POST', 'M', 'm', 'DOT', 'BANK CHARGES', 'AMAZONFEE', 'gift_0001_20', 'B', 'ADJUST']) expect(isProductCode(code)).toBe(false);
  });

  it('recognises the three layouts by their header and names what a header misses', () => {
    expect(readHeader(['Invoice', 'StockCode', 'Description', 'Quantity', 'InvoiceDate', 'Price', 'Customer ID', 'Country'])).toMatchObject({ layout: 'online-retail-ii' });
    expect(readHeader(['user', 'item', 'timestamp', 'quantity', 'price', 'basket'])).toMatchObject({ layout: 'generic' });
    const bad = readHeader(['user', 'item']);
    expect('error' in bad && bad.error).toMatch(/generic misses basket, quantity, timestamp, price/);
  });

  it('reads the generic layout with ISO times and a time range', async () => {
    const file = write('generic.csv', 'user,item,timestamp,quantity,price,basket,category\nu1,p1,2024-03-01T10:00:00+01:00,2,3.5,b1,toys\nu1,p2,2024-03-01T10:00:00+01:00,1,1,b1,\n,p1,2024-04-01 12:00:00,1,3.5,b2,\n');
    const read = await readHistory(file, { timeZone: 'UTC', before: new Date('2024-03-15T00:00:00Z') });
    expect(read.layout).toBe('generic');
    expect(read.lines.map((l) => [l.user, l.item, new Date(l.timeMs).toISOString(), l.category])).toEqual([
      ['u1', 'p1', '2024-03-01T09:00:00.000Z', 'toys'],
      ['u1', 'p2', '2024-03-01T09:00:00.000Z', undefined],
    ]);
    expect(read.counts.outsideRange).toBe(1);
  });

  it('names every invalid row by line and column, and imports nothing', async () => {
    const file = write('bad.csv', 'user,item,timestamp,quantity,price,basket\nu1,p1,2024-03-01T10:00:00Z,two,1,b1\nu1,p1,soon,1,1,b1\nu1,p1,2024-03-01T10:00:00Z,1,1,b1\n');
    const error = await importHistory(file, undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HistoryDataError);
    expect((error as Error).message).toContain('line 2, column quantity: is not a number: "two"');
    expect((error as Error).message).toContain('line 3, column timestamp: is not a date-time');
  });

  it('refuses a missing file, an unknown header and a bad time zone, naming what is wrong', async () => {
    await expect(readHistory(path.join(tmp, 'nope.csv'))).rejects.toThrow(HistoryFileError);
    await expect(readHistory(write('x.csv', 'a,b\n1,2\n'))).rejects.toThrow(/not a known layout/);
    await expect(readHistory(SAMPLE, { timeZone: 'Mars/Olympus' })).rejects.toThrow(/--time-zone/);
  });
});
