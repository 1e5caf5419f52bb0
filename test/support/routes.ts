import type { INestApplication } from '@nestjs/common';

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Express pattern, e.g. `/2012-04-24/Accounts/:accountSid/Calls/:callSid`. */
  path: string;
}

/** Every route the running application serves, read off Express's router, so a new route is covered too. */
export function routesOf(app: INestApplication): Route[] {
  const router = app.getHttpAdapter().getInstance()._router as {
    stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }>;
  };
  const routes: Route[] = [];
  for (const layer of router.stack) {
    if (!layer.route) continue;
    for (const [method, on] of Object.entries(layer.route.methods)) {
      if (on && method !== '_all')
        routes.push({ method: method.toUpperCase() as Route['method'], path: layer.route.path });
    }
  }
  return routes;
}

/** Fills `:params` of a route: `values[name]` when given, `fallback(name)` otherwise. */
export function fillRoute(
  path: string,
  values: Record<string, string>,
  fallback: (name: string) => string,
): string {
  return path.replace(/:([A-Za-z]+)/g, (_match, name: string) => values[name] ?? fallback(name));
}
