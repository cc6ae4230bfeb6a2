/** The examples' throw-away certificate, made once per test run (.ci/run installs openssl). */
import { throwawayCertificate } from '../../examples/certificate.js';

let made: { key: Buffer; cert: Buffer } | undefined;

/** The key and certificate (PEM) for localhost; the certificate is also its own CA. */
export function localhostCertificate(): { key: Buffer; cert: Buffer } {
  return (made ??= throwawayCertificate());
}
