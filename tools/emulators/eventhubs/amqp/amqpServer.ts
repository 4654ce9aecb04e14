import net from 'node:net';
import rhea from 'rhea';
import type { HubRegistry } from '../hubRegistry';
import { AmqpErrorInfo, argumentError, entityNotFound } from './amqpErrors';
import { handleCbsRequest } from './cbsNode';
import { ConsumerLink } from './consumerLink';
import { ConsumerOwnership } from './consumerOwnership';
import { resolveEntity } from './entityAddress';
import { parseSelector, resolveStartSequenceNumber, selectorFromFilterSet, StartPosition } from './eventPositionFilter';
import { ingestTransfer } from './ingestLink';
import { handleManagementRequest } from './managementNode';
import { NodeReply, sendReply } from './requestResponse';

export interface AmqpServerOptions {
  registry: HubRegistry;
  host: string;
  port: number;
  maxMessageBytes: number;
  log: (line: string) => void;
}

const EPOCH_PROPERTY = 'com.microsoft:epoch';
const RUNTIME_METRIC_CAPABILITY = 'com.microsoft:enable-receiver-runtime-metric';
const CLOSE_GRACE_MS = 500;

interface Terminus {
  address?: string;
  filter?: unknown;
}

/** The parts of a rhea link this server touches that rhea's typings leave out. */
interface LinkInternals {
  local: { attach: { max_message_size?: number; offered_capabilities?: string[]; snd_settle_mode?: number } };
  properties?: Record<string, unknown>;
  desired_capabilities?: string | string[];
}

type MessageHandler = (context: rhea.EventContext) => void;

/**
 * The AMQP side of the emulator: `$cbs`, `$management`, producer links (ingest) and consumer
 * links (delivery, with owner-level rules). Storage lives in the hub registry.
 */
export class AmqpServer {
  // autoaccept off: producer transfers are settled only after the log write.
  private readonly container = rhea.create_container({ id: 'eventhubs-emulator', autoaccept: false });
  private readonly ownership = new ConsumerOwnership();
  private readonly messageHandlers = new WeakMap<rhea.Receiver, MessageHandler>();
  private readonly consumers = new Map<rhea.Sender, ConsumerLink>();
  private readonly sockets = new Set<net.Socket>();
  private readonly connections = new Set<rhea.Connection>();
  private server: net.Server | undefined;
  private endpoint = '';

  constructor(private readonly opts: AmqpServerOptions) {}

