// Registry version names: sortable by training time, e.g. v20261123T030000Z (unique per second)
// or v20261123T030000Z-3fa9c1 (with a random suffix, for runs that may start in the same second).

export function versionFromTime(date = new Date()): string {
  return `v${date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;
}

export function newVersion(at: Date, random: () => string): string {
  return `${versionFromTime(at)}-${random()}`;
}
