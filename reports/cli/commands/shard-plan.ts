import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import { SHARDED_COMMANDS, type ShardedCommand } from '../../../analyzers/shard/partial-result.js';
import { safeLine } from '../../../engine/input/terminal-text.js';
import { EXIT, ExitError } from '../exit-codes.js';

/**
 * `headroom shard-plan --shards N --kubernetes|--github-actions -- <command...>`: manifests that
 * run a command as N shards on the engines people already have, then merge. Headroom schedules
 * nothing: Kubernetes gives each pod of an Indexed Job its JOB_COMPLETION_INDEX (0-based: the
 * shard is that + 1) and reruns a failed index; a GitHub Actions matrix gives each job its entry.
 */

export interface ShardPlanOptions {
  shards: number;
  kubernetes?: boolean;
  githubActions?: boolean;
  image: string;
  name?: string;
}

/** Flags the plan adds itself (or that would make a shard print instead of write). */
const RESERVED = ['--shard', '-o', '--output', '--json'];

/** A word as POSIX sh reads it back: bare when safe, else single-quoted. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function checkCommand(words: readonly string[]): ShardedCommand {
  const name = words[0];
  if (name === undefined || !(SHARDED_COMMANDS as readonly string[]).includes(name)) {
    throw new ExitError(EXIT.INVALID_INPUT, `shard-plan: expected a command to shard after -- (one of ${SHARDED_COMMANDS.join(', ')}), got ${name === undefined ? 'nothing' : `"${safeLine(name)}"`}`);
  }
  const reserved = words.find((w) => RESERVED.some((r) => w === r || w.startsWith(`${r}=`)));
  if (reserved !== undefined) throw new ExitError(EXIT.INVALID_INPUT, `shard-plan: ${safeLine(reserved)}: the plan sets --shard and -o for each shard itself; leave it out of the command`);
  if (words.length < 2) throw new ExitError(EXIT.INVALID_INPUT, `shard-plan: ${name} needs its scenario file`);
  return name as ShardedCommand;
}

/** A DNS-1123 name from the command and a hash of its words (the same command gets the same name). */
function defaultName(words: readonly string[]): string {
  return `headroom-${words[0]}-${createHash('sha256').update(words.join('\0')).digest('hex').slice(0, 8)}`;
}

const RESULTS = '/results';

/** The Kubernetes manifests: a claim for the partials, the Indexed Job of N shards, the merge Job. */
export function kubernetesPlan(words: readonly string[], shards: number, image: string, name: string): Record<string, unknown>[] {
  const command = words.map(shellWord).join(' ');
  const shard = '$((JOB_COMPLETION_INDEX + 1))';
  const volume = { name: 'results', persistentVolumeClaim: { claimName: `${name}-results` } };
  const mount = { name: 'results', mountPath: RESULTS };
  const pod = (script: string) => ({
    restartPolicy: 'Never',
    containers: [{ name: 'headroom', image, workingDir: '/work', command: ['sh', '-c', script], volumeMounts: [mount] }],
    volumes: [volume],
  });
  return [
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: `${name}-results` },
      spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '1Gi' } } },
    },
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name, labels: { app: 'headroom' } },
      spec: {
        completionMode: 'Indexed',
        completions: shards,
        parallelism: shards,
        // A failed index is rerun alone (Kubernetes 1.29+); a shard that died left no partial.
        backoffLimitPerIndex: 2,
        template: { metadata: { labels: { app: 'headroom' } }, spec: pod(`headroom ${command} --shard ${shard}/${shards} -o ${RESULTS}/part-${shard}.json`) },
      },
    },
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: `${name}-merge`, labels: { app: 'headroom' } },
      // Applied with the shards, it waits until every shard's partial is there (each appears whole:
      // written atomically), then merges; a day at most.
      spec: {
        backoffLimit: 1,
        activeDeadlineSeconds: 86_400,
        template: {
          metadata: { labels: { app: 'headroom' } },
          spec: pod(`until [ "$(ls ${RESULTS}/part-*.json 2>/dev/null | wc -l)" -ge ${shards} ]; do sleep 10; done; headroom merge ${RESULTS}/part-*.json -o ${RESULTS}/result.json`),
        },
      },
    },
  ];
}

/** The GitHub Actions workflow: a matrix job per shard (each uploads its partial), then a merge job. */
export function githubActionsPlan(words: readonly string[], shards: number, name: string): Record<string, unknown> {
  const command = words.map(shellWord).join(' ');
  const setup = [
    { uses: 'actions/checkout@v4' },
    { uses: 'actions/setup-node@v4', with: { 'node-version': 20, cache: 'npm' } },
    // Headroom is a dependency of the repository (from a git URL or a packed tarball; see its README).
    { run: 'npm ci' },
  ];
  return {
    name,
    on: { workflow_dispatch: {} },
    jobs: {
      shard: {
        'runs-on': 'ubuntu-latest',
        strategy: { 'fail-fast': false, matrix: { shard: Array.from({ length: shards }, (_, i) => i + 1) } },
        steps: [
          ...setup,
          { run: `npx headroom ${command} --shard \${{ matrix.shard }}/${shards} -o part-\${{ matrix.shard }}.json` },
          { uses: 'actions/upload-artifact@v4', with: { name: 'part-${{ matrix.shard }}', path: 'part-${{ matrix.shard }}.json' } },
        ],
      },
      merge: {
        needs: 'shard',
        'runs-on': 'ubuntu-latest',
        steps: [
          ...setup,
          { uses: 'actions/download-artifact@v4', with: { pattern: 'part-*', 'merge-multiple': true } },
          { run: 'npx headroom merge part-*.json -o result.json' },
          { uses: 'actions/upload-artifact@v4', with: { name: 'result', path: 'result.json' } },
        ],
      },
    },
  };
}

export function shardPlanCommand(words: string[], options: ShardPlanOptions): void {
  checkCommand(words);
  if (options.kubernetes === options.githubActions) throw new ExitError(EXIT.INVALID_INPUT, 'shard-plan: expected one of --kubernetes or --github-actions');
  const name = options.name ?? defaultName(words);
  if (!/^[a-z0-9]([-a-z0-9]{0,50}[a-z0-9])?$/.test(name)) throw new ExitError(EXIT.INVALID_INPUT, `shard-plan: --name ${safeLine(name)}: expected a lowercase DNS name (letters, digits, -), at most 52 characters`);
  if (options.kubernetes) {
    const docs = kubernetesPlan(words, options.shards, options.image, name);
    const head = [
      `# ${options.shards} shards of: headroom ${words.map(shellWord).join(' ')}`,
      `# The image needs headroom on its PATH and the scenario files under /work (as in the repository).`,
      `# kubectl apply -f this file: a claim for the partials, the Indexed Job (pod i runs shard i + 1),`,
      `# and the merge Job, which waits for all ${options.shards} partials. Then:`,
      `#   kubectl wait --for=condition=complete job/${name}-merge --timeout=24h`,
      `#   (result.json is on the claim: kubectl cp from a pod that mounts it)`,
    ].join('\n');
    process.stdout.write(`${head}\n${docs.map((d) => `---\n${stringify(d, { lineWidth: 0, aliasDuplicateObjects: false })}`).join('')}`);
    return;
  }
  process.stdout.write(`# ${options.shards} shards of: headroom ${words.map(shellWord).join(' ')}\n${stringify(githubActionsPlan(words, options.shards, name), { lineWidth: 0, aliasDuplicateObjects: false })}`);
}
