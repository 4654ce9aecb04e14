/** Bad input to the archive or dead-letter writers; `field` names the offending field. */
export class ArchiveInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field} ${message}`);
    this.name = 'ArchiveInputError';
  }
}
