// The lower bound: a bare ws relay that understands nothing. Every binary frame from one client
// goes to the other clients on the same URL path (the room), unchanged; no document, no state.
'use strict'
const { WebSocketServer, WebSocket } = require('ws')
const { portFromArgs, exitWithParent, ready } = require('./lifetime.cjs')

const port = portFromArgs()
const rooms = new Map()
const wss = new WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate: false })
wss.on('connection', (ws, request) => {
  const path = request.url ?? '/'
  let room = rooms.get(path)
  if (room === undefined) rooms.set(path, room = new Set())
  room.add(ws)
  ws.on('message', (data, isBinary) => {
    if (!isBinary) return
    for (const peer of room) if (peer !== ws && peer.readyState === WebSocket.OPEN) peer.send(data, { binary: true })
  })
  ws.on('close', () => { room.delete(ws); if (room.size === 0) rooms.delete(path) })
})
wss.on('listening', () => ready('ws', port))
exitWithParent(() => wss.close())
