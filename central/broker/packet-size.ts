// Follows MQTT framing on a connection's bytes to see each packet's announced size as soon as its fixed
// header arrives, before its body is buffered. aedes' parser (mqtt-packet 9) has no size limit: it buffers
// a packet until it is complete, so a socket announcing 256 MiB and streaming junk grew the node by the
// junk's size. Pure: bytes in, the first oversized announcement out.
//
// Fixed header (MQTT 3.1.1 section 2.2): one byte of type and flags, then the remaining length in 1 to 4
// bytes of 7 bits each, least significant first, the top bit meaning "another byte follows".

const MAX_LENGTH_BYTES = 4;

export class PacketSizeScanner {
  private phase: 'type' | 'length' | 'body' = 'type';
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private bodyLeft = 0;

  /** `maxRemainingBytes`: the largest remaining length (variable header and payload) accepted. */
  constructor(private readonly maxRemainingBytes: number) {}

  /**
   * Reads the next bytes of the stream. Returns the remaining length of the first packet announced above
   * the limit (Infinity for a length field longer than MQTT allows), or undefined while all are within it.
   */
  feed(buf: Buffer): number | undefined {
    let i = 0;
    while (i < buf.length) {
      if (this.phase === 'type') {
        i++;
        this.phase = 'length';
        this.length = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
      } else if (this.phase === 'length') {
        const b = buf[i++]!;
        this.length += (b & 0x7f) * this.multiplier;
        this.multiplier *= 128;
        this.lengthBytes++;
        if (b & 0x80) {
          if (this.lengthBytes === MAX_LENGTH_BYTES) return Infinity;
          continue;
        }
        if (this.length > this.maxRemainingBytes) return this.length;
        this.bodyLeft = this.length;
        this.phase = this.bodyLeft > 0 ? 'body' : 'type';
      } else {
        const take = Math.min(this.bodyLeft, buf.length - i);
        i += take;
        this.bodyLeft -= take;
        if (this.bodyLeft === 0) this.phase = 'type';
      }
    }
    return undefined;
  }
}
