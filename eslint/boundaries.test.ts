import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The layer rules of ARCHITECTURE.md, each shown to fail on a wrong import and pass on a right one,
// so a config change that quietly switches one off fails here.
const eslint = new ESLint({ cwd: process.cwd() });

async function ruleIds(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

const BOUNDARY = '@typescript-eslint/no-restricted-imports';

describe('layer boundaries', () => {
  it('db/ never imports server/ or app/', async () => {
    expect(await ruleIds('db/probe.ts', "import { env } from '@/server/env';\nexport const x = env;\n")).toContain(BOUNDARY);
    expect(await ruleIds('db/seed/probe.ts', "import { trpc } from '../../app/_trpc/server';\nexport const x = trpc;\n")).toContain(
      BOUNDARY,
    );
    expect(await ruleIds('db/probe.ts', "import { addDays } from '@/lib/business-day';\nexport const x = addDays;\n")).toEqual([]);
  });

  it('server/ never imports app/', async () => {
    expect(await ruleIds('server/queries/probe.ts', "import { trpc } from '@/app/_trpc/server';\nexport const x = trpc;\n")).toContain(
      BOUNDARY,
    );
    expect(await ruleIds('server/queries/probe.ts', "import { createDb } from '@/db/client';\nexport const x = createDb;\n")).toEqual([]);
  });

  it('lib/ holds no server code (db/schema enums only)', async () => {
    expect(await ruleIds('lib/contract/probe.ts', "import { env } from '@/server/env';\nexport const x = env;\n")).toContain(BOUNDARY);
    expect(await ruleIds('lib/contract/probe.ts', "import { createDb } from '@/db/client';\nexport const x = createDb;\n")).toContain(
      BOUNDARY,
    );
    expect(
      await ruleIds(
        'lib/contract/probe.ts',
        "import { APPOINTMENT_STATUSES } from '@/db/schema';\nexport const x = APPOINTMENT_STATUSES;\n",
      ),
    ).toEqual([]);
  });

  it("a 'use client' file imports only types from server/ and db/", async () => {
    const client = (line: string) => `'use client';\n${line}\nexport const x = 1;\n`;
    expect(await ruleIds('app/probe.tsx', client("import { businessTimeZone } from '@/server/env';\nvoid businessTimeZone;"))).toContain(
      'local/client-boundary',
    );
    expect(await ruleIds('app/probe.tsx', client("import { createDb } from '../db/client';\nvoid createDb;"))).toContain(
      'local/client-boundary',
    );
    expect(await ruleIds('app/probe.tsx', client("import type { AppRouter } from '@/server/root';\nexport type R = AppRouter;"))).toEqual(
      [],
    );
    expect(
      await ruleIds('app/probe.tsx', client("import { funnelInputSchema } from '@/lib/contract/attribution';\nvoid funnelInputSchema;")),
    ).toEqual([]);
    // A server component may call the server.
    expect(
      await ruleIds('app/probe.tsx', "import { businessTimeZone } from '@/server/env';\nexport const x = businessTimeZone;\n"),
    ).toEqual([]);
  });

  it('breaking a hooks rule or leaving code unused fails', async () => {
    expect(
      await ruleIds(
        'app/probe.tsx',
        "import { useState } from 'react';\nexport function A({ on }: { on: boolean }) { if (on) useState(1); return null; }\n",
      ),
    ).toContain('react-hooks/rules-of-hooks');
    expect(await ruleIds('server/probe.ts', 'const unused = 1;\nexport const x = 2;\n')).toContain('@typescript-eslint/no-unused-vars');
  });
});
