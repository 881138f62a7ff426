import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: { '@': fileURLToPath(new URL('./', import.meta.url)) } },
  test: {
    include: ['**/*.test.ts', '**/*.test.tsx'],
    exclude: ['node_modules/**', 'e2e/**', '.next/**', '.data/**'],
    environment: 'node',
    // Every test file builds its own database; seeding at 100k rows takes a few seconds.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Two cores: files in parallel would only fight over PostgreSQL.
    fileParallelism: false,
    server: { deps: { inline: [/server-only/] } },
  },
});
