import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/root';

/** What analytics.costByService returns (client files import only the router's type). */
export type CostReport = inferRouterOutputs<AppRouter>['analytics']['costByService'];
export type ServiceCost = CostReport['services'][number];
