export async function main(argv: string[]): Promise<void> {
  process.stdout.write(`msrpscope ${argv.length}\n`);
}
