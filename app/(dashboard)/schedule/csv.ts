import type { AppointmentStatus } from '@/db/schema';
import { csvDocument } from '@/lib/csv';
import { STATUS_LABELS } from '@/lib/contract/appointments';
import type { ScheduleFilters } from '@/lib/contract/schedule';

export interface CsvBooking {
  id: number;
  day: string;
  time: string;
  durationMinutes: number;
  customerId: number;
  customerName: string;
  customerPhone: string | null;
  serviceType: string;
  technician: string | null;
  status: AppointmentStatus;
  amountCents: number | null;
  needsAttention: boolean;
}

/** The view as a spreadsheet: one row a booking, local date and time, amounts in dollars. */
export function scheduleCsv(items: readonly CsvBooking[]): string {
  return csvDocument([
    [
      'date',
      'time',
      'duration_min',
      'customer',
      'phone',
      'service',
      'technician',
      'status',
      'amount_usd',
      'needs_attention',
      'customer_id',
      'booking_id',
    ],
    ...items.map((b) => [
      b.day,
      b.time,
      b.durationMinutes,
      b.customerName,
      b.customerPhone,
      b.serviceType,
      b.technician,
      STATUS_LABELS[b.status],
      b.amountCents === null ? null : (b.amountCents / 100).toFixed(2),
      b.needsAttention ? 'yes' : 'no',
      b.customerId,
      b.id,
    ]),
  ]);
}

/** "schedule_week_2026-03-02_America-Chicago.csv" (filters appended so two exports never look alike). */
export function scheduleCsvFileName(f: ScheduleFilters, timeZone: string): string {
  const parts = ['schedule', f.view, f.date, f.technician, f.status, f.serviceType, timeZone].filter(Boolean) as string[];
  return `${parts.map((p) => p.replace(/[^A-Za-z0-9-]+/g, '-')).join('_')}.csv`;
}
