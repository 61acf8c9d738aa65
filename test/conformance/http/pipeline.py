"""Pipelined HTTP/1.1 requests for the HTTP conformance test: several requests in one send on one
connection (argv[1]: port), then reads until the server has answered them all and closes."""
import socket
import sys

port = int(sys.argv[1])
c = socket.create_connection(('127.0.0.1', port))
reqs = b''.join(b'GET /ka/%d HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUser-Agent: wl-pipeline\r\n\r\n' % (i, port) for i in range(3))
reqs += b'HEAD /ka/9 HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n' % port
reqs += b'GET /close HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n' % port
c.sendall(reqs)
while c.recv(65536):
    pass
c.close()
