// Master-key authorization as the service checks it: the Authorization header is
// url-encoded "type=master&ver=1.0&sig=<base64 HMAC-SHA256>" over
// "<verb>\n<resourceType>\n<resourceId>\n<x-ms-date>\n\n" (verb, type and date lower-cased).
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface AuthTarget {
  verb: string;
  resourceType: string;
  /** Candidate resource ids (the decoded link, and the raw one when it differs). */
  resourceIds: string[];
}

export function expectedSignature(key: Buffer, verb: string, resourceType: string, resourceId: string, date: string): string {
  const text = `${verb.toLowerCase()}\n${resourceType.toLowerCase()}\n${resourceId}\n${date.toLowerCase()}\n\n`;
  return createHmac('sha256', key).update(text).digest('base64');
}

/** undefined when authorized, else the reason (answered as 401). */
export function checkAuthorization(
  key: Buffer,
  headers: Record<string, string | string[] | undefined>,
  target: AuthTarget,
): string | undefined {
  const raw = headers['authorization'];
  if (typeof raw !== 'string' || raw === '') return 'Required Header authorization is missing. Ensure a valid Authorization token is passed.';
  const date = (headers['x-ms-date'] as string | undefined) ?? (headers['date'] as string | undefined);
  if (!date) return 'The request is missing the x-ms-date header.';
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return 'The authorization token is not url-encoded.';
  }
  const params = new URLSearchParams(decoded.replace(/\+/g, '%2B'));
  if (params.get('type') !== 'master') {
    return `The input authorization token can't serve the request. Only master-key tokens (type=master) are accepted by this emulator.`;
  }
  const sig = params.get('sig') ?? '';
  const given = Buffer.from(sig, 'base64');
  for (const resourceId of target.resourceIds) {
    const expected = Buffer.from(expectedSignature(key, target.verb, target.resourceType, resourceId, date), 'base64');
    if (expected.length === given.length && timingSafeEqual(expected, given)) return undefined;
  }
  return (
    "The input authorization token can't serve the request. The wrong key is being used or the expected payload is not built as per the protocol. " +
    `For more info: https://aka.ms/cosmosdb-tsg-mac-signature. Server used the following payload to sign: '${target.verb.toLowerCase()}\n${target.resourceType.toLowerCase()}\n${target.resourceIds[0]}\n${date.toLowerCase()}\n\n'`
  );
}
