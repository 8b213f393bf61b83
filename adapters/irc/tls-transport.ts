import { isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import NetTransport from 'irc-framework/src/transports/net.js';

/** net.js's SOCK_CONNECTING. */
const CONNECTING = 1;

/**
 * irc-framework's own transport, except that a TLS connection can trust a given CA. The library
 * passes no `ca` to tls.connect, so a server with a private CA could only be reached by turning
 * verification off, which we never do. With `ca` set, ONLY that CA is trusted (the system store
 * is not consulted): pinning a private network's CA is the point of setting it.
 *
 * connect() mirrors net.js 4.14.0's direct (non-SOCKS) TLS branch; everything after the socket
 * exists (line splitting, encoding, close and error handling) stays the library's.
 */
export class CaTransport extends NetTransport {
  override connect(): void {
    const o = this.options;
    if (!o.tls || !o.ca) {
      super.connect();
      return;
    }
    this.debugOut('connect() with a configured CA');
    this.disposeSocket();
    this.requested_disconnect = false;
    this.incoming_buffer = Buffer.alloc(0);
    if (!o.encoding || !this.setEncoding(o.encoding)) this.setEncoding('utf8');
    this.state = CONNECTING;
    const socket = tlsConnect({
      host: o.host,
      port: o.port,
      // SNI only for names; certificate checks still cover IP addresses (subjectAltName IP).
      ...(isIP(o.host) ? {} : { servername: o.host }),
      ca: o.ca,
      rejectUnauthorized: o.rejectUnauthorized ?? true,
      ...(o.client_certificate ? { key: o.client_certificate.private_key, cert: o.client_certificate.certificate } : {}),
    });
    this.socket = socket;
    this._onSocketCreate(o, socket);
  }
}
