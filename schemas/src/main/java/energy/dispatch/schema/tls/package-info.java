/**
 * Transport security shared by every part: which TLS versions are allowed, when plain TCP is
 * allowed at all (loopback only), a server's key store and a client's trust. Here, beside the wire
 * contract, because every part depends on this module and all of them must agree on these rules.
 */
package energy.dispatch.schema.tls;
