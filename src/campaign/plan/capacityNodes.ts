// The capacity resources of a plan: every limited channel gives one resource per day and time
// slot (`N/slot`) or per day (`N/day`); each combination uses one contact of exactly one
// resource, or none when its channel is unlimited. Node 0 of the assignment is "free" (not
// contacting, and every unlimited combination); node r ≥ 1 is resource r − 1.
import { CHANNELS, COMBINATIONS, COMBINATION_COUNT, DAYS, TIME_SLOTS } from '../../events/contactCombinations';
import type { ContactChannelName, ContactLimit } from '../../config/campaignSettings';
import type { AssignmentProblem } from './capacityAssignment';

export interface CapacityNodes {
  /** Nodes including node 0. */
  nodes: number;
  /** Node of each combination (0 = unlimited). */
  nodeOf: Int32Array;
  capacity: number[];
  /** `call mon morning`, `email tue`, … (node 0: `unlimited`). */
  labels: string[];
}

export function capacityNodes(limits: Partial<Record<ContactChannelName, ContactLimit>>): CapacityNodes {
  const nodeOf = new Int32Array(COMBINATION_COUNT);
  const capacity = [0];
  const labels = ['unlimited'];
  for (const channel of CHANNELS) {
    const limit = limits[channel];
    if (!limit) continue;
    for (const day of DAYS) {
      if (limit.per === 'day') {
        capacity.push(limit.limit);
        labels.push(`${channel} ${day}`);
        for (const c of COMBINATIONS) if (c.channel === channel && c.day === day) nodeOf[c.index] = capacity.length - 1;
      } else {
        for (const slot of TIME_SLOTS) {
          capacity.push(limit.limit);
          labels.push(`${channel} ${day} ${slot}`);
          for (const c of COMBINATIONS) if (c.channel === channel && c.day === day && c.timeSlot === slot) nodeOf[c.index] = capacity.length - 1;
        }
      }
    }
  }
  return { nodes: capacity.length, nodeOf, capacity, labels };
}

export interface LeadOptions extends AssignmentProblem {
  /** n × nodes: the combination lead i takes in node j, −1 = not contacted. */
  option: Int8Array;
}

/**
 * Each lead's best option per node from its expected profit on each of the 63 combinations
 * (node 0 includes not contacting, worth 0: a contact that loses money in expectation is not
 * made). `profit(i, k)` is called once per lead and combination, so no n × 63 matrix is kept.
 */
export function leadOptions(n: number, cap: CapacityNodes, profit: (lead: number, combination: number) => number): LeadOptions {
  const { nodes, nodeOf } = cap;
  const value = new Float64Array(n * nodes).fill(-Infinity);
  const option = new Int8Array(n * nodes).fill(-1);
  for (let i = 0; i < n; i++) {
    const base = i * nodes;
    value[base] = 0;
    for (let k = 0; k < COMBINATION_COUNT; k++) {
      const v = profit(i, k);
      const j = base + nodeOf[k];
      if (v > value[j]) { value[j] = v; option[j] = k; }
    }
  }
  return { n, nodes, value, capacity: cap.capacity, option };
}
