/**
 * Merge-train decisions (pure). A train is a chain of merges onto the integration head:
 * prefix k is the head with the first k changes merged in, so prefix 0 is the head itself (known
 * green: it was tested when it landed) and prefix n is the whole train. A red train is searched for
 * the first red prefix, whose last change is the culprit: every prefix before it is green and lands.
 * With one probe at a time that is a binary search (⌈log2 n⌉ runs); with p test slots, p prefixes
 * are probed at once and the interval shrinks p+1-fold per round.
 */

/** The next train's size: doubles while trains pass, halves after a red one, within 1..cap. */
export function nextTrainSize(current: number, green: boolean, cap: number): number {
  const next = green ? current * 2 : Math.ceil(current / 2);
  return Math.max(1, Math.min(cap, next));
}

/**
 * `gate.preMergeTests` for one captured change: does it run its tests in its own slot before it is
 * reviewed? `auto` does so only when it buys something without slowing the rest: the change will
 * not be in the next train (so the train would test it late), and a suite would start now without
 * taking cores from one already running (`suitesRunning` < `capacity`, one suite per two cores). A
 * change that skips its slot's run is tested by its train, which bisects if it is red.
 */
export function testsInSlot(mode: 'always' | 'auto' | 'never', o: { joinsNextTrain: boolean; suitesRunning: number; capacity: number }): boolean {
  if (mode !== 'auto') return mode === 'always';
  return !o.joinsNextTrain && o.suitesRunning < Math.max(1, o.capacity);
}

/**
 * Whether a train that could leave now waits for changes still on their way to the queue (an agent
 * at work, a change under review): ski rental. Waiting costs the changes already waiting that long;
 * leaving without the others costs them a train of their own (one more suite run, and they land a
 * whole run later). So a train with room waits while changes are on their way, but never longer
 * than one suite run (`limitMs`): at worst the waiting changes land one run later, at best one run
 * serves them all. Decided again whenever a change arrives; `recheckInMs` is when the wait runs out.
 */
export function trainDeparture(o: {
  waiting: number; size: number;
  /** Changes whose agent is done (under review or accepted). */
  onTheWay: number;
  /** For each agent still at work, when it should finish: counted only if within what is left of the wait. */
  arrivingInMs?: readonly number[];
  waitedMs: number; limitMs: number;
}): { go: true } | { go: false; recheckInMs: number } {
  const left = o.limitMs - o.waitedMs;
  const expected = o.onTheWay + (o.arrivingInMs ?? []).filter((ms) => ms <= left).length;
  if (o.waiting >= o.size || expected <= 0 || left <= 0) return { go: true };
  return { go: false, recheckInMs: left };
}

/** The longest a train waits (`gate.trainWait`): `auto` is one suite run as measured (nothing measured yet: no wait), else the milliseconds given. */
export function trainWaitLimitMs(setting: 'auto' | number, suiteEstimateMs: number | null): number {
  return setting === 'auto' ? Math.max(0, suiteEstimateMs ?? 0) : setting;
}

/** The first train takes as many as the cap allows: with nothing known yet, a train that passes saves the most. */
export const firstTrainSize = (cap: number): number => cap;

/**
 * Prefix lengths to test next when prefix `green` is known green and prefix `red` known red (green
 * < red): up to `parallel` points spread evenly inside the interval. Empty when the culprit is
 * already known (red = green + 1).
 */
export function probes(green: number, red: number, parallel: number): number[] {
  const gap = red - green;
  if (gap <= 1) return [];
  const count = Math.min(Math.max(1, parallel), gap - 1);
  const points = new Set<number>();
  for (let k = 1; k <= count; k++) points.add(green + Math.round((k * gap) / (count + 1)));
  return [...points].filter((p) => p > green && p < red).sort((a, b) => a - b);
}

/**
 * The interval after a round of probes. The new red end is the first probe that was red (a change
 * that turns a green prefix red is a culprit even if a later one happened to turn it green again);
 * the new green end is the last probe before it, all of which were green.
 */
export function narrow(green: number, red: number, results: ReadonlyMap<number, boolean>): { green: number; red: number } {
  const tested = [...results.keys()].filter((p) => p > green && p < red).sort((a, b) => a - b);
  const firstRed = tested.find((p) => results.get(p) === false);
  const newRed = firstRed ?? red;
  const greens = tested.filter((p) => p < newRed);
  return { green: greens.length > 0 ? greens[greens.length - 1]! : green, red: newRed };
}
