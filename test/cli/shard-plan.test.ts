import { validateWorkflow } from '@action-validator/core';
import { Job } from 'kubernetes-models/batch/v1';
import { PersistentVolumeClaim } from 'kubernetes-models/v1';
import { parseAllDocuments, parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

/**
 * `headroom shard-plan` prints manifests a planner applies as they are: an Indexed Job validated
 * against the Kubernetes API schema (kubernetes-models' typed models), and a GitHub Actions
 * workflow validated against the workflow schema (SchemaStore's, through action-validator).
 */

const COMMAND = ['saturation', 'scenarios/llama-3.1-8b-h100-chat.yaml', '--rates', '2:40:2', '--set', 'workload.arrival.rate=12'];

describe('headroom shard-plan', () => {
  it('--kubernetes: a claim, an Indexed Job of N pods mapping JOB_COMPLETION_INDEX to --shard, and a merge Job, all valid', () => {
    const r = runCli('shard-plan', '--shards', '8', '--kubernetes', '--image', 'registry.example/headroom:1', '--', ...COMMAND);
    expect(r.code, r.stderr).toBe(0);
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as Record<string, unknown>);
    expect(docs.map((d) => d.kind)).toEqual(['PersistentVolumeClaim', 'Job', 'Job']);
    new PersistentVolumeClaim(docs[0] as never).validate();
    const shards = new Job(docs[1] as never);
    shards.validate();
    new Job(docs[2] as never).validate();
    expect(shards.spec).toMatchObject({ completionMode: 'Indexed', completions: 8, parallelism: 8, backoffLimitPerIndex: 2 });
    const container = shards.spec!.template.spec!.containers[0]!;
    expect(container.image).toBe('registry.example/headroom:1');
    expect(container.command).toEqual([
      'sh',
      '-c',
      'headroom saturation scenarios/llama-3.1-8b-h100-chat.yaml --rates 2:40:2 --set workload.arrival.rate=12 --shard $((JOB_COMPLETION_INDEX + 1))/8 -o /results/part-$((JOB_COMPLETION_INDEX + 1)).json',
    ]);
    const merge = (docs[2] as { spec: { template: { spec: { containers: { command: string[] }[] } } } }).spec.template.spec.containers[0]!.command[2]!;
    expect(merge).toContain('-ge 8 ]');
    expect(merge).toContain('headroom merge /results/part-*.json -o /results/result.json');
  });

  it('the Kubernetes model check is live: a Job without a container name or with text for completions fails it', () => {
    expect(() => new Job({ metadata: { name: 'x' }, spec: { completions: 'eight', template: { spec: { containers: [{ image: 'i' }] } } } } as never).validate()).toThrow(/completions must be integer/);
  });

  it('--github-actions: a matrix job per shard uploading its partial, then a merge job, valid against the workflow schema', () => {
    const r = runCli('shard-plan', '--shards', '4', '--github-actions', '--', 'survive', 'scenarios/llama-3.1-8b-h100-chat.yaml', '--trials', '1000');
    expect(r.code, r.stderr).toBe(0);
    expect(validateWorkflow(r.stdout).errors).toEqual([]);
    const wf = parse(r.stdout) as { jobs: { shard: { strategy: { matrix: { shard: number[] } }; steps: { run?: string }[] }; merge: { needs: string; steps: { run?: string }[] } } };
    expect(wf.jobs.shard.strategy.matrix.shard).toEqual([1, 2, 3, 4]);
    expect(wf.jobs.shard.steps.map((s) => s.run).filter(Boolean)).toContain(
      'npx headroom survive scenarios/llama-3.1-8b-h100-chat.yaml --trials 1000 --shard ${{ matrix.shard }}/4 -o part-${{ matrix.shard }}.json',
    );
    expect(wf.jobs.merge.needs).toBe('shard');
    expect(wf.jobs.merge.steps.map((s) => s.run)).toContain('npx headroom merge part-*.json -o result.json');
    // The schema check is live: a misspelt key fails it.
    expect(validateWorkflow(r.stdout.replace('runs-on', 'runs-onn')).errors.length).toBeGreaterThan(0);
  });

  it('refuses what it cannot plan: no command, one that does not shard, flags it sets itself, neither or both targets', () => {
    const cases: [string[], RegExp][] = [
      [['--shards', '2', '--kubernetes'], /missing required argument|expected a command to shard/],
      [['--shards', '2', '--kubernetes', '--', 'simulate', 's.yaml'], /expected a command to shard after -- \(one of saturation, survive, fabric, check\), got "simulate"/],
      [['--shards', '2', '--kubernetes', '--', 'saturation', 's.yaml', '-o', 'x.json'], /-o: the plan sets --shard and -o for each shard itself/],
      [['--shards', '2', '--', 'saturation', 's.yaml'], /expected one of --kubernetes or --github-actions/],
      [['--shards', '2', '--kubernetes', '--github-actions', '--', 'saturation', 's.yaml'], /expected one of --kubernetes or --github-actions/],
      [['--shards', '0', '--kubernetes', '--', 'saturation', 's.yaml'], /--shards must be an integer from 1/],
    ];
    for (const [args, message] of cases) {
      const r = runCli('shard-plan', ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
  });
});
