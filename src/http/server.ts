import { createServer, type Server } from 'node:http';
import type { YogaServerInstance } from 'graphql-yoga';
import type { RequestContext } from '../graphql/context.js';
import type { NodeServerContext } from '../graphql/yoga.js';

export type HealthCheck = () => Promise<Record<string, 'ok' | 'memory' | 'unavailable'>>;

/** Wires yoga to node:http and answers GET /health with the state of PostgreSQL and Redis. */
export function createHttpServer(yoga: YogaServerInstance<NodeServerContext, RequestContext>, checkHealth: HealthCheck): Server {
  return createServer((req, res) => {
    const path = req.url?.split('?')[0];
    if (path === '/health' && (req.method === 'GET' || req.method === 'HEAD')) {
      void checkHealth().then((checks) => {
        const healthy = Object.values(checks).every((state) => state !== 'unavailable');
        res.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(JSON.stringify({ status: healthy ? 'ok' : 'degraded', checks }));
      });
      return;
    }
    if (path === '/' && req.method === 'GET') {
      res.writeHead(302, { location: yoga.graphqlEndpoint });
      res.end();
      return;
    }
    void yoga(req, res);
  });
}
