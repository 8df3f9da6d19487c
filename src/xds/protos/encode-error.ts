// The error of a strict encode, naming the path of the offending value ('listeners[0].name').

export class EncodeError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path || '<root>'}: ${message}`);
    this.name = 'EncodeError';
  }
}

/** Error paths are built only when an error is thrown. */
export type Path = { parent: Path | undefined; key: string | number } | undefined;

export const at = (parent: Path, key: string | number): Path => ({ parent, key });

function pathString(p: Path): string {
  const parts: string[] = [];
  for (let x = p; x; x = x.parent)
    parts.push(typeof x.key === 'number' ? `[${x.key}]` : x.key.startsWith('<') ? x.key : `.${x.key}`);
  return parts.reverse().join('').replace(/^\./, '');
}

export const fail = (p: Path, message: string) => new EncodeError(pathString(p), message);
