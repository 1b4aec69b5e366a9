#!/usr/bin/env node
// Prints the README's diagnostic code table from the code tables in src/*/codes.ts (run after a build).
import { codesMarkdown } from '../dist/cli/codes.js';
process.stdout.write(codesMarkdown());
