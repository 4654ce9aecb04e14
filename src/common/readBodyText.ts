// A request body read as text with its size limit enforced while it streams in: the read stops
// (and the stream is cancelled) at the first chunk past the limit, so a client that sends no
// Content-Length, or a false one, cannot make the handler hold more than `maxBytes`.
import type { HttpRequest } from '@azure/functions';

export type BodyText = { ok: true; text: string } | { ok: false; tooLarge: true; message: string };

export async function readBodyText(request: HttpRequest, maxBytes: number): Promise<BodyText> {
  const tooLarge = { ok: false, tooLarge: true, message: `is larger than ${maxBytes} bytes` } as const;
  const header = request.headers.get('content-length');
  const declared = header === null ? NaN : Number(header);
  if (declared > maxBytes) return tooLarge;
  // With a Content-Length the transport reads exactly that many bytes, so the body cannot pass the
  // limit: read it at once (the local host hands it over already buffered, without a stream).
  if (Number.isInteger(declared) && declared >= 0) {
    const text = await request.text();
    return Buffer.byteLength(text, 'utf8') > maxBytes ? tooLarge : { ok: true, text };
  }
  // No length (chunked): count while it streams.
  const stream = request.body;
  if (stream === null) return { ok: true, text: '' };
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return tooLarge;
    }
    chunks.push(value);
  }
  return { ok: true, text: Buffer.concat(chunks, size).toString('utf8') };
}