  async start(): Promise<number> {
    this.registerHandlers();
    const server = this.container.listen({ host: this.opts.host, port: this.opts.port });
    this.server = server;
    server.on('connection', (socket: net.Socket) => {
      // Nagle's algorithm held small frames (dispositions, flow) back: a producer's send took
      // ~4.7 ms instead of ~3 under load.
      socket.setNoDelay(true);
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    server.on('error', (err) => this.opts.log(`server error: ${err.message}`));
    const port = (server.address() as net.AddressInfo).port;
    this.endpoint = `sb://${this.opts.host}:${port}/`;
    return port;
  }

  /** Closes every AMQP connection (clients see connection:forced), then the listener. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const connection of this.connections) {
      try {
        connection.close({ condition: 'amqp:connection:forced', description: 'The Event Hubs emulator is shutting down.' });
      } catch {
        /* already gone */
      }
    }
    for (const consumer of [...this.consumers.values()]) consumer.release();
    const deadline = Date.now() + CLOSE_GRACE_MS;
    while (this.sockets.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const socket of this.sockets) socket.destroy();
    await closed;
    this.container.removeAllListeners();
  }

  private registerHandlers(): void {
    const c = this.container;
    const log = this.opts.log;
    c.on('connection_open', (ctx: rhea.EventContext) => this.connections.add(ctx.connection));
    c.on('receiver_open', (ctx: rhea.EventContext) => this.onProducerLink(ctx.receiver!));
    c.on('sender_open', (ctx: rhea.EventContext) => this.onConsumerLink(ctx.sender!));
    c.on('message', (ctx: rhea.EventContext) => this.messageHandlers.get(ctx.receiver!)?.(ctx));
    c.on('sendable', (ctx: rhea.EventContext) => this.consumers.get(ctx.sender!)?.pump());
    c.on('sender_draining', (ctx: rhea.EventContext) => this.consumers.get(ctx.sender!)?.pump());
    c.on('sender_close', (ctx: rhea.EventContext) => this.consumers.get(ctx.sender!)?.release());
    c.on('session_close', (ctx: rhea.EventContext) => this.releaseConsumers((s) => s.session === ctx.session));
    c.on('connection_close', (ctx: rhea.EventContext) => this.dropConnection(ctx.connection));
    c.on('disconnected', (ctx: rhea.EventContext) => this.dropConnection(ctx.connection));
    for (const event of ['sender_error', 'receiver_error', 'session_error', 'connection_error', 'protocol_error', 'error']) {
      c.on(event, (ctxOrErr: rhea.EventContext | Error) => {
        const err = ctxOrErr instanceof Error ? ctxOrErr : (ctxOrErr.sender ?? ctxOrErr.receiver ?? ctxOrErr.session ?? ctxOrErr.connection)?.error;
        log(`${event}: ${describe(err)}`);
      });
    }
  }

  private dropConnection(connection: rhea.Connection): void {
    this.connections.delete(connection);
    this.releaseConsumers((s) => s.connection === connection);
  }

  private releaseConsumers(match: (sender: rhea.Sender) => boolean): void {
    for (const [sender, consumer] of [...this.consumers]) if (match(sender)) consumer.release();
  }

  /** A client sender attached: our receiver for $cbs, $management, a hub or a partition. */
  private onProducerLink(link: rhea.Receiver): void {
    const address = (link.target as Terminus | undefined)?.address ?? '';
    link.set_target({ address });
    link.set_source({ address: (link.source as Terminus | undefined)?.address ?? '' });
    const resolved = resolveEntity(this.opts.registry, address);
    if ('error' in resolved) return this.refuse(link, resolved.error);
    const kind = resolved.address.kind;
    if (kind === 'cbs') {
      this.messageHandlers.set(link, (ctx) => this.answer(ctx, '$cbs', (m) => handleCbsRequest(this.opts.registry, m)));
    } else if (kind === 'management') {
      this.messageHandlers.set(link, (ctx) =>
        this.answer(ctx, address, (m) => handleManagementRequest(this.opts.registry, this.endpoint, m)),
      );
    } else if ((kind === 'hub' || kind === 'partition') && resolved.hub) {
      (link as unknown as LinkInternals).local.attach.max_message_size = this.opts.maxMessageBytes;
      const target = {
        hub: resolved.hub,
        partitionIndex: kind === 'partition' ? resolved.hub.logs.indexOf(resolved.log!) : undefined,
        maxMessageBytes: this.opts.maxMessageBytes,
      };
      this.messageHandlers.set(link, (ctx) => {
        const result = ingestTransfer(target, ctx as rhea.EventContext & { format?: number });
        if (result.error) this.opts.log(`rejected a send to ${address}: ${result.error.description}`);
      });
    } else {
      this.refuse(link, argumentError(`cannot send to '${address}'`));
    }
  }

  /** A client receiver attached: our sender for $cbs/$management replies or a partition's events. */
  private onConsumerLink(link: rhea.Sender): void {
    const source = (link.source as Terminus | undefined) ?? {};
    const address = source.address ?? '';
    link.set_source({ address });
    link.set_target({ address: (link.target as Terminus | undefined)?.address ?? '' });
    const resolved = resolveEntity(this.opts.registry, address);
    if ('error' in resolved) return this.refuse(link, resolved.error);
    const entity = resolved.address;
    if (entity.kind === 'cbs' || entity.kind === 'management') return; // reply link
    if (entity.kind !== 'consumer' || !resolved.log) {
      return this.refuse(link, entityNotFound(`${this.endpoint}${address}`));
    }

    let position: StartPosition | undefined;
    const selector = selectorFromFilterSet(source.filter);
    if (selector !== undefined) {
      const parsed = parseSelector(selector);
      if ('error' in parsed) return this.refuse(link, argumentError(parsed.error));
      position = parsed;
    }
    const internals = link as unknown as LinkInternals;
    // Events go out pre-settled: nothing to track per delivery, no dispositions back from the client.
    internals.local.attach.snd_settle_mode = 1;
    const rawEpoch = internals.properties?.[EPOCH_PROPERTY];
    const epoch = rawEpoch === undefined || rawEpoch === null ? undefined : Number(rawEpoch);
    if (epoch !== undefined && !Number.isFinite(epoch)) {
      return this.refuse(link, argumentError(`link property ${EPOCH_PROPERTY} must be a number`));
    }
    const desired = ([] as string[]).concat(internals.desired_capabilities ?? []);
    const runtimeMetric = desired.includes(RUNTIME_METRIC_CAPABILITY);
    if (runtimeMetric) internals.local.attach.offered_capabilities = [RUNTIME_METRIC_CAPABILITY];

    const log = resolved.log;
    const key = `${entity.hubName}/${entity.consumerGroup}/${entity.partitionId}`.toLowerCase();
    const consumer = new ConsumerLink(link, log, resolveStartSequenceNumber(log, position), epoch, runtimeMetric, (c) => {
      this.consumers.delete(link);
      this.ownership.release(key, c);
    });
    const refusal = this.ownership.admit(key, consumer);
    if (refusal) {
      consumer.release();
      return this.refuse(link, refusal);
    }
    this.consumers.set(link, consumer);
  }

  /** Completes the attach and immediately detaches with the error, as the service does. */
  private refuse(link: rhea.Sender | rhea.Receiver, error: AmqpErrorInfo): void {
    this.opts.log(`refused link '${link.name}': ${error.condition} ${error.description}`);
    link.close(error);
  }

  private answer(ctx: rhea.EventContext, node: string, handle: (request: rhea.Message) => NodeReply): void {
    const request = ctx.message;
    ctx.delivery?.accept();
    if (!request || Buffer.isBuffer(request)) return;
    let reply: NodeReply;
    try {
      reply = handle(request);
    } catch (err) {
      reply = { error: { condition: 'amqp:internal-error', description: (err as Error).message } };
    }
    sendReply(ctx.connection, node, request, reply);
  }
}

function describe(err: unknown): string {
  if (!err) return 'unknown error';
  if (err instanceof Error) return err.message;
  const e = err as { condition?: string; description?: string };
  return `${e.condition ?? ''} ${e.description ?? ''}`.trim() || JSON.stringify(err);
}
