/**
 * N WebSocket clients of the dashboard in one process, for bench/dashboard.ts (run with
 * `node --experimental-websocket`: Node 20's WHATWG WebSocket). Each subscribes to the run and
 * records when every event arrives; once all N have an event, the driver is told over IPC.
 */
interface MinimalWs {
  onopen: (() => void) | null;
  onmessage: ((message: { data: unknown }) => void) | null;
  onerror: ((error: unknown) => void) | null;
  send(data: string): void;
  close(): void;
}
const WebSocketClass = (globalThis as unknown as { WebSocket?: new (url: string) => MinimalWs }).WebSocket;
if (!WebSocketClass) throw new Error('run with node --experimental-websocket');

const [port, count, runId] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4]!];
/** CLOCK_MONOTONIC, shared by every process on the host (the driver stamps appends with it). */
const now = (): number => Number(process.hrtime.bigint()) / 1e6;
/** seq → arrival time at each client (first arrival per client). */
const arrivals = new Map<number, number[]>();
const sockets: MinimalWs[] = [];
let cpu0 = process.cpuUsage();

function onFrame(text: string): void {
  const at = now();
  const frame = JSON.parse(text) as { type: string; events?: Array<{ seq: number }> };
  if (frame.type !== 'events') return;
  for (const event of frame.events!) {
    const times = arrivals.get(event.seq) ?? [];
    times.push(at);
    arrivals.set(event.seq, times);
    if (times.length === count) process.send!({ cmd: 'delivered', seq: event.seq });
  }
}

async function connectAll(): Promise<void> {
  for (let i = 0; i < count; i++) {
    await new Promise<void>((resolve, reject) => {
      const ws = new WebSocketClass!(`ws://127.0.0.1:${port}/ws`);
      ws.onopen = () => {
        ws.send(JSON.stringify({ type: 'subscribe', runId }));
        resolve();
      };
      ws.onmessage = (message) => onFrame(String(message.data));
      ws.onerror = reject;
      sockets.push(ws);
    });
  }
}

process.on('message', (m: { cmd: string }) => {
  if (m.cmd === 'reset') {
    arrivals.clear();
    cpu0 = process.cpuUsage();
    process.send!({ cmd: 'reset-ok' });
  }
  if (m.cmd === 'report') {
    const cpu = process.cpuUsage(cpu0);
    process.send!({ cmd: 'report', arrivals: [...arrivals], cpuMs: (cpu.user + cpu.system) / 1000 });
  }
  if (m.cmd === 'exit') {
    for (const ws of sockets) ws.close();
    process.exit(0);
  }
});

connectAll().then(() => process.send!({ cmd: 'connected', n: sockets.length }), (error: unknown) => {
  console.error('connect failed', error);
  process.exit(1);
});
