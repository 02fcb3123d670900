import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import type { Argv } from 'yargs';
import { projectRoot } from './fs-loader';
import { ExitCode, type CliIO } from './io';
import { isFsError } from './fs-errors';

export interface ServeArgs {
  port: number;
  host: string;
  dir?: string;
}

export function addServeOptions<T>(y: Argv<T>) {
  return y
    .option('port', { type: 'number', default: 8411, describe: 'TCP port (0: any free port)' })
    .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to listen on (the default is reachable from this machine only)' })
    .option('dir', { type: 'string', describe: 'serve this folder (e.g. a site made by `sigma-convert site`) instead of the converter page' });
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.yml': 'text/yaml; charset=utf-8',
  '.yaml': 'text/yaml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** The built converter page (`npm run web`). */
export function webRoot(): string {
  return path.join(projectRoot(), 'dist', 'web');
}

/**
 * A static file server for one folder: GET and HEAD only, no directory listings, nothing outside the
 * folder (the resolved path must stay inside it), and the same no-network CSP as the page's meta tag.
 */
export function createStaticServer(root: string): http.Server {
  const base = fs.realpathSync(root);
  return http.createServer((req, res) => {
    const send = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n');
    let rel: string;
    try {
      rel = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch (err) {
      // new URL: TypeError; a malformed %-escape: URIError.
      if (!(err instanceof TypeError || err instanceof URIError)) throw err;
      return send(400, 'bad path\n');
    }
    if (rel.includes('\0')) return send(400, 'bad path\n');
    let file = path.join(base, rel);
    try {
      if (fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
      file = fs.realpathSync(file);
    } catch (err) {
      if (!isFsError(err)) throw err;
      return send(404, 'not found\n');
    }
    if (file !== base && !file.startsWith(base + path.sep)) return send(404, 'not found\n');
    fs.readFile(file, (err, data) => {
      if (err) return send(404, 'not found\n');
      res.writeHead(200, {
        'content-type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
        'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'none'; base-uri 'none'; form-action 'none'",
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-cache',
      });
      res.end(req.method === 'HEAD' ? undefined : data);
    });
  });
}

/** `sigma-convert serve [--port N]`: the converter page on localhost, until interrupted. */
export function runServe(args: ServeArgs, io: CliIO): Promise<number> {
  const root = args.dir ?? webRoot();
  if (!fs.existsSync(path.join(root, 'index.html'))) {
    io.stderr(
      args.dir
        ? `sigma-convert: ${args.dir} has no index.html to serve`
        : `sigma-convert: the converter page is not built (${path.relative(process.cwd(), root) || root}/index.html is missing): run \`npm run web\` first`,
    );
    return Promise.resolve(ExitCode.Usage);
  }
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) {
    io.stderr(`sigma-convert: --port must be a whole number from 0 to 65535, not ${args.port}`);
    return Promise.resolve(ExitCode.Usage);
  }
  const server = createStaticServer(root);
  return new Promise((resolve) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      io.stderr(`sigma-convert: cannot listen on ${args.host}:${args.port}: ${err.code === 'EADDRINUSE' ? 'the port is in use (try --port)' : err.message}`);
      resolve(ExitCode.Usage);
    });
    server.listen(args.port, args.host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : args.port;
      const host = args.host.includes(':') ? `[${args.host}]` : args.host;
      io.stderr(`sigma-convert: serving ${args.dir ? args.dir : 'the converter page'} at http://${host}:${port}/ (Ctrl-C to stop)`);
      const stop = () => {
        server.close(() => resolve(ExitCode.Ok));
        server.closeAllConnections();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  });
}
