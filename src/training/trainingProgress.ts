/** A step of a training run and how far it got (total unknown while reading an archive). */
export interface TrainingProgress {
  step: string;
  done: number;
  total?: number;
}
