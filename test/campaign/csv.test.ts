import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, parseCsv } from '../../src/campaign/csv/parseCsv';
import { csvField, writeCsv } from '../../src/campaign/csv/writeCsv';

const fields = (text: string) => parseCsv(text).map((r) => r.fields);

describe('RFC 4180 CSV parser', () => {
  it('splits fields and records with CRLF, LF or lone CR line ends', () => {
    expect(fields('a,b,c\r\n1,2,3\r\n')).toEqual([['a', 'b', 'c'], ['1', '2', '3']]);
    expect(fields('a,b\n1,2')).toEqual([['a', 'b'], ['1', '2']]);
    expect(fields('a,b\r1,2\r')).toEqual([['a', 'b'], ['1', '2']]);
  });

  it('keeps empty fields, including a trailing one', () => {
    expect(fields('a,,c\r\n,,\r\nx,y,\r\n')).toEqual([['a', '', 'c'], ['', '', ''], ['x', 'y', '']]);
  });

  it('reads quoted fields with commas, escaped quotes and line breaks', () => {
    const text = 'id,note\r\n1,"hello, world"\r\n2,"she said ""hi"""\r\n3,"two\r\nlines"\r\n4,""\r\n';
    expect(fields(text)).toEqual([['id', 'note'], ['1', 'hello, world'], ['2', 'she said "hi"'], ['3', 'two\r\nlines'], ['4', '']]);
  });

  it('numbers records by the line they start on, across quoted line breaks and blank lines', () => {
    const records = parseCsv('h1,h2\r\n"a\nb",1\r\n\r\nc,2\n');
    expect(records.map((r) => r.line)).toEqual([1, 2, 5]);
  });

  it('skips a UTF-8 byte order mark and keeps spaces as written', () => {
    expect(fields('\ufeffa, b \r\n1,2')).toEqual([['a', ' b '], ['1', '2']]);
  });

  it('refuses an unclosed quote, a stray quote and text after a closing quote, naming line and field', () => {
    const fail = (text: string) => {
      try {
        parseCsv(text);
      } catch (error) {
        expect(error).toBeInstanceOf(CsvSyntaxError);
        const e = error as CsvSyntaxError;
        return { line: e.line, field: e.field + 1, reason: e.reason };
      }
      throw new Error('expected a CsvSyntaxError');
    };
    expect(fail('a,b\r\n1,"open\r\nstill open')).toMatchObject({ line: 2, field: 2, reason: expect.stringContaining('never closed') });
    expect(fail('a,b\r\n1,x"y\r\n')).toMatchObject({ line: 2, field: 2, reason: expect.stringContaining('inside an unquoted field') });
    expect(fail('a,b\r\n"x"y,1\r\n')).toMatchObject({ line: 2, field: 1, reason: expect.stringContaining('after a closing quote') });
  });

  it('round-trips what the writer writes', () => {
    const rows = [['plain', 'with,comma', 'with "quote"', 'multi\nline', ' padded ', ''], ['1', '2', '3', '4', '5', '6']];
    const text = writeCsv(['a', 'b', 'c', 'd', 'e', 'f'], rows);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(fields(text)).toEqual([['a', 'b', 'c', 'd', 'e', 'f'], ...rows]);
    expect(csvField(true)).toBe('1');
    expect(csvField(undefined)).toBe('');
  });
});
