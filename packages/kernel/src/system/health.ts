/**
 * Health of the kernel's services, gathered for `kernel.status`. A check that throws or hangs counts as
 * unhealthy; it never fails the status call itself.
 */
import type { ServiceHealth } from './status-contract.ts';

export interface HealthCheck {
  name: string;
  check: () => Promise<{ healthy: boolean; detail?: string }>;
}

const CHECK_TIMEOUT_MS = 2_000;

export async function gatherHealth(checks: readonly HealthCheck[]): Promise<ServiceHealth[]> {
  return Promise.all(
    checks.map(async ({ name, check }): Promise<ServiceHealth> => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<ServiceHealth>((resolve) => {
        timer = setTimeout(() => resolve({ name, healthy: false, detail: `no answer within ${CHECK_TIMEOUT_MS} ms` }), CHECK_TIMEOUT_MS);
      });
      const run = check().then(
        (result): ServiceHealth => ({ name, ...result }),
        (thrown: unknown): ServiceHealth => ({ name, healthy: false, detail: thrown instanceof Error ? thrown.message : 'check failed' }),
      );
      try {
        return await Promise.race([run, timeout]);
      } finally {
        clearTimeout(timer);
      }
    }),
  );
}
