// The page's WebSocket: reconnects with backoff and asks for what it missed (the events after the
// last seq it applied, for the same board), so a dropped connection loses and repeats nothing.
const BACKOFF_MS = [250, 500, 1000, 2000, 4000];

export class Connection {
  constructor({ onFrame, onStatus }) {
    this.onFrame = onFrame;
    this.onStatus = onStatus;
    this.socket = null;
    this.failures = 0;
    this.wanted = null; // () => frames to send after (re)connecting
    this.stopped = false;
  }

  connect() {
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
    const socket = new WebSocket(url);
    this.socket = socket;
    this.onStatus('connecting');
    socket.addEventListener('open', () => {
      this.failures = 0;
      this.onStatus('live');
      for (const frame of this.wanted?.() ?? []) this.send(frame);
    });
    socket.addEventListener('message', (message) => {
      let frame;
      try {
        frame = JSON.parse(message.data);
      } catch {
        return;
      }
      this.onFrame(frame);
    });
    socket.addEventListener('close', () => {
      if (this.socket !== socket || this.stopped) return;
      this.onStatus('reconnecting');
      const delay = BACKOFF_MS[Math.min(this.failures++, BACKOFF_MS.length - 1)];
      setTimeout(() => this.connect(), delay);
    });
  }

  send(frame) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  /** For tests and the bench: drop the connection as a network would. */
  drop() {
    this.socket?.close();
  }
}
