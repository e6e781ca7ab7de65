// Shared by the peer servers: the benchmark starts each one as a child process and ends it by
// closing its stdin (or SIGTERM), so a crashed benchmark never leaves a server behind.
'use strict'

exports.portFromArgs = () => {
  const port = Number(process.argv[2])
  if (!Number.isInteger(port) || port <= 0) {
    console.error(`usage: node ${process.argv[1]} <port>`)
    process.exit(2)
  }
  return port
}

exports.exitWithParent = (close) => {
  const stop = () => { close(); process.exit(0) }
  process.stdin.on('end', stop)
  process.stdin.on('close', stop)
  process.stdin.resume()
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

// The benchmark waits for this exact line before it connects.
exports.ready = (name, port) => console.log(`ready ${name} ws://127.0.0.1:${port}`)
