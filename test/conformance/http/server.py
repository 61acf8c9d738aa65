"""A small HTTP/1.1 server for the HTTP conformance test (test/conformance/http-live.test.ts).

Serves, on 127.0.0.1:PORT (argv[1]), inside the test's own network namespace:
  /ka/N        keep-alive response with Content-Length
  /chunked     chunked transfer coding, several chunks and a trailer
  /gzip        Content-Encoding: gzip
  /close       HTTP/1.0-style response without Content-Length, ended by closing the connection
  /empty       204 No Content
  POST /upload the body (read by Content-Length); curl's Expect: 100-continue gets 100 Continue first
  HEAD /ka/N   headers only
Prints "ready" once listening.
"""
import gzip
import socket
import sys
import threading

PORT = int(sys.argv[1])


def read_request(f):
    line = f.readline()
    if not line:
        return None
    headers = {}
    while True:
        h = f.readline()
        if h in (b'\r\n', b'\n', b''):
            break
        k, _, v = h.decode('latin-1').partition(':')
        headers[k.strip().lower()] = v.strip()
    return line.decode('latin-1').split(' '), headers


def handle(conn):
    f = conn.makefile('rb')
    try:
        while True:
            req = read_request(f)
            if req is None:
                return
            (method, path, _version), headers = req
            if headers.get('expect', '').lower() == '100-continue':
                conn.sendall(b'HTTP/1.1 100 Continue\r\n\r\n')
            body_in = b''
            if 'content-length' in headers:
                body_in = f.read(int(headers['content-length']))
            if path.startswith('/ka'):
                body = ('hello ' + path + '\n').encode() * 3
                head = b'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\nConnection: keep-alive\r\n\r\n' % len(body)
                conn.sendall(head + (b'' if method == 'HEAD' else body))
            elif path == '/chunked':
                conn.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\nTrailer: X-Done\r\n\r\n')
                for part in (b'<html>', b'<body>chunked</body>' * 20, b'</html>\n'):
                    conn.sendall(b'%x\r\n%s\r\n' % (len(part), part))
                conn.sendall(b'0\r\nX-Done: yes\r\n\r\n')
            elif path == '/gzip':
                body = gzip.compress(b'compressed text\n' * 50)
                conn.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n%s' % (len(body), body))
            elif path == '/empty':
                conn.sendall(b'HTTP/1.1 204 No Content\r\nServer: wl-test\r\n\r\n')
            elif path == '/upload':
                body = b'got %d bytes\n' % len(body_in)
                conn.sendall(b'HTTP/1.1 201 Created\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s' % (len(body), body))
            elif path == '/close':
                conn.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n')
                for i in range(3):
                    conn.sendall(b'line %d of a body that ends with the connection\n' % i)
                return
            else:
                conn.sendall(b'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n')
    finally:
        try:
            conn.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        conn.close()


s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', PORT))
s.listen(16)
print('ready', flush=True)
while True:
    c, _ = s.accept()
    threading.Thread(target=handle, args=(c,), daemon=True).start()
