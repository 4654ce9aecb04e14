// A request body read as text with its size limit enforced while it streams in: the read stops
// (and the stream is cancelled) at the first chunk past the limit, so a client that sends no
// Content-Length, or a false one, cannot make the handler hold more than `maxBytes`.
import type { HttpRequest } from '@azure/functions';

export type BodyText = { ok: true; text: string } | { ok: false; tooLarge: true; message: string };

export async function readBodyText(request: HttpRequest, maxBytes: number): Promise<BodyText> {
  const tooLarge = { ok: false, tooLarge: true, message: `is larger than ${maxBytes} bytes` } as const;
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) return tooLarge;
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
