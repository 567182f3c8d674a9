import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';

/** The package version, read from package.json beside the built dist/ or the sources. */
function packageVersion(): string {
  const url = new URL(import.meta.url.includes('/dist/') ? '../../../package.json' : '../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}

function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}`);
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
    .addHelpText(
      'after',
      `
Examples:
  headroom simulate scenarios/llama-3.1-8b-h100-chat.yaml
  headroom simulate scenarios/llama-3.1-8b-h100-chat.yaml --set workload.arrival.rate=8 --set stop.requests=2000
  headroom simulate scenarios/llama-3.1-70b-h100-tp4.yaml --seed 7 --json -o out/result.json`,
    )
    .action(async (file: string, options) => {
      const { simulateCommand } = await import('./commands/simulate.js');
      simulateCommand(file, options);
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
    .command('catalog')
    .description('List the GPUs, models and fabrics a scenario may name (with --json: every entry and its source).')
    .argument('[section]', 'gpus | models | fabrics (default: all)')
    .option('--json', 'print the catalog entries as JSON, sources included')
    .addHelpText('after', '\nExamples:\n  headroom catalog\n  headroom catalog models --json')
    .action(async (section: string | undefined, options) => {
      const { catalogCommand } = await import('./commands/catalog.js');
      catalogCommand(section, options);
    });

  return program;
}
