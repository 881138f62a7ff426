'use client';

import { Funnel, FunnelChart, Tooltip } from 'recharts';

/** The funnel's shapes: loaded on their own (next/dynamic) after the numbers. */
export function FunnelPlot({ data, height }: { data: Array<{ name: string; value: number; fill: string | undefined }>; height: number }) {
  return (
    <FunnelChart responsive style={{ width: '100%', height }} margin={{ top: 0, right: 0, bottom: 0, left: 0 }}>
      <Tooltip formatter={(v) => Number(v).toLocaleString('en-US')} />
      <Funnel dataKey="value" nameKey="name" data={data} isAnimationActive={false} lastShapeType="rectangle" stroke="var(--surface)" />
    </FunnelChart>
  );
}
