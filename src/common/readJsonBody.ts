import type { HttpRequest } from '@azure/functions';
import { readBodyText } from './readBodyText';

export type JsonBody = { ok: true; value: unknown } | { ok: false; message: string; tooLarge?: boolean };

/** The request body parsed as JSON; an empty body reads as undefined. */
export async function readJsonBody(request: HttpRequest, maxBytes = Infinity): Promise<JsonBody> {
  const read = await readBodyText(request, maxBytes);
  if (!read.ok) return { ok: false, message: read.message, tooLarge: true };
  const text = read.text;
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, message: `is not valid JSON (${(error as Error).message})` };
  }
}
