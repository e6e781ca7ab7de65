// Writes real Yjs updates for the benchmark's members, as people typing: member m is Y.Doc client
// m+1 appending words to the shared text "monaco", one update per keystroke burst, each update
// exactly --bytes long (the text length is chosen to fill it). The .NET driver sends them as they
// are and reads the sender (client id, clock) back from the first bytes of each update it receives.
// Output (binary, little-endian): int32 members, int32 count, then members*count times
// (uint16 length, update bytes), member by member.
'use strict'
const fs = require('node:fs')
const Y = require('yjs')

const options = Object.fromEntries(process.argv.slice(2).join(' ').split('--').filter(Boolean)
  .map(pair => pair.trim().split(/\s+/)))
const members = Number(options.members ?? 50)
const count = Number(options.count ?? 500)
const bytes = Number(options.bytes ?? 64)
const out = options.out
if (!out) { console.error('usage: node updates.cjs --members 50 --count 500 --bytes 64 --out file'); process.exit(2) }

const words = 'the quick brown fox jumps over the lazy dog while parley keeps every room sealed '
const varUintLength = n => { let length = 1; while (n >= 128) { n = Math.floor(n / 128); length++ } return length }
const chunks = [Buffer.from([0, 0, 0, 0, 0, 0, 0, 0])]
chunks[0].writeInt32LE(members, 0)
chunks[0].writeInt32LE(count, 4)
let smallest = Infinity; let largest = 0
for (let m = 0; m < members; m++) {
  const doc = new Y.Doc()
  doc.clientID = m + 1
  const text = doc.getText('monaco')
  let last = null
  doc.on('update', update => { last = update })
  for (let k = 0; k < count; k++) {
    // The fixed part of a one-item insert (V1 encoding): 1 client, 1 struct, client id, clock,
    // info byte, then either the left origin (client, clock) or, for the first, the parent's
    // name; then the string's length and the empty delete set.
    const clock = text.length
    const fixed = 1 + 1 + varUintLength(m + 1) + varUintLength(clock) + 1 +
      (clock === 0 ? 1 + 1 + 'monaco'.length : varUintLength(m + 1) + varUintLength(clock - 1)) + 1
    let length = bytes - fixed - 1
    if (length >= 128) length--
    if (length < 1) { console.error(`--bytes ${bytes} is too small for one character`); process.exit(2) }
    text.insert(clock, words.repeat(Math.ceil((clock + length) / words.length) + 1).slice(clock, clock + length))
    smallest = Math.min(smallest, last.length); largest = Math.max(largest, last.length)
    const header = Buffer.alloc(2)
    header.writeUInt16LE(last.length, 0)
    chunks.push(header, Buffer.from(last))
  }
}
fs.writeFileSync(out, Buffer.concat(chunks))
console.log(`${members * count} updates, ${smallest}-${largest} bytes, written to ${out}`)
