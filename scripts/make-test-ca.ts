// Makes the TLS material for the tests' loopback https servers (the Web Push receiver): a
// self-signed test CA and a server certificate for 127.0.0.1 and localhost signed by it.
//
//   node scripts/make-test-ca.ts [dir]        (default dir: test-output/tls)
//
// Writes dir/ca.pem, dir/server-key.pem and dir/server-cert.pem, only when they are missing (or
// unusable: expiring, or not issued by the CA beside them). The CA's private key exists only while
// the server certificate is signed, in a temporary directory, so nothing else can ever be issued
// under this CA. Tests trust it through NODE_EXTRA_CA_CERTS=dir/ca.pem or an https.Agent({ ca }).
// Uses the openssl command line tool.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const DEFAULT_TLS_DIR = 'test-output/tls';

export interface TestTls {
  dir: string;
  caFile: string;
  keyFile: string;
  certFile: string;
  /** PEM texts. */
  ca: string;
  key: string;
  cert: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function files(dir: string): { caFile: string; keyFile: string; certFile: string } {
  return { caFile: join(dir, 'ca.pem'), keyFile: join(dir, 'server-key.pem'), certFile: join(dir, 'server-cert.pem') };
}

function read(dir: string): TestTls | null {
  const { caFile, keyFile, certFile } = files(dir);
  if (!existsSync(caFile) || !existsSync(keyFile) || !existsSync(certFile)) return null;
  const ca = readFileSync(caFile, 'utf8');
  const key = readFileSync(keyFile, 'utf8');
  const cert = readFileSync(certFile, 'utf8');
  try {
    const caCert = new X509Certificate(ca);
    const serverCert = new X509Certificate(cert);
    const soon = Date.now() + DAY_MS;
    if (Date.parse(caCert.validTo) < soon || Date.parse(serverCert.validTo) < soon) return null;
    if (!serverCert.checkIssued(caCert) || !serverCert.verify(caCert.publicKey)) return null;
    if (!serverCert.checkIP('127.0.0.1')) return null;
  } catch {
    return null;
  }
  return { dir, caFile, keyFile, certFile, ca, key, cert };
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function generate(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const work = mkdtempSync(join(dir, '.tmp-'));
  try {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    // The CA: self-signed, may sign certificates only.
    openssl(['req', '-x509', ...ec, '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '3650', '-sha256',
      '-subj', '/O=tobira tests/CN=tobira test CA (never trust outside tests)',
      '-addext', 'basicConstraints=critical,CA:TRUE,pathlen:0',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
      '-addext', 'subjectKeyIdentifier=hash'], work);
    // The server: key + request, then a certificate for 127.0.0.1 and localhost signed by the CA.
    openssl(['req', '-new', ...ec, '-keyout', 'server-key.pem', '-out', 'server.csr', '-subj', '/O=tobira tests/CN=127.0.0.1'], work);
    writeFileSync(join(work, 'server.ext'), [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      'subjectKeyIdentifier=hash',
      'authorityKeyIdentifier=keyid',
      '',
    ].join('\n'));
    openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-set_serial', `0x${Date.now().toString(16)}`,
      '-days', '825', '-sha256', '-extfile', 'server.ext', '-out', 'server-cert.pem'], work);
    // Moved in place one by one (rename is atomic); ca.pem last, so a complete set is only seen whole.
    const target = files(dir);
    renameSync(join(work, 'server-key.pem'), target.keyFile);
    renameSync(join(work, 'server-cert.pem'), target.certFile);
    renameSync(join(work, 'ca.pem'), target.caFile);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The test CA and server certificate in `dir`, made first when missing or unusable. */
export function ensureTestTls(dir: string = DEFAULT_TLS_DIR): TestTls {
  const absolute = resolve(dir);
  const existing = read(absolute);
  if (existing) return existing;
  for (const file of Object.values(files(absolute))) rmSync(file, { force: true });
  generate(absolute);
  const made = read(absolute);
  if (!made) throw new Error(`openssl did not produce a usable test CA and server certificate in ${absolute}`);
  return made;
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  const tls = ensureTestTls(process.argv[2] ?? DEFAULT_TLS_DIR);
  console.log(`test TLS ready: trust ${tls.caFile} (server certificate for 127.0.0.1 and localhost: ${tls.certFile})`);
}
