import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../testing/harness';

let h: Harness;
let dana: number;

beforeAll(async () => {
  process.env.BUSINESS_TIME_ZONE = 'America/Chicago';
  h = await createHarness('schedule_router');
  const [c] = await h.db
    .insertInto('customers')
    .values([{ name: 'Dana Whitfield', phone: '+13125550142' }])
    .returning('id')
    .execute();
  dana = c!.id;
  // Tuesday 2030-04-02, 09:00 and 10:00 CDT, and one on Thursday.
  await h.db
    .insertInto('appointments')
    .values([
      {
        customer_id: dana,
        date: new Date('2030-04-02T14:00:00Z'),
        status: 'scheduled',
        service_type: 'Drain cleaning',
        technician: 'Grace Kim',
        amount_cents: 9900,
      },
      {
        customer_id: dana,
        date: new Date('2030-04-02T15:00:00Z'),
        status: 'confirmed',
        service_type: 'HVAC repair',
        technician: 'Luis Ortega',
      },
      {
        customer_id: dana,
        date: new Date('2030-04-04T15:00:00Z'),
        status: 'confirmed',
        service_type: 'HVAC repair',
        technician: 'Grace Kim',
      },
    ])
    .execute();
});
afterAll(() => h?.drop());

describe('schedule', () => {
  it('needs a session', async () => {
    const anon = await h.callerAs('anonymous');
    await expect(anon.schedule.list({ date: '2030-04-02' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(anon.schedule.summary({ date: '2030-04-02' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect((await h.http('anonymous', 'schedule.list', { date: '2030-04-02' })).status).toBe(401);
  });

  it('staff see a day, with customer, service, technician, status and amount (camelCase)', async () => {
    const staff = await h.callerAs('staff');
    const day = await staff.schedule.list({ date: '2030-04-02' });
    expect(day.items).toEqual([
      expect.objectContaining({
        customerId: dana,
        customerName: 'Dana Whitfield',
        serviceType: 'Drain cleaning',
        technician: 'Grace Kim',
        status: 'scheduled',
        amountCents: 9900,
        needsAttention: true,
      }),
      expect.objectContaining({ serviceType: 'HVAC repair', technician: 'Luis Ortega', status: 'confirmed', amountCents: null }),
    ]);
    expect(day.nextCursor).toBeNull();
  });

  it('pages a busy day with the cursor it hands out', async () => {
    const admin = await h.callerAs('admin');
    const first = await admin.schedule.list({ date: '2030-04-02', limit: 1 });
    expect(first.items).toHaveLength(1);
    const second = await admin.schedule.list({ date: '2030-04-02', limit: 1, cursor: first.nextCursor });
    expect(second.items.map((i) => i.technician)).toEqual(['Luis Ortega']);
    expect(second.nextCursor).toBeNull();
  });

  it('summarises the week: seven days, counts, and the filter choices', async () => {
    const staff = await h.callerAs('staff');
    const week = await staff.schedule.summary({ view: 'week', date: '2030-04-03', technician: 'Grace Kim' });
    expect(week.days.map((d) => d.day)).toEqual([
      '2030-04-01',
      '2030-04-02',
      '2030-04-03',
      '2030-04-04',
      '2030-04-05',
      '2030-04-06',
      '2030-04-07',
    ]);
    expect(week.days.map((d) => d.total)).toEqual([0, 1, 0, 1, 0, 0, 0]);
    expect(week.technicians).toEqual([
      { name: 'Grace Kim', count: 2 },
      { name: 'Luis Ortega', count: 1 },
    ]);
  });

  it('hostile input is a readable BAD_REQUEST, never a 500', async () => {
    const staff = await h.callerAs('staff');
    const bad: [unknown, RegExp][] = [
      [{ date: '2030-02-30' }, /calendar day/],
      [{ date: 'tomorrow' }, /calendar day/],
      [{ date: '99999-01-01' }, /calendar day/],
      [{ date: '1900-01-01' }, /between 2000 and 2100/],
      [{ date: '2030-04-02', view: 'year' }, /day or week/],
      [{ date: '2030-04-02', status: 'lost' }, /status must be one of/],
      [{ date: '2030-04-02', technician: 'x'.repeat(101) }, /too long/],
      [{ date: '2030-04-02', limit: 100_000 }, /at most 200/],
      [{ date: '2030-04-02', cursor: "2030-04-02T14:00:00.000000Z_1' OR 1=1" }, /cursor is malformed/],
      [{ date: '2030-04-02', cursor: '2030-13-45T99:00:00.000000Z_1' }, /cursor is malformed/],
      [{ date: '2030-04-02', from: '2000-01-01', to: '2100-01-01' }, /Unrecognized key/],
    ];
    for (const [input, message] of bad) {
      const err = await staff.schedule.list(input as never).then(
        () => null,
        (e: { code: string; message: string }) => e,
      );
      expect(err, JSON.stringify(input)).toMatchObject({ code: 'BAD_REQUEST' });
      expect(err!.message, JSON.stringify(input)).toMatch(message);
    }
    const res = await h.http('staff', 'schedule.summary', { date: 'not-a-day' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/calendar day/);
  });
});
