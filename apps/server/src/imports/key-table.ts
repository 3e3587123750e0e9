/**
 * Strings mapped to numbers (an import's keys → the line of their first row), held in typed arrays
 * instead of a Map: a Map of a million keys is a million strings and a growing table on the JS heap,
 * which every garbage collection walks and which made the import's first pass several times slower
 * than reading the file (bench/import). Here the characters of the keys live in one pool, and a key's
 * slot is found by open addressing on its hash; equal hashes are confirmed character by character, so
 * the table is exact. Nothing is ever removed.
 */
export class KeyTable {
  /** Open-addressing slots: entry index + 1, 0 when empty. Its length is a power of two, at most half full. */
  private slots = new Int32Array(1024)
  /** Per entry: the hash, where its characters start in the pool (the next entry's start ends them), its value. */
  private hashes = new Int32Array(512)
  private starts = new Float64Array(513)
  private values = new Float64Array(512)
  private pool = new Uint16Array(8192)
  private count = 0

  get size(): number {
    return this.count
  }

  get(key: string): number | undefined {
    const slot = this.find(key, hashOf(key))
    const entry = this.slots[slot]!
    return entry === 0 ? undefined : this.values[entry - 1]
  }

  /** The value of `key` if it is in the table; otherwise adds it with `value` and returns undefined. */
  getOrAdd(key: string, value: number): number | undefined {
    const hash = hashOf(key)
    const slot = this.find(key, hash)
    const entry = this.slots[slot]!
    if (entry !== 0) return this.values[entry - 1]
    this.append(key, hash, value, slot)
    return undefined
  }

  set(key: string, value: number): void {
    const hash = hashOf(key)
    const slot = this.find(key, hash)
    const entry = this.slots[slot]!
    if (entry !== 0) this.values[entry - 1] = value
    else this.append(key, hash, value, slot)
  }

  /** The slot holding `key`, or the empty slot where it belongs. */
  private find(key: string, hash: number): number {
    const mask = this.slots.length - 1
    let slot = hash & mask
    for (;;) {
      const entry = this.slots[slot]!
      if (entry === 0 || (this.hashes[entry - 1] === hash && this.equals(entry - 1, key))) return slot
      slot = (slot + 1) & mask
    }
  }

  private equals(index: number, key: string): boolean {
    const start = this.starts[index]!
    if (this.starts[index + 1]! - start !== key.length) return false
    const pool = this.pool
    for (let i = 0; i < key.length; i++) if (pool[start + i] !== key.charCodeAt(i)) return false
    return true
  }

  private append(key: string, hash: number, value: number, slot: number): void {
    const index = this.count
    if (index === this.hashes.length) {
      this.hashes = grow(this.hashes, index * 2)
      this.values = grow(this.values, index * 2)
      this.starts = grow(this.starts, index * 2 + 1)
    }
    const start = this.starts[index]!
    const end = start + key.length
    if (end > this.pool.length) this.pool = grow(this.pool, Math.max(end, this.pool.length * 2))
    for (let i = 0; i < key.length; i++) this.pool[start + i] = key.charCodeAt(i)
    this.starts[index + 1] = end
    this.hashes[index] = hash
    this.values[index] = value
    this.slots[slot] = index + 1
    this.count++
    if (this.count * 2 > this.slots.length) this.rehash(this.slots.length * 2)
  }

  private rehash(capacity: number): void {
    const slots = new Int32Array(capacity)
    const mask = capacity - 1
    for (let index = 0; index < this.count; index++) {
      let slot = this.hashes[index]! & mask
      while (slots[slot] !== 0) slot = (slot + 1) & mask
      slots[slot] = index + 1
    }
    this.slots = slots
  }
}

function grow<T extends Int32Array | Float64Array | Uint16Array>(array: T, length: number): T {
  const bigger = new (array.constructor as new (length: number) => T)(length)
  bigger.set(array)
  return bigger
}

/** FNV-1a over the UTF-16 code units, then a final mix so that nearby keys spread over the slots. */
function hashOf(key: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193)
  hash ^= hash >>> 16
  hash = Math.imul(hash, 0x85ebca6b)
  hash ^= hash >>> 13
  return hash
}
