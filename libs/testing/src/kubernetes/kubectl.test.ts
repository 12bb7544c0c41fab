// Fidelity checked with a client we did not write: the installed kubectl binary.
import { spawn } from 'node:child_process';
import { eventually, withTimeout } from '../wait';
import { startKubeEmulator } from './emulator';
import type { KubeEmulator } from './emulator';
import { hasKubectl, kubectlBaseArgs, kubectlMinorVersion, runKubectl } from './kubectl';
import type { KubectlResult } from './kubectl';

let emulator: KubeEmulator;

beforeAll(async () => {
  emulator = await startKubeEmulator({
    images: {
      'komputer/talker:test': {
        command: ['sh', '-c', 'echo one; echo two; echo three >&2; exec sleep 60'],
      },
    },
    maxGracePeriodMs: 1000,
  });
});

afterAll(() => emulator?.close());

function kubectl(...args: string[]): Promise<KubectlResult> {
  return runKubectl(emulator.kubeconfigPath, args);
}

function kubectlWithInput(input: string, ...args: string[]): Promise<KubectlResult> {
  return runKubectl(emulator.kubeconfigPath, args, { input });
}

async function ok(...args: string[]): Promise<string> {
  const result = await kubectl(...args);
  if (result.code !== 0)
    throw new Error(`kubectl ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

function podManifest(name: string, command: string, containerExtra = ''): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  restartPolicy: Never
  containers:
  - name: main
    image: busybox:1.36
    command: ["sh", "-c", ${JSON.stringify(command)}]
${containerExtra}`;
}

// .ci/run installs kubectl when it is missing: without one, this suite fails rather than skips.
if (!hasKubectl())
  throw new Error('kubectl is not on PATH (Debian: apt-get install kubernetes-client)');

// kubectl 1.30+ speaks WebSocket for exec and attach (older ones only SPDY, which the emulator
// does not serve) and leaves validation to the server's fieldValidation (older ones download
// the full OpenAPI v2 schema, which the emulator does not publish).
const describeKubectl = (kubectlMinorVersion() ?? 0) >= 30 ? describe : describe.skip;

describeKubectl('kubectl', () => {
  it('gets namespaces as a server-side table, and as JSON', async () => {
    const table = await ok('get', 'namespaces');
    expect(table.split('\n')[0]).toMatch(/^NAME\s+STATUS\s+AGE$/);
    expect(table).toMatch(/^default\s+Active\s+\d+s$/m);
    const json = JSON.parse(await ok('get', 'namespace', 'default', '-o', 'json'));
    expect(json).toMatchObject({
      kind: 'Namespace',
      apiVersion: 'v1',
      metadata: { name: 'default' },
      status: { phase: 'Active' },
    });
  });

  it("applies a manifest, applies a change to it, and reports the server's 422", async () => {
    const v1 =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n  level: "1"\n';
    expect((await kubectlWithInput(v1, 'apply', '-f', '-')).stdout).toBe(
      'configmap/settings created\n',
    );
    const v2 =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: slow\n';
    expect((await kubectlWithInput(v2, 'apply', '-f', '-')).stdout).toBe(
      'configmap/settings configured\n',
    );
    // The three-way merge removed the key the new manifest dropped.
    expect(JSON.parse(await ok('get', 'configmap', 'settings', '-o', 'jsonpath={.data}'))).toEqual({
      mode: 'slow',
    });
    expect((await kubectlWithInput(v2, 'apply', '-f', '-')).stdout).toBe(
      'configmap/settings unchanged\n',
    );

    const bad = await kubectlWithInput(
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: Not_Valid\nspec:\n  containers:\n  - name: main\n',
      'apply',
      '-f',
      '-',
    );
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('The Pod "Not_Valid" is invalid');
    expect(bad.stderr).toContain('spec.containers[0].image: Required value');
  });

  it('deletes and waits until the object is gone', async () => {
    await kubectlWithInput(podManifest('doomed', 'exec sleep 60'), 'apply', '-f', '-');
    await ok('wait', '--for=condition=Ready', 'pod/doomed', '--timeout=10s');
    const deleted = await kubectl('delete', 'pod', 'doomed');
    expect(deleted.stdout).toBe('pod "doomed" deleted\n');
    const gone = await kubectl('get', 'pod', 'doomed');
    expect(gone.code).toBe(1);
    expect(gone.stderr).toBe('Error from server (NotFound): pods "doomed" not found\n');
  });

  it('reads logs, the tail of them, and follows them to the end', async () => {
    await ok('run', 'talker', '--image=komputer/talker:test', '--restart=Never');
    await ok('wait', '--for=condition=Ready', 'pod/talker', '--timeout=10s');
    // The process writes before it sleeps; wait until all three lines are in the log.
    let logs = '';
    await eventually(
      async () => (logs = await ok('logs', 'talker')).includes('three'),
      'the three log lines',
    );
    expect(logs).toBe('one\ntwo\nthree\n');
    expect(await ok('logs', 'talker', '--tail=1')).toBe('three\n');

    await kubectlWithInput(
      podManifest('counter', 'for i in 1 2 3; do echo line $i; done'),
      'apply',
      '-f',
      '-',
    );
    await ok('wait', '--for=jsonpath={.status.phase}=Succeeded', 'pod/counter', '--timeout=10s');
    expect(await ok('logs', 'counter', '-f')).toBe('line 1\nline 2\nline 3\n');
  });

  it('execs a command with its streams, stdin and exit code', async () => {
    await kubectlWithInput(podManifest('shell', 'exec sleep 60'), 'apply', '-f', '-');
    await ok('wait', '--for=condition=Ready', 'pod/shell', '--timeout=10s');
    const result = await kubectl(
      'exec',
      'shell',
      '--',
      'sh',
      '-c',
      'echo out; echo err >&2; exit 3',
    );
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('out\n');
    expect(result.stderr).toContain('err\n');
    expect(result.stderr).toContain('command terminated with exit code 3');

    // stdin reaches the command, and its end (the v5 close frame) lets `cat` finish.
    const echoed = await kubectlWithInput(
      'hello through stdin\n',
      'exec',
      '-i',
      'shell',
      '--',
      'cat',
    );
    expect(echoed).toMatchObject({ code: 0, stdout: 'hello through stdin\n' });
  });

  it("attaches to a container's stdin and stdout", async () => {
    const manifest = podManifest('reader', 'read line; echo "got: $line"', '    stdin: true\n');
    await kubectlWithInput(manifest, 'apply', '-f', '-');
    await ok('wait', '--for=condition=Ready', 'pod/reader', '--timeout=10s');
    const attached = await kubectlWithInput('hello\n', 'attach', '-i', 'reader', '-c', 'main');
    expect(attached.stdout).toBe('got: hello\n');
    expect(attached.code).toBe(0);
    await ok('wait', '--for=jsonpath={.status.phase}=Succeeded', 'pod/reader', '--timeout=10s');
  });

  it('watches: get -w prints objects as they change', async () => {
    await kubectlWithInput(
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: watched-0\n',
      'apply',
      '-f',
      '-',
    );
    const child = spawn(
      'kubectl',
      [...kubectlBaseArgs(emulator.kubeconfigPath), 'get', 'configmaps', '--watch', '-o', 'name'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    const seen = (text: string) =>
      withTimeout(
        new Promise<void>((resolve) => {
          const check = () => output.includes(text) && resolve();
          child.stdout.on('data', (chunk: Buffer) => {
            output += chunk.toString();
            check();
          });
          check();
        }),
        10_000,
        `kubectl get -w to print ${text}`,
      );
    try {
      await seen('configmap/watched-0');
      await kubectlWithInput(
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: watched-1\n',
        'apply',
        '-f',
        '-',
      );
      await seen('configmap/watched-1');
    } finally {
      child.kill('SIGTERM');
    }
  });
});
