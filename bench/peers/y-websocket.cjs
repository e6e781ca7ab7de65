// y-websocket's own server (the same setupWSConnection as its bin/server.cjs), one Y.Doc per room
// path, kept in memory only: YPERSISTENCE is cleared so no LevelDB store is opened.
'use strict'
delete process.env.YPERSISTENCE
const http = require('node:http')
const WebSocket = require('ws')
const { setupWSConnection } = require('y-websocket/bin/utils')
const { portFromArgs, exitWithParent, ready } = require('./lifetime.cjs')

const port = portFromArgs()
const server = http.createServer((_, response) => { response.writeHead(200); response.end('y-websocket\n') })
const wss = new WebSocket.Server({ noServer: true })
wss.on('connection', setupWSConnection)
server.on('upgrade', (request, socket, head) =>
  wss.handleUpgrade(request, socket, head, ws => wss.emit('connection', ws, request)))
server.listen(port, '127.0.0.1', () => ready('y-websocket', port))
exitWithParent(() => server.close())
