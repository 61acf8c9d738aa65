/**
 * HTTP/1.x fields (Wireshark's `http.*`, as tshark 4.0 names and types them), the named limits,
 * and the status code names.
 */
import { defineFields, FT } from '../fields.js';
import { defineLimits } from '../limits.js';

/** Named limits: what one HTTP message may make wirelite hold or show (a session's are `session.limits.http`). */
export interface HttpLimits {
  /**
   * Largest body reassembled over TCP (tshark reassembles whole bodies: http.desegment_body).
   * A message whose body is announced (Content-Length) or found (chunked, until the close) to be
   * longer is not held: it is dissected as soon as its header block is complete, with the body
   * bytes that came with it, and the rest of the body is "Continuation", as tshark shows every
   * message with `-o http.desegment_body:FALSE`. So memory does not grow with a body's size.
   */
  maxBodyBytes: number;
  /** Largest header block (request/status line and header lines) waited for; a longer one is malformed. */
  maxHeaderBytes: number;
  /** Header lines dissected per message; the rest of a longer header block is malformed. */
  maxHeaderLines: number;
  /** Chunks of a chunked body dissected per message; more make the message malformed. */
  maxChunks: number;
  /** Transactions (request/response pairs) linked per TCP stream for pairing; older ones are unlinked. */
  maxTransactionsPerStream: number;
  /** HTTP streams whose pairing state is kept at once (the oldest is dropped beyond). */
  maxStreams: number;
  /** Bytes of a body decompressed (Content-Encoding gzip/deflate/br) for its sub-dissector. */
  maxDecompressedBytes: number;
  /** Bytes of a body shown in `http.file_data` (tshark shows the body up to its first NUL). */
  maxFileDataChars: number;
}

declare module '../limits.js' {
  interface SessionLimits {
    http: HttpLimits;
  }
}

/** The defaults of `session.limits.http`. */
export const HTTP_LIMITS = defineLimits('http', {
  // Downloads of a few megabytes are common (the bench capture's largest body is 11 MB).
  maxBodyBytes: 16 << 20,
  maxHeaderBytes: 64 << 10,
  maxHeaderLines: 512,
  maxChunks: 4096,
  maxTransactionsPerStream: 1 << 16,
  maxStreams: 10_000,
  maxDecompressedBytes: 1 << 20,
  maxFileDataChars: 1 << 20,
});

const str = (abbrev: string, name: string) => ({ abbrev, name, type: FT.STRING });
const frame = (abbrev: string, name: string) => ({ abbrev, name, type: FT.FRAMENUM, generated: true });

