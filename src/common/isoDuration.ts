// ISO 8601 durations as Personalizer's configuration writes them ("PT10M", "P7D", "PT1H30M",
// "PT0.5S"), plus the .NET TimeSpan text ("00:10:00", "1.00:00:00") its older clients sent.

const ISO = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;
const TIMESPAN = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2}(?:\.\d+)?)$/;

/** Seconds, or undefined when the text is not a duration (weeks, years and months are not: their length varies). */
export function parseDurationSeconds(text: string): number | undefined {
  const iso = ISO.exec(text);
  if (iso && text !== 'P' && !text.endsWith('T')) {
    const [d, h, m, s] = iso.slice(1).map((v) => (v === undefined ? 0 : Number(v)));
    return d * 86_400 + h * 3600 + m * 60 + s;
  }
  const span = TIMESPAN.exec(text);
  if (span) {
    const [d, h, m, s] = span.slice(1).map((v) => (v === undefined ? 0 : Number(v)));
    if (h > 23 || m > 59 || s >= 60) return undefined;
    return d * 86_400 + h * 3600 + m * 60 + s;
  }
  return undefined;
}

/** The shortest ISO 8601 text of a whole number of seconds: 600 → "PT10M", 86400 → "P1D". */
export function formatDurationSeconds(seconds: number): string {
  let rest = Math.round(seconds);
  const d = Math.floor(rest / 86_400);
  rest -= d * 86_400;
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  const s = rest - m * 60;
  const time = `${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s ? `${s}S` : ''}`;
  return `P${d ? `${d}D` : ''}${time ? `T${time}` : d ? '' : 'T0S'}`;
}
