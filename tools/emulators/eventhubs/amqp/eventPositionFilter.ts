import type { PartitionLog } from '../storage/partitionLog';

export const SELECTOR_FILTER = 'apache.org:selector-filter:string';

export type StartPosition =
  | { kind: 'offset'; value: string; inclusive: boolean }
  | { kind: 'sequenceNumber'; value: number; inclusive: boolean }
  | { kind: 'enqueuedTime'; value: number };

const FILTER_EXPRESSION =
  /^\s*amqp\.annotation\.x-opt-(offset|sequence-number|enqueued-time)\s*(>=|>)\s*'([^']*)'\s*$/i;

/**
 * Parses the selector the SDK puts in the source filter, e.g.
 * `amqp.annotation.x-opt-offset > '-1'` or `amqp.annotation.x-opt-sequence-number >= '42'`.
 * Returns an error message naming the problem when it cannot.
 */
export function parseSelector(expression: string): StartPosition | { error: string } {
  const m = FILTER_EXPRESSION.exec(expression);
  if (!m) return { error: `unsupported ${SELECTOR_FILTER} expression: ${expression}` };
  const [, field, op, raw] = m;
  const inclusive = op === '>=';
  switch (field.toLowerCase()) {
    case 'offset':
      if (raw !== '-1' && raw !== '@latest' && !/^\d+$/.test(raw)) return { error: `offset in filter must be a number, '-1' or '@latest', got '${raw}'` };
      return { kind: 'offset', value: raw, inclusive };
    case 'sequence-number': {
      if (!/^-?\d+$/.test(raw)) return { error: `sequence number in filter must be an integer, got '${raw}'` };
      return { kind: 'sequenceNumber', value: Number(raw), inclusive };
    }
    default: {
      if (!/^-?\d+$/.test(raw)) return { error: `enqueued time in filter must be epoch milliseconds, got '${raw}'` };
      return { kind: 'enqueuedTime', value: Number(raw) };
    }
  }
}

/** Finds the selector string in a link source's filter set, however rhea represented it. */
export function selectorFromFilterSet(filter: unknown): string | undefined {
  if (!filter || typeof filter !== 'object') return undefined;
  let entry: unknown = (filter as Record<string, unknown>)[SELECTOR_FILTER];
  // A described value may arrive wrapped: { descriptor, value }.
  for (let i = 0; i < 3 && entry && typeof entry === 'object' && 'value' in entry; i++) {
    entry = (entry as { value: unknown }).value;
  }
  return typeof entry === 'string' ? entry : undefined;
}

/** The first sequence number a receiver starting at `position` gets, clamped to the retained log. */
export function resolveStartSequenceNumber(log: PartitionLog, position: StartPosition | undefined): number {
  const first = log.firstSequenceNumber;
  const next = log.nextSequenceNumber;
  let seq: number;
  if (!position) seq = first;
  else if (position.kind === 'offset') {
    if (position.value === '-1') seq = first;
    else if (position.value === '@latest') seq = next;
    else seq = log.sequenceNumberForOffset(Number(position.value), position.inclusive);
  } else if (position.kind === 'sequenceNumber') {
    seq = position.inclusive ? position.value : position.value + 1;
  } else {
    seq = log.sequenceNumberAfterTime(position.value);
  }
  return Math.min(Math.max(seq, first), next);
}
