'use client';

import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { formatBytes } from '@/lib/format-bytes';

/** A day-by-day line chart of the Database page's history: loaded on its own (next/dynamic). */
export function HistoryLines({
  data,
  lines,
  yWidth,
  bytes = false,
}: {
  data: Array<Record<string, string | number>>;
  lines: Array<{ key: string; name: string; color: string | undefined }>;
  yWidth: number;
  bytes?: boolean;
}) {
  return (
    <LineChart data={data} responsive style={{ width: '100%', height: 220 }} margin={{ top: 8, right: 8, bottom: 0, left: 4 }}>
      <CartesianGrid stroke="var(--border)" vertical={false} />
      <XAxis dataKey="day" tick={{ fontSize: 12, fill: 'var(--muted)' }} stroke="var(--border)" />
      <YAxis
        width={yWidth}
        tickFormatter={bytes ? (v: number) => formatBytes(v) : undefined}
        tick={{ fontSize: 12, fill: 'var(--muted)' }}
        stroke="var(--border)"
      />
      <Tooltip formatter={bytes ? (v) => formatBytes(Number(v)) : undefined} />
      {lines.map((l) => (
        <Line key={l.key} dataKey={l.key} name={l.name} stroke={l.color} dot={false} isAnimationActive={false} />
      ))}
    </LineChart>
  );
}
