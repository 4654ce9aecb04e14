// Bad or insufficient training data: the run stops, nothing is promoted, the status is 'rejected'
// (CLI exit code 2). Infrastructure failures are other errors and propagate.
export class TrainingDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingDataError';
  }
}
