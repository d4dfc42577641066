import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { posix, resolve } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { defaultConfig, loadConfig } from '../../runtime/config/config.js';
import { ENDPOINTS } from '../../runtime/service/http/endpoints.js';
import { ROOT } from '../support/cli.js';

/**
 * The Dockerfile and docker-compose.yml cannot be built here (no Docker
 * engine), so their references are checked instead: every file they copy
 * exists in the repository (and the build context keeps it) or is made by
 * the build stage, the port is the config's, the health check asks /health.
 */
const read = (name: string): string => readFileSync(resolve(ROOT, name), 'utf8');

interface Instruction {
  readonly keyword: string;
  /** The arguments as written (exec-form JSON arrays are parsed). */
  readonly args: string[];
  /** Flags such as --from=build. */
  readonly flags: Record<string, string>;
  readonly stage: number;
}

/** The Dockerfile's instructions: comments dropped, continuation lines joined, stages numbered. */
function dockerfile(text: string): Instruction[] {
  const logical = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  let stage = -1;
  return logical.map((line) => {
    const [, keyword, rest] = /^(\S+)\s*(.*)$/.exec(line)!;
    const upper = keyword!.toUpperCase();
    if (upper === 'FROM') stage++;
    const flags: Record<string, string> = {};
    let body = rest!;
    for (let flag = /^--([a-z-]+)=(\S+)\s*/.exec(body); flag && upper !== 'RUN'; flag = /^--([a-z-]+)=(\S+)\s*/.exec(body)) {
      flags[flag[1]!] = flag[2]!;
      body = body.slice(flag[0].length);
    }
    if (upper === 'HEALTHCHECK') body = body.replace(/^CMD\s+/, '');
    const args = body.startsWith('[') ? (JSON.parse(body) as string[]) : body.split(/\s+/);
    return { keyword: upper, args, flags, stage };
  });
}