export const F = defineFields({
  http: { abbrev: 'http', name: 'Hypertext Transfer Protocol', type: FT.PROTOCOL },
  ssdp: { abbrev: 'ssdp', name: 'Simple Service Discovery Protocol', type: FT.PROTOCOL },
  notification: { abbrev: 'http.notification', name: 'Notification', type: FT.BOOLEAN },
  response: { abbrev: 'http.response', name: 'Response', type: FT.BOOLEAN },
  request: { abbrev: 'http.request', name: 'Request', type: FT.BOOLEAN },
  response_number: { abbrev: 'http.response_number', name: 'Response number', type: FT.UINT32, generated: true },
  request_number: { abbrev: 'http.request_number', name: 'Request number', type: FT.UINT32, generated: true },
  response_line: str('http.response.line', 'Response line'),
  request_line: str('http.request.line', 'Request line'),
  chat: { abbrev: 'http.chat', name: 'Formatted text', type: FT.NONE },
  method: str('http.request.method', 'Request Method'),
  uri: str('http.request.uri', 'Request URI'),
  uri_path: str('http.request.uri.path', 'Request URI Path'),
  uri_query: str('http.request.uri.query', 'Request URI Query'),
  uri_query_parameter: str('http.request.uri.query.parameter', 'Request URI Query Parameter'),
  request_version: str('http.request.version', 'Request Version'),
  response_version: str('http.response.version', 'Response Version'),
  full_uri: { abbrev: 'http.request.full_uri', name: 'Full request URI', type: FT.STRING, generated: true },
  code: { abbrev: 'http.response.code', name: 'Status Code', type: FT.UINT16 },
  code_desc: { abbrev: 'http.response.code.desc', name: 'Status Code Description', type: FT.STRING, generated: true },
  response_for_uri: { abbrev: 'http.response_for.uri', name: 'Request URI', type: FT.STRING, generated: true },
  phrase: str('http.response.phrase', 'Response Phrase'),
  authorization: str('http.authorization', 'Authorization'),
  proxy_authenticate: str('http.proxy_authenticate', 'Proxy-Authenticate'),
  proxy_authorization: str('http.proxy_authorization', 'Proxy-Authorization'),
  www_authenticate: str('http.www_authenticate', 'WWW-Authenticate'),
  content_type: str('http.content_type', 'Content-Type'),
  content_length_header: str('http.content_length_header', 'Content-Length'),
  content_length: { abbrev: 'http.content_length', name: 'Content length', type: FT.UINT64, generated: true },
  content_encoding: str('http.content_encoding', 'Content-Encoding'),
  transfer_encoding: str('http.transfer_encoding', 'Transfer-Encoding'),
  upgrade: str('http.upgrade', 'Upgrade'),
  user_agent: str('http.user_agent', 'User-Agent'),
  host: str('http.host', 'Host'),
  connection: str('http.connection', 'Connection'),
  cookie: str('http.cookie', 'Cookie'),
  cookie_pair: str('http.cookie_pair', 'Cookie pair'),
  accept: str('http.accept', 'Accept'),
  referer: str('http.referer', 'Referer'),
  accept_language: str('http.accept_language', 'Accept-Language'),
  accept_encoding: str('http.accept_encoding', 'Accept Encoding'),
  date: str('http.date', 'Date'),
  cache_control: str('http.cache_control', 'Cache-Control'),
  server: str('http.server', 'Server'),
  location: str('http.location', 'Location'),
  sec_websocket_accept: str('http.sec_websocket_accept', 'Sec-WebSocket-Accept'),
  sec_websocket_extensions: str('http.sec_websocket_extensions', 'Sec-WebSocket-Extensions'),
  sec_websocket_key: str('http.sec_websocket_key', 'Sec-WebSocket-Key'),
  sec_websocket_protocol: str('http.sec_websocket_protocol', 'Sec-WebSocket-Protocol'),
  sec_websocket_version: str('http.sec_websocket_version', 'Sec-WebSocket-Version'),
  set_cookie: str('http.set_cookie', 'Set-Cookie'),
  last_modified: str('http.last_modified', 'Last-Modified'),
  x_forwarded_for: str('http.x_forwarded_for', 'X-Forwarded-For'),
  http2_settings: str('http.http2_settings', 'HTTP2-Settings'),
  request_in: frame('http.request_in', 'Request in frame'),
  response_in: frame('http.response_in', 'Response in frame'),
  next_request_in: frame('http.next_request_in', 'Next request in frame'),
  next_response_in: frame('http.next_response_in', 'Next response in frame'),
  prev_request_in: frame('http.prev_request_in', 'Prev request in frame'),
  prev_response_in: frame('http.prev_response_in', 'Prev response in frame'),
  time: { abbrev: 'http.time', name: 'Time since request', type: FT.RELATIVE_TIME, generated: true, unit: ' seconds' },
  chunked_trailer_part: str('http.chunked_trailer_part', 'trailer-part'),
  chunk_boundary: { abbrev: 'http.chunk_boundary', name: 'Chunk boundary', type: FT.BYTES },
  chunk_size: { abbrev: 'http.chunk_size', name: 'Chunk size', type: FT.UINT32, unit: ' octets' },
  chunk_data: { abbrev: 'http.chunk_data', name: 'Chunk data', type: FT.BYTES },
  file_data: str('http.file_data', 'File Data'),
  unknown_header: str('http.unknown_header', 'Unknown header'),
  te_and_length: { abbrev: 'http.te_and_length', name: 'The Content-Length and Transfer-Encoding header must not be set together', type: FT.NONE },
  te_unknown: { abbrev: 'http.te_unknown', name: 'Unknown transfer coding name in Transfer-Encoding header', type: FT.NONE },
  leading_crlf: { abbrev: 'http.leading_crlf', name: 'Leading CRLF previous message in the stream may have extra CRLF', type: FT.NONE },
  bad_header_name: { abbrev: 'http.bad_header_name', name: 'Illegal characters found in header name', type: FT.NONE },
  subdissector_failed: { abbrev: 'http.subdissector_failed', name: 'HTTP body subdissector failed, trying heuristic subdissector', type: FT.NONE },
  text: { abbrev: '_ws.text', name: 'Text item', type: FT.NONE },
  // The body's dissectors, as tshark's media-type table dispatches them.
  text_lines: { abbrev: 'data-text-lines', name: 'Line-based text data', type: FT.PROTOCOL },
  media: { abbrev: 'media', name: 'Media Type', type: FT.PROTOCOL },
  media_type: { abbrev: 'media.type', name: 'Media type', type: FT.BYTES },
  urlencoded_form: { abbrev: 'urlencoded-form', name: 'HTML Form URL Encoded', type: FT.PROTOCOL },
  form_key: { abbrev: 'urlencoded-form.key', name: 'Key', type: FT.STRING },
  form_value: { abbrev: 'urlencoded-form.value', name: 'Value', type: FT.STRING },
});

