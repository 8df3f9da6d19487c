// Splits a DNS-over-TCP byte stream into messages (two-byte length prefix). Chunks are
// kept as they arrive and joined once per message, so a message sent a byte at a time
// costs linear time; at most one partial message plus one unread chunk is held.
export class TcpFramer {
  private chunks: Buffer[] = [];
  private length = 0;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** The next whole message, or undefined until more bytes arrive. */
  next(): Buffer | undefined {
    if (this.length < 2) return undefined;
    if (this.chunks[0]!.length < 2) this.join();
    const size = this.chunks[0]!.readUInt16BE(0);
    if (this.length < 2 + size) return undefined;
    if (this.chunks[0]!.length < 2 + size) this.join();
    const head = this.chunks[0]!;
    const msg = head.subarray(2, 2 + size);
    const rest = head.subarray(2 + size);
    this.length -= 2 + size;
    if (rest.length) this.chunks[0] = rest;
    else this.chunks.shift();
    return msg;
  }

  private join(): void {
    this.chunks = [Buffer.concat(this.chunks, this.length)];
  }
}
