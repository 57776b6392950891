// Ctrl-C (SIGINT) during a run: main.ts turns the signal into a request that the training loop
// honours between steps, so the process stops at a step boundary, never inside a file write (the
// writes are synchronous and go through a temporary file), and exits with 130 saying where it
// stopped. Without a handler the signal would kill the process wherever it was.

/** Thrown by the training loop when an interrupt was requested. */
export class Interrupted extends Error {}

let requested = false;

/** Asks the running training loop to stop at the next step boundary. */
export function requestInterrupt(): void {
  requested = true;
}

/** Throws Interrupted when an interrupt was requested; `where` says what was done. */
export function checkInterrupt(where: () => string): void {
  if (requested) throw new Interrupted(`interrupted ${where()}`);
}
