import type rhea from 'rhea';
import type { LogCursor, PartitionLog } from '../storage/partitionLog';
import type { AmqpErrorInfo } from './amqpErrors';
import type { OwnedReceiver } from './consumerOwnership';
import { deliveryPayload } from './messageCodec';

const MAX_EVENTS_PER_READ = 256;

/** rhea keeps link credit and the session's delivery window on the sender; its typings omit them. */
interface SenderInternals {
  credit: number;
  session: { outgoing: { available(): number } };
}
const linkCredit = (sender: rhea.Sender): number => (sender as unknown as SenderInternals).credit;
/** Free slots in the session's delivery buffer (overflowing it throws inside rhea). */
const sessionWindow = (sender: rhea.Sender): number => (sender as unknown as SenderInternals).session.outgoing.available();

/**
 * Serves one SDK receiver (our sender link): sends events from the partition log as link
 * credit allows, waits for new events when caught up, and answers drain requests.
 */
export class ConsumerLink implements OwnedReceiver {
  readonly name: string;
  private readonly cursor: LogCursor;
  private readonly stopListening: () => void;
  private closed = false;
  private pumping = false;

  constructor(
    private readonly sender: rhea.Sender,
    private readonly log: PartitionLog,
    startSequenceNumber: number,
    readonly epoch: number | undefined,
    private readonly runtimeMetric: boolean,
    private readonly onClosed: (link: ConsumerLink) => void,
  ) {
    this.name = sender.name;
    this.cursor = { nextSequenceNumber: startSequenceNumber };
    this.stopListening = log.onAppend(() => this.pump());
  }

  /** Sends what credit allows; called on new credit, on new events and on drain. */
  pump(): void {
    if (this.closed || this.pumping) return;
    this.pumping = true;
    try {
      while (this.sender.sendable()) {
        // Never read more than can be sent now: rhea signals 'sendable' again once the window frees.
        const want = Math.min(linkCredit(this.sender), sessionWindow(this.sender), MAX_EVENTS_PER_READ);
        const records = this.log.read(this.cursor, want);
        if (records.length === 0) break;
        const runtime = this.runtimeMetric ? this.runtimeInfo() : undefined;
        for (const record of records) {
          this.sender.send(deliveryPayload(record.payload, record.headerSectionLength, runtime), undefined, 0);
        }
      }
      // Caught up with credit left: a draining receiver gets its credit consumed and a flow back.
      if (linkCredit(this.sender) > 0) this.sender.set_drained(true);
    } finally {
      this.pumping = false;
    }
  }

  /** The partition took another owner: detach with the error the SDK reports as ownership lost. */
  disconnect(error: AmqpErrorInfo): void {
    if (this.closed) return;
    this.release();
    this.sender.close(error);
  }

  /** The link or its session/connection went away. */
  release(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopListening();
    this.onClosed(this);
  }

  private runtimeInfo() {
    const last = this.log.lastEnqueued;
    return {
      lastSequenceNumber: last.sequenceNumber,
      lastOffset: last.offset,
      lastEnqueuedTimeMs: last.enqueuedTimeMs,
      retrievalTimeMs: Date.now(),
    };
  }
}
