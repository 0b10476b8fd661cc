/** A tiny math module: the sandbox the team extends. */
export function add(a, b) {
  return a + b;
}
