// One pass over a JSON body before it is parsed: how deep it nests and how many members and
// elements it holds, so that a body past the limits is refused without building it.
import { MAX_JSON_DEPTH, MAX_JSON_VALUES } from './limits.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

/** Why the body is past the limits, or undefined. Malformed JSON is left for the parser to report. */
export function jsonOverLimits(body: Buffer): string | undefined {
  let depth = 0;
  let values = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > MAX_JSON_DEPTH) return `Request body is nested more than ${MAX_JSON_DEPTH} deep`;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
    else if (c === COMMA && ++values > MAX_JSON_VALUES)
      return `Request body holds more than ${MAX_JSON_VALUES} members and elements`;
  }
  return undefined;
}
