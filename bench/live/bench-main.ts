import { readFileSync } from 'node:fs';

/**
 * A bench's entry point: with `--table <file.json>` it prints the report of a results file without
 * running anything, otherwise it runs; the process exits 0 when done, 1 (with the error) on a failure.
 */
export function benchMain<Results>(run: () => Promise<void>, render: (results: Results) => string): void {
  const table = process.argv.indexOf('--table');
  const work =
    table < 0
      ? run
      : async () => {
          const results = JSON.parse(readFileSync(process.argv[table + 1], 'utf8')) as Results;
          process.stdout.write(render(results));
        };
  work().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
