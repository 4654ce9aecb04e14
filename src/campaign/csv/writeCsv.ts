// RFC 4180 output: CRLF line ends; a field is quoted when it holds a comma, quote, line break or
// leading/trailing space, with its quotes doubled.

export type CsvValue = string | number | boolean | undefined;

export function csvField(value: CsvValue): string {
  if (value === undefined) return '';
  const text = typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

export function writeCsv(header: readonly string[], rows: Iterable<readonly CsvValue[]>): string {
  const parts = [csvLine(header)];
  for (const row of rows) parts.push(csvLine(row));
  return parts.join('');
}
