import type { PrismaClient } from '../generated/prisma/client.js';
import type { Logger } from '../logger.js';
import { currentWalLsn, replayState } from '../sql/replication/lsn.js';

/** A WAL position as PostgreSQL prints it (`16/B374D848`), or null when it is not one. */
export function parseLsn(text: string | null | undefined): bigint | null {
  const match = text ? /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text) : null;
  if (!match?.[1] || !match[2]) return null;
  return (BigInt(`0x${match[1]}`) << 32n) | BigInt(`0x${match[2]}`);
}

export interface Replica {
  /** The URL without its password, for logs. */
  name: string;
  prisma: PrismaClient;
}

interface ReplicaState extends Replica {
  checked: boolean;
  healthy: boolean;
  replayed: bigint | null;
}

export type ReadTarget = 'primary' | 'replica';

export interface ReadRouterOptions {
  /** How often each replica is asked whether it is up and how far it has replayed. */
  checkMs?: number;
}

/**
 * Chooses the database a read runs on: a healthy replica (round robin), unless the reader must see a
 * write up to `requiredLsn` that no replica has replayed yet; then the primary. A replica that fails its
 * check, or is not in recovery, gets no reads until it passes again; both transitions are logged.
 */
export class ReadRouter {
  private readonly replicas: ReplicaState[];
  private next = 0;
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> = Promise.resolve();
  readonly counts = { primary: 0, replica: 0 };

  constructor(
    readonly primary: PrismaClient,
    replicas: Replica[],
    private readonly logger: Logger,
    private readonly options: ReadRouterOptions = {},
  ) {
    this.replicas = replicas.map((replica) => ({ ...replica, checked: false, healthy: false, replayed: null }));
  }

  get size(): number {
    return this.replicas.length;
  }

  /** Checks every replica once, then keeps checking in the background. */
  async start(): Promise<void> {
    await this.checkAll();
    const loop = () => {
      this.timer = setTimeout(() => {
        this.checking = this.checkAll().finally(loop);
      }, this.options.checkMs ?? 1_000);
      this.timer.unref();
    };
    loop();
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    await this.checking;
  }

  private async check(replica: ReplicaState): Promise<void> {
    let problem: string | null = null;
    try {
      const state = await replayState(replica.prisma);
      if (state.recovering) replica.replayed = parseLsn(state.lsn);
      else problem = 'it is not in recovery (promoted, or not a replica)';
    } catch (error) {
      problem = (error instanceof Error ? error.message.split('\n')[0] : undefined) || 'unreachable';
    }
    const healthy = problem === null;
    if (healthy !== replica.healthy || !replica.checked) {
      if (healthy) this.logger.info({ replica: replica.name }, 'read replica healthy: serving reads');
      else this.logger.warn({ replica: replica.name, problem }, 'read replica unhealthy: its reads go to the primary');
    }
    replica.healthy = healthy;
    replica.checked = true;
  }

  private checkAll(): Promise<void> {
    return Promise.all(this.replicas.map((replica) => this.check(replica))).then(() => undefined);
  }

  /** The client a read should use, and which kind it is. */
  async forRead(requiredLsn: bigint | null): Promise<{ prisma: PrismaClient; target: ReadTarget }> {
    const count = this.replicas.length;
    for (let tried = 0; tried < count; tried++) {
      const replica = this.replicas[(this.next + tried) % count];
      if (!replica?.healthy) continue;
      if (requiredLsn !== null && (replica.replayed ?? -1n) < requiredLsn) {
        // The cached position may be a second old: ask the replica itself before giving up on it.
        try {
          const state = await replayState(replica.prisma);
          replica.replayed = parseLsn(state.lsn);
        } catch {
          continue;
        }
        if ((replica.replayed ?? -1n) < requiredLsn) continue;
      }
      this.next = (this.next + tried + 1) % count;
      this.counts.replica += 1;
      return { prisma: replica.prisma, target: 'replica' };
    }
    this.counts.primary += 1;
    return { prisma: this.primary, target: 'primary' };
  }

  /** After a write: the position a later read must see, for read-your-writes across requests. */
  commitLsn(): Promise<string> {
    return currentWalLsn(this.primary);
  }
}
