// Hocuspocus with no extensions: documents live in memory only and nothing is stored.
'use strict'
const { Server } = require('@hocuspocus/server')
const { portFromArgs, exitWithParent, ready } = require('./lifetime.cjs')

const port = portFromArgs()
// stopOnSignals off: lifetime.cjs owns SIGTERM and stdin, the same way for every peer.
const server = new Server({ port, address: '127.0.0.1', quiet: true, stopOnSignals: false })
server.listen().then(() => ready('hocuspocus', port))
exitWithParent(() => server.destroy())
