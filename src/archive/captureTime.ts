// Capture writes EnqueuedTimeUtc with .NET's invariant-culture default format, "M/d/yyyy h:mm:ss tt"
// (e.g. "12/2/2021 2:58:24 PM"): whole seconds, no zone. The millisecond time is in
// SystemProperties["x-opt-enqueued-time"] (epoch milliseconds), which readers prefer.

export function formatCaptureTime(date: Date): string {
  const h24 = date.getUTCHours();
  const h12 = h24 % 12 === 0 ? 12 : h24 % 12;
  const mm = String(date.getUTCMinutes()).padStart(2, '0');
  const ss = String(date.getUTCSeconds()).padStart(2, '0');
  return `${date.getUTCMonth() + 1}/${date.getUTCDate()}/${date.getUTCFullYear()} ${h12}:${mm}:${ss} ${h24 < 12 ? 'AM' : 'PM'}`;
}

const CAPTURE_TIME = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))? ?(AM|PM)?$/i;

/** Parses Capture's time string (UTC), or an ISO 8601 string. Undefined when neither. */
export function parseCaptureTime(text: string): Date | undefined {
  const m = CAPTURE_TIME.exec(text.trim());
  if (m) {
    let hour = Number(m[4]);
    const ampm = m[8]?.toUpperCase();
    if (ampm === 'PM' && hour < 12) hour += 12;
    if (ampm === 'AM' && hour === 12) hour = 0;
    const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
    const t = Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]), hour, Number(m[5]), Number(m[6]), ms);
    return Number.isNaN(t) ? undefined : new Date(t);
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(text)) {
    const t = Date.parse(text);
    return Number.isNaN(t) ? undefined : new Date(t);
  }
  return undefined;
}
