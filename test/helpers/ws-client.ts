/**
 * A minimal WebSocket client for tests (RFC 6455 over node:http's upgrade): text frames in and out,
 * plus raw frames so a test can send what a broken or hostile client would. Node 20 has no
 * WebSocket client without a flag, and the dashboard tests must not depend on a transitive package.
 */
import { request } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';

export interface WsClient {
  /** Every text message received so far, parsed as JSON. */
  messages: unknown[];
  /** Resolves with the first message (from `from` on) that matches. */
  next<T = Record<string, unknown>>(match: (m: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<T>;
  send(value: unknown): void;
  /** A frame with any opcode and payload, masked as a client must. */
  sendFrame(opcode: number, payload: Buffer): void;
  close(): void;
  closed: Promise<void>;
}

export function connectWs(url: string, headers: Record<string, string> = {}): Promise<WsClient> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({
      host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`,
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': randomBytes(16).toString('base64'), Host: target.host, ...headers },
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode} ${body}`), { status: res.statusCode })));
    });
    req.on('error', reject);
    req.on('upgrade', (_res, socket: Socket, head: Buffer) => resolve(client(socket, head)));
    req.end();
  });
}

function client(socket: Socket, head: Buffer): WsClient {
  const messages: unknown[] = [];
  const waiters: Array<() => void> = [];
  let buffer = head;
  let closedResolve!: () => void;
  const closed = new Promise<void>((r) => (closedResolve = r));
  socket.on('close', () => closedResolve());
  socket.on('error', () => closedResolve());
  const frame = (opcode: number, payload: Buffer): Buffer => {
    const mask = randomBytes(4);
    const len = payload.length;
    const header = len < 126 ? Buffer.from([0x80 | opcode, 0x80 | len]) : len < 65536 ? Buffer.from([0x80 | opcode, 0x80 | 126, len >> 8, len & 255]) : Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | 127]), bigLength(len)]);
    const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
    return Buffer.concat([header, mask, masked]);
  };
  const parse = (): void => {
    for (;;) {
      if (buffer.length < 2) return;
      const opcode = buffer[0]! & 0x0f;
      let len = buffer[1]! & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (buffer.length < 4) return;
        len = buffer.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (buffer.length < 10) return;
        len = Number(buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (buffer.length < offset + len) return;
      const payload = buffer.subarray(offset, offset + len);
      buffer = buffer.subarray(offset + len);
      if (opcode === 0x1) messages.push(JSON.parse(payload.toString('utf8')));
      if (opcode === 0x9) socket.write(frame(0xa, Buffer.from(payload)));
      if (opcode === 0x8) socket.end();
      for (const wake of waiters.splice(0)) wake();
    }
  };
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    parse();
  });
  // The first frames may have come with the upgrade answer.
  parse();
  return {
    messages,
    async next(match, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      let from = 0;
      for (;;) {
        for (let i = from; i < messages.length; i++) {
          const m = messages[i] as Record<string, unknown>;
          if (match(m)) {
            messages.splice(i, 1);
            return m as never;
          }
        }
        from = 0;
        if (Date.now() > deadline) throw new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(messages).slice(0, 2000)}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    send: (value) => socket.write(frame(0x1, Buffer.from(JSON.stringify(value)))),
    sendFrame: (opcode, payload) => socket.write(frame(opcode, payload)),
    close: () => socket.end(frame(0x8, Buffer.alloc(0))),
    closed,
  };
}

function bigLength(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}
