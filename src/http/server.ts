import { createServer, type Server, type ServerResponse } from 'node:http';
import type { YogaServerInstance } from 'graphql-yoga';
import type { RequestContext } from '../graphql/context.js';
import type { NodeServerContext } from '../graphql/yoga.js';

export type HealthCheck = () => Promise<Record<string, 'ok' | 'memory' | 'unavailable'>>;

function rejectBody(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] }));
}

/**
 * Wires yoga to node:http and serves GET /health with the state of PostgreSQL and Redis. Request
 * bodies need a Content-Length of at most `maxBodyBytes`, so an oversized body is rejected before
 * anything reads it.
 */
export function createHttpServer(
  yoga: YogaServerInstance<NodeServerContext, RequestContext>,
  checkHealth: HealthCheck,
  maxBodyBytes: number,
): Server {
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
    if (req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'OPTIONS') {
      const length = req.headers['content-length'];
      if (length === undefined && req.headers['transfer-encoding']) {
        rejectBody(res, 411, 'A Content-Length header is required.');
        return;
      }
      if (Number(length ?? 0) > maxBodyBytes) {
        rejectBody(res, 413, `Request body too large: the limit is ${maxBodyBytes} bytes.`);
        return;
      }
    }
    void yoga(req, res);
  });
}
