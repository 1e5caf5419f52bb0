import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { errorBody } from './api-errors';

/**
 * Node answers requests it cannot parse (oversized headers, garbage) before any route runs, with an empty
 * body. This answers them in the API's JSON error shape instead: 431 / 20431 for oversized headers, 400 /
 * 20400 for anything else the parser refused.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: Error & { code?: string }, socket: Socket) => {
    if (!socket.writable || error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const message =
      status === 431
        ? 'The request headers are larger than the platform accepts'
        : 'The request is not valid HTTP';
    const body = JSON.stringify(errorBody(status, message));
    const reason = status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
