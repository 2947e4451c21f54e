// Runs `node src/main.ts` as a real child process, as an operator would.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');

export interface Exited { code: number | null; stdout: string; stderr: string }

export function runMain(env: Record<string, string>, timeoutMs = 20_000): Promise<Exited> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', 'src/main.ts'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`main.ts did not exit within ${timeoutMs} ms:\n${stdout}\n${stderr}`)); }, timeoutMs);
    child.on('exit', (code) => { clearTimeout(timer); resolvePromise({ code, stdout, stderr }); });
  });
}

export interface RunningProcess {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the first match of `pattern` in the output, once it is there; rejects after `timeoutMs`. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  stop(): Promise<number | null>;
}

/** Starts main.ts and resolves once it logs that it listens. */
export function startMain(env: Record<string, string>, timeoutMs = 20_000): Promise<RunningProcess> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', 'src/main.ts'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } });
    let output = '';
    const running: RunningProcess = {
      child,
      output: () => output,
      async waitForOutput(pattern, waitMs = 5_000) {
        const deadline = Date.now() + waitMs;
        for (;;) {
          const match = pattern.exec(output);
          if (match) return match;
          if (Date.now() >= deadline) throw new Error(`main.ts did not log ${pattern} within ${waitMs} ms:\n${output}`);
          await new Promise((resolveWait) => setTimeout(resolveWait, 25));
        }
      },
      stop: () => new Promise((done) => {
        if (child.exitCode !== null) { done(child.exitCode); return; }
        child.once('exit', (code) => done(code));
        child.kill('SIGTERM');
      }),
    };
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`main.ts did not start within ${timeoutMs} ms:\n${output}`)); }, timeoutMs);
    const onData = (d: Buffer): void => {
      output += d.toString();
      if (output.includes('tobira listening on')) { clearTimeout(timer); resolvePromise(running); }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`main.ts exited with ${code}:\n${output}`)); });
  });
}
