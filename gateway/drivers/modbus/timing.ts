// RTU line timing from the Modbus over Serial Line specification v1.02 (section 2.5.1.1):
// a character is start + 8 data + parity + stop bits; frames are separated by 3.5 character times,
// fixed at 1.75 ms above 19200 baud.
export type Parity = 'none' | 'even' | 'odd';

export interface LineSettings {
  baudRate: number;
  parity: Parity;
  stopBits: 1 | 2;
  dataBits?: 8;
}

export function bitsPerChar(line: LineSettings): number {
  return 1 + (line.dataBits ?? 8) + (line.parity === 'none' ? 0 : 1) + line.stopBits;
}

export function charTimeMs(line: LineSettings): number {
  return (bitsPerChar(line) * 1000) / line.baudRate;
}

export function interFrameSilenceMs(line: LineSettings): number {
  return line.baudRate > 19200 ? 1.75 : 3.5 * charTimeMs(line);
}

export function frameWireMs(bytes: number, line: LineSettings): number {
  return bytes * charTimeMs(line);
}

/** RTU sizes of a read of `count` registers: request 8 bytes, response 5 + 2N (address, function, count, data, CRC). */
export function readFrameBytes(count: number): { request: number; response: number } {
  return { request: 8, response: 5 + 2 * count };
}
