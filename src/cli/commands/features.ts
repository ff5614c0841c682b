import { features } from '../../runtime/features.js';
import { defineCommand } from '../command.js';
import { print } from '../print.js';

export const featuresCommand = defineCommand({
  command: 'features',
  describe: 'print the features this runtime implements (features.md) as JSON',
  builder: (y) => y,
  handler: () => {
    print(JSON.stringify(features(), null, 2) + '\n');
    return 0;
  },
});
