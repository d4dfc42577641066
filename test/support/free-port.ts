import { createServer } from 'node:net';

/**
 * A port the system just reported free. Never a fixed one: other test runs
 * on the machine start servers too, and a fixed port is taken in the second
 * between the check and a server binding it (initdb runs in between).
 */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}
