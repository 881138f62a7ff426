import type { LatencySummary } from './stats';
import type { SearchIndexWriteRow } from './writes';

/** The shape of `--out FILE.json`: every figure the markdown report is rendered from. */

export interface GuideClaim {
  withoutMs: number;
  withMs: number;
  ratio: number;
}

export interface PlanNode {
  /** Root node type, e.g. "Limit". */
  topNode: string;
  /** Scan nodes from the top down, e.g. "Index Scan Backward using shared_thread_messages_thread_created_idx". */
  scans: string[];
  /** Every index the plan reads. */
  indexes: string[];
  /** Tables read by a sequential scan. */
  seqScans: string[];
  totalCost: number;
}

export interface OperationSide {
  latency: LatencySummary;
  /** One plan per SQL statement the query function sent (most send one). */
  plans: PlanNode[];
}

export interface OperationResult {
  key: string;
  label: string;
  /** `server/queries/<file>.ts#fn`: the function the dashboard calls. */
  queryFunction: string;
  claim: GuideClaim | null;
  without: OperationSide;
  with: OperationSide;
  /** without median / with median. */
  ratio: number | null;
  /** Indexes of 0002 this operation is expected to use. */
  expectedIndexes: string[];
  /** The plan the guide says EXPLAIN shows with the indexes, if it says. */
  guidePlan: string | null;
  /** The growth table names this operation's plan (with indexes) at every size. */
  planAtEverySize?: boolean;
}

export interface GrowthPoint {
  rows: number;
  counts: Record<string, number>;
  operations: Record<
    string,
    {
      withoutMedianMs: number;
      withMedianMs: number;
      /** The fastest run: what the operation costs when nothing else wants the CPU. */
      withoutMinMs: number;
      withMinMs: number;
      withoutRuns: number;
      withRuns: number;
      /** describePlan of the "with" side, for operations whose plan is shown at every size. */
      withPlan?: string;
    }
  >;
}

export interface WriteCostRow {
  table: string;
  mode: 'single' | 'batch';
  rows: number;
  /** Rows per INSERT statement (1 for single). */
  batchSize: number;
  /** Rows per second with 0002 rolled back. */
  withoutIndexes: number;
  /** Rows per second with the nine indexes. */
  withIndexes: number;
  /** Backend CPU time per row (local PostgreSQL only): robust to other load on the machine. */
  cpuUsPerRow: { without: number; with: number; withTrigger: number | null } | null;
  /** The share of throughput the indexes cost: 1 - cost without / cost with (by overheadBasis). */
  indexOverhead: number | null;
  /** About one standard error of indexOverhead, from the spread between rounds. */
  indexOverheadNoise: number | null;
  overheadBasis: 'backend CPU' | 'wall clock';
  /** Rows per second with the nine indexes and the table's own triggers enabled (0005's rollup, 0010's thread summaries), else null. */
  withIndexesAndTrigger: number | null;
  triggerOverhead: number | null;
  triggerOverheadNoise: number | null;
  /** User triggers on the table (off for the first two columns, on for the third). */
  triggers: string[];
  /** Indexes on the table that 0002 does not create (primary key, later migrations): in every column. */
  otherIndexes: string[];
  /** With several features' triggers on the table: each one alone, against the same trigger-off rounds. */
  triggerGroups?: Array<{
    name: string;
    triggers: string[];
    withTrigger: number;
    cpuUsPerRow: number | null;
    overhead: number;
    overheadNoise: number;
  }>;
}

export interface RelationSize {
  table: string;
  rows: number;
  tableBytes: number;
  /** Indexes of 0002 on this table. */
  indexes: { name: string; bytes: number }[];
}

export interface ApplyTiming {
  /** 0002 with CONCURRENTLY removed (CREATE INDEX blocks writes to the table while it builds). */
  plainMs: number;
  /** 0002 as shipped: CREATE INDEX CONCURRENTLY (two table scans, waits for running transactions). */
  concurrentMs: number;
  perIndex: { name: string; plainMs: number; concurrentMs: number }[];
}

export interface HttpResult {
  procedure: string;
  connections: number;
  durationS: number;
  requests: number;
  requestsPerSec: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** A 3-second run on one connection before the load run: the cost of a request with no queue. */
  single?: { requestsPerSec: number; p50Ms: number; p95Ms: number };
  /**
   * The same requests, same connections and duration, right after, against the bare baseline
   * (bench/baseline.ts: Node http + the same query function over a pg pool).
   */
  baseline?: { requests: number; requestsPerSec: number; p50Ms: number; p95Ms: number; p99Ms: number; non2xx: number; errors: number };
  /**
   * The same requests, right after the app's run, against the same build answering /api/trpc/
   * through Next's route (DASHBOARD_TRPC_VIA_NEXT=1) instead of scripts/serve.ts's direct path.
   */
  viaNext?: { requestsPerSec: number; p50Ms: number; p95Ms: number; non2xx: number; errors: number };
  /** Why this procedure could not be load-tested (its first signed-in request did not answer 200). */
  failed?: string;
}

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  ramGiB: number;
  postgres: string;
  node: string;
  os: string;
  date: string;
  database: 'postgresql' | 'embedded';
  /** 1-minute load average when the run started and the highest seen before each measurement. */
  load?: { start: number; max: number };
}

export interface BenchResults {
  command: string;
  /** Where the scratch database lived: "PostgreSQL at host:port (DATABASE_URL)" or the embedded database. */
  database?: string;
  machine: MachineInfo;
  rows: number;
  /** Row counts of the seeded tables at `rows`. */
  counts: Record<string, number>;
  operations: OperationResult[];
  growth: GrowthPoint[];
  writes: WriteCostRow[];
  /** Message search's GIN index: 0026's, 0011's, none (issue 18); absent in older runs' JSON. */
  searchIndexWrites?: SearchIndexWriteRow[];
  sizes: RelationSize[];
  apply: ApplyTiming | null;
  /** Median ms of one single-row INSERT with synchronous_commit = on (the WAL flush of a commit). */
  commitMs: number | null;
  /** Present when migration 0005 (issue 11's rollup) exists. */
  rollup: { migration: string; triggers: string[] } | null;
  http: HttpResult[] | null;
  httpSkipped: string | null;
  /** Seconds per phase, and in total. */
  timings: Record<string, number>;
  notes: string[];
}
