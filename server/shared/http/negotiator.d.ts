/** The part of `negotiator` (1.x, which ships no types) that response compression uses. */
declare module 'negotiator' {
  import type { IncomingMessage } from 'node:http';

  export default class Negotiator {
    constructor(request: Pick<IncomingMessage, 'headers'>);
    /** The available encodings the request accepts, best first; `preferred` breaks ties of equal weight. */
    encodings(available?: string[], options?: { preferred?: string[] }): string[];
  }
}
