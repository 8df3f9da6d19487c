// Name compression (RFC 1035 §4.1.4) for a message dns-packet wrote uncompressed: every
// owner name (questions and records) becomes a pointer to an earlier occurrence of the
// same name, or of its longest known suffix. Record data is copied byte for byte, so names
// inside it stay uncompressed, which every reader accepts (and SRV targets must be).
import { HEADER_SIZE } from './query-limits.js';

/** Pointers address the first 16 KiB of a message. */
const MAX_POINTER_TARGET = 0x3fff;

/** Labels of the uncompressed name at `offset`, and where the name ends. */
function readLabels(buf: Buffer, offset: number): { labels: Buffer[]; end: number } {
  const labels: Buffer[] = [];
  for (;;) {
    const len = buf[offset];
    if (len === undefined || len > 63) throw new Error('compressOwnerNames: not an uncompressed name');
    if (len === 0) return { labels, end: offset + 1 };
    labels.push(buf.subarray(offset + 1, offset + 1 + len));
    offset += 1 + len;
  }
}

class NameWriter {
  private readonly parts: Buffer[] = [];
  private length = 0;
  /** Name (labels as latin1 joined by '\0') → offset in the output. */
  private readonly known = new Map<string, number>();

  push(bytes: Buffer): void {
    this.parts.push(bytes);
    this.length += bytes.length;
  }

  writeName(labels: Buffer[]): void {
    const keys = labels.map((_, i) =>
      labels
        .slice(i)
        .map((l) => l.toString('latin1'))
        .join('\0'),
    );
    let i = 0;
    while (i < labels.length && !this.known.has(keys[i]!)) {
      if (this.length <= MAX_POINTER_TARGET) this.known.set(keys[i]!, this.length);
      const label = labels[i]!;
      this.push(Buffer.concat([Buffer.from([label.length]), label]));
      i++;
    }
    if (i < labels.length) {
      const target = this.known.get(keys[i]!)!;
      this.push(Buffer.from([0xc0 | (target >> 8), target & 0xff]));
    } else {
      this.push(Buffer.from([0]));
    }
  }

  result(): Buffer {
    return Buffer.concat(this.parts, this.length);
  }
}

export function compressOwnerNames(wire: Buffer): Buffer {
  const out = new NameWriter();
  out.push(wire.subarray(0, HEADER_SIZE));
  const questions = wire.readUInt16BE(4);
  const records = wire.readUInt16BE(6) + wire.readUInt16BE(8) + wire.readUInt16BE(10);
  let offset = HEADER_SIZE;
  for (let i = 0; i < questions; i++) {
    const { labels, end } = readLabels(wire, offset);
    out.writeName(labels);
    out.push(wire.subarray(end, end + 4));
    offset = end + 4;
  }
  for (let i = 0; i < records; i++) {
    const { labels, end } = readLabels(wire, offset);
    out.writeName(labels);
    const rdLength = wire.readUInt16BE(end + 8);
    out.push(wire.subarray(end, end + 10 + rdLength));
    offset = end + 10 + rdLength;
  }
  return out.result();
}
