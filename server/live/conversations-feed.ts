import { EventEmitter } from 'node:events';
import pg from 'pg';
import { directDatabaseUrl } from '../env';
import { onShutdown } from '../runtime/lifecycle';

/**
 * Which threads got new messages, for the dashboard's live updates: ONE connection per server
 * process LISTENs (migration message_notify sends one NOTIFY per statement and thread), and every
 * open browser subscription (tRPC over server-sent events) reads from this process's emitter.
 *
 * LISTEN needs a session of its own, so it never goes through a transaction pooler: the direct
 * URL. On the embedded database (PGlite behind one shared backend session) the feed polls
 * instead, every second, with a since-cursor on the message ids (CONVERSATIONS_LIVE=poll; npm
 * start sets it there).
 *
 * A dropped connection (network, database restart) reconnects with backoff (0.5 s doubling to
 * 10 s); after reconnecting the feed emits `resync`, since notifications sent meanwhile are lost:
 * the screens then refetch what they show.
 */
export const NOTIFY_CHANNEL = 'conversation_messages';

export type FeedEvent = { kind: 'threads'; threadIds: string[] } | { kind: 'resync' };

export class ConversationsFeed extends EventEmitter {
  private client: pg.Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private backoffMs = 500;
  private sinceId: number | null = null;
  private readonly dead = new WeakSet<pg.Client>();
  /** Set once the feed has connected (tests and health checks wait on it). */
  ready: Promise<void>;
  private markReady!: () => void;

  constructor(
    private readonly url: string,
    private readonly mode: 'listen' | 'poll' = 'listen',
    private readonly pollMs = 1000,
  ) {
    super();
    this.setMaxListeners(0); // one listener per open browser tab
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    void this.connect(false);
  }

  private publish(e: FeedEvent) {
    this.emit('event', e);
  }

  private async connect(isReconnect: boolean): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.url, application_name: 'dashboard:live', keepAlive: true });
    client.on('error', () => this.retry(client)); // a dropped socket: reconnect
    client.on('end', () => this.retry(client));
    try {
      await client.connect();
      if (this.mode === 'listen') {
        client.on('notification', (n) => {
          if (n.channel !== NOTIFY_CHANNEL) return;
          this.publish(n.payload === '*' || !n.payload ? { kind: 'resync' } : { kind: 'threads', threadIds: [n.payload] });
        });
        await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
      } else {
        const r = await client.query<{ id: string | null }>('SELECT max(id)::text AS id FROM shared_thread_messages');
        this.sinceId ??= Number(r.rows[0]?.id ?? 0);
        this.schedulePoll(client);
      }
      this.client = client;
      this.backoffMs = 500;
      this.markReady();
      if (isReconnect) this.publish({ kind: 'resync' });
    } catch {
      this.retry(client);
    }
  }

  private schedulePoll(client: pg.Client) {
    this.timer = setTimeout(async () => {
      if (this.stopped || this.client !== client) return;
      try {
        // shared_thread_messages_pkey range scan from the cursor: the ids written since the last look.
        const r = await client.query<{ thread_id: string; max: string }>(
          'SELECT thread_id, max(id)::text AS max FROM shared_thread_messages WHERE id > $1 GROUP BY thread_id LIMIT 101',
          [this.sinceId ?? 0],
        );
        if (r.rows.length > 0) {
          this.sinceId = Math.max(this.sinceId ?? 0, ...r.rows.map((x) => Number(x.max)));
          this.publish(r.rows.length > 100 ? { kind: 'resync' } : { kind: 'threads', threadIds: r.rows.map((x) => x.thread_id) });
        }
        this.schedulePoll(client);
      } catch {
        this.retry(client);
      }
    }, this.pollMs);
  }

  private retry(client: pg.Client) {
    if (this.stopped || this.dead.has(client)) return; // 'error' and 'end' both report one drop
    this.dead.add(client);
    this.client = null;
    if (this.timer) clearTimeout(this.timer);
    client.removeAllListeners('end');
    client.end().catch(() => {});
    const wait = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, 10_000);
    this.timer = setTimeout(() => void this.connect(true), wait);
  }

  /** For SIGTERM and tests: no reconnects, the connection closed. */
  async close(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const c = this.client;
    this.client = null;
    if (c) {
      c.removeAllListeners('end');
      await c.end().catch(() => {});
    }
  }
}

// One feed per server process, started by the first subscriber (kept on globalThis for dev reloads).
const g = globalThis as unknown as { __conversationsFeed?: ConversationsFeed };
export function conversationsFeed(): ConversationsFeed {
  if (!g.__conversationsFeed) {
    // LISTEN needs a session: the direct URL, never a transaction pooler.
    const feed = new ConversationsFeed(directDatabaseUrl(), process.env.CONVERSATIONS_LIVE === 'poll' ? 'poll' : 'listen');
    onShutdown('conversations feed (LISTEN)', () => feed.close());
    g.__conversationsFeed = feed;
  }
  return g.__conversationsFeed;
}