/** Header names (lower case) with a field of their own, as Wireshark's `headers[]` table. */
export const HEADER_FIELDS: ReadonlyMap<string, number> = new Map([
  ['authorization', F.authorization],
  ['proxy-authorization', F.proxy_authorization],
  ['proxy-authenticate', F.proxy_authenticate],
  ['www-authenticate', F.www_authenticate],
  ['content-type', F.content_type],
  ['content-length', F.content_length_header],
  ['content-encoding', F.content_encoding],
  ['transfer-encoding', F.transfer_encoding],
  ['upgrade', F.upgrade],
  ['user-agent', F.user_agent],
  ['host', F.host],
  ['connection', F.connection],
  ['cookie', F.cookie],
  ['accept', F.accept],
  ['referer', F.referer],
  ['accept-language', F.accept_language],
  ['accept-encoding', F.accept_encoding],
  ['date', F.date],
  ['cache-control', F.cache_control],
  ['server', F.server],
  ['location', F.location],
  ['sec-websocket-accept', F.sec_websocket_accept],
  ['sec-websocket-extensions', F.sec_websocket_extensions],
  ['sec-websocket-key', F.sec_websocket_key],
  ['sec-websocket-protocol', F.sec_websocket_protocol],
  ['sec-websocket-version', F.sec_websocket_version],
  ['set-cookie', F.set_cookie],
  ['last-modified', F.last_modified],
  ['x-forwarded-for', F.x_forwarded_for],
  ['http2-settings', F.http2_settings],
]);

/** Wireshark 4.0's vals_http_status_code (epan/dissectors/packet-http.c). */
export const STATUS_CODES: Readonly<Record<number, string>> = {
  100: 'Continue', 101: 'Switching Protocols', 102: 'Processing', 103: 'Early Hints', 199: 'Informational - Others',
  200: 'OK', 201: 'Created', 202: 'Accepted', 203: 'Non-authoritative Information', 204: 'No Content', 205: 'Reset Content',
  206: 'Partial Content', 207: 'Multi-Status', 208: 'Already Reported', 226: 'IM Used', 299: 'Success - Others',
  300: 'Multiple Choices', 301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 304: 'Not Modified', 305: 'Use Proxy',
  307: 'Temporary Redirect', 308: 'Permanent Redirect', 399: 'Redirection - Others',
  400: 'Bad Request', 401: 'Unauthorized', 402: 'Payment Required', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  406: 'Not Acceptable', 407: 'Proxy Authentication Required', 408: 'Request Time-out', 409: 'Conflict', 410: 'Gone',
  411: 'Length Required', 412: 'Precondition Failed', 413: 'Request Entity Too Large', 414: 'Request-URI Too Long',
  415: 'Unsupported Media Type', 416: 'Requested Range Not Satisfiable', 417: 'Expectation Failed', 418: "I'm a teapot",
  421: 'Misdirected Request', 422: 'Unprocessable Entity', 423: 'Locked', 424: 'Failed Dependency', 425: 'Too Early',
  426: 'Upgrade Required', 428: 'Precondition Required', 429: 'Too Many Requests', 431: 'Request Header Fields Too Large',
  451: 'Unavailable For Legal Reasons', 499: 'Client Error - Others',
  500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Time-out',
  505: 'HTTP Version not supported', 506: 'Variant Also Negotiates', 507: 'Insufficient Storage', 508: 'Loop Detected',
  510: 'Not Extended', 511: 'Network Authentication Required', 599: 'Server Error - Others',
};

/** Request methods Wireshark 4.0's is_http_request_or_reply knows (a request line starts with one and a space). */
export const METHODS: ReadonlySet<string> = new Set([
  'GET', 'PUT', 'COPY', 'HEAD', 'LOCK', 'MOVE', 'POLL', 'POST', 'BCOPY', 'BMOVE', 'MKCOL', 'TRACE', 'PATCH', 'LABEL', 'MERGE',
  'DELETE', 'SEARCH', 'UNLOCK', 'REPORT', 'UPDATE', 'BDELETE', 'CONNECT', 'OPTIONS', 'CHECKIN', 'PROPFIND', 'CHECKOUT', 'CCM_POST',
  'PROPPATCH', 'BPROPFIND', 'BPROPPATCH', 'UNCHECKOUT', 'MKACTIVITY', 'MKWORKSPACE', 'RPC_CONNECT', 'RPC_IN_DATA', 'RPC_OUT_DATA',
  'VERSION-CONTROL', 'BASELINE-CONTROL', 'SSTP_DUPLEX_POST',
]);

/** GENA methods, which tshark calls notifications (http.notification) rather than requests. */
export const NOTIFICATION_METHODS: ReadonlySet<string> = new Set(['NOTIFY', 'SUBSCRIBE', 'UNSUBSCRIBE']);
