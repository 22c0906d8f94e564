import type { Service, ServiceContext } from '../service';

// Placeholder until the catcher lands (issue 2): no handlers yet.
export async function createCatcherService(_ctx: ServiceContext): Promise<Service> {
  return { handlers: {}, async close() {} };
}
