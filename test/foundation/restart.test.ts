import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import supertest from 'supertest';
import { readLibraryTemplate } from '../../server/library/library.template';
import { DATABASE_TEMPLATE_DIR, PROJECT_ROOT, SHIPPED_LIBRARY_DIR } from '../../server/shared/paths';

const ADMIN = { email: 'restart-admin@example.no', password: 'restart test password' };
const describeEmbedded = process.env.DATABASE_URL ? describe.skip : describe;

type Running = { child: ChildProcess; url: string; output: () => string };

function start(dataDir: string): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'server', 'start.ts')], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, LOG_LEVEL: 'warn', NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /running at (http:\/\/localhost:\d+)/.exec(output);
      if (match?.[1]) resolve({ child, url: match[1], output: () => output });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describeEmbedded('restarts on the embedded database', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'datakrav-restart-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  test('When the app starts on a new data folder, then it says where its library came from; when the process is killed with SIGKILL after a change, then the change is there after a restart, and SIGTERM stops it cleanly', async () => {
    const first = await start(dataDir);
    // A new data folder starts from the build's template with the shipped library in it, when the build made one for these files.
    const built = await readLibraryTemplate(DATABASE_TEMPLATE_DIR, SHIPPED_LIBRARY_DIR);
    expect(first.output()).toContain(built ? `Requirement library: the new database holds the library of ${SHIPPED_LIBRARY_DIR} as it was when the app was built` : 'versions added');
    const agent = supertest.agent(first.url);
    const login = await agent.post('/api/session').send(ADMIN);
    expect(login.status).toBe(201);
    const created = await agent.post('/api/me/tokens').set('X-CSRF-Token', login.body.csrfToken).send({ name: 'Overlever omstart' });
    expect(created.status).toBe(201);
    const killed = exited(first.child);
    first.child.kill('SIGKILL');
    await killed;

    const second = await start(dataDir);
    expect(second.output()).toContain('Requirement library: its files are unchanged since the last sync');
    const again = supertest.agent(second.url);
    const relogin = await again.post('/api/session').send(ADMIN);
    expect(relogin.status).toBe(201);
    const tokens = await again.get('/api/me/tokens');
    expect(tokens.body.items.map((t: { name: string }) => t.name)).toEqual(['Overlever omstart']);
    const viaToken = await supertest(second.url).get('/api/session').set('Authorization', `Bearer ${created.body.token}`);
    expect(viaToken.status).toBe(200);

    const stopped = exited(second.child);
    second.child.kill('SIGTERM');
    expect(await stopped).toBe(0);
  }, 90_000);

  test('When SIGTERM arrives while a request is in flight, then that request is still answered, new connections are refused, and the process exits 0', async () => {
    const running = await start(dataDir);
    const { port } = new URL(running.url);
    const body = JSON.stringify(ADMIN);
    // The request's headers are sent and its body held back, so it is in flight when SIGTERM comes.
    const inFlight = request({ host: '127.0.0.1', port, method: 'POST', path: '/api/session', headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } });
    const answered = new Promise<{ status: number | undefined; text: string }>((resolve, reject) => {
      inFlight.on('response', (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode, text }));
      });
      inFlight.on('error', reject);
    });
    inFlight.write(body.slice(0, 10));
    await new Promise((resolve) => setTimeout(resolve, 300));

    const stopped = exited(running.child);
    running.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));
    await expect(fetch(`${running.url}/healthz`)).rejects.toThrow();
    inFlight.end(body.slice(10));

    const response = await answered;
    expect(response.status).toBe(201);
    expect(JSON.parse(response.text)).toMatchObject({ csrfToken: expect.any(String) });
    expect(await stopped).toBe(0);
  }, 90_000);

  test('When a setting is invalid, then start-up stops with a message naming the variable', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'server', 'start.ts')], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: 'not-a-port', DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    expect(await exited(child)).toBe(1);
    expect(stderr).toMatch(/Invalid configuration:\n {2}PORT: /);
  }, 30_000);
});
