// Reading members of values whose shape the model describes but the type checker does not know.

/** An object (or array) whose members may be read by name; each reads as unknown. */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;
