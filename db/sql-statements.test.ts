import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createdIndexes, droppedIndexes, splitSqlStatements } from './sql-statements';

describe('splitSqlStatements', () => {
  it('splits at top-level semicolons only', () => {
    const sql = `-- a comment; with a semicolon
      CREATE TABLE a (x text DEFAULT 'semi;colon');
      /* block; comment */
      CREATE FUNCTION f() RETURNS trigger AS $fn$ BEGIN NULL; RETURN NEW; END $fn$ LANGUAGE plpgsql;
      SELECT "odd;name" FROM a;
      -- trailing comment only`;
    const parts = splitSqlStatements(sql);
    expect(parts).toHaveLength(3);
    expect(parts[0]).toContain("'semi;colon'");
    expect(parts[1]).toContain('RETURN NEW; END $fn$');
    expect(parts[2]).toBe('SELECT "odd;name" FROM a');
  });

  it('finds the nine index names of the guide in 0002, and the rollback drops the same nine', () => {
    const up = readFileSync(new URL('../migrations/0002_performance_indexes.sql', import.meta.url), 'utf8');
    const down = readFileSync(new URL('../migrations/0002_performance_indexes.down.sql', import.meta.url), 'utf8');
    const names = createdIndexes(up).map((i) => i.name);
    expect(names).toEqual([
      'shared_thread_messages_thread_id_idx',
      'shared_thread_messages_thread_created_idx',
      'appointments_customer_id_idx',
      'appointments_date_idx',
      'appointments_status_idx',
      'api_usage_analytics_idx',
      'shared_thread_pending_links_rate_limit_idx',
      'webhook_events_processing_idx',
      'attribution_data_conversion_event_idx',
    ]);
    expect(droppedIndexes(down)).toEqual(names);
    for (const i of createdIndexes(up)) expect(i.statement).toMatch(/CONCURRENTLY IF NOT EXISTS/);
  });
});
