import { readFileSync } from 'node:fs';
import { locateUpward } from '../../engine/input/locate-upward.js';
import { safeLine } from '../../engine/input/terminal-text.js';
import { Argument, Command, InvalidArgumentError, Option } from 'commander';

/** The package version, read from the nearest package.json above this module (built, bundled or not). */
export function packageVersion(): string {
  const path = locateUpward(import.meta.url, ['package.json']);
  if (path === null) throw new Error(`package.json not found above ${import.meta.url}`);
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}

function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}`);
    return n;
  };
}

/** A relative precision a bisection of doubles can reach in a few dozen steps. */
function precisionOption(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!(n >= 0.001 && n <= 0.5)) throw new InvalidArgumentError(`${name} must be a number from 0.001 to 0.5`);
    return n;
  };
}

function positiveNumber(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!(Number.isFinite(n) && n > 0 && n <= 1e5)) throw new InvalidArgumentError(`${name} must be a rate above 0 and at most 100000 req/s`);
    return n;
  };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

const DTYPES = ['bf16', 'fp8', 'int4'];

/**
 * The `headroom` command line. Each command is a thin call into the library, imported lazily so
 * `--help` and small commands start fast.
 */
export function buildProgram(): Command {
  // exitOverride first: subcommands inherit it only from settings made before they are added.
  const program = new Command('headroom')
    .exitOverride()
    // Usage errors echo what was typed (an option, an argument): shown, never obeyed by the terminal.
    // Subcommands inherit this setting too, as they do exitOverride.
    // Its messages are one line each (a line break inside came from what was typed).
    .configureOutput({ writeErr: (text) => process.stderr.write(text.endsWith('\n') ? `${safeLine(text.slice(0, -1))}\n` : safeLine(text)) })
    .version(packageVersion())
    .description('Capacity and failure simulator for LLM inference clusters.')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Exit codes: 0 ok, 1 an SLO or threshold check failed, 2 invalid input or usage, 3 internal error.

Examples:
  headroom simulate scenarios/llama-3.1-8b-h100-chat.yaml
  headroom simulate scenarios/llama-3.1-70b-h100-tp4.yaml --set workload.arrival.rate=20 --json -o result.json
  headroom saturation scenarios/llama-3.1-8b-h100-chat.yaml --replications 5
  headroom check scenarios/llama-3.1-8b-h100-chat.yaml --fail-on 'ttft.p99 < 2s' --fail-on 'saturation.headroom >= 30%'
  headroom steptime --model llama-3.1-70b --gpu h100-sxm --tp 4 --decode-seqs 64 --context 1024
  headroom catalog gpus`,
    );

  program
    .command('simulate')
    .description('Simulate one seeded run of a scenario and summarize latency, throughput, SLO and utilization.')
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .option('--set <key.path=value>', 'override any scenario key (repeatable), checked like the file', collect, [])
    .option('--seed <n>', 'replace the scenario seed', integer('--seed', 0, 2 ** 32 - 1))
    .option('--json', 'print the result JSON on stdout and nothing else')
    .option('-o, --output <file>', 'write the result JSON to a file (atomically)')
    .option('--metrics <file>', "also write the run's metrics as vLLM-named Prometheus samples (text exposition, one scrape per interval)")
    .option('--trace <file>', "also write a Chrome/Perfetto trace-event file (steps and their batches, each request's queued/prefill/decode spans, the router's reasons); open it in ui.perfetto.dev")
    .option('--trace-window <from:to>', 'with --trace: record only what starts in this window of simulated time, e.g. 60s:2m (default: the whole run, up to 200,000 events)')
    .addHelpText(
      'after',
      `
Examples:
  headroom simulate scenarios/llama-3.1-8b-h100-chat.yaml
  headroom simulate scenarios/llama-3.1-8b-h100-chat.yaml --set workload.arrival.rate=8 --set stop.requests=2000
  headroom simulate scenarios/llama-3.1-70b-h100-tp4.yaml --seed 7 --json -o out/result.json
  headroom simulate scenarios/llama-3.1-8b-h100-chat.yaml --metrics out/run.prom
  headroom simulate scenarios/llama-3.1-8b-h100-chat.yaml --trace out/trace.json --trace-window 60s:90s`,
    )
    .action(async (file: string, options) => {
      const { simulateCommand } = await import('./commands/simulate.js');
      simulateCommand(file, options);
    });

  program
    .command('calibrate')
    .description("Fit a calibration profile from a deployment's own telemetry (vLLM Prometheus scrapes), for scenarios to name.")
    .option('--prometheus <file>', 'vLLM /metrics scrapes (text exposition; a series with timestamps gives the rate); repeatable: the first is fitted, the rest check it', collect, [])
    .option('--requests <file>', 'vLLM benchmark_serving / vllm bench serve (or SGLang bench_serving) result JSON or JSON lines; repeatable; every run in it counts', collect, [])
    .option('--guidellm <file>', 'guidellm benchmarks.json report; repeatable; every benchmark in it counts', collect, [])
    .option('--nccl <file>', 'nccl-tests log (all_reduce_perf, ...): link latency floor and bus bandwidth; repeatable', collect, [])
    .option('--profile-csv <file>', "operator profile in Vidur's CSV layout: mlp.csv (linear layers: fits the memory and compute scales, every other row held out) or all_reduce.csv (links); repeatable", collect, [])
    .option('--model <id>', 'model catalog id (default: the scrape\'s model_name label when it is one)')
    .option('--gpu <id>', 'GPU catalog id the telemetry was measured on')
    .option('--tp <n>', 'tensor-parallel size', integer('--tp', 1, 64))
    .option('--pp <n>', 'pipeline-parallel size (default: 1)', integer('--pp', 1, 64))
    .option('--replicas <n>', 'replicas that served the measured load (default: 1)', integer('--replicas', 1, 4096))
    .addOption(new Option('--quantization <dtype>', 'weight dtype (default: the model checkpoint dtype)').choices(DTYPES))
    .option('--rate <req/s>', 'offered rate, when the scrape has no timestamps to measure it from', positiveNumber('--rate'))
    .option('-o, --output <file>', 'where to write the profile (JSON; required unless --compare, which writes its comparison there)')
    .option('--compare', 'print each measured run beside its simulation (with --profile, or the catalog constants) instead of fitting')
    .option('--profile <file>', 'with --compare: the profile to simulate with')
    .option('--json', 'with --compare: print the comparison JSON on stdout and nothing else')
    .addHelpText(
      'after',
      `
Examples:
  headroom simulate scenarios/llama-3.1-8b-h100-chat.yaml --metrics run.prom
  headroom calibrate --prometheus run.prom --model llama-3.1-8b --gpu h100-sxm --tp 1 -o profile.json
  headroom calibrate --compare --prometheus run.prom --gpu h100-sxm --tp 1 --profile profile.json
  headroom calibrate --profile-csv mlp.csv --profile-csv all_reduce.csv --model llama-2-7b --gpu h100-sxm --tp 1 -o profile.json
  headroom simulate scenarios/llama-3.1-8b-h100-chat.yaml --set calibration='{profile: profile.json}'`,
    )
    .action(async (options) => {
      const { calibrateCommand } = await import('./commands/calibrate.js');
      calibrateCommand(options);
    });

  program
    .command('saturation')
    .description(
      'Find the offered rate where the SLO breaks, where state pressure (queue growth, KV occupancy, preemptions) begins, what saturates first, and the headroom at the scenario\'s own rate.',
    )
    .argument('<scenario>', 'scenario file (YAML or JSON) with an slo')
    .option('--rates <from:to:step>', 'sweep these offered rates (req/s) instead of searching, e.g. 2:40:2 or 2,4,8')
    .option('--replications <n>', 'seeded simulations per rate (common random numbers across rates)', integer('--replications', 1, 100))
    .option('--precision <fraction>', 'relative precision of the knee search, 0.001 to 0.5 (default 0.02)', precisionOption('--precision'))
    .option('--workers <n>', 'worker threads (default: CPU cores); results are identical for any number', integer('--workers', 1, 256))
    .option('--vary <key=v1,v2>', 'compare configurations: any scenario key and its values (repeatable: every combination)', collect, [])
    .option('--concurrency <levels>', 'instead: a closed-loop sweep of these client counts (e.g. 1,2,4,8,16), as benchmark tools run')
    .option('--target-rate <req/s>', 'also answer: the fewest replicas (and GPUs) that carry this rate under the SLO', positiveNumber('--target-rate'))
    .option('--set <key.path=value>', 'override any scenario key (repeatable)', collect, [])
    .option('--seed <n>', 'replace the scenario seed', integer('--seed', 0, 2 ** 32 - 1))
    .option('--json', 'print the result JSON on stdout and nothing else')
    .option('-o, --output <file>', 'write the result JSON to a file (atomically)')
    .option('--shard <i/N>', 'run shard i of N (1-based) and write a partial result to -o; `headroom merge` makes the result (see `headroom shard-plan`)')
    .addHelpText(
      'after',
      `
Without --rates the analysis searches: it doubles the rate from the scenario's own until the SLO
breaks, then bisects to the stated precision, and says how many simulations it ran.

Examples:
  headroom saturation scenarios/llama-3.1-8b-h100-chat.yaml
  headroom saturation scenarios/llama-3.1-8b-h100-chat.yaml --rates 4:40:4 --replications 5 --json -o out/sat.json
  headroom saturation scenarios/llama-3.1-70b-h100-tp4.yaml --vary serving.tensorParallelSize=2,4,8 --set serving.replicas=1`,
    )
    .action(async (file: string, options) => {
      const { saturationCommand } = await import('./commands/saturation.js');
      await saturationCommand(file, options);
    });

  program
    .command('fabric')
    .description(
      'Fabric Pressure: where east-west traffic (TP all-reduce, pipeline sends, KV hand-offs) loads shared links, couples engines and stretches their steps, and at what load fabric pressure begins beside the SLO break.',
    )
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .option('--rates <from:to:step>', "offered rates to sweep for the onset (default: the scenario's own x 0.25, 0.5, 0.75, 1, 1.25, 1.5, 2)")
    .option('--vary <key=v1,v2>', 'compare configurations: any scenario key and its values, e.g. cluster.topology.spine.oversubscription=1,2,4 (repeatable)', collect, [])
    .option('--workers <n>', 'worker threads (default: CPU cores); results are identical for any number', integer('--workers', 1, 256))
    .option('--set <key.path=value>', 'override any scenario key (repeatable)', collect, [])
    .option('--seed <n>', 'replace the scenario seed', integer('--seed', 0, 2 ** 32 - 1))
    .option('--json', 'print the result JSON on stdout and nothing else')
    .option('-o, --output <file>', 'write the result JSON to a file (atomically)')
    .option('--shard <i/N>', 'run shard i of N (1-based) and write a partial result to -o; `headroom merge` makes the result (see `headroom shard-plan`)')
    .addHelpText(
      'after',
      `
Every collective runs on the flow-level fabric model (links shared max-min fairly); a step lasts its
closed-form time plus what it waited on links other engines' traffic shared.

Examples:
  headroom fabric scenarios/llama-3.1-8b-pd-disaggregated.yaml
  headroom fabric scenarios/llama-3.1-8b-pd-disaggregated.yaml --vary cluster.topology.spine.oversubscription=1,2,4
  headroom fabric scenarios/llama-3.1-70b-h100-tp4.yaml --rates 2:20:2 --json -o out/fabric.json`,
    )
    .action(async (file: string, options) => {
      const { fabricCommand } = await import('./commands/fabric.js');
      await fabricCommand(file, options);
    });

  program
    .command('survive')
    .description(
      'Survivability: Monte Carlo trials of the scenario\'s failures (or one GPU\'s) beside the same runs without them, the boundary map (failure size x offered load: absorbed, degraded, collapsed, metastable) and the spares N+k needs.',
    )
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .option('--trials <n>', 'seeded trials (default 8)', integer('--trials', 1, 10_000))
    .option('--rates <from:to:step>', "offered rates of the boundary map (default: the scenario's own x 0.5, 0.75, 1, 1.25, 1.5)")
    .option('--workers <n>', 'worker threads (default: CPU cores); results are identical for any number', integer('--workers', 1, 256))
    .option('--set <key.path=value>', 'override any scenario key (repeatable)', collect, [])
    .option('--seed <n>', 'replace the scenario seed', integer('--seed', 0, 2 ** 32 - 1))
    .option('--json', 'print the result JSON on stdout and nothing else')
    .option('-o, --output <file>', 'write the result JSON to a file (atomically)')
    .option('--shard <i/N>', 'run shard i of N (1-based) and write a partial result to -o; `headroom merge` makes the result (see `headroom shard-plan`)')
    .addHelpText(
      'after',
      `
Examples:
  headroom survive scenarios/llama-3.1-8b-h100-chat.yaml --set serving.replicas=4 --set cluster.gpusPerNode=4
  headroom survive scenarios/llama-3.1-70b-h100-tp4.yaml --set 'failures=[{kind: node, at: 2m}]' --trials 16 --json -o out/survive.json`,
    )
    .action(async (file: string, options) => {
      const { surviveCommand } = await import('./commands/survive.js');
      await surviveCommand(file, options);
    });

  program
    .command('check')
    .description(
      'Gate CI on thresholds: run each scenario (and a saturation analysis when a threshold needs one), evaluate its checks: and every --fail-on; exit 1 when any fails.',
    )
    .argument('<scenario...>', 'scenario files (YAML or JSON)')
    .option('--fail-on <expr>', 'a threshold every scenario must meet, e.g. "ttft.p99 < 2s" (repeatable)', collect, [])
    .option('--junit <file>', 'write JUnit XML: one testsuite per scenario, one testcase per threshold (atomically)')
    .option('--summary <file>', 'write a Markdown summary, e.g. to append to $GITHUB_STEP_SUMMARY (atomically)')
    .option('--json', 'print the check report JSON (every scenario\'s results inside) on stdout and nothing else')
    .option('-o, --output <file>', 'write the check report JSON to a file (atomically); `headroom report` draws it')
    .option('--shard <i/N>', 'run shard i of N (1-based) and write a partial result to -o; `headroom merge` makes the result (see `headroom shard-plan`)')
    .option('--set <key.path=value>', 'override any scenario key in every scenario (repeatable)', collect, [])
    .option('--seed <n>', 'replace the scenarios\' seed', integer('--seed', 0, 2 ** 32 - 1))
    .option('--replications <n>', 'seeded simulations per rate for saturation.* thresholds', integer('--replications', 1, 100))
    .option('--workers <n>', 'worker threads for saturation.* thresholds (default: CPU cores)', integer('--workers', 1, 256))
    .addHelpText(
      'after',
      `
Thresholds read <field> <op> <value>[unit], ops < <= > >= == !=. Fields: <metric>.<stat> (metric
ttft, tpot, itl, e2e, queueWait; stat mean, p50, p90, p95, p99, max; units us ms s m h), slo.attainment
(0.99 or 99%), slo.goodput, throughput.requestsPerSecond, throughput.outputTokensPerSecond[PerGpu],
requests.dropped, requests.preempted, utilization.kvOccupancyPeak|kvOccupancyMean|gpuBusyFraction,
saturation.rate|headroom (percent)|headroomRate|pressureOnset|goodput, which run a saturation
analysis, and fabric.linkUtilizationP99|linkUtilizationMean|communicationShare|stretchShare (fractions),
fabric.handOffWait (seconds), fabric.pressureOnset (req/s), which run a fabric analysis.
Exit 0 when all hold, 1 when any fails, 2 on invalid input.

Examples:
  headroom check scenarios/llama-3.1-8b-h100-chat.yaml --fail-on 'ttft.p99 < 2s' --fail-on 'slo.attainment >= 99%'
  headroom check scenarios/llama-3.1-8b-h100-chat.yaml --fail-on 'saturation.headroom >= 30%' --replications 3 --junit out/junit.xml --summary out/summary.md`,
    )
    .action(async (files: string[], options) => {
      const { checkCommand } = await import('./commands/check.js');
      await checkCommand(files, options);
    });

  program
    .command('merge')
    .description('Merge the partial results of a sharded run (--shard i/N) into the result the unsharded run writes, byte for byte.')
    .argument('<partials...>', 'partial result files, one per shard (a rerun shard may appear twice if its files agree)')
    .option('--workers <n>', 'worker threads for what the analysis asks for beyond the shards (a search refined around their results)', integer('--workers', 1, 256))
    .option('--json', 'print the result JSON on stdout and nothing else')
    .option('-o, --output <file>', 'write the result JSON to a file (atomically)')
    .addHelpText(
      'after',
      `
It refuses (exit 2) partials of different scenarios, commands, options, Headroom versions or shard
counts, and sets with a shard missing; it replays the command from the scenario files, which must be
where (and as) they were when the shards ran. A merged check exits 1 when a threshold fails.

Example:
  for i in 1 2 3; do headroom saturation s.yaml --rates 4:40:4 --shard $i/3 -o part-$i.json; done
  headroom merge part-*.json -o result.json`,
    )
    .action(async (partials: string[], options) => {
      const { mergeCommand } = await import('./commands/shard-run.js');
      await mergeCommand(partials, options);
    });

  program
    .command('shard-plan')
    .description('Print a Kubernetes Indexed Job or a GitHub Actions matrix workflow that runs a command as N shards and merges them.')
    .argument('<command...>', 'the headroom command to shard, after -- (e.g. -- saturation s.yaml --rates 2:40:2)')
    .requiredOption('--shards <n>', 'how many shards (pods, matrix jobs)', integer('--shards', 1, 10000))
    .option('--kubernetes', 'print an Indexed Job (completions N), its volume claim and the merge Job')
    .option('--github-actions', 'print a workflow: a matrix job per shard, then a merge job')
    .option('--image <image>', 'container image with headroom installed (Kubernetes)', 'ghcr.io/your-org/headroom:0.1.0')
    .option('--name <name>', 'name of the Job / workflow (default from the command)')
    .addHelpText(
      'after',
      `
Examples:
  headroom shard-plan --shards 8 --kubernetes -- saturation scenarios/llama-3.1-8b-h100-chat.yaml --rates 2:40:2
  headroom shard-plan --shards 4 --github-actions -- survive scenarios/llama-3.1-8b-h100-chat.yaml --trials 1000`,
    )
    .action(async (command: string[], options) => {
      const { shardPlanCommand } = await import('./commands/shard-plan.js');
      shardPlanCommand(command, options);
    });

  program
    .command('steptime')
    .description('Explain the time of one continuous-batching step (roofline model) and what it is made of.')
    .requiredOption('--model <id>', 'model catalog id (headroom catalog models)')
    .requiredOption('--gpu <id>', 'GPU catalog id (headroom catalog gpus)')
    .option('--tp <n>', 'tensor-parallel size', integer('--tp', 1, 64), 1)
    .option('--pp <n>', 'pipeline-parallel size', integer('--pp', 1, 64), 1)
    .option('--prefill-tokens <n>', 'prefill tokens in the step (one new sequence)', integer('--prefill-tokens', 0, 10_000_000), 0)
    .option('--decode-seqs <n>', 'sequences decoding one token each', integer('--decode-seqs', 0, 1_000_000), 0)
    .option('--context <n>', 'KV tokens each decoding sequence attends over', integer('--context', 0, 10_000_000), 0)
    .addOption(new Option('--quantization <dtype>', 'weight dtype (default: the model checkpoint dtype)').choices(DTYPES))
    .addOption(new Option('--kv-cache-dtype <dtype>', 'KV cache dtype').choices(['bf16', 'fp8']))
    .option('--json', 'print the explanation as JSON')
    .addHelpText(
      'after',
      `
Examples:
  headroom steptime --model llama-3.1-70b --gpu h100-sxm --tp 4 --prefill-tokens 0 --decode-seqs 64 --context 1024
  headroom steptime --model llama-3.1-8b --gpu a100-80gb --prefill-tokens 2048 --json`,
    )
    .action(async (options) => {
      const { steptimeCommand } = await import('./commands/steptime.js');
      steptimeCommand(options);
    });

  program
    .command('collective')
    .description("Predict an nccl-tests run (all_reduce_perf, ...) with the flow-level fabric model, in nccl-tests' own table layout.")
    .addArgument(new Argument('<collective>', 'which collective').choices(['all-reduce', 'all-gather', 'reduce-scatter', 'all-to-all', 'sendrecv']))
    .requiredOption('--gpus <n>', 'GPUs taking part (ranks)', integer('--gpus', 1, 1024))
    .option('--nodes <n>', 'nodes (default: as many as --gpus needs at gpusPerNode = min(gpus, 8))', integer('--nodes', 1, 1024))
    .option('--gpu <id>', 'GPU catalog id (headroom catalog gpus); default h100-sxm')
    .option('--racks <n>', 'racks (leaf groups) the nodes spread over, so traffic crosses the spine (default 1)', integer('--racks', 1, 1024))
    .option('--set <key.path=value>', 'override a cluster key (repeatable), e.g. cluster.fabric.interNode.gbpsPerGpu=200', collect, [])
    .option('--sizes <from:to:factor>', 'message sizes in bytes, K/M/G = 1024^n, as nccl-tests -b -e -f (default 8:8G:2)')
    .option('--json', 'print the prediction JSON on stdout and nothing else')
    .addHelpText(
      'after',
      `
Set its rows beside your own log: same columns (size, count, type, redop, root, time, algbw,
busbw), busbw by nccl-tests' conventions (all-reduce 2(n-1)/n, all-gather, reduce-scatter and
all-to-all (n-1)/n, sendrecv 1). Inter-node traffic defaults to NDR InfiniBand at 400 Gb/s per GPU.

Examples:
  headroom collective all-reduce --gpus 8
  headroom collective all-reduce --gpus 16 --nodes 2 --gpu h200 --sizes 1G:16G:2
  headroom collective all-reduce --gpus 16 --set cluster.fabric.interNode.gbpsPerGpu=200 --json
  headroom collective all-to-all --gpus 8 --gpu a100-80gb`,
    )
    .action(async (collective: string, options) => {
      const { collectiveCommand } = await import('./commands/collective.js');
      collectiveCommand(collective as 'all-reduce', options);
    });

  program
    .command('schema')
    .description('Print the JSON Schema of the scenario format (for editor validation and autocomplete).')
    .option('-o, --output <file>', 'write it to a file (atomically) instead of stdout')
    .addHelpText(
      'after',
      `
Examples:
  headroom schema -o headroom.schema.json
  # then, first line of a scenario file (VS Code YAML extension and other yaml-language-server editors):
  # yaml-language-server: $schema=./headroom.schema.json`,
    )
    .action(async (options) => {
      const { schemaCommand } = await import('./commands/schema.js');
      schemaCommand(options);
    });

  program
    .command('catalog')
    .description('List the GPUs, models and fabrics a scenario may name (with --json: every entry and its source).')
    .argument('[section]', 'gpus | models | fabrics (default: all)')
    .option('--json', 'print the catalog entries as JSON, sources included')
    .addHelpText('after', '\nExamples:\n  headroom catalog\n  headroom catalog models --json')
    .action(async (section: string | undefined, options) => {
      const { catalogCommand } = await import('./commands/catalog.js');
      catalogCommand(section, options);
    });

  program
    .command('report')
    .description('Write one self-contained HTML report (charts, no network, opens from disk) of one or more result files; several are compared.')
    .argument('<result...>', 'result JSON files (simulate, saturation, saturation --vary); the first is the baseline of a comparison')
    .requiredOption('-o, --output <file>', 'the HTML file to write (atomically)')
    .addHelpText(
      'after',
      `
Examples:
  headroom simulate scenarios/llama-3.1-8b-h100-chat.yaml -o result.json && headroom report result.json -o report.html
  headroom report tp4.json tp8.json h200.json -o compare.html
  headroom saturation scenarios/llama-3.1-8b-h100-chat.yaml -o saturation.json && headroom report saturation.json -o saturation.html`,
    )
    .action(async (files: string[], options: { output: string }) => {
      const { reportCommand } = await import('./commands/report.js');
      reportCommand(files, { output: options.output, generator: `headroom ${program.version() ?? ''}`.trim() });
    });

  program
    .command('alerts')
    .description(
      'Evaluate Prometheus alerting rules against the simulated vLLM metrics of a saturation (or simulation) result: at which offered rate each alert first fires, before or after the SLO breaks.',
    )
    .argument('<rules>', 'Prometheus rule file (YAML: groups of alert: and record: rules)')
    .argument('<result>', 'a saturation result (headroom saturation -o) or a simulation result (headroom simulate -o)')
    .option('--eval-interval <duration>', "evaluation interval of groups that set none, e.g. 15s (default: each run's series interval)")
    .option('--include-drain', 'also evaluate after the last arrival, while the run drains (default: only while load is offered)')
    .option('--fail-on-late', 'exit 1 when an alert first fires only at or above the SLO break (a CI gate)')
    .option('--json', 'print the alerts result JSON on stdout and nothing else')
    .option('-o, --output <file>', 'write the alerts result JSON to a file (atomically)')
    .addHelpText(
      'after',
      `
Each rate of the saturation result is simulated again (replication 0, as the analysis ran it) with
its metrics in vLLM's names; the rules are evaluated as Prometheus would (5 min lookback, rate()
extrapolation, for: pending then firing). An alert that first fires below the SLO break warns
early; at or above it, it fires late (users were hurt first); or it never fires in the range.

Examples:
  headroom saturation scenarios/llama-3.1-8b-h100-chat.yaml -o sat.json
  headroom alerts scenarios/alerts/vllm-alerts.yaml sat.json
  headroom alerts my-rules.yaml sat.json --eval-interval 15s --json -o alerts.json
  headroom alerts scenarios/alerts/vllm-alerts.yaml sat.json --fail-on-late`,
    )
    .action(async (rulesFile: string, resultFile: string, options) => {
      const { alertsCommand } = await import('./commands/alerts.js');
      alertsCommand(rulesFile, resultFile, options);
    });

  return program;
}
