import path from 'node:path';

export const E2E_PASSWORD = process.env.E2E_PASSWORD ?? 'e2e-password-123';
export const E2E_OUT = path.resolve('e2e/out');
export const E2E_STATE_FILE = path.join(E2E_OUT, 'server.json');
export const STORAGE = {
  admin: path.join(E2E_OUT, 'admin.json'),
  staff: path.join(E2E_OUT, 'staff.json'),
};
