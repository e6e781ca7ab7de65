#!/usr/bin/env python3
"""Bytes over the wire for a cold join: a fresh headless Chromium profile opens /r/{roomId}#secret.

Usage: bench/cold-join.py http://127.0.0.1:5000   (the server needs Parley__Captcha__Enabled=false)

Creates a room through the API, loads its link with an empty cache, and sums what Chromium's net
log saw arrive on its sockets (headers and bodies as sent, i.e. compressed when the server
compressed) and the decoded body sizes, per response.
"""
import json, os, shutil, subprocess, sys, tempfile, urllib.request

base = sys.argv[1].rstrip('/')
request = urllib.request.Request(base + '/api/rooms', method='POST',
    data=json.dumps({'joinVerifier': 'A' * 43}).encode(), headers={'Content-Type': 'application/json'})
room = json.load(urllib.request.urlopen(request))['roomId']

work = tempfile.mkdtemp(prefix='parley-cold-join-')
netlog = os.path.join(work, 'net.json')
subprocess.run(['/usr/bin/chromium', '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
                    '--disable-background-networking', '--disable-component-update', f'--user-data-dir={work}/profile',
                    f'--log-net-log={netlog}', '--virtual-time-budget=15000', '--dump-dom',
                    f'{base}/r/{room}#bench-secret'], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
               timeout=120)
log = json.load(open(netlog))

types = {v: k for k, v in log['constants']['logEventTypes'].items()}
wire = decoded = 0
urls = set()
for event in log['events']:
    name = types.get(event['type'])
    params = event.get('params', {})
    if name == 'SOCKET_BYTES_RECEIVED':
        wire += params.get('byte_count', 0)
    elif name == 'URL_REQUEST_JOB_FILTERED_BYTES_READ':
        decoded += params.get('byte_count', 0)
    elif name == 'URL_REQUEST_START_JOB' and params.get('url', '').startswith(base):
        urls.add(params['url'])
shutil.rmtree(work, ignore_errors=True)
print(json.dumps({'requests': len(urls), 'wireBytes': wire, 'decodedBytes': decoded}))
