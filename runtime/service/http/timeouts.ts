import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from './api-error.js';
import { rawResponse } from './errors.js';

/**
 * The service's answer, or 503 SERVICE_UNAVAILABLE once `ms` have passed
 * (a hung database must not hold the client forever). fastify's own
 * handlerTimeout is no help here: it stops counting once a request's body
 * has been read. The call itself carries on; its result is dropped.
 */
export async function timed<T>(ms: number, call: Promise<T>): Promise<T> {
  if (!(ms > 0)) return call;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ApiError(503, 'SERVICE_UNAVAILABLE', 'the service did not answer in time; try again later')),
      ms,
    );
  });
  try {
    return await Promise.race([call, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A request's body must have arrived `ms` after its headers, or the client
 * gets 408 REQUEST_TIMEOUT and the connection is closed. Node's own
 * requestTimeout stops watching a request once its headers are complete,
 * and a socket's idle timeout does nothing against a body trickling in a
 * byte at a time.
 */
export function addBodyDeadline(app: FastifyInstance, ms: number): void {
  if (!(ms > 0)) return;
  const timers = new WeakMap<FastifyRequest, NodeJS.Timeout>();
  const clear = async (request: FastifyRequest): Promise<void> => {
    clearTimeout(timers.get(request));
    timers.delete(request);
  };
  app.addHook('onRequest', async (request, reply) => {
    const timer = setTimeout(() => {
      timers.delete(request);
      const socket = request.raw.socket;
      if (request.raw.complete || reply.raw.headersSent || socket.destroyed) return;
      if (socket.writable) socket.end(rawResponse(408, 'REQUEST_TIMEOUT', 'the request did not arrive in time'), () => socket.destroy());
      else socket.destroy();
    }, ms);
    timer.unref();
    timers.set(request, timer);
  });
  // the body has been read (or there was none) once validation starts; a request may also end without getting there
  app.addHook('preValidation', clear);
  app.addHook('onResponse', clear);
  app.addHook('onRequestAbort', clear);
}