/** Whether .dockerignore keeps `path` (relative to the context) out of the build context. */
function ignored(path: string, patterns: readonly string[]): boolean {
  const parts = path.replace(/^\.\//, '').split('/');
  return patterns.some((pattern) => {
    const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*/g, '\u0000').replace(/\*/g, '[^/]*').replace(/\u0000/g, '.*')}$`);
    return parts.some((_, k) => re.test(parts.slice(0, k + 1).join('/')));
  });
}

const instructions = dockerfile(read('Dockerfile'));
const dockerignore = read('.dockerignore')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('!'));
const compose = parse(read('docker-compose.yml')) as {
  services: Record<string, { build?: { context: string; dockerfile: string }; restart?: string; ports?: string[]; environment?: Record<string, string | number>; depends_on?: Record<string, unknown> | string[]; healthcheck?: { test: string[] } }>;
};
const example = loadConfig(resolve(ROOT, 'config.example.yaml'), {});
const port = defaultConfig().server.port;

/** scripts/bundle.mjs's outputs: `<outdir>/<entry name>.js`. */
function bundleOutputs(): string[] {
  const text = read('scripts/bundle.mjs');
  const entries = /entryPoints:\s*\{([^}]*)\}/.exec(text)![1]!;
  // the default of its --outdir option
  const outdir = /outdir:\s*\{[^}]*default:\s*'([^']+)'/.exec(text)![1]!;
  return [...entries.matchAll(/(\w+):\s*'([^']+)'/g)].map((m) => {
    expect(existsSync(resolve(ROOT, m[2]!)), `bundle entry ${m[2]}`).toBe(true);
    return `${outdir}/${m[1]}.js`;
  });
}

const of = (keyword: string, stage?: number): Instruction[] => instructions.filter((i) => i.keyword === keyword && (stage === undefined || i.stage === stage));

describe('Dockerfile', () => {
  const stages = of('FROM');
  const last = stages.length - 1;
  const buildName = stages[0]!.args[2];

  it('builds on node:20-bookworm and runs on node:20-bookworm-slim', () => {
    expect(stages.map((s) => s.args[0])).toEqual(['node:20-bookworm', 'node:20-bookworm-slim']);
    expect(stages[0]!.args[1]?.toUpperCase()).toBe('AS');
    const runs = of('RUN', 0).map((r) => r.args.join(' '));
    expect(runs.some((r) => /apt-get install .*python3.*make.*g\+\+/.test(r))).toBe(true);
    expect(runs.some((r) => /\bnpm ci\b/.test(r))).toBe(true);
    expect(runs.some((r) => /\bnpm run build\b/.test(r))).toBe(true);
  });

  it('copies into the build stage what npm ci needs (the postinstall script) before running it', () => {
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    const postinstall = /node (\S+)/.exec(pkg.scripts.postinstall!)![1]!;
    const ci = instructions.findIndex((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args.join(' ')));
    const copiedBefore = instructions.slice(0, ci).filter((i) => i.keyword === 'COPY' && i.stage === 0).flatMap((i) => i.args.slice(0, -1));
    for (const needed of ['package.json', 'package-lock.json', postinstall]) {
      expect(copiedBefore.some((src) => src === needed || needed.startsWith(`${src.replace(/\/$/, '')}/`)), needed).toBe(true);
    }
  });

  it('copies only files that exist in the repository and that .dockerignore keeps', () => {
    const copies = of('COPY').filter((c) => c.flags.from === undefined);
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      for (const source of copy.args.slice(0, -1)) {
        expect(existsSync(resolve(ROOT, source)), source).toBe(true);
        if (source !== '.') expect(ignored(source, dockerignore), `${source} is in .dockerignore`).toBe(false);
      }
    }
    // what the bundle is built from reaches the build context too
    for (const dir of ['runtime', 'compiler', 'generated', 'scripts', 'strategies.json', 'package.json', 'package-lock.json']) {
      expect(ignored(dir, dockerignore), dir).toBe(false);
    }
  });

  it('takes from the build stage only what npm ci and npm run build make there', () => {
    const produced = new Map([
      ['node_modules', 'npm ci'],
      ['dist', 'npm run build'],
    ]);
    const workdir = of('WORKDIR', 0)[0]!.args[0]!;
    const fromBuild = of('COPY', last).filter((c) => c.flags.from !== undefined);
    expect(fromBuild.length).toBeGreaterThan(0);
    for (const copy of fromBuild) {
      expect(copy.flags.from).toBe(buildName);
      for (const source of copy.args.slice(0, -1)) {
        const relative = posix.relative(workdir, source);
        expect(produced.has(relative), source).toBe(true);
      }
    }
    // the runtime stage runs dist/cli.js, which starts dist/worker.js: both come out of scripts/bundle.mjs
    expect(bundleOutputs().sort()).toEqual(['dist/cli.js', 'dist/worker.js']);
    const pkg = JSON.parse(read('package.json')) as { bin: Record<string, string> };
    expect(pkg.bin.probe).toBe('dist/cli.js');
  });

  it('runs probe serve as a non-root user with the example config, on the config port, checking /health', () => {
    const workdir = of('WORKDIR', last)[0]!.args[0]!;
    expect(of('ENTRYPOINT', last)[0]!.args).toEqual(['node', 'dist/cli.js']);
    const cmd = of('CMD', last)[0]!.args;
    expect(cmd[0]).toBe('serve');
    const configPath = cmd[cmd.indexOf('--config') + 1]!;
    const copied = of('COPY', last).find((c) => c.args[0] === 'config.example.yaml')!;
    expect(posix.resolve(workdir, copied.args.at(-1)!)).toBe(configPath);
    expect(cmd[cmd.indexOf('--host') + 1]).toBe('0.0.0.0');

    const user = of('USER', last).at(-1)?.args[0];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);

    const exposed = of('EXPOSE', last).map((e) => Number(e.args[0]));
    expect(exposed).toEqual([port]);
    expect(example.server.port).toBe(port);

    expect(ENDPOINTS.health.path).toBe('/health');
    expect(ENDPOINTS.health.auth).toBe(false);
    const health = of('HEALTHCHECK', last)[0]!.args.join(' ');
    expect(health).toContain(`http://127.0.0.1:${port}/health`);
    expect(health).toMatch(/^node -e .*fetch\(/);
  });

  it('copies the registry and package.json next to dist/, where probe looks for them', () => {
    const workdir = of('WORKDIR', last)[0]!.args[0]!;
    const targets = of('COPY', last).flatMap((c) => {
      const destination = c.args.at(-1)!;
      return c.args.slice(0, -1).map((source) => (destination.endsWith('/') ? posix.join(workdir, destination, posix.basename(source)) : posix.resolve(workdir, destination)));
    });
    expect(targets).toEqual(expect.arrayContaining([posix.join(workdir, example.strategies.registry_file), posix.join(workdir, 'package.json')]));
  });
});

