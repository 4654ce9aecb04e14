// The body limit holds while the body streams in: an endless body is cut off just past the limit.
import { describe, expect, it } from 'vitest';
import { HttpRequest } from '@azure/functions';
import { readBodyText } from '../../src/common/readBodyText';

/** A request whose body never ends (no Content-Length); counts the chunks the reader pulled. */
function endless(chunkBytes: number): { request: HttpRequest; pulled: () => number } {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled++;
      controller.enqueue(new Uint8Array(chunkBytes).fill(0x20));
    },
  });
  const native = new Request('http://localhost/api/events', { method: 'POST', body, duplex: 'half' } as RequestInit);
  // `nativeRequest`: the library's own init for a ready-made fetch Request (as the local host uses it).
  const request = new HttpRequest({ nativeRequest: native } as unknown as ConstructorParameters<typeof HttpRequest>[0]);
  return { request, pulled: () => pulled };
}

describe('readBodyText', () => {
  it('stops reading at the first chunk past the limit, without waiting for the end', async () => {
    const { request, pulled } = endless(16 * 1024);
    const result = await readBodyText(request, 1024 * 1024);
    expect(result).toEqual({ ok: false, tooLarge: true, message: 'is larger than 1048576 bytes' });
    expect(pulled()).toBeLessThanOrEqual(66);
  });

  it('refuses a declared Content-Length over the limit before reading, and reads a body within it', async () => {
    const big = new HttpRequest({ method: 'POST', url: 'http://localhost/x', headers: { 'content-length': '2000' }, body: { string: 'x'.repeat(2000) } });
    expect((await readBodyText(big, 1000)).ok).toBe(false);
    const small = new HttpRequest({ method: 'POST', url: 'http://localhost/x', body: { string: '{"a":"é"}' } });
    expect(await readBodyText(small, 1000)).toEqual({ ok: true, text: '{"a":"é"}' });
  });
});
