// What the two Event Hub functions share in one app instance: the archive and dead-letter
// writers (each caches its container's creation) over the instance's clients.
import { ArchiveWriter, DeadLetterWriter } from '../archive';
import type { AzureClients } from '../clients/azureClients';
import { readRewardPolicy } from '../config/rankingSettings';
import type { Env } from '../config/settings';
import { DEFAULT_REWARD_POLICY, type RewardPolicy } from '../aggregation/rewardLedger';

export class ProcessingServices {
  private archiveInstance?: ArchiveWriter;
  private deadLettersInstance?: DeadLetterWriter;
  private rewardPolicyInstance?: RewardPolicy;

  constructor(readonly clients: AzureClients, private readonly env: Env = process.env, private readonly log: (message: string) => void = () => {}) {}

  /**
   * The ranking settings' reward policy, which the aggregates follow as the trainer does. An
   * invalid setting (the ranking routes answer 503 then) must not stall aggregation: the
   * defaults apply and the error is logged.
   */
  get rewardPolicy(): RewardPolicy {
    if (this.rewardPolicyInstance === undefined) {
      try {
        this.rewardPolicyInstance = readRewardPolicy(this.env);
      } catch (error) {
        this.log(`aggregation: ${(error as Error).message}; counting rewards with the defaults (earliest, 0..1)`);
        this.rewardPolicyInstance = DEFAULT_REWARD_POLICY;
      }
    }
    return this.rewardPolicyInstance;
  }

  get archive(): ArchiveWriter {
    this.archiveInstance ??= new ArchiveWriter(this.clients.archiveContainer(this.clients.settings.archiveContainer));
    return this.archiveInstance;
  }

  get deadLetters(): DeadLetterWriter {
    this.deadLettersInstance ??= new DeadLetterWriter(this.clients.archiveContainer(this.clients.settings.deadLetterContainer));
    return this.deadLettersInstance;
  }
}
