/**
 * Ports whose implementation is imported when one of them is first called, so an actor can answer
 * `ready` before loading what it needs only for its work. Only asynchronous ports can wait for the
 * import; they are named, so a port added to the interface and not listed (or given eagerly) is a
 * type error, never a silent gap.
 */
type AsyncPort = (...args: never[]) => Promise<unknown>;
/** The names of the ports that return a promise. */
type AsyncNames<Ports> = { [K in keyof Ports]: Ports[K] extends AsyncPort ? K : never }[keyof Ports];

export function lazyPorts<Ports extends object, const Names extends AsyncNames<Ports>>(load: () => Promise<Ports>, names: readonly Names[]): Pick<Ports, Names> {
  let loading: Promise<Ports> | undefined;
  const ports = {} as Pick<Ports, Names>;
  for (const name of names) {
    const call = async (...args: unknown[]): Promise<unknown> => {
      const loaded = await (loading ??= load());
      return (loaded[name] as unknown as (...a: unknown[]) => Promise<unknown>).apply(loaded, args);
    };
    (ports as Record<Names, unknown>)[name] = call;
  }
  return ports;
}
