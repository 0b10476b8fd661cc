/**
 * Ports whose implementation is imported when one of them is first called, so an actor can answer
 * `ready` before loading what it needs only for its work. Every port must be an async function.
 */
export function lazyPorts<Ports extends object>(load: () => Promise<Ports>): Ports {
  let loading: Promise<Ports> | undefined;
  return new Proxy({} as Ports, {
    // Not a thenable: awaiting the ports object must not call a port.
    get: (_target, name) => (typeof name !== 'string' || name === 'then' ? undefined : async (...args: unknown[]) => {
      const ports = await (loading ??= load());
      const port = ports[name as keyof Ports];
      if (typeof port !== 'function') throw new Error(`no port "${String(name)}"`);
      return (port as (...a: unknown[]) => unknown).apply(ports, args);
    }),
  });
}
