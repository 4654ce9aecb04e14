import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CsvParser, CsvSyntaxError, parseCsvText } from '../../../src/products/history/csvParser';

const fieldsOf = (text: string) => parseCsvText(text).map((r) => r.fields);

describe('CSV parser', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, and CRLF endings', () => {
    const text = 'a,b,c\r\n1,"RECORD FRAME 7"" SINGLE, SIZE",x\r\n2,"two\nlines",\n';
    expect(fieldsOf(text)).toEqual([['a', 'b', 'c'], ['1', 'RECORD FRAME 7" SINGLE, SIZE', 'x'], ['2', 'two\nlines', '']]);
  });

  it('numbers records by the line they start on', () => {
    expect(parseCsvText('h\n"a\nb"\nc').map((r) => r.line)).toEqual([1, 2, 4]);
  });

  it('keeps empty fields and a last line without a newline', () => {
    expect(fieldsOf(',,\nx')).toEqual([['', '', ''], ['x']]);
    expect(fieldsOf('""')).toEqual([['']]);
  });

  it('refuses a quote inside an unquoted field, text after a closing quote, and an unclosed quote', () => {
    expect(() => fieldsOf('ab"c\n')).toThrow(CsvSyntaxError);
    expect(() => fieldsOf('"ab"c\n')).toThrow(/line 1: text after a closing quote/);
    expect(() => fieldsOf('x\n"open')).toThrow(/line 2: a quoted field is not closed/);
  });

  it('gives the same records whatever the chunk boundaries', () => {
    const field = fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r', 'é', ' ') , maxLength: 6 });
    const table = fc.array(fc.array(field, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(table, fc.array(fc.nat(40), { maxLength: 6 }), fc.boolean(), (rows, cuts, crlf) => {
        const quote = (f: string) => `"${f.replace(/"/g, '""')}"`;
        const text = rows.map((r) => r.map(quote).join(',')).join(crlf ? '\r\n' : '\n');
        const whole = fieldsOf(text);
        expect(whole).toEqual(rows);
        const parser = new CsvParser();
        const out = [];
        let at = 0;
        for (const cut of [...cuts].sort((a, b) => a - b)) {
          const end = Math.min(text.length, cut);
          if (end <= at) continue;
          out.push(...parser.push(text.slice(at, end)));
          at = end;
        }
        out.push(...parser.push(text.slice(at)), ...parser.end());
        expect(out.map((r) => r.fields)).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });
});
