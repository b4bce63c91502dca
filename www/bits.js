// A BEP 3 bitfield (piece 0 is the high bit of byte 0), the shape pieceMap() returns.

export class Bits {
  constructor (count, bytes) {
    this.count = count
    this.bytes = new Uint8Array(Math.ceil(count / 8))
    if (bytes) this.bytes.set(bytes.subarray(0, this.bytes.length))
  }

  has (i) {
    return (this.bytes[i >> 3] & (0x80 >> (i & 7))) !== 0
  }

  set (i) {
    this.bytes[i >> 3] |= 0x80 >> (i & 7)
  }

  fill () {
    for (let i = 0; i < this.count; i++) this.set(i)
  }

  /** How many are set. */
  cardinality () {
    let n = 0
    for (let i = 0; i < this.count; i++) if (this.has(i)) n++
    return n
  }
}
