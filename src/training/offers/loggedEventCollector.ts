// Collects the learning loop's events from archived bodies, each once: a re-sent copy of an event
// (same event id under a new sequence number) is dropped, and of several decision events with one
// eventId the earliest issued is kept. Client events are recognised without being parsed.
import { parseLoggedEvent, type LoggedActivation, type LoggedDecision, type LoggedReward } from '../../events/learningEvents';

const MAX_EXAMPLES = 5;
/** Every decision, reward and activation body carries a "decision" member; client events cannot. */
const DECISION_FIELD = Buffer.from('"decision"');

export interface CollectedStats {
  /** Bodies offered (archived events). */
  events: number;
  /** Client events and anything else that is not a decision, reward or activation. */
  otherEvents: number;
  /** Bodies that look like loop events but are not JSON. */
  unparsable: number;
  decisions: number;
  rewards: number;
  activations: number;
  /** Copies of an event already read (same event id under another sequence number). */
  duplicateEvents: number;
  /** Further decision events with an eventId already read (the earliest issued is kept). */
  duplicateDecisionIds: number;
  /** Of those, copies that disagree on the issue time or the chosen action. */
  conflictingDecisionIds: number;
  malformed: { decision: number; reward: number; activation: number };
  malformedExamples: string[];
}

export interface CollectedEvents {
  decisions: Map<string, LoggedDecision>;
  /** By decision eventId, in archive order. */
  rewards: Map<string, LoggedReward[]>;
  activations: Map<string, LoggedActivation[]>;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export class LoggedEventCollector {
  readonly stats: CollectedStats = {
    events: 0,
    otherEvents: 0,
    unparsable: 0,
    decisions: 0,
    rewards: 0,
    activations: 0,
    duplicateEvents: 0,
    duplicateDecisionIds: 0,
    conflictingDecisionIds: 0,
    malformed: { decision: 0, reward: 0, activation: 0 },
    malformedExamples: [],
  };
  readonly collected: CollectedEvents = { decisions: new Map(), rewards: new Map(), activations: new Map() };
  private readonly seenIds = new Set<string>();

  add(body: Buffer): void {
    const stats = this.stats;
    stats.events++;
    if (body.indexOf(DECISION_FIELD) < 0) {
      stats.otherEvents++;
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      stats.unparsable++;
      return;
    }
    const parsed = parseLoggedEvent(json);
    if (parsed.kind === 'other') {
      stats.otherEvents++;
      return;
    }
    if (parsed.kind === 'malformed') {
      stats.malformed[parsed.type]++;
      if (stats.malformedExamples.length < MAX_EXAMPLES) stats.malformedExamples.push(parsed.error);
      return;
    }
    const id = (json as { id: string }).id;
    if (this.seenIds.has(id)) {
      stats.duplicateEvents++;
      return;
    }
    this.seenIds.add(id);
    const { decisions, rewards, activations } = this.collected;
    if (parsed.kind === 'decision') {
      const d = parsed.decision;
      const earlier = decisions.get(d.eventId);
      if (earlier) {
        stats.duplicateDecisionIds++;
        if (earlier.issuedAtMs !== d.issuedAtMs || earlier.rewardActionId !== d.rewardActionId) stats.conflictingDecisionIds++;
        if (d.issuedAtMs < earlier.issuedAtMs) decisions.set(d.eventId, d);
        return;
      }
      decisions.set(d.eventId, d);
      stats.decisions++;
    } else if (parsed.kind === 'reward') {
      push(rewards, parsed.reward.eventId, parsed.reward);
      stats.rewards++;
    } else {
      push(activations, parsed.activation.eventId, parsed.activation);
      stats.activations++;
    }
  }
}
