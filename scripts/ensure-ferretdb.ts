// Builds the FerretDB binary the mongo-store tests run against, once per machine.
//
// `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2` compiles, but the binary panics at
// start: FerretDB embeds build/version/version.txt, which only its release tooling generates. So we
// take the same module from the Go module proxy, write the version file its release would write,
// and build the official cmd/ferretdb from that copy. The binary is cached outside the repo.
import { execFileSync } from 'node:child_process';
import { cpSync, chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

export const FERRETDB_VERSION = 'v1.24.2';

export function ferretdbBinaryPath(): string {
  if (process.env.FERRETDB_BIN) return process.env.FERRETDB_BIN;
  const cache = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(cache, 'tobira', `ferretdb-${FERRETDB_VERSION}`);
}

function build(target: string): void {
  const module = `github.com/FerretDB/FerretDB@${FERRETDB_VERSION}`;
  console.log(`building FerretDB ${FERRETDB_VERSION} (once; cached at ${target}) ...`);
  const info = JSON.parse(execFileSync('go', ['mod', 'download', '-json', module], { encoding: 'utf8' })) as { Dir?: string; Error?: string };
  if (!info.Dir) throw new Error(`go mod download ${module} failed: ${info.Error ?? 'no directory'}`);
  const work = mkdtempSync(join(tmpdir(), 'ferretdb-src-'));
  try {
    cpSync(info.Dir, work, { recursive: true });
    execFileSync('chmod', ['-R', 'u+w', work]);
    writeFileSync(join(work, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
    mkdirSync(join(target, '..'), { recursive: true });
    execFileSync('go', ['build', '-o', target, './cmd/ferretdb'], { cwd: work, stdio: 'inherit' });
    chmodSync(target, 0o755);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  if (process.env.MONGODB_URI) {
    console.log('MONGODB_URI is set: the mongo-store tests use that server, FerretDB is not needed.');
  } else {
    const target = ferretdbBinaryPath();
    if (!existsSync(target)) build(target);
    const version = execFileSync(target, ['--version'], { encoding: 'utf8' }).split('\n')[0];
    console.log(`FerretDB ready: ${target} (${version})`);
  }
}