describe('docker-compose.yml', () => {
  const probe = compose.services.probe!;

  it('builds the Dockerfile of this folder and publishes the config port', () => {
    expect(probe.build).toEqual({ context: '.', dockerfile: 'Dockerfile' });
    expect(existsSync(resolve(ROOT, probe.build!.context, probe.build!.dockerfile))).toBe(true);
    expect(probe.ports).toEqual([`${port}:${port}`]);
  });

  it('passes only variables that config.example.yaml or probe reads, PROBE_API_TOKEN among them', () => {
    const env = Object.keys(probe.environment ?? {});
    expect(env).toEqual(expect.arrayContaining(['DB_HOST', 'DB_PORT', 'DB_NAME', 'DB_USER', 'DB_PASSWORD', 'PROBE_API_TOKEN']));
    const exampleText = read('config.example.yaml');
    const serve = read('runtime/service/serve.ts');
    for (const name of env) {
      expect(exampleText.includes(`\${${name}`) || serve.includes(`env.${name}`), name).toBe(true);
    }
    // the password and the token come from the caller's environment, never from this file
    expect(String(probe.environment!.DB_PASSWORD)).toMatch(/^\$\{DB_PASSWORD[:?}]/);
    expect(String(probe.environment!.PROBE_API_TOKEN)).toMatch(/^\$\{PROBE_API_TOKEN[:?}]/);
  });

  it('depends on the database service and checks /health', () => {
    const dependsOn = Array.isArray(probe.depends_on) ? probe.depends_on : Object.keys(probe.depends_on ?? {});
    expect(dependsOn).toContain('db');
    expect(compose.services.db).toBeDefined();
    expect(probe.environment!.DB_HOST).toBe('db');
    expect(probe.healthcheck!.test.join(' ')).toContain(`http://127.0.0.1:${port}/health`);
  });

  it('restarts both services unless stopped', () => {
    expect(probe.restart).toBe('unless-stopped');
    expect(compose.services.db!.restart).toBe('unless-stopped');
  });

  // the health check's own command, run against a stand-in /health: healthy only when it says ok
  it.each([
    [200, { status: 'ok' }, 0],
    [200, { status: 'degraded', database: 'unreachable' }, 1],
    [503, { status: 'degraded', database: 'unreachable' }, 1],
    [500, 'not json', 1],
  ])('health check: HTTP %i %j -> exit %i', async (code, body, expected) => {
    const [cmd, node, flag, script] = probe.healthcheck!.test;
    expect([cmd, node, flag]).toEqual(['CMD', 'node', '-e']);
    const server = createServer((_, res) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const { port: local } = server.address() as AddressInfo;
      const pointed = script!.replace(`http://127.0.0.1:${port}/health`, `http://127.0.0.1:${local}/health`);
      const exit = await new Promise<number | null>((done) => execFile(process.execPath, ['-e', pointed], (error) => done(error ? (error.code as number | null) ?? -1 : 0)));
      expect(exit).toBe(expected);
    } finally {
      server.close();
    }
  });
});
