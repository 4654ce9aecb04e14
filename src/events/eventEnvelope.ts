// An Event Hubs message body holds one event (a JSON object) or an envelope: a JSON array of one
// user's events in the order they were received. The capture endpoint sends envelopes because
// the Event Hubs SDK's per-message cost (AMQP encoding in tryAdd, ~15 µs) dwarfs everything else
// a 50-event request does; readers expand them with `eventsInBody`.

/** The events a decoded message body carries: the elements of an envelope, or the body itself. */
export function eventsInBody(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

export interface Envelope {
  /** The JSON text of the envelope (an array), or of the lone event when it holds one. */
  text: string;
  /** Positions, in the input, of the events it holds, in order. */
  members: number[];
}

/**
 * Packs serialized events (JSON texts, in order) into envelopes of at most `maxBytes` UTF-8
 * bytes each, keeping their order. An event larger than `maxBytes` travels alone.
 * A single event is sent as a plain object, as every other producer sends them.
 */
export function packEnvelopes(serialized: readonly string[], maxBytes: number): Envelope[] {
  const out: Envelope[] = [];
  let parts: string[] = [];
  let members: number[] = [];
  let size = 2; // the brackets
  const close = () => {
    if (parts.length === 0) return;
    out.push({ text: parts.length === 1 ? parts[0] : `[${parts.join(',')}]`, members });
    parts = [];
    members = [];
    size = 2;
  };
  serialized.forEach((text, index) => {
    const bytes = Buffer.byteLength(text, 'utf8') + 1; // and its comma
    if (parts.length > 0 && size + bytes > maxBytes) close();
    parts.push(text);
    members.push(index);
    size += bytes;
  });
  close();
  return out;
}

/**
 * The messages that carry `events` (one user's, in order): usually one envelope, serialized in one
 * call (what makes it cheap); split with `packEnvelopes` only when it would exceed `maxBytes`.
 */
export function envelopeMessages(events: readonly unknown[], maxBytes: number): { body: Buffer; members: number[] }[] {
  const whole = Buffer.from(JSON.stringify(events.length === 1 ? events[0] : events), 'utf8');
  if (whole.length <= maxBytes || events.length === 1) return [{ body: whole, members: events.map((_, i) => i) }];
  return packEnvelopes(events.map((e) => JSON.stringify(e)), maxBytes).map((e) => ({ body: Buffer.from(e.text, 'utf8'), members: e.members }));
}
