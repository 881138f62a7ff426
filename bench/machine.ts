import os from 'node:os';
import { sql } from 'kysely';
import type { Db } from '@/db/client';
import type { MachineInfo } from './types';

export async function machineInfo(db: Db, database: MachineInfo['database']): Promise<MachineInfo> {
  const { rows } = await sql<{ version: string }>`select version() as version`.execute(db);
  const version = rows[0]?.version ?? 'unknown';
  return {
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.cpus().length,
    ramGiB: Math.round(os.totalmem() / 1024 ** 3),
    // "PostgreSQL 15.20 (Debian 15.20-0+deb12u1) on x86_64-pc-linux-gnu, compiled by ..." -> "PostgreSQL 15.20"
    postgres: (database === 'embedded' ? 'PGlite: ' : '') + (/^PostgreSQL [\d.]+/.exec(version)?.[0] ?? version),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    database,
  };
}
