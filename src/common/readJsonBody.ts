import type { HttpRequest } from '@azure/functions';

export type JsonBody = { ok: true; value: unknown } | { ok: false; message: string; tooLarge?: boolean };

/** The request body parsed as JSON; an empty body reads as undefined. */
export async function readJsonBody(request: HttpRequest, maxBytes = Infinity): Promise<JsonBody> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) return { ok: false, message: `is larger than ${maxBytes} bytes`, tooLarge: true };
  const text = await request.text();
  if (Buffer.byteLength(text, 'utf8') > maxBytes) return { ok: false, message: `is larger than ${maxBytes} bytes`, tooLarge: true };
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, message: `is not valid JSON (${(error as Error).message})` };
  }
}
