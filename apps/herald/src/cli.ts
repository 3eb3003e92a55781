#!/usr/bin/env node
import { helpText, startText } from './commands.js';

const [command = 'help'] = process.argv.slice(2);

switch (command) {
  case 'start':
    console.log(startText());
    break;
  case 'help':
  case '--help':
  case '-h':
    console.log(helpText());
    break;
  default:
    console.error(`herald: unknown command "${command}"\n\n${helpText()}`);
    process.exitCode = 2;
}
