import { describe, it, expect } from 'vitest';
import { logText } from '../../src/common/logText';

describe('logText', () => {
  it('escapes what could forge or hide a log line, and keeps the rest', () => {
    expect(logText('a\nINFO forged\r\u2028\u202Eb\u0000')).toBe('a\\u000aINFO forged\\u000d\\u2028\\u202eb\\u0000');
    expect(logText('plain é 𝕏 text')).toBe('plain é 𝕏 text');
  });

  it('cuts long text', () => {
    expect(logText('x'.repeat(300), 10)).toBe(`${'x'.repeat(10)}…`);
  });
});
