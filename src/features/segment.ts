// Cold-start segment of a request: the device it comes from and whether the user is new or returning.
import type { FeatureMap } from './flattenFeatures';
import { isReturning, type ProfileView } from './profileView';

export const DEVICES = ['desktop', 'mobile', 'tablet', 'tv', 'other'] as const;
/** Context paths a device is read from, first match wins. */
export const DEVICE_KEYS = ['device', 'device.type', 'deviceType'] as const;

export type Device = (typeof DEVICES)[number] | 'unknown';

export function deviceOf(context: FeatureMap): Device {
  for (const key of DEVICE_KEYS) {
    const v = context.get(key);
    if (typeof v === 'string' && v !== '') {
      const d = v.toLowerCase();
      return (DEVICES as readonly string[]).includes(d) ? (d as Device) : 'other';
    }
  }
  return 'unknown';
}

/** "mobile|new", "desktop|returning", "unknown|new", … */
export function segmentOf(context: FeatureMap, profile: ProfileView | undefined, nowMs: number): string {
  return `${deviceOf(context)}|${isReturning(profile, nowMs) ? 'returning' : 'new'}`;
}
