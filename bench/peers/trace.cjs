// Replays a recorded editing trace (../shared/traces, josephg/editing-traces format) through Yjs, as
// one person typing in Parley's editor: one Yjs update per patch, on the shared text "code" (the
// name the browser's editor binds). Writes the updates and the document's full state
// (Y.encodeStateAsUpdate, what a browser uploads as a snapshot) after every --every updates.
// Output (binary, little-endian): int32 count, count times (int32 length, update bytes), then
// int32 every, int32 states, states times (int32 length, state bytes): state k is after k*every updates.
'use strict'
const fs = require('node:fs')
const zlib = require('node:zlib')
const Y = require('yjs')

const options = Object.fromEntries(process.argv.slice(2).join(' ').split('--').filter(Boolean)
  .map(pair => pair.trim().split(/\s+/)))
const { trace, out } = options
const edits = Number(options.edits ?? 100000)
const every = Number(options.every ?? 500)
if (!trace || !out) { console.error('usage: node trace.cjs --trace file.json.gz --edits 100000 --every 500 --out file'); process.exit(2) }

const { txns } = JSON.parse(zlib.gunzipSync(fs.readFileSync(trace)).toString('utf8'))
const doc = new Y.Doc()
const text = doc.getText('code')
let last = null
doc.on('update', update => { last = update })
const updates = []
const states = []
for (const txn of txns) {
  for (const [position, deleted, inserted] of txn.patches) {
    if (updates.length === edits) break
    last = null
    doc.transact(() => {
      if (deleted > 0) text.delete(position, deleted)
      if (inserted.length > 0) text.insert(position, inserted)
    })
    if (last === null) continue // a patch that changed nothing
    updates.push(last)
    if (updates.length % every === 0) states.push(Y.encodeStateAsUpdate(doc))
  }
}
const int32 = n => { const b = Buffer.alloc(4); b.writeInt32LE(n, 0); return b }
const parts = [int32(updates.length)]
for (const u of updates) parts.push(int32(u.length), Buffer.from(u))
parts.push(int32(every), int32(states.length))
for (const s of states) parts.push(int32(s.length), Buffer.from(s))
fs.writeFileSync(out, Buffer.concat(parts))
const bytes = updates.reduce((sum, u) => sum + u.length, 0)
console.log(`${updates.length} updates (${bytes} bytes), ${text.length} characters, final state ${Y.encodeStateAsUpdate(doc).length} bytes, written to ${out}`)
